// Facts about a whole ruleset (not one destination) that the firewall checks need.
import type { Chain, EgressRuleset } from './model.js';

function resolve(ruleset: EgressRuleset, from: Chain, target: string): Chain | undefined {
  const exact = ruleset.chains.find((chain) => chain.id === target);
  if (exact) return exact;
  if (from.id.endsWith(from.name)) {
    const sibling = from.id.slice(0, from.id.length - from.name.length) + target;
    const found = ruleset.chains.find((chain) => chain.id === sibling);
    if (found) return found;
  }
  const named = ruleset.chains.filter((chain) => chain.name === target);
  return named.length === 1 ? named[0] : undefined;
}

/**
 * True when the ruleset drops or rejects something on the host's own input or output path: a drop policy
 * on an input or output base chain, or a drop or reject rule in one or in a chain it jumps to. Forwarding
 * and NAT rules (Docker's) protect containers' traffic, not the host's. A ufw or firewalld ruleset that
 * is active counts as it is.
 */
export function filtersTraffic(ruleset: EgressRuleset): boolean {
  // ufw and firewalld are firewalls by construction (inbound denied by default); their models hold the output path only.
  if (ruleset.backend === 'ufw' || ruleset.backend === 'firewalld' || ruleset.backend === 'windows') return true;
  const start = ruleset.chains.filter((chain) => chain.hook === 'input' || chain.hook === 'output');
  if (start.some((chain) => chain.policy === 'drop')) return true;
  const seen = new Set<Chain>(start);
  const queue = [...start];
  while (queue.length > 0) {
    const chain = queue.shift() as Chain;
    for (const rule of chain.rules) {
      if (rule.action.kind === 'drop' || rule.action.kind === 'reject') return true;
      if (rule.action.kind === 'jump' || rule.action.kind === 'goto') {
        const target = resolve(ruleset, chain, rule.action.chain);
        if (target && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }
  return false;
}
