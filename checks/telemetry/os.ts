import {
  DATA_COLLECTION_POLICY,
  DIAGNOSTIC_HISTORY,
  MANAGED_RESTRICTIONS,
  MANAGED_SUBMIT_DIAG,
  WER_MACHINE,
  WER_POLICY,
  osTelemetry,
  type LinuxReporter,
  type OsTelemetry,
  type PlistFile,
  type PlistSetting,
} from '../../src/collectors/os-telemetry.js';
import { registryText } from '../../src/collectors/windows-commands.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, integer } from '../../src/engine/params-schema.js';

const LEVELS = ['0 Security', '1 Required', '2 Enhanced', '3 Optional'];
const levelName = (level: number) => LEVELS[level] ?? String(level);
const SHARE_ANALYTICS_FIX =
  'Push a configuration profile with the com.apple.SubmitDiagInfo payload (AutoSubmit false) or a Restrictions payload (com.apple.applicationaccess allowDiagnosticSubmission false); on an unmanaged Mac turn off System Settings > Privacy & Security > Analytics & Improvements.';

function truthy(value: boolean | number | string): boolean {
  return value === true || value === 1 || (typeof value === 'string' && ['1', 'true', 'yes'].includes(value.toLowerCase()));
}

function windowsFindings(windows: NonNullable<OsTelemetry['windows']>, maxLevel: number, crashReports: boolean): { findings: Finding[]; summary: string[] } {
  const findings: Finding[] = [];
  const summary: string[] = [];
  const enterprise = windows.edition ? /enterprise|education|server|\bIoT Enterprise\b/i.test(windows.edition) : undefined;
  const edition = windows.edition ? `${windows.edition} (from ${windows.editionSource})` : 'an unknown edition';
  const setLevel = Math.max(maxLevel, enterprise === true ? 0 : 1);
  const policy = windows.dataCollection;
  if (policy.unavailable) {
    findings.push({ message: `${DATA_COLLECTION_POLICY} could not be read (${policy.unavailable}): the diagnostic data level is unknown`, subject: 'system', actions: [{ kind: 'manual', text: 'Run the audit as an administrator (Intune and MDM agents run as SYSTEM) so that the registry can be read.' }] });
  } else {
    const raw = registryText(policy.values, 'AllowTelemetry');
    const value = raw === undefined ? undefined : Number(raw);
    if (value === undefined || !Number.isInteger(value)) {
      findings.push({
        message: `No AllowTelemetry policy in ${DATA_COLLECTION_POLICY}${raw !== undefined ? ` (value "${raw}" is not a level)` : ''}: the user picks the diagnostic data level in Settings, and Optional is offered by default; the baseline allows at most ${levelName(maxLevel)}`,
        subject: 'system',
        actions: [{ kind: 'registry-set', key: DATA_COLLECTION_POLICY, name: 'AllowTelemetry', type: 'DWord', value: setLevel }],
      });
    } else {
      // 0 (Security) is honoured only on Enterprise, Education and Server; elsewhere it acts as 1 (Required).
      const effective = value === 0 && enterprise !== true ? 1 : value;
      const downgraded = value === 0 && effective === 1 ? ` (0 is honoured only on Enterprise, Education and Server; ${edition} treats it as 1 Required)` : '';
      if (effective > maxLevel) {
        const impossible = maxLevel === 0 && enterprise !== true;
        findings.push({
          message: `AllowTelemetry = ${value} in ${DATA_COLLECTION_POLICY}: Windows sends ${levelName(effective)} diagnostic data${downgraded}; the baseline allows at most ${levelName(maxLevel)}`,
          subject: 'system',
          actions: impossible
            ? [{ kind: 'manual', text: `Level 0 (Security) needs Windows Enterprise, Education or Server; on ${edition} the lowest level is 1 (Required): upgrade the edition, or set maxWindowsLevel to 1 in the baseline.` }]
            : [{ kind: 'registry-set', key: DATA_COLLECTION_POLICY, name: 'AllowTelemetry', type: 'DWord', value: setLevel }],
        });
      } else summary.push(`AllowTelemetry = ${value} (${levelName(effective)})${downgraded}`);
    }
  }
  if (crashReports) {
    const disabled = (key: typeof windows.werPolicy) => registryText(key.values, 'Disabled') === '1';
    if (disabled(windows.werPolicy)) summary.push('Windows Error Reporting disabled by policy');
    else if (disabled(windows.werMachine)) summary.push('Windows Error Reporting disabled');
    else {
      const unread = [windows.werPolicy, windows.werMachine].flatMap((key) => (key.unavailable ? [key.unavailable] : []));
      findings.push({
        message: `Windows Error Reporting is on (no Disabled = 1 in ${WER_POLICY} or ${WER_MACHINE}${unread.length ? `; ${unread.join('; ')}` : ''}): crash reports, which can hold process memory (prompts, tokens), go to Microsoft`,
        subject: 'system',
        actions: [{ kind: 'registry-set', key: WER_POLICY, name: 'Disabled', type: 'DWord', value: 1 }],
      });
    }
  }
  return { findings, summary };
}

