import type { AnyCheck } from '../src/engine/check.js';
import broadAllowRules from './agent/broad-allow-rules.js';
import credentialReachability from './agent/credential-reachability.js';
import managedPolicy from './agent/managed-policy.js';
import permissionMode from './agent/permission-mode.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const AGENT_CHECKS: readonly AnyCheck[] = [permissionMode, broadAllowRules, credentialReachability, managedPolicy] as unknown as readonly AnyCheck[];
