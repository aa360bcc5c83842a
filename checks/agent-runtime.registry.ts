import type { AnyCheck } from '../src/engine/check.js';
import hooks from './agent/hooks.js';
import transcriptRetention from './agent/transcript-retention.js';
import agentSandboxSettings from './sandbox/agent-sandbox-settings.js';
import claudeCode from './telemetry/claude-code.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const AGENT_RUNTIME_CHECKS: readonly AnyCheck[] = [hooks, transcriptRetention, agentSandboxSettings, claudeCode] as unknown as readonly AnyCheck[];
