import type { AnyCheck } from '../src/engine/check.js';
import devTools from './telemetry/dev-tools.js';
import os from './telemetry/os.js';
import auditRules from './monitoring/audit-rules.js';
import diskEncryption from './monitoring/disk-encryption.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const TELEMETRY_CHECKS: readonly AnyCheck[] = [devTools, os, auditRules, diskEncryption] as unknown as readonly AnyCheck[];
