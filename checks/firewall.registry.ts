import type { AnyCheck } from '../src/engine/check.js';
import dnsEgress from './firewall/dns-egress.js';
import egressAllowlist from './firewall/egress-allowlist.js';
import egressDefaultDeny from './firewall/egress-default-deny.js';
import enabled from './firewall/enabled.js';

// Checks of one work stream, spread into checks/index.ts; folded into it when the stream lands.
export const FIREWALL_CHECKS: readonly AnyCheck[] = [enabled, egressDefaultDeny, egressAllowlist, dnsEgress] as unknown as readonly AnyCheck[];
