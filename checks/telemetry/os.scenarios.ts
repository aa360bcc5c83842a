import { DATA_COLLECTION_POLICY, EDITION_SCRIPT, WER_MACHINE, WER_POLICY } from '../../src/collectors/os-telemetry.js';
import { powershellCommandLine } from '../../src/collectors/windows-commands.js';
import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const HISTORY = '/Library/Application Support/CrashReporter/DiagnosticMessagesHistory.plist';
const plist = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;
const history = (autoSubmit: boolean, thirdParty: boolean) =>
  plist(`\t<key>AutoSubmit</key>\n\t<${autoSubmit}/>\n\t<key>AutoSubmitVersion</key>\n\t<integer>4</integer>\n\t<key>ThirdPartyDataSubmit</key>\n\t<${thirdParty}/>\n\t<key>ThirdPartyDataSubmitVersion</key>\n\t<integer>4</integer>\n`);
const windows = (policy: Record<string, number> | undefined, werPolicy: Record<string, number> | undefined, caption?: string) => ({
  ...registryKey(DATA_COLLECTION_POLICY, policy),
  ...registryKey(WER_POLICY, werPolicy),
  ...registryKey(WER_MACHINE, undefined),
  ...(caption ? { [powershellCommandLine(EDITION_SCRIPT)]: { stdout: `${caption}\r\n` } } : {}),
});

