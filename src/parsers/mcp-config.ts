import type { Node } from 'jsonc-parser';
import { isLiteralSecretValue, isPlaceholderValue, isReferenceValue, isSecretLikeName } from '../secrets/secret-heuristics.js';
import { findTokens, hintForValue } from '../secrets/token-shapes.js';
import { redactedHint } from '../secrets/redact.js';
import { stripBom } from '../util/text-lines.js';
import { parseJsonTree } from './json-tree.js';

// MCP server configuration files of every client, JSONC with positions:
// - `mcpServers` maps: Claude Code `.mcp.json` and `managed-mcp.json`, Claude Desktop
//   `claude_desktop_config.json`, Cursor `~/.cursor/mcp.json` and `.cursor/mcp.json`, Windsurf
//   `~/.codeium/windsurf/mcp_config.json` (remote servers under `serverUrl`);
// - `servers` maps with `inputs`: VS Code `.vscode/mcp.json` and the user `mcp.json`;
// - `~/.claude.json`: top-level `mcpServers` (user scope) and `projects.<path>.mcpServers` (local scope),
//   with each project's `enableAllProjectMcpServers` and `enabledMcpjsonServers` state.
//
// Secret values never leave this module: env, header, argument and URL values are classified (literal,
// reference, placeholder, token-shaped) and carry at most a redacted hint; arguments that hold a secret
// are replaced by `<redacted …xy>` in the argument list.

export type McpFormat = 'mcpServers' | 'vscode' | 'claude-json';
export type McpTransport = 'stdio' | 'http' | 'sse' | 'ws' | 'unknown';
/** token: matches a known token shape; literal: plain text; reference: `${VAR}`, `${input:x}`, `${env:X}`, ... */
export type ValueKind = 'empty' | 'reference' | 'placeholder' | 'token' | 'literal' | 'non-string';

export interface McpValue {
  /** Variable or header name, `argument 3`, or `URL password` / `URL query apiKey`. */
  name: string;
  line: number;
  kind: ValueKind;
  /** The name says secret (API_KEY, GITHUB_TOKEN, Authorization, X-Api-Key). */
  secretName: boolean;
  /** The value is a secret written into the file: token-shaped, or a literal under a secret-like name. */
  secret: boolean;
  /** Human kind of the token shape (token values). */
  tokenKind?: string;
  /** Redacted hint, for secret values only. */
  hint?: string;
}

export interface McpUrl {
  key: 'url' | 'serverUrl';
  line: number;
  scheme: string;
  host: string;
  port?: string;
  /** `scheme://host[:port]`, safe to show (no user info, path or query). */
  origin: string;
  loopback: boolean;
  /** The host is a `${VAR}` reference, resolved elsewhere. */
  hostIsReference: boolean;
  /** The path ends in `/sse`, the endpoint of the legacy HTTP+SSE transport. */
  pathEndsWithSse: boolean;
  /** Passwords in the user info and secret-like query parameters. */
  secrets: McpValue[];
}

export interface McpServer {
  name: string;
  /** Line of the server's name key. */
  line: number;
  /** JSON key path of the server object in its file. */
  keyPath: string[];
  /** `projects.<path>` of ~/.claude.json (local scope). */
  project?: string;
  transport: McpTransport;
  /** `type` or `transport` as written. */
  declaredType?: { value: string; line: number };
  command?: { value: string; line: number };
  /** Arguments as written, except those holding a secret (replaced by `<redacted …>`). */
  args: { value: string; line: number }[];
  env: McpValue[];
  headers: McpValue[];
  /** Arguments that hold a secret (`--api-key x`, `-e TOKEN=x`, `--header Authorization: Bearer x`). */
  argSecrets: McpValue[];
  url?: McpUrl;
  envFile?: { value: string; line: number };
  /** `disabled: true` (Cursor, Windsurf, Cline) or `enabled: false`. */
  disabled: boolean;
}

