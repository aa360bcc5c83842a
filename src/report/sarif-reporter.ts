// SARIF 2.1.0 for GitHub code scanning, Azure DevOps, the VS Code SARIF viewer and other consumers.
// A pure function of the report: no clock, no file system, no environment.
//
// What GitHub code scanning needs, and how this file meets it (docs.github.com, "SARIF support for code
// scanning" and "SARIF results exceed limit"):
// - one run per tool, rules in tool.driver.rules, each result with ruleId and a matching ruleIndex;
// - every result with at least one location whose physicalLocation.artifactLocation.uri is not empty;
// - security alerts: rule properties.tags containing "security" plus properties["security-severity"], a
//   string holding a number (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low), and precision;
// - stable partialFingerprints so that an alert is the same alert from one upload to the next;
// - at most 25,000 results per run and 10 MB per upload: results beyond are left out, most severe kept,
//   and a tool notification says how many.
import { createHash } from 'node:crypto';
import type { AnyCheck, Area, Reference } from '../engine/check.js';
import type { CheckResult, ResultFinding, Status } from '../engine/result.js';
import { severityRank, type FailOn, type Severity } from '../engine/severity.js';
import type { Platform } from '../host/host.js';
import { escapeMarkdown } from './markdown-reporter.js';
import type { AuditReport } from './report-model.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** The project's home, as in the $id of schemas/report.schema.json. */
export const TOOL_INFORMATION_URI = 'https://cowork-audit.dev';
/** Key of our fingerprint in result.partialFingerprints; bump the version if the recipe ever changes. */
export const FINGERPRINT_KEY = 'coworkAudit/v1';
/** The base id relative locations use: the repository root for repo targets. */
export const SRCROOT = '%SRCROOT%';
/** GitHub's hard limit per run. */
export const MAX_SARIF_RESULTS = 25_000;
/** GitHub rejects uploads over 10 MB; the results get 9,000,000 bytes of the pretty-printed file, rules and run data the rest. */
export const MAX_SARIF_RESULT_BYTES = 9_000_000;
/** A message longer than this is cut (8,000 UTF-16 units stay under 32 KB of UTF-8). */
export const MAX_MESSAGE_CHARS = 8_000;

/** GitHub's security-severity bands, one point inside each of ours. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

export interface SarifContext {
  failOn: FailOn;
  /** The exit code the CLI returns for this report (exitCodeFor(report, failOn)). */
  exitCode: number;
  /** The check registry: rules take their rationale, fix and references from here. */
  checks: readonly AnyCheck[];
  /** Other limits than GitHub's (MAX_SARIF_RESULTS, MAX_SARIF_RESULT_BYTES), for other consumers and tests. */
  limits?: { maxResults?: number; maxResultBytes?: number };
}

// The subset of the SARIF object model this file writes.
interface Message {
  text: string;
  markdown?: string;
}
interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}
interface PhysicalLocation {
  artifactLocation: ArtifactLocation;
  region?: { startLine: number };
}
interface LogicalLocation {
  name: string;
  kind: string;
  fullyQualifiedName: string;
}
interface SarifLocation {
  physicalLocation: PhysicalLocation;
  logicalLocations?: LogicalLocation[];
}
interface Suppression {
  kind: 'external';
  status: 'accepted';
  justification: string;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: Message;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: Suppression[];
  properties: Record<string, unknown>;
}
interface ReportingDescriptor {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, unknown>;
}
interface DescriptorReference {
  id: string;
  index?: number;
}
interface Notification {
  level: 'error' | 'warning' | 'note';
  message: Message;
  descriptor?: DescriptorReference;
  associatedRule?: DescriptorReference;
}

interface RuleSource {
  id: string;
  title: string;
  area: Area;
  /** The check's default severity (its metadata), used for defaultConfiguration. */
  defaultSeverity: Severity;
  /** The severity the baseline gives the check in this run. */
  severity: Severity;
  rationale: string;
  fix: string | undefined;
  references: readonly Reference[];
}

