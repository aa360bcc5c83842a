// What the firewall egress checks (checks/firewall/egress-default-deny, egress-allowlist, dns-egress)
// share between their evaluate functions: reading their parameters, the rulesets and the remediation,
// and the shape of their findings. Pure, like the checks.

import { firewallRulesets, type FirewallFacts } from '../collectors/firewall.js';
import type { Facts, Finding, Location } from '../engine/check.js';
import type { InferParams } from '../engine/params-schema.js';
import type { RemediationAction } from '../engine/remediation.js';
import { validateAllowlist } from '../network/dns-findings.js';
import { egressSetting, nftablesMainConf, sourceKey, type EgressSetting, type StackDecision } from './egress-judge.js';
import { egressParam, type egressCheckParamSchemas } from './egress-params.js';
import { egressAction } from './egress-policy.js';

/** The values of the params every firewall egress check declares (egressCheckParamSchemas). */
export type EgressCheckParams = InferParams<typeof egressCheckParamSchemas>;

/** The check's parameters with a partial egress mapping (a scenario, a plugin) completed from the defaults, as a baseline does; throws on a bad allowedResolvers entry. */
export function egressCheckParams<P extends EgressCheckParams>(given: P): P {
  const params = { ...given, egress: { ...egressParam.defaultValue, ...given.egress } };
  validateAllowlist(params.allowedResolvers);
  return params;
}

/** The params (from egressCheckParams), the firewall facts, how the rulesets stand for the agent user, and the remediation a finding carries; or why the check is skipped. */
export function egressCheckStart<P extends EgressCheckParams>(facts: Facts, params: P): { skip: string } | { params: P; fw: FirewallFacts; setting: EgressSetting; action: RemediationAction } {
  const fw = facts.get(firewallRulesets);
  const setting = egressSetting(fw, params.agentUser);
  if (setting.skip) return { skip: setting.skip };
  return { params, fw, setting, action: egressAction(fw.platform, params.egress.allow, params.allowedResolvers, nftablesMainConf(fw)) };
}

/** A finding about the system's firewall, pointing at `location` when there is one, with the egress remediation. */
export function systemFinding(message: string, location: Location | undefined, action: RemediationAction): Finding {
  return { message, ...(location ? { location } : {}), subject: 'system', actions: [action] };
}

/** Grouping key of a verdict (destinations decided alike by one rule make one finding); `fallback` stands in when no rule decided. */
export function decisionKey(decision: StackDecision, fallback: string = decision.reason): string {
  return `${decision.verdict} ${decision.decidedBy ? sourceKey(decision.decidedBy) : fallback}`;
}