function darwinFindings(files: PlistFile[]): { findings: Finding[]; summary: string[] } {
  const findings: Finding[] = [];
  const summary: string[] = [];
  const byPath = new Map(files.map((file) => [file.path, file]));
  const setting = (path: string, key: string): (PlistSetting & { path: string }) | undefined => {
    const found = byPath.get(path)?.settings.find((item) => item.key === key);
    return found ? { ...found, path } : undefined;
  };
  const at = (item: { path: string; line: number }) => (item.line > 0 ? { path: item.path, line: item.line } : { path: item.path });
  for (const file of files) if (file.error) findings.push({ message: `${file.path} could not be read: ${file.error}`, location: { path: file.path }, subject: 'system', actions: [{ kind: 'manual', text: `Check ${file.path} (plutil -lint), then re-run the audit.` }] });

  const restriction = setting(MANAGED_RESTRICTIONS, 'allowDiagnosticSubmission');
  if (restriction && !truthy(restriction.value)) {
    summary.push(`diagnostic submission disallowed by a configuration profile (${MANAGED_RESTRICTIONS})`);
    return { findings, summary };
  }
  const choices: { key: string; label: string }[] = [
    { key: 'AutoSubmit', label: 'Share Mac Analytics (diagnostic and crash data to Apple)' },
    { key: 'ThirdPartyDataSubmit', label: 'Share with app developers (crash data to the developers of the apps)' },
  ];
  for (const choice of choices) {
    const managed = setting(MANAGED_SUBMIT_DIAG, choice.key);
    const local = setting(DIAGNOSTIC_HISTORY, choice.key);
    const effective = managed ?? local;
    const by = managed ? 'a configuration profile' : 'the local choice';
    if (!effective) {
      if (choice.key === 'AutoSubmit') {
        findings.push({
          message: `${choice.label}: no choice recorded (${DIAGNOSTIC_HISTORY} ${byPath.has(DIAGNOSTIC_HISTORY) ? 'has no AutoSubmit key' : 'is absent'}) and no profile sets it`,
          ...(byPath.has(DIAGNOSTIC_HISTORY) ? { location: { path: DIAGNOSTIC_HISTORY } } : {}),
          subject: 'system',
          actions: [{ kind: 'manual', text: SHARE_ANALYTICS_FIX }],
        });
      }
      continue;
    }
    if (truthy(effective.value)) {
      findings.push({
        message: `${choice.label} is on: ${choice.key} = ${String(effective.value)} in ${effective.path}${effective.line > 0 ? `:${effective.line}` : ''} (${by})`,
        location: at(effective),
        subject: 'system',
        actions: [{ kind: 'manual', text: choice.key === 'AutoSubmit' ? SHARE_ANALYTICS_FIX : SHARE_ANALYTICS_FIX.replace('AutoSubmit false', 'AutoSubmit false, ThirdPartyDataSubmit false').replace('Analytics & Improvements', 'Analytics & Improvements > Share with app developers') }],
      });
    } else summary.push(`${choice.key} off (${by})`);
  }
  return { findings, summary };
}

function linuxFindings(reporters: LinuxReporter[], crashReports: boolean): { findings: Finding[]; summary: string[] } {
  const findings: Finding[] = [];
  const summary: string[] = [];
  for (const reporter of reporters) {
    const location = { path: reporter.path, ...(reporter.line ? { line: reporter.line } : {}) };
    const shown = `${reporter.key}=${reporter.value ?? ''} at ${reporter.path}${reporter.line ? `:${reporter.line}` : ''}`;
    if (reporter.error) {
      findings.push({ message: `${reporter.path} could not be read: ${reporter.error}`, location: { path: reporter.path }, subject: 'system', actions: [{ kind: 'manual', text: 'Run the audit as root so that the file can be read.' }] });
      continue;
    }
    const value = (reporter.value ?? '').trim().toLowerCase();
    if (reporter.kind === 'popularity-contest') {
      if (value === 'yes') {
        findings.push({
          message: `popularity-contest takes part (${shown}): the list of installed packages and when they were used is sent to Debian/Ubuntu every week`,
          location,
          subject: 'system',
          actions: [{ kind: 'set-env-line', path: reporter.path, name: 'PARTICIPATE', value: 'no' }],
        });
      } else summary.push('popularity-contest does not take part');
      continue;
    }
    if (!crashReports) continue;
    if (reporter.kind === 'apport') {
      if (value === '1') {
        findings.push({
          message: `apport is enabled (${shown}): crash reports with the memory of the crashed process (an agent's prompts and tokens) are written to /var/crash and offered for upload to Ubuntu`,
          location,
          subject: 'system',
          actions: [
            { kind: 'set-env-line', path: reporter.path, name: 'enabled', value: '0' },
            { kind: 'manual', text: 'systemctl disable --now apport.service' },
          ],
        });
      } else if (reporter.value !== undefined) summary.push('apport disabled');
    } else if (reporter.kind === 'whoopsie') {
      if (['true', '1', 'yes'].includes(value)) {
        findings.push({
          message: `whoopsie reports crashes (${shown}): crash reports are uploaded to errors.ubuntu.com`,
          location,
          subject: 'system',
          actions: [{ kind: 'manual', text: `Set report_crashes=false in the [General] section of ${reporter.path}, then run: systemctl disable --now whoopsie.service whoopsie.path` }],
        });
      } else if (reporter.value !== undefined) summary.push('whoopsie does not report crashes');
    } else if (reporter.kind === 'abrt') {
      if (['yes', 'true', '1', 'on'].includes(value)) {
        findings.push({
          message: `ABRT autoreporting is on (${shown}): crash reports are uploaded to the distribution's FAF server without asking`,
          location,
          subject: 'system',
          actions: [{ kind: 'manual', text: 'Run: abrt-auto-reporting disabled' }],
        });
      } else if (reporter.value !== undefined) summary.push('ABRT autoreporting off');
    }
  }
  return { findings, summary };
}

