import type { CheckResult, ResultFinding } from '../engine/result.js';
import { globMatch } from '../util/glob.js';
import type { Waiver } from './load-baseline.js';

export interface WaiverScope {
  hostname?: string;
  /** YYYY-MM-DD (UTC) of the scan. */
  today: string;
}

/** A waiver holds through its expiry day; after that it waives nothing and the result says so. */
export function isExpired(waiver: Waiver, today: string): boolean {
  return waiver.expires < today;
}

export function applyWaivers(results: CheckResult[], waivers: readonly Waiver[], scope: WaiverScope): CheckResult[] {
  return results.map((result) => {
    if (result.status !== 'fail') return result;
    const candidates = waivers.filter((waiver) => waiver.check === result.checkId && hostMatches(waiver, scope.hostname));
    if (candidates.length === 0) return result;
    const active = candidates.filter((waiver) => !isExpired(waiver, scope.today));
    const expired = candidates.filter((waiver) => isExpired(waiver, scope.today));

    let applied: Waiver | undefined;
    const findings: ResultFinding[] = result.findings.map((finding) => {
      const waiver = active.find((candidate) => findingMatches(candidate, finding));
      if (!waiver) return finding;
      applied ??= waiver;
      return { ...finding, waived: true };
    });
    const open = findings.filter((finding) => !finding.waived);
    // A failure without findings can only be waived whole, by a waiver that names no users or paths.
    if (findings.length === 0) applied = active.find((waiver) => !waiver.users && !waiver.paths);

    if (applied && open.length === 0) {
      return {
        ...result,
        status: 'waived',
        findings,
        message: `waived until ${applied.expires}: ${applied.reason}`,
        waiver: { reason: applied.reason, expires: applied.expires, source: applied.source },
      };
    }
    if (applied) {
      return {
        ...result,
        findings,
        message: `${result.message} (${findings.length - open.length} of ${findings.length} findings waived until ${applied.expires})`,
        waiver: { reason: applied.reason, expires: applied.expires, source: applied.source },
      };
    }
    const lapsed = expired.find((waiver) => result.findings.some((finding) => findingMatches(waiver, finding)));
    if (!lapsed) return result;
    return {
      ...result,
      message: `${result.message} (waiver expired on ${lapsed.expires}: ${lapsed.reason})`,
      waiver: { reason: lapsed.reason, expires: lapsed.expires, expired: true, source: lapsed.source },
    };
  });
}

function hostMatches(waiver: Waiver, hostname: string | undefined): boolean {
  if (!waiver.hosts) return true;
  return hostname !== undefined && waiver.hosts.some((pattern) => globMatch(pattern, hostname, true));
}

function findingMatches(waiver: Waiver, finding: ResultFinding): boolean {
  if (waiver.users && !(finding.subject && waiver.users.includes(finding.subject))) return false;
  if (waiver.paths) {
    const path = finding.location?.path;
    if (!path || !waiver.paths.some((pattern) => globMatch(pattern, path))) return false;
  }
  return true;
}