export default defineScenarios('telemetry.os', [
  {
    name: 'linux: popularity-contest installed but not taking part, apport disabled',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/popularity-contest.conf': { content: 'MY_HOSTID="aa1b2c3d4e5f60718293a4b5c6d7e8f9"\nPARTICIPATE="no"\nUSEHTTP="yes"\n' },
      '/etc/default/apport': { content: '# set this to 0 to disable apport, or to 1 to enable it\n# you can temporarily override this with\n# sudo service apport start force_start=1\nenabled=0\n' },
    }),
    expect: { status: 'pass', message: 'popularity-contest does not take part; apport disabled' },
  },
  {
    name: 'linux: popularity-contest takes part, apport enabled, whoopsie uploads crashes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/popularity-contest.conf': { content: 'MY_HOSTID="aa1b2c3d4e5f60718293a4b5c6d7e8f9"\nPARTICIPATE="yes"\nUSEHTTP="yes"\n' },
      '/etc/default/apport': { content: '# set this to 0 to disable apport, or to 1 to enable it\nenabled=1\n' },
      '/etc/default/whoopsie': { content: '[General]\nreport_crashes=true\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/popularity-contest.conf', line: 2, subject: 'system', message: 'popularity-contest takes part (PARTICIPATE=yes at /etc/popularity-contest.conf:2)', actions: ['set-env-line'] },
        { path: '/etc/default/apport', line: 2, message: 'apport is enabled (enabled=1 at /etc/default/apport:2)', actions: ['set-env-line', 'manual'] },
        { path: '/etc/default/whoopsie', line: 2, message: 'whoopsie reports crashes', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: with crashReports off only popularity-contest counts; ABRT autoreporting is then not judged',
    platform: 'linux',
    params: { crashReports: false },
    endpoint: endpoint('linux', { '/etc/abrt/abrt.conf': { content: '# Enable this if you want abrtd to auto-unpack crashdump tarballs\nAutoreportingEnabled = yes\n' }, '/etc/popularity-contest.conf': { content: 'PARTICIPATE="no"\n' } }),
    expect: { status: 'pass', message: 'popularity-contest does not take part' },
  },
  {
    name: 'linux: Fedora ABRT autoreporting on',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/abrt/abrt.conf': { content: '# Enable this if you want abrtd to auto-unpack crashdump tarballs\nAutoreportingEnabled = yes\n' } }),
    expect: { status: 'fail', findings: [{ path: '/etc/abrt/abrt.conf', line: 2, message: 'ABRT autoreporting is on', actions: ['manual'] }] },
  },
  {
    name: 'linux: none of the reporters configured',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'skipped', message: 'none of popularity-contest, apport, whoopsie or ABRT is configured here' },
  },
  {
    name: 'darwin: Share Mac Analytics and Share with app developers both off',
    platform: 'darwin',
    endpoint: endpoint('darwin', { [HISTORY]: { content: history(false, false) } }),
    expect: { status: 'pass', message: 'AutoSubmit off (the local choice); ThirdPartyDataSubmit off (the local choice)' },
  },
  {
    name: 'darwin: a Restrictions profile disallows diagnostic submission, whatever the local choice',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      [HISTORY]: { content: history(true, true) },
      '/Library/Managed Preferences/com.apple.applicationaccess.plist': { content: plist('\t<key>allowDiagnosticSubmission</key>\n\t<false/>\n') },
    }),
    expect: { status: 'pass', message: 'diagnostic submission disallowed by a configuration profile' },
  },
  {
    name: 'darwin: both shared; a SubmitDiagInfo profile turning AutoSubmit off wins over the local choice',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      [HISTORY]: { content: history(true, true) },
      '/Library/Managed Preferences/com.apple.SubmitDiagInfo.plist': { content: plist('\t<key>AutoSubmit</key>\n\t<false/>\n') },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: HISTORY, line: 9, subject: 'system', message: 'Share with app developers (crash data to the developers of the apps) is on: ThirdPartyDataSubmit = true', actions: ['manual'] }],
    },
  },
  {
    name: 'darwin: Share Mac Analytics and Share with app developers on',
    platform: 'darwin',
    endpoint: endpoint('darwin', { [HISTORY]: { content: history(true, true) } }),
    expect: {
      status: 'fail',
      findings: [
        { path: HISTORY, line: 5, subject: 'system', message: `Share Mac Analytics (diagnostic and crash data to Apple) is on: AutoSubmit = true in ${HISTORY}:5 (the local choice)`, actions: ['manual'] },
        { path: HISTORY, line: 9, message: 'ThirdPartyDataSubmit = true' },
      ],
    },
  },
  {
    name: 'win32: Enterprise at level 0 (Security) with Windows Error Reporting disabled by policy',
    platform: 'win32',
    params: { maxWindowsLevel: 0 },
    endpoint: endpoint('win32', {}, { commands: windows({ AllowTelemetry: 0 }, { Disabled: 1 }, 'Microsoft Windows 11 Enterprise') }),
    expect: { status: 'pass', message: 'AllowTelemetry = 0 (0 Security); Windows Error Reporting disabled by policy' },
  },
  {
    name: 'win32: Pro with AllowTelemetry 0 is treated as 1 Required, within the default maximum',
    platform: 'win32',
    endpoint: { ...endpoint('win32', {}, { commands: windows({ AllowTelemetry: 0, MaxTelemetryAllowed: 1 }, { Disabled: 1 }) }), os: 'Windows 11 Pro 23H2 (22631.4460)' },
    expect: { status: 'pass', message: 'treats it as 1 Required' },
  },
  {
    name: 'win32: no diagnostic data policy and Windows Error Reporting on',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windows(undefined, undefined, 'Microsoft Windows 11 Pro') }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'No AllowTelemetry policy in HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection', actions: ['registry-set'] },
        { subject: 'system', message: 'Windows Error Reporting is on', actions: ['registry-set'] },
      ],
    },
  },
  {
    name: 'win32: a baseline asking for level 0 on Pro cannot be met: the finding says why',
    platform: 'win32',
    params: { maxWindowsLevel: 0, crashReports: false },
    endpoint: endpoint('win32', {}, { commands: windows({ AllowTelemetry: 0 }, undefined, 'Microsoft Windows 11 Pro') }),
    expect: {
      status: 'fail',
      findings: [{ message: 'AllowTelemetry = 0 in HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection: Windows sends 1 Required diagnostic data (0 is honoured only on Enterprise, Education and Server; Microsoft Windows 11 Pro (from Win32_OperatingSystem) treats it as 1 Required)', actions: ['manual'] }],
    },
  },
]);
