import type { AnyCheck } from '../src/engine/check.js';
import editorSettings from './agent/editor-settings.js';
import mcpServers from './agent/mcp-servers.js';
import editorTelemetry from './telemetry/editors.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const AGENT_MCP_CHECKS: readonly AnyCheck[] = [mcpServers, editorSettings, editorTelemetry] as unknown as readonly AnyCheck[];
