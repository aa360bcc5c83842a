import { HOST_NS, INIT, proc, ps, windowsServices } from '../host-sandbox-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const FALCON_LINUX = {
  '/opt/CrowdStrike/falconctl': { mode: '0755', content: '' },
  '/opt/CrowdStrike/falcond': { mode: '0755', content: '' },
  '/usr/lib/systemd/system/falcon-sensor.service': { content: '[Unit]\nDescription=CrowdStrike Falcon Sensor\n\n[Service]\nExecStart=/opt/CrowdStrike/falcond\n\n[Install]\nWantedBy=multi-user.target\n' },
  '/etc/systemd/system/multi-user.target.wants/falcon-sensor.service': { target: '/usr/lib/systemd/system/falcon-sensor.service' },
  ...INIT,
  ...proc(812, { name: 'falcond', uid: 0, argv: ['/opt/CrowdStrike/falcond'], cgroup: '0::/system.slice/falcon-sensor.service', ns: HOST_NS }),
};
const WAZUH_MASKED = {
  '/var/ossec/bin/wazuh-agentd': { mode: '0750', content: '' },
  '/usr/lib/systemd/system/wazuh-agent.service': { content: '[Unit]\nDescription=Wazuh agent\n[Install]\nWantedBy=multi-user.target\n' },
  '/etc/systemd/system/wazuh-agent.service': { target: '/dev/null' },
};
const OSQUERY_IDLE = {
  '/opt/osquery/bin/osqueryd': { mode: '0755', content: '' },
  '/usr/lib/systemd/system/osqueryd.service': { content: '[Unit]\nDescription=The osquery Daemon\n[Install]\nWantedBy=multi-user.target\n' },
};
const MDE_MAC = {
  '/Applications/Microsoft Defender.app': { type: 'dir' as const },
  '/Library/LaunchDaemons/com.microsoft.fresno.plist': { content: '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>Label</key>\n\t<string>com.microsoft.fresno</string>\n\t<key>RunAtLoad</key>\n\t<true/>\n</dict>\n</plist>\n' },
};

export default defineScenarios('monitoring.edr-present', [
  {
    name: 'linux: CrowdStrike Falcon installed, enabled and running passes',
    platform: 'linux',
    endpoint: endpoint('linux', FALCON_LINUX),
    expect: { status: 'pass', message: 'CrowdStrike Falcon: running (falcond pid 812)' },
  },
  {
    name: 'linux: a masked Wazuh agent and an idle osquery fail, each with its service',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...WAZUH_MASKED, ...OSQUERY_IDLE }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/var/ossec/bin/wazuh-agentd', subject: 'system', message: 'Wazuh agent is installed (/var/ossec/bin/wazuh-agentd) but not running: wazuh-agent.service is masked (/etc/systemd/system/wazuh-agent.service -> /dev/null); no sensor process', actions: ['manual'] },
        { path: '/opt/osquery/bin/osqueryd', message: 'osquery is installed (/opt/osquery/bin/osqueryd) but not running: osqueryd.service is installed but not enabled (/usr/lib/systemd/system/osqueryd.service)' },
        { message: 'no endpoint sensor is running (looked for CrowdStrike Falcon, SentinelOne, Microsoft Defender for Endpoint, Elastic Agent / Elastic Defend, Wazuh agent, osquery, Palo Alto Networks Cortex XDR)' },
      ],
    },
  },
  {
    name: 'linux: a stray process named like a sensor, without its files, is no sensor',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...proc(900, { name: 'pmd', uid: 1000, argv: ['/home/alice/bin/pmd', 'check'], cgroup: '0::/user.slice', ns: HOST_NS }) }),
    expect: { status: 'fail', findings: [{ message: 'no endpoint sensor is running' }] },
  },
  {
    name: 'linux: the baseline requires Defender for Endpoint, Falcon does not count',
    platform: 'linux',
    endpoint: endpoint('linux', FALCON_LINUX),
    params: { requiredEdr: 'mde' },
    expect: { status: 'fail', findings: [{ message: 'the required sensor Microsoft Defender for Endpoint is not running; present instead: CrowdStrike Falcon' }] },
  },
  {
    name: 'linux: the baseline requires CrowdStrike and it runs',
    platform: 'linux',
    endpoint: endpoint('linux', FALCON_LINUX),
    params: { requiredEdr: 'crowdstrike' },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: Defender for Endpoint with its LaunchDaemon and wdavdaemon running passes',
    platform: 'darwin',
    endpoint: endpoint('darwin', MDE_MAC, { commands: ps([[1, 0, 0, 'root', '/sbin/launchd'], [402, 1, 0, 'root', '/Library/Application Support/Microsoft/Defender/wdavdaemon'], [455, 1, 0, 'root', '/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise']]) }),
    expect: { status: 'pass', message: 'Microsoft Defender for Endpoint: running (wdavdaemon pid 402)' },
  },
  {
    name: 'darwin: Falcon.app installed but no sensor process fails',
    platform: 'darwin',
    endpoint: endpoint('darwin', { '/Applications/Falcon.app': { type: 'dir' } }, { commands: ps([[1, 0, 0, 'root', '/sbin/launchd']]) }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Applications/Falcon.app', message: 'CrowdStrike Falcon is installed (/Applications/Falcon.app) but not running: no service definition found; no sensor process' },
        { message: 'no endpoint sensor is running' },
      ],
    },
  },
  {
    name: 'win32: CSFalconService running passes',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Program Files\\CrowdStrike\\CSFalconService.exe': { content: '' } }, {
      commands: windowsServices([
        { name: 'CSFalconService', displayName: 'CrowdStrike Falcon Sensor Service', status: 'Running', startType: 'Automatic' },
        { name: 'Sense', displayName: 'Windows Defender Advanced Threat Protection Service', status: 'Stopped', startType: 'Manual' },
      ]),
    }),
    expect: { status: 'pass', message: 'CrowdStrike Falcon: running (service CSFalconService is Running (start type Automatic))' },
  },
  {
    name: 'win32: Sense not onboarded and a stopped Wazuh agent fail',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Program Files (x86)\\ossec-agent\\wazuh-agent.exe': { content: '' } }, {
      commands: windowsServices([
        { name: 'Sense', displayName: 'Windows Defender Advanced Threat Protection Service', status: 'Stopped', startType: 'Manual' },
        { name: 'WazuhSvc', displayName: 'Wazuh', status: 'Stopped', startType: 'Manual' },
        { name: 'WinDefend', displayName: 'Microsoft Defender Antivirus Service', status: 'Running', startType: 'Automatic' },
      ]),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Program Files (x86)\\ossec-agent\\wazuh-agent.exe', message: 'Wazuh agent is installed (C:\\Program Files (x86)\\ossec-agent\\wazuh-agent.exe) but not running: service WazuhSvc is Stopped (start type Manual)', actions: ['manual'] },
        { message: "Microsoft Defender for Endpoint's service Sense is Stopped (start type Manual): it ships with Windows and runs only once the device is onboarded" },
      ],
    },
  },
]);