/** Renders the report as a SARIF 2.1.0 log with one run. */
export function renderSarif(report: AuditReport, context: SarifContext): string {
  const metaById = new Map(context.checks.map((check) => [check.meta.id, check.meta]));
  const ruleIndex = new Map<string, number>();
  const sources: RuleSource[] = [];
  for (const result of report.results) {
    if (ruleIndex.has(result.checkId)) continue;
    const meta = metaById.get(result.checkId);
    ruleIndex.set(result.checkId, sources.length);
    sources.push({
      id: result.checkId,
      title: meta?.title ?? result.title,
      area: meta?.area ?? result.area,
      defaultSeverity: meta?.severity ?? result.severity,
      severity: result.severity,
      rationale: meta?.rationale ?? result.title,
      fix: meta?.fix ?? result.remediation?.summary,
      references: meta?.references ?? result.references,
    });
  }

  const candidates: SarifResult[] = [];
  for (const result of report.results) {
    if (!reported(result.status)) continue;
    const index = ruleIndex.get(result.checkId) as number;
    if (result.findings.length === 0) candidates.push(buildResult(report, result, undefined, index));
    for (const finding of result.findings) candidates.push(buildResult(report, result, finding, index));
  }
  disambiguateFingerprints(candidates);
  const limits = { maxResults: context.limits?.maxResults ?? MAX_SARIF_RESULTS, maxBytes: context.limits?.maxResultBytes ?? MAX_SARIF_RESULT_BYTES };
  const { kept, omitted } = withinLimits(candidates, limits);

  const notifications: Notification[] = [];
  for (const result of report.results) {
    if (result.status !== 'error') continue;
    const index = ruleIndex.get(result.checkId) as number;
    notifications.push({
      level: 'error',
      message: { text: clip(result.error ? `${result.checkId}: ${result.error.origin}: ${result.error.message}` : result.message) },
      descriptor: { id: result.checkId },
      associatedRule: { id: result.checkId, index },
    });
  }
  if (omitted > 0) {
    notifications.push({
      level: 'warning',
      message: {
        text: `${omitted} of ${candidates.length} result(s) left out to stay within the upload limits (${limits.maxResults} results, ${limits.maxBytes} bytes of results); the least severe went first. The JSON report has every finding.`,
      },
      descriptor: { id: 'cowork-audit/results-truncated' },
    });
  }

  const overrides = sources
    .map((source, index) => ({ source, index }))
    .filter(({ source }) => source.severity !== source.defaultSeverity)
    .map(({ source, index }) => ({
      descriptor: { id: source.id, index },
      configuration: { level: sarifLevel(source.severity), properties: { severity: source.severity } },
    }));

  const target = report.target;
  const started = Date.parse(report.startedAt);
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: TOOL_INFORMATION_URI,
            rules: sources.map(rule),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            exitCode: context.exitCode,
            ...(Number.isFinite(started)
              ? { startTimeUtc: new Date(started).toISOString(), endTimeUtc: new Date(started + Math.max(0, report.durationMs)).toISOString() }
              : {}),
            ...(overrides.length ? { ruleConfigurationOverrides: overrides } : {}),
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
            properties: { target, baseline: report.baseline, failOn: context.failOn },
          },
        ],
        automationDetails: { id: automationId(report) },
        originalUriBaseIds: { [SRCROOT]: srcRoot(report) },
        results: kept,
        properties: { schemaVersion: report.schemaVersion, summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Statuses that produce results: a waived one too, suppressed, so that code scanning shows it dismissed. */
function reported(status: Status): boolean {
  return status === 'fail' || status === 'error' || status === 'waived';
}

function buildResult(report: AuditReport, result: CheckResult, finding: ResultFinding | undefined, ruleIndex: number): SarifResult {
  const path = finding?.location?.path;
  const line = finding?.location?.line;
  const message = finding ? finding.message : result.message;
  const waived = result.status === 'waived' || finding?.waived === true;
  const properties: Record<string, unknown> = {
    ...(finding?.subject !== undefined ? { subject: finding.subject } : {}),
    severity: result.severity,
    status: result.status,
    ...(path !== undefined ? { path } : {}),
    ...(result.waiver ? { waiver: { reason: result.waiver.reason, expires: result.waiver.expires, expired: result.waiver.expired === true } } : {}),
  };
  return {
    ruleId: result.checkId,
    ruleIndex,
    level: sarifLevel(result.severity),
    message: { text: clip(message) },
    locations: [location(report, result.checkId, path, line)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(result.checkId, path ?? '', finding?.subject ?? '', message) },
    ...(waived ? { suppressions: [suppression(result)] } : {}),
    properties,
  };
}

function suppression(result: CheckResult): Suppression {
  const waiver = result.waiver;
  return {
    kind: 'external',
    status: 'accepted',
    justification: waiver ? `${waiver.reason} (expires ${waiver.expires})` : 'waived by the baseline',
  };
}

function location(report: AuditReport, checkId: string, path: string | undefined, line: number | undefined): SarifLocation {
  const region = line !== undefined && Number.isInteger(line) && line >= 1 ? { region: { startLine: line } } : {};
  if (path !== undefined && path !== '' && !isFilePath(path, report.target.platform)) {
    // A registry key or another non-file place: named as a logical location, with the pseudo path below.
    const pseudo = location(report, checkId, undefined, undefined);
    return { ...pseudo, logicalLocations: [{ name: path, kind: 'resource', fullyQualifiedName: path }, ...(pseudo.logicalLocations ?? [])] };
  }
  if (path !== undefined && path !== '') {
    if (report.target.kind !== 'repo') {
      return { physicalLocation: { artifactLocation: { uri: fileUri(path, report.target.platform) }, ...region } };
    }
    const relative = relativeUri(path, report.target.platform);
    if (relative !== '') return { physicalLocation: { artifactLocation: { uri: relative, uriBaseId: SRCROOT }, ...region } };
  }
  // No file to point at (a finding about a setting, a group, the whole machine, or a check that failed or
  // errored without findings). SARIF's answer is a logical location, but GitHub code scanning only takes
  // results with a physical location (an artifactLocation.uri that is not empty) and builds the alert's
  // identity from that path. So the result carries both: the logical location for consumers that read it,
  // and a stable pseudo path `cowork-audit/<checkId>` relative to %SRCROOT%, the same from run to run and
  // one per check, so such alerts neither churn nor collide with a real file of the repository.
  const hostOrKind = report.target.hostname ?? report.target.kind;
  return {
    physicalLocation: { artifactLocation: { uri: `cowork-audit/${encodeSegment(checkId)}`, uriBaseId: SRCROOT } },
    logicalLocations: [{ name: checkId, kind: 'module', fullyQualifiedName: `${hostOrKind}/${checkId}` }],
  };
}

/** A file system path of the target: absolute POSIX, a Windows drive or UNC path, or (repos) relative. */
export function isFilePath(path: string, platform: string): boolean {
  if (/^(HKLM|HKCU|HKCR|HKU|HKCC|HKEY_[A-Z_]+)(\\|:|$)/i.test(path)) return false;
  if (platform === 'win32') return /^([A-Za-z]:[\\/]|\\\\)/.test(path) || path.startsWith('/');
  return true;
}

function rule(source: RuleSource): ReportingDescriptor {
  const helpUri = source.references.find((reference) => isWebUrl(reference.url))?.url;
  const textLines = [source.rationale];
  const markdownLines = [escapeMarkdown(source.rationale)];
  if (source.fix) {
    textLines.push('', `Fix: ${source.fix}`);
    markdownLines.push('', `**Fix:** ${escapeMarkdown(source.fix)}`);
  }
  if (source.references.length) {
    textLines.push('', 'References:', ...source.references.map((reference) => `- ${reference.title}${reference.url ? `: ${reference.url}` : ''}`));
    markdownLines.push(
      '',
      '**References**',
      '',
      ...source.references.map((reference) =>
        isWebUrl(reference.url) ? `- [${escapeMarkdown(reference.title)}](${markdownUrl(reference.url)})` : `- ${escapeMarkdown(reference.title)}`,
      ),
    );
  }
  return {
    id: source.id,
    name: pascalCase(source.id),
    shortDescription: { text: source.title },
    fullDescription: { text: source.rationale },
    help: { text: textLines.join('\n'), markdown: markdownLines.join('\n') },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(source.defaultSeverity) },
    properties: {
      tags: ['security', source.area],
      precision: 'high',
      // GitHub reads security-severity from the rule only, never from a result: it follows the severity the
      // baseline gives the check in this run (the same for every result of the rule), so that the alert shows
      // what the gate used. defaultConfiguration keeps the check's own default; a baseline override is in
      // invocations[0].ruleConfigurationOverrides.
      'security-severity': SECURITY_SEVERITY[source.severity],
      severity: source.severity,
      defaultSeverity: source.defaultSeverity,
    },
  };
}

