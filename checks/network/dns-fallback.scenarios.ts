import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey, scutilDns } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const STUB = { '/etc/resolv.conf': { target: '/run/systemd/resolve/stub-resolv.conf' }, '/run/systemd/resolve/stub-resolv.conf': { content: 'nameserver 127.0.0.53\noptions edns0 trust-ad\n' } };

const SCOPED = (server: string) =>
  `DNS configuration\n\nresolver #1\n  nameserver[0] : 10.20.0.53\n  if_index : 14 (utun3)\n  reach    : 0x00000003 (Reachable,Transient Connection)\n  order    : 100000\n\nDNS configuration (for scoped queries)\n\nresolver #1\n  nameserver[0] : ${server}\n  if_index : 6 (en0)\n  flags    : Scoped, Request A records\n  reach    : 0x00020002 (Reachable,Directly Reachable Address)\n\nresolver #2\n  nameserver[0] : 10.20.0.53\n  if_index : 14 (utun3)\n  flags    : Scoped\n`;

export default defineScenarios('network.dns-fallback', [
  {
    name: 'linux: an empty FallbackDNS= in a drop-in and DNSOverTLS=no',
    platform: 'linux',
    endpoint: endpoint('linux', { ...STUB, '/etc/systemd/resolved.conf': { content: '[Resolve]\nDNS=10.20.0.53\nFallbackDNS=1.1.1.1\nDNSOverTLS=no\n' }, '/etc/systemd/resolved.conf.d/00-no-fallback.conf': { content: '[Resolve]\nFallbackDNS=\n' } }),
    expect: { status: 'pass', message: 'systemd-resolved has no public fallback' },
  },
  {
    name: 'linux: an allowlisted FallbackDNS',
    platform: 'linux',
    endpoint: endpoint('linux', { ...STUB, '/etc/systemd/resolved.conf': { content: '[Resolve]\nFallbackDNS = 10.20.0.54\n' } }),
    params: { allowedResolvers: ['10.20.0.0/24'] },
    expect: { status: 'pass' },
  },
  {
    name: 'linux: FallbackDNS unset (compiled-in list) and DNSOverTLS=opportunistic in a drop-in',
    platform: 'linux',
    endpoint: endpoint('linux', { ...STUB, '/etc/systemd/resolved.conf': { content: '[Resolve]\n#FallbackDNS=\n' }, '/etc/systemd/resolved.conf.d/dot.conf': { content: '[Resolve]\nDNSOverTLS=opportunistic\n' } }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/systemd/resolved.conf', subject: 'system', message: 'FallbackDNS= is not set in /etc/systemd/resolved.conf or its drop-ins', actions: ['write-file', 'manual'] },
        { path: '/etc/systemd/resolved.conf.d/dot.conf', line: 2, message: 'DNSOverTLS=opportunistic is not authenticated', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: public FallbackDNS with SNI (prismos corpus form)',
    platform: 'linux',
    endpoint: endpoint('linux', { ...STUB, '/usr/lib/systemd/resolved.conf': { content: '[Resolve]\nFallbackDNS=1.1.1.1#one.one.one.one 2606:4700:4700::1111#one.one.one.one\nDNS=\n' } }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/usr/lib/systemd/resolved.conf', line: 2, message: 'FallbackDNS 1.1.1.1#one.one.one.one is a public resolver (Cloudflare)', actions: ['write-file'] },
        { path: '/usr/lib/systemd/resolved.conf', line: 2, message: 'FallbackDNS 2606:4700:4700::1111#one.one.one.one is a public resolver' },
      ],
    },
  },
  {
    name: 'linux: live resolvectl status shows the distribution\'s built-in fallback',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: { 'resolvectl status --no-pager': { stdout: 'Global\n         Protocols: -LLMNR -mDNS DNSOverTLS=opportunistic DNSSEC=no/unsupported\n  resolv.conf mode: stub\nFallback DNS Servers: 9.9.9.9#dns.quad9.net\n                      149.112.112.112#dns.quad9.net\n' } } }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'resolvectl status: fallback resolver 9.9.9.9#dns.quad9.net', actions: ['write-file'] },
        { message: 'fallback resolver 149.112.112.112#dns.quad9.net' },
        { message: 'resolvectl status: DNSOverTLS is opportunistic', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: systemd-resolved is not in use (static resolv.conf)',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/resolv.conf': { content: 'nameserver 10.20.0.53\n' } }),
    expect: { status: 'skipped', message: 'systemd-resolved is not in use' },
  },
  {
    name: 'darwin: the scoped resolvers are corporate',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilDns(SCOPED('10.20.0.54')) }),
    expect: { status: 'pass', message: '2 scoped resolver(s)' },
  },
  {
    name: 'darwin: Wi-Fi keeps Google for scoped queries',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilDns(SCOPED('8.8.8.8')) }),
    expect: { status: 'fail', findings: [{ subject: 'en0', message: 'resolver #1 on en0: 8.8.8.8 is a public resolver (Google Public DNS)', actions: ['manual'] }] },
  },
  {
    name: 'win32: smart multi-homed name resolution and LLMNR off by policy',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: registryKey(REGISTRY.dnsClientPolicy, { DisableSmartNameResolution: 1, EnableMulticast: 0 }) }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: no DNS client policy',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: registryKey(REGISTRY.dnsClientPolicy, undefined) }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'DisableSmartNameResolution is not set', actions: ['registry-set'] },
        { subject: 'system', message: 'EnableMulticast is not set', actions: ['registry-set'] },
      ],
    },
  },
]);
