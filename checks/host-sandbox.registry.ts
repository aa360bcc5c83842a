import type { AnyCheck } from '../src/engine/check.js';
import edrPresent from './monitoring/edr-present.js';
import agentIsolation from './sandbox/agent-isolation.js';
import agentUser from './sandbox/agent-user.js';
import macEnforcing from './sandbox/mac-enforcing.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const HOST_SANDBOX_CHECKS: readonly AnyCheck[] = [agentIsolation, agentUser, macEnforcing, edrPresent] as unknown as readonly AnyCheck[];