/** `credentials.file-permissions` → `CredentialsFilePermissions`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The identity of a result from one scan to the next: check, path, subject and the message with every digit
 * run replaced (counts, line numbers, durations, modes and sizes change while the problem stays the same).
 */
export function fingerprint(checkId: string, path: string, subject: string, message: string): string {
  const normalized = message.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  return createHash('sha256').update([checkId, path, subject, normalized].join('\0')).digest('hex');
}

/** Two results with the same fingerprint would be one alert: the second gets `:2`, the third `:3`, in report order. */
function disambiguateFingerprints(results: SarifResult[]): void {
  const seen = new Map<string, number>();
  for (const result of results) {
    const value = result.partialFingerprints[FINGERPRINT_KEY] as string;
    const count = (seen.get(value) ?? 0) + 1;
    seen.set(value, count);
    if (count > 1) result.partialFingerprints[FINGERPRINT_KEY] = `${value}:${count}`;
  }
}

/** Keeps the most severe results that fit GitHub's limits, in report order. */
function withinLimits(results: SarifResult[], limits: { maxResults: number; maxBytes: number }): { kept: SarifResult[]; omitted: number } {
  // Pretty-printed at depth 4 (runs[0].results[i]): every line of a result gets 8 more spaces, plus ",\n".
  const sizes = results.map((result) => {
    const text = JSON.stringify(result, null, 2);
    return Buffer.byteLength(text, 'utf8') + 8 * (text.split('\n').length + 1) + 2;
  });
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (results.length <= limits.maxResults && total <= limits.maxBytes) return { kept: results, omitted: 0 };
  const rank = (result: SarifResult) => severityRank((result.properties.severity as Severity | undefined) ?? 'info');
  const order = results.map((_, index) => index).sort((a, b) => rank(results[b] as SarifResult) - rank(results[a] as SarifResult) || a - b);
  const chosen = new Set<number>();
  let bytes = 0;
  for (const index of order) {
    if (chosen.size >= limits.maxResults) break;
    const size = sizes[index] as number;
    if (bytes + size > limits.maxBytes) continue;
    chosen.add(index);
    bytes += size;
  }
  return { kept: results.filter((_, index) => chosen.has(index)), omitted: results.length - chosen.size };
}