export interface ClaudeJsonProject {
  path: string;
  line: number;
  enableAllProjectMcpServers?: { value: boolean; line: number };
  enabledMcpjsonServers: string[];
  hasTrustDialogAccepted?: boolean;
}

export interface McpInput {
  id: string;
  line: number;
  password: boolean;
}

export interface McpConfigParse {
  servers: McpServer[];
  /** ~/.claude.json only. */
  projects: ClaudeJsonProject[];
  /** VS Code `inputs`. */
  inputs: McpInput[];
  /** Invalid JSON (with its line) or an unexpected shape; what could be read still counts. */
  error?: string;
}

/** Fast offset-to-line lookups for large files (~/.claude.json grows to megabytes). */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.starts.push(i + 1);
      else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) this.starts.push(i + 1);
    }
  }
  line(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}

type Props = [string, Node, number][];

function properties(index: LineIndex, node: Node | undefined): Props {
  if (node?.type !== 'object') return [];
  const out: Props = [];
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode?.type !== 'string' || valueNode === undefined) continue;
    out.push([String(keyNode.value), valueNode, index.line(keyNode.offset)]);
  }
  return out;
}

function property(index: LineIndex, node: Node | undefined, key: string): [Node, number] | undefined {
  const found = properties(index, node).filter(([name]) => name === key).pop();
  return found ? [found[1], found[2]] : undefined;
}

function stringOf(node: Node | undefined): string | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

/** Header names that carry credentials although their words do not say "key" or "token". */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'private-token', 'x-goog-api-key', 'ocp-apim-subscription-key']);

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || isSecretLikeName(name);
}

/** The credential part of an auth header value (`Bearer x` -> `x`). */
function withoutAuthScheme(value: string): string {
  return value.replace(/^\s*(?:Bearer|Basic|Token|Bot|ApiKey|Digest)\s+/i, '');
}

/** Classifies one value; the value itself is not kept. */
export function classifyValue(name: string, value: unknown, secretName: boolean, line: number): McpValue {
  if (typeof value !== 'string') return { name, line, kind: value === undefined || value === null ? 'empty' : 'non-string', secretName, secret: false };
  if (value.trim() === '') return { name, line, kind: 'empty', secretName, secret: false };
  const token = findTokens(value)[0];
  if (token) return { name, line, kind: 'token', secretName, secret: true, tokenKind: token.kind, hint: token.hint };
  const credential = withoutAuthScheme(value);
  if (isReferenceValue(value)) return { name, line, kind: 'reference', secretName, secret: false };
  // A connection string with a password (postgresql://user:password@host/db), whatever the name says.
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && isLiteralSecretValue(decodeSafe(password)) && !isPlaceholderValue(decodeSafe(password))) {
    return { name, line, kind: 'literal', secretName, secret: true, hint: redactedHint(decodeSafe(password)) };
  }
  if (isPlaceholderValue(credential)) return { name, line, kind: 'placeholder', secretName, secret: false };
  const secret = secretName && isLiteralSecretValue(credential);
  return { name, line, kind: 'literal', secretName, secret, ...(secret ? { hint: hintForValue(credential) } : {}) };
}

const URL_PASSWORD = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/?#\s]*:([^@/?#\s]+)@/;

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback', '0.0.0.0', '::1', '::', '0:0:0:0:0:0:0:1']);

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost')) return true;
  if (/^127(?:\.\d{1,3}){3}$/.test(bare)) return true;
  return /^::ffff:127(?:\.\d{1,3}){3}$/.test(bare);
}