export default defineCheck({
  meta: {
    id: 'telemetry.os',
    title: 'Operating-system diagnostic data and crash reports stay at the baseline level',
    area: 'telemetry',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Diagnostic data and crash reports leave the machine for the OS vendor on their own schedule, outside the agent\'s egress policy, and a crash ' +
      'report holds the memory of the crashed process: the prompts, files and tokens an agent was handling. Windows: the DataCollection policy ' +
      'AllowTelemetry (0 Security is honoured only on Enterprise, Education and Server; other editions treat it as 1 Required) and Windows Error ' +
      'Reporting. macOS: Share Mac Analytics and Share with app developers (DiagnosticMessagesHistory.plist, overridden by configuration ' +
      'profiles). Linux: popularity-contest, apport, whoopsie and ABRT autoreporting where installed (Ubuntu\'s one-time ubuntu-report / ' +
      'ubuntu-insights are not covered); a Linux target with none of them is skipped.',
    references: [
      { title: 'Configure Windows diagnostic data in your organization (AllowTelemetry levels; Security only on Enterprise, Education, Server)', url: 'https://learn.microsoft.com/en-us/windows/privacy/configure-windows-diagnostic-data-in-your-organization' },
      { title: 'Windows Error Reporting group policy: Disable Windows Error Reporting (WerDisable)', url: 'https://learn.microsoft.com/en-us/windows/win32/wer/wer-settings' },
      { title: 'macOS DiagnosticMessagesHistory.plist AutoSubmit / ThirdPartyDataSubmit (partially verified: CIS macOS Benchmark 2.6.x audit scripts)' },
      { title: 'macOS Security Compliance Project: system_settings_diagnostics_reports_disable (com.apple.SubmitDiagInfo AutoSubmit, com.apple.applicationaccess allowDiagnosticSubmission)', url: 'https://github.com/usnistgov/macos_security' },
      { title: 'popularity-contest(8), /etc/popularity-contest.conf PARTICIPATE', url: 'https://manpages.debian.org/popularity-contest' },
      { title: 'Ubuntu apport (/etc/default/apport enabled) and whoopsie (/etc/default/whoopsie report_crashes)', url: 'https://wiki.ubuntu.com/Apport' },
    ],
    fix: 'Set the diagnostic data policy (AllowTelemetry, WER Disabled) by GPO or Intune, push the macOS diagnostics payload by MDM, and turn off popularity-contest and crash uploaders on Linux.',
  },
  params: {
    maxWindowsLevel: integer('Most diagnostic data Windows may send: 0 Security (Enterprise, Education, Server only), 1 Required, 2 Enhanced, 3 Optional.', 1, 0, 3),
    crashReports: boolean('Also require crash reporting to the OS vendor to be off (Windows Error Reporting, apport, whoopsie, ABRT); on macOS the analytics choice covers crash reports.', true),
  },
  uses: [osTelemetry],
  evaluate(facts, params) {
    const evidence = facts.get(osTelemetry);
    if (evidence.unavailable) return { status: 'skipped', message: evidence.unavailable };
    let result: { findings: Finding[]; summary: string[] };
    if (evidence.windows) result = windowsFindings(evidence.windows, params.maxWindowsLevel, params.crashReports);
    else if (evidence.darwin) result = darwinFindings(evidence.darwin);
    else {
      const reporters = evidence.linux ?? [];
      if (reporters.length === 0) return { status: 'skipped', message: 'none of popularity-contest, apport, whoopsie or ABRT is configured here (/etc/popularity-contest.conf, /etc/default/apport, /etc/default/whoopsie, /etc/abrt/abrt.conf)' };
      result = linuxFindings(reporters, params.crashReports);
    }
    if (result.findings.length > 0) return { status: 'fail', message: `${result.findings.length} diagnostic data or crash reporting setting(s) above the baseline${result.summary.length ? `; ${result.summary.join('; ')}` : ''}`, findings: result.findings };
    return { status: 'pass', message: result.summary.join('; ') || 'nothing reports beyond the baseline' };
  },
});