function clip(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 20)}… (message cut)`;
}

function automationId(report: AuditReport): string {
  const host = report.target.hostname ? `${report.target.hostname.replace(/[^A-Za-z0-9._-]/g, '_')}/` : '';
  return `cowork-audit/${report.target.kind}/${host}`;
}

function srcRoot(report: AuditReport): { uri: string } | { description: Message } {
  const root = report.target.path;
  if (report.target.kind === 'repo' && root !== undefined && isAbsolute(root, report.target.platform)) {
    const uri = fileUri(root, report.target.platform);
    return { uri: uri.endsWith('/') ? uri : `${uri}/` };
  }
  return {
    description: {
      text:
        report.target.kind === 'repo'
          ? 'The root of the scanned repository.'
          : 'The folder code scanning checks out; cowork-audit/<check id> are pseudo paths for results without a file.',
    },
  };
}

// ---- URIs ------------------------------------------------------------------------------------------------

/** Lone UTF-16 surrogates cannot be encoded as UTF-8 (encodeURIComponent throws): they become U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * One path segment, percent-encoded so that only RFC 3986 unreserved characters and the sub-delimiters
 * `!'()*` stay literal: spaces, `#`, `?`, `%`, quotes, `<>`, `|`, `[]`, control characters and non-ASCII
 * (as UTF-8) are all encoded.
 */
function encodeSegment(segment: string): string {
  return encodeURIComponent(wellFormed(segment));
}

function isWindowsPath(path: string, platform: Platform): boolean {
  return platform === 'win32' || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

function isAbsolute(path: string, platform: Platform): boolean {
  if (isWindowsPath(path, platform)) return /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}[^\\/]/.test(path) || path.startsWith('/');
  return path.startsWith('/');
}

/**
 * An absolute file URI for a path on the target: `/home/a b/x` → `file:///home/a%20b/x`,
 * `C:\Users\x` → `file:///C:/Users/x`, `\\server\share\x` → `file://server/share/x`. On Windows both
 * slashes separate; elsewhere a backslash is part of the name (`%5C`). Equivalent to node:url
 * pathToFileURL with the target's flavour, but without resolving against the scanning process's cwd and
 * with the stricter RFC 3986 encoding (`|`, `[`, `]`, `^` encoded too).
 */
export function fileUri(path: string, platform: Platform): string {
  if (isWindowsPath(path, platform)) {
    const unc = /^[\\/]{2}([^\\/]+)[\\/]?(.*)$/s.exec(path);
    if (unc) {
      const host = encodeSegment(unc[1] as string);
      return `file://${host}/${(unc[2] as string).split(/[\\/]/).map(encodeSegment).join('/')}`;
    }
    const drive = /^([A-Za-z]):(?:[\\/](.*))?$/s.exec(path);
    if (drive) {
      const rest = drive[2] ?? '';
      return `file:///${(drive[1] as string).toUpperCase()}:/${rest.split(/[\\/]/).map(encodeSegment).join('/')}`;
    }
    return `file:///${path.replace(/^[\\/]+/, '').split(/[\\/]/).map(encodeSegment).join('/')}`;
  }
  return `file:///${path.replace(/^\/+/, '').split('/').map(encodeSegment).join('/')}`;
}

/** A path inside a repository as a relative URI reference: `/src/a b.json` → `src/a%20b.json`. */
export function relativeUri(path: string, platform: Platform): string {
  const separators = platform === 'win32' ? /[\\/]/ : /\//;
  return path
    .split(separators)
    .filter((segment) => segment !== '' && segment !== '.')
    .map(encodeSegment)
    .join('/');
}

function isWebUrl(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^\s]+$/i.test(url);
}

/** A URL for a Markdown link destination: nothing that could end the link early. */
function markdownUrl(url: string): string {
  return url.replace(/[()<>\s\\`]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