const URL_PATTERN = /^\s*([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?([^?#]*)(?:\?([^#]*))?/;

/** Scheme, host and port of an MCP URL, with secrets in user info or the query classified, never kept. */
export function parseMcpUrl(value: string, key: McpUrl['key'], line: number): McpUrl | undefined {
  const match = URL_PATTERN.exec(value);
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  const userinfo = match[2];
  const host = (match[3] ?? '').toLowerCase();
  const port = match[4] || undefined;
  const path = match[5] ?? '';
  const query = match[6];
  const hostIsReference = /\$\{|\$[A-Za-z_]|%[A-Za-z_]/.test(host) || host === '';
  const secrets: McpValue[] = [];
  if (userinfo !== undefined && userinfo.includes(':')) {
    const password = decodeSafe(userinfo.slice(userinfo.indexOf(':') + 1));
    secrets.push(classifyValue('URL password', password, true, line));
  } else if (userinfo) {
    // A lone user-info part is often a token (https://<token>@host).
    const tokenLike = classifyValue('URL user info', decodeSafe(userinfo), false, line);
    if (tokenLike.kind === 'token') secrets.push(tokenLike);
  }
  for (const pair of (query ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeSafe(eq === -1 ? pair : pair.slice(0, eq));
    const raw = eq === -1 ? '' : decodeSafe(pair.slice(eq + 1));
    const secretName = isSecretLikeName(name) || /^(?:key|api[-_]?key|access[-_]?token|auth|token|sig|signature)$/i.test(name);
    secrets.push(classifyValue(`URL query ${name}`, raw, secretName, line));
  }
  // Tokens anywhere else in the URL (a path segment).
  for (const token of findTokens(path)) secrets.push({ name: 'URL path', line, kind: 'token', secretName: false, secret: true, tokenKind: token.kind, hint: token.hint });
  return {
    key,
    line,
    scheme,
    host,
    ...(port ? { port } : {}),
    origin: hostIsReference ? `${scheme}://<variable>` : `${scheme}://${host}${port ? `:${port}` : ''}`,
    loopback: !hostIsReference && isLoopbackHost(host),
    hostIsReference,
    pathEndsWithSse: /\/sse\/?$/i.test(path),
    secrets: secrets.filter((item) => item.secret),
  };
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Options that carry a header (`mcp-remote --header "Authorization: Bearer x"`, `curl -H`). */
const HEADER_OPTIONS = new Set(['--header', '-H', '--headers']);

/**
 * Secrets in arguments: token-shaped text, `--api-key x` / `--token=x` with a literal value,
 * `NAME=value` (docker -e, env) with a secret-like name, and auth headers given on the command line.
 * Returns the arguments to keep (secrets replaced by a redacted marker) and the secrets found.
 */
function scanArgs(items: { value: string; line: number }[]): { args: { value: string; line: number }[]; secrets: McpValue[] } {
  const secrets: McpValue[] = [];
  const args = items.map((item) => ({ ...item }));
  const redact = (index: number, found: McpValue) => {
    secrets.push(found);
    (args[index] as { value: string }).value = `<redacted ${found.hint ?? '…'}>`;
  };
  for (let index = 0; index < items.length; index += 1) {
    const { value, line } = items[index] as { value: string; line: number };
    const label = `argument ${index + 1}`;
    const tokens = findTokens(value);
    if (tokens[0]) {
      redact(index, { name: label, line, kind: 'token', secretName: false, secret: true, tokenKind: tokens[0].kind, hint: tokens[0].hint });
      continue;
    }
    const previous = index > 0 ? (items[index - 1] as { value: string }).value : undefined;
    // --header "Authorization: Bearer x" (value after the option), or --header=...
    const headerText = previous !== undefined && HEADER_OPTIONS.has(previous) ? value : /^--headers?=(.*)$/s.exec(value)?.[1];
    if (headerText !== undefined) {
      const colon = headerText.indexOf(':');
      if (colon > 0) {
        const name = headerText.slice(0, colon).trim();
        const found = classifyValue(`${label} (header ${name})`, headerText.slice(colon + 1).trim(), isSecretHeaderName(name), line);
        if (found.secret) redact(index, found);
      }
      continue;
    }
    // --api-key=x / --token=x
    const inline = /^--?([A-Za-z][\w-]*)=(.*)$/s.exec(value);
    if (inline && isSecretLikeName(inline[1] as string)) {
      const found = classifyValue(`${label} (--${inline[1]})`, inline[2], true, line);
      if (found.secret) redact(index, found);
      continue;
    }
    // --api-key x
    const option = previous !== undefined ? /^--?([A-Za-z][\w-]*)$/.exec(previous) : null;
    if (option && !value.startsWith('-') && isSecretLikeName(option[1] as string)) {
      const found = classifyValue(`${label} (--${option[1]})`, value, true, line);
      if (found.secret) redact(index, found);
      continue;
    }
    // postgresql://user:password@host/db as a positional argument
    if (URL_PASSWORD.test(value)) {
      const found = classifyValue(`${label} (connection string)`, value, false, line);
      if (found.secret) redact(index, found);
      continue;
    }
    // NAME=value (docker run -e, env NAME=value)
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
    if (assignment && isSecretLikeName(assignment[1] as string)) {
      const found = classifyValue(`${label} (${assignment[1]})`, assignment[2], true, line);
      if (found.secret) redact(index, found);
    }
  }
  return { args, secrets };
}

function transportOf(declared: string | undefined, hasCommand: boolean, url: McpUrl | undefined): McpTransport {
  if (declared !== undefined) {
    const value = declared.toLowerCase().replace(/[-_\s]/g, '');
    if (value === 'stdio') return 'stdio';
    if (value === 'http' || value === 'streamablehttp' || value === 'streamable') return 'http';
    if (value === 'sse') return 'sse';
    if (value === 'ws' || value === 'websocket') return 'ws';
    return 'unknown';
  }
  if (hasCommand) return 'stdio';
  if (url) return url.scheme === 'ws' || url.scheme === 'wss' ? 'ws' : 'http';
  return 'unknown';
}

function valuesOf(index: LineIndex, node: Node | undefined, header: boolean): McpValue[] {
  return properties(index, node).map(([name, value, line]) =>
    classifyValue(name, value.type === 'string' ? value.value : value.type === 'null' ? undefined : value.type === 'object' || value.type === 'array' ? {} : value.value, header ? isSecretHeaderName(name) : isSecretLikeName(name), line),
  );
}

function parseServer(index: LineIndex, name: string, node: Node, line: number, keyPath: string[], project?: string): McpServer {
  const get = (key: string) => property(index, node, key);
  const typeNode = get('type');
  const transportNode = get('transport');
  let declaredType: McpServer['declaredType'];
  const typeText = stringOf(typeNode?.[0]);
  if (typeText !== undefined && typeNode) declaredType = { value: typeText, line: typeNode[1] };
  else if (transportNode) {
    // `"transport": "sse"` or `"transport": { "type": "http" }` (seen in Claude Desktop configs).
    const text = stringOf(transportNode[0]) ?? stringOf(property(index, transportNode[0], 'type')?.[0]);
    if (text !== undefined) declaredType = { value: text, line: transportNode[1] };
  }
  const commandNode = get('command');
  const commandText = stringOf(commandNode?.[0]);
  const command = commandText !== undefined && commandNode ? { value: commandText, line: commandNode[1] } : undefined;
  const argsNode = get('args')?.[0];
  const rawArgs = argsNode?.type === 'array' ? (argsNode.children ?? []).flatMap((item) => (item.type === 'string' || item.type === 'number' || item.type === 'boolean' ? [{ value: String(item.value), line: index.line(item.offset) }] : [])) : [];
  const { args, secrets: argSecrets } = scanArgs(rawArgs);
  let url: McpUrl | undefined;
  for (const key of ['url', 'serverUrl'] as const) {
    const found = get(key);
    const text = stringOf(found?.[0]);
    if (found && text !== undefined && url === undefined) url = parseMcpUrl(text, key, found[1]);
  }
  const envFileNode = get('envFile');
  const envFileText = stringOf(envFileNode?.[0]);
  const disabled = get('disabled')?.[0].value === true || get('enabled')?.[0].value === false;
  return {
    name,
    line,
    keyPath,
    ...(project !== undefined ? { project } : {}),
    transport: transportOf(declaredType?.value, command !== undefined, url),
    ...(declaredType ? { declaredType } : {}),
    ...(command ? { command } : {}),
    args,
    env: valuesOf(index, get('env')?.[0], false),
    headers: valuesOf(index, get('headers')?.[0], true),
    argSecrets,
    ...(url ? { url } : {}),
    ...(envFileText !== undefined && envFileNode ? { envFile: { value: envFileText, line: envFileNode[1] } } : {}),
    disabled,
  };
}

function serversIn(index: LineIndex, map: Node | undefined, keyPath: string[], project?: string): McpServer[] {
  const servers: McpServer[] = [];
  for (const [name, node, line] of properties(index, map)) {
    // `_comment`-style keys and non-objects are not servers.
    if (node.type !== 'object') continue;
    servers.push(parseServer(index, name, node, line, [...keyPath, name], project));
  }
  return servers;
}

/** Parses one MCP configuration file; never throws, never keeps a secret value. */
export function parseMcpConfig(input: string, format: McpFormat): McpConfigParse {
  const text = stripBom(input);
  const out: McpConfigParse = { servers: [], projects: [], inputs: [] };
  if (text.trim() === '') return out;
  const { root, error } = parseJsonTree(text, { jsonc: true });
  // The error names a line and an error code only, never the text.
  if (error) out.error = error;
  if (root === undefined) {
    out.error ??= 'empty file';
    return out;
  }
  if (root.type !== 'object') {
    out.error ??= 'the top level is not a JSON object';
    return out;
  }
  const index = new LineIndex(text);
  const keys = format === 'vscode' ? ['servers', 'mcpServers'] : ['mcpServers', ...(format === 'mcpServers' ? ['servers'] : [])];
  for (const key of keys) {
    const found = property(index, root, key);
    if (!found) continue;
    if (found[0].type !== 'object') {
      out.error ??= `line ${found[1]}: "${key}" is not an object`;
      continue;
    }
    out.servers.push(...serversIn(index, found[0], [key]));
    break;
  }
  const inputs = property(index, root, 'inputs')?.[0];
  for (const item of inputs?.type === 'array' ? inputs.children ?? [] : []) {
    const id = stringOf(property(index, item, 'id')?.[0]);
    if (id !== undefined) out.inputs.push({ id, line: index.line(item.offset), password: property(index, item, 'password')?.[0].value === true });
  }
  if (format === 'claude-json') {
    for (const [path, node, line] of properties(index, property(index, root, 'projects')?.[0])) {
      if (node.type !== 'object') continue;
      const enableAll = property(index, node, 'enableAllProjectMcpServers');
      const enabled = property(index, node, 'enabledMcpjsonServers')?.[0];
      const trust = property(index, node, 'hasTrustDialogAccepted')?.[0];
      out.projects.push({
        path,
        line,
        ...(enableAll && typeof enableAll[0].value === 'boolean' ? { enableAllProjectMcpServers: { value: enableAll[0].value, line: enableAll[1] } } : {}),
        enabledMcpjsonServers: enabled?.type === 'array' ? (enabled.children ?? []).flatMap((item) => (typeof item.value === 'string' ? [item.value] : [])) : [],
        ...(typeof trust?.value === 'boolean' ? { hasTrustDialogAccepted: trust.value } : {}),
      });
      const servers = property(index, node, 'mcpServers')?.[0];
      if (servers?.type === 'object') out.servers.push(...serversIn(index, servers, ['projects', path, 'mcpServers'], path));
    }
  }
  return out;
}

/** The command line of a server as it may be shown: secrets in arguments are already redacted. */
export function displayCommand(server: McpServer, maxLength = 120): string {
  const parts = [server.command?.value ?? '', ...server.args.map((arg) => (/[\s"]/.test(arg.value) ? JSON.stringify(arg.value) : arg.value))].filter((part) => part !== '');
  const text = parts.join(' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
