// cowork-audit/sdk: the contract plugins (`--plugin FILE`) build checks on. Versioned: sdkVersion 1 keeps
// these names and shapes; a change that breaks a plugin raises it. Plugins export a check or a list of checks
// (default export, or `export const checks`) whose ids are outside the built-in areas (custom.<org>.<name>).
export const sdkVersion = 1 as const;

export { defineCheck } from './engine/check.js';
export type { AnyCheck, Area, Check, CheckMeta, EvaluateOutcome, Facts, Finding, Location, Reference } from './engine/check.js';
export { defineCollector } from './engine/collector.js';
export type { CollectContext, Collector } from './engine/collector.js';
export { boolean, integer, oneOf, optionalString, string, stringList } from './engine/params-schema.js';
export type { InferParams, Schema } from './engine/params-schema.js';
export type { RemediationAction } from './engine/remediation.js';
export type { Severity } from './engine/severity.js';
export type { Account, CommandResult, FileInfo, Host, Platform, TargetKind } from './host/host.js';
export { targetUsers } from './collectors/target-users.js';
export type { TargetUsers } from './collectors/target-users.js';
