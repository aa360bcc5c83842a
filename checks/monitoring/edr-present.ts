import { edrSensors, type EdrFacts, type EdrObservation, type EdrService } from '../../src/collectors/edr.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { oneOf } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { EDR_CATALOGUE, EDR_IDS } from '../../src/monitoring/edr-catalogue.js';

interface Judged {
  observation: EdrObservation;
  installed: boolean;
  running: boolean;
  enabled: boolean;
  present: boolean;
  /** How presence was decided, for the message. */
  how: string;
}

function judge(facts: EdrFacts, observation: EdrObservation): Judged {
  const installed = observation.installedPaths.length > 0 || observation.services.some((service) => service.path !== undefined) || (facts.platform === 'win32' && observation.services.length > 0 && !observation.builtIn);
  const serviceRunning = observation.services.some((service) => service.running);
  // A process only counts with the sensor's files or service beside it: a stray `pmd` is not Cortex XDR.
  const running = serviceRunning || ((installed || observation.services.length > 0) && observation.processes.length > 0);
  const enabled = observation.services.some((service) => service.enabled);
  const base = { observation, installed, running, enabled };
  if (facts.live) {
    if (running) return { ...base, present: true, how: `running (${[...observation.processes.map((process) => `${process.name} pid ${process.pid}`), ...observation.services.filter((service) => service.running).map((service) => service.detail)].join(', ')})` };
    if (!facts.processesAvailable && facts.platform !== 'win32' && installed && enabled) return { ...base, present: true, how: `installed and enabled at boot; not verified running (${facts.processesUnavailable ?? 'processes not listed'})` };
    return { ...base, present: false, how: 'not running' };
  }
  if (installed && (enabled || facts.platform === 'win32')) return { ...base, present: true, how: facts.platform === 'win32' ? `installed (${observation.installedPaths[0]}); services of an offline Windows image are not read` : `installed and enabled at boot (${observation.services.find((service) => service.enabled)?.detail})` };
  return { ...base, present: false, how: installed ? 'installed but not enabled at boot' : 'not installed' };
}

function startAction(facts: EdrFacts, observation: EdrObservation): RemediationAction {
  const service: EdrService | undefined = observation.services[0];
  const name = service?.name ?? observation.name;
  if (facts.platform === 'linux') return { kind: 'manual', text: `${service?.masked ? `systemctl unmask ${name} && ` : ''}systemctl enable --now ${name}; then check that the sensor reports to its console.` };
  if (facts.platform === 'darwin') return { kind: 'manual', text: `launchctl bootstrap system /Library/LaunchDaemons/${name}.plist (remove Disabled from the plist first if set), or reinstall ${observation.name} from the MDM.` };
  return { kind: 'manual', text: `Set-Service -Name '${name}' -StartupType Automatic; Start-Service -Name '${name}' (as administrator), or redeploy ${observation.name}.` };
}

export default defineCheck({
  meta: {
    id: 'monitoring.edr-present',
    title: 'An endpoint detection and response sensor is installed and running',
    area: 'monitoring',
    // Medium by default: golden images gated at --fail-on high usually get their sensor at enrolment
    // (MDM), not baked in. The strict baseline raises it to high.
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'An agent that is prompt-injected acts with the user\'s rights: an EDR sensor is what records and stops what it then does on the host (credential ' +
      'reads, persistence, exfiltration). This check looks for the sensors of its catalogue (CrowdStrike Falcon, SentinelOne, Microsoft Defender for ' +
      'Endpoint, Elastic Agent/Defend, Wazuh, osquery, Cortex XDR, Jamf Protect) by install path, service (systemd unit and its .wants link, launchd ' +
      'plist in /Library/LaunchDaemons, Windows service from Get-Service) and running process. On a live machine a sensor must be running; in an image ' +
      'it must be installed and enabled at boot. The baseline can require one product (requiredEdr). Note: Claude Cowork runs shell commands in a VM that ' +
      'host EDR cannot see into (Anthropic documents this), so the sensor covers the host side only.',
    references: [
      ...EDR_CATALOGUE.flatMap((product) => product.references.filter((reference) => reference.url)),
      { title: 'Claude Cowork desktop architecture overview: EDR tools cannot inspect activity inside the VM', url: 'https://support.claude.com/en/articles/14479288-claude-cowork-desktop-architecture-overview' },
      { title: 'CIS Controls v8, 13.2: deploy a host-based intrusion detection solution' },
    ],
    fix: "Install the organisation's EDR sensor and keep its service enabled and running (systemctl enable --now, launchctl bootstrap, Set-Service/Start-Service).",
  },
  params: {
    requiredEdr: oneOf('The sensor the organisation requires (a catalogue id); empty accepts any sensor of the catalogue.', ['', ...EDR_IDS], ''),
  },
  uses: [edrSensors],
  evaluate(facts, params) {
    const edr = facts.get(edrSensors);
    const judged = edr.observations.map((observation) => judge(edr, observation));
    const present = judged.filter((item) => item.present);
    const requiredName = params.requiredEdr ? EDR_CATALOGUE.find((product) => product.id === params.requiredEdr)?.name ?? params.requiredEdr : undefined;
    const satisfied = params.requiredEdr ? present.some((item) => item.observation.id === params.requiredEdr) : present.length > 0;
    const where = edr.live ? 'running' : 'installed and enabled in the image';
    const notes = [edr.processesUnavailable && edr.live ? `processes: ${edr.processesUnavailable}` : '', edr.servicesUnavailable ?? ''].filter(Boolean);
    const detail = notes.length ? ` (${notes.join('; ')})` : '';
    if (satisfied) {
      return { status: 'pass', message: `${present.map((item) => `${item.observation.name}: ${item.how}`).join('; ')}${detail}` };
    }
    const findings: Finding[] = [];
    for (const item of judged) {
      if (item.present || !item.installed) continue;
      if (params.requiredEdr && item.observation.id !== params.requiredEdr) continue;
      const services = item.observation.services.map((service) => service.detail).join('; ') || 'no service definition found';
      const location = item.observation.installedPaths[0] ?? item.observation.services.find((service) => service.path)?.path;
      findings.push({
        message: `${item.observation.name} is installed (${item.observation.installedPaths.join(', ') || 'service only'}) but ${edr.live ? 'not running' : 'not enabled at boot'}: ${services}${edr.live && edr.processesAvailable ? '; no sensor process' : ''}`,
        ...(location ? { location: { path: location } } : {}),
        subject: 'system',
        actions: [startAction(edr, item.observation)],
      });
    }
    const builtInIdle = judged.filter((item) => item.observation.builtIn && !item.running);
    const idle = builtInIdle.length ? `; ${builtInIdle.map((item) => `${item.observation.name}'s ${item.observation.services.map((service) => service.detail).join(', ')}: it ships with Windows and runs only once the device is onboarded`).join('; ')}` : '';
    const others = present.length ? `; present instead: ${present.map((item) => item.observation.name).join(', ')}` : '';
    findings.push({
      message: requiredName
        ? `the required sensor ${requiredName} is not ${where}${others}${idle}`
        : `no endpoint sensor is ${where} (looked for ${edr.searched.join(', ')})${idle}`,
      subject: 'system',
      actions: [{ kind: 'manual', text: `Deploy ${requiredName ?? "the organisation's EDR sensor"} through the MDM and keep its service enabled.` }],
    });
    return { status: 'fail', message: `${requiredName ? `${requiredName} not ${where}` : `no endpoint sensor ${where}`}${detail}`, findings };
  },
});
