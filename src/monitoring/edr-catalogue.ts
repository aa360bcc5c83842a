// Endpoint detection and response sensors this audit recognises, with where each installs, the service
// that starts it and the processes it runs, per platform. Sources are the vendors' documentation where
// one says so; "secondary" marks paths known from third-party material only (look them up again before
// relying on them). Matching is by exact path, unit or service name, and process name.

export type EdrId = 'crowdstrike' | 'sentinelone' | 'mde' | 'elastic' | 'wazuh' | 'osquery' | 'cortex-xdr' | 'jamf-protect';

export interface EdrPlatform {
  /** Files or folders whose presence means the sensor is installed. */
  installPaths: string[];
  /** Linux: systemd unit names. macOS: launchd labels (/Library/LaunchDaemons/<label>.plist). Windows: service names. */
  services: string[];
  /** Process names (Linux comm or executable base name, macOS executable base name, Windows image name). */
  processes: string[];
  /**
   * Windows: the service ships with the operating system (Defender for Endpoint's Sense), so its presence
   * says nothing: only a running service or process counts.
   */
  builtIn?: boolean;
}

export interface EdrProduct {
  id: EdrId;
  name: string;
  linux?: EdrPlatform;
  darwin?: EdrPlatform;
  win32?: EdrPlatform;
  references: { title: string; url?: string }[];
}

export const EDR_CATALOGUE: readonly EdrProduct[] = [
  {
    id: 'crowdstrike',
    name: 'CrowdStrike Falcon',
    linux: { installPaths: ['/opt/CrowdStrike/falconctl', '/opt/CrowdStrike/falcond'], services: ['falcon-sensor.service'], processes: ['falcond', 'falcon-sensor'] },
    darwin: { installPaths: ['/Applications/Falcon.app'], services: ['com.crowdstrike.falcond'], processes: ['com.crowdstrike.falcon.Agent', 'falcond'] },
    win32: { installPaths: ['C:\\Program Files\\CrowdStrike\\CSFalconService.exe'], services: ['CSFalconService'], processes: ['CSFalconService.exe'] },
    references: [{ title: 'CrowdStrike Falcon sensor deployment (falconctl, falcon-sensor service, CSFalconService); secondary: vendor documentation is behind a login' }],
  },
  {
    id: 'sentinelone',
    name: 'SentinelOne',
    linux: { installPaths: ['/opt/sentinelone/bin/sentinelctl'], services: ['sentinelone.service'], processes: ['s1-agent', 's1-orchestrator', 's1-network', 's1-scanner'] },
    darwin: { installPaths: ['/Library/Sentinel/sentinel-agent.bundle'], services: ['com.sentinelone.sentineld'], processes: ['sentineld'] },
    win32: { installPaths: ['C:\\Program Files\\SentinelOne'], services: ['SentinelAgent'], processes: ['SentinelAgent.exe'] },
    references: [{ title: 'SentinelOne agent paths and services (sentinelctl, sentineld, SentinelAgent); secondary: vendor documentation is behind a login' }],
  },
  {
    id: 'mde',
    name: 'Microsoft Defender for Endpoint',
    linux: { installPaths: ['/opt/microsoft/mdatp/sbin/wdavdaemon'], services: ['mdatp.service'], processes: ['wdavdaemon'] },
    darwin: { installPaths: ['/Applications/Microsoft Defender.app'], services: ['com.microsoft.fresno'], processes: ['wdavdaemon'] },
    win32: { installPaths: ['C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe'], services: ['Sense'], processes: ['MsSense.exe'], builtIn: true },
    references: [
      { title: 'Defender for Endpoint on Linux: mdatp service', url: 'https://learn.microsoft.com/en-us/defender-endpoint/linux-resources' },
      { title: 'Defender for Endpoint on macOS: resources (com.microsoft.fresno)', url: 'https://learn.microsoft.com/en-us/defender-endpoint/mac-resources' },
      { title: 'Defender for Endpoint on Windows: the Sense service runs once the device is onboarded', url: 'https://learn.microsoft.com/en-us/defender-endpoint/troubleshoot-onboarding' },
    ],
  },
  {
    id: 'elastic',
    name: 'Elastic Agent / Elastic Defend',
    linux: { installPaths: ['/opt/Elastic/Agent/elastic-agent', '/opt/Elastic/Endpoint/elastic-endpoint'], services: ['elastic-agent.service', 'ElasticEndpoint.service'], processes: ['elastic-agent', 'elastic-endpoint', 'elastic-endpoin'] },
    darwin: { installPaths: ['/Library/Elastic/Agent/elastic-agent', '/Library/Elastic/Endpoint/elastic-endpoint'], services: ['co.elastic.elastic-agent', 'co.elastic.endpoint'], processes: ['elastic-agent', 'elastic-endpoint'] },
    win32: { installPaths: ['C:\\Program Files\\Elastic\\Agent\\elastic-agent.exe', 'C:\\Program Files\\Elastic\\Endpoint\\elastic-endpoint.exe'], services: ['Elastic Agent', 'ElasticEndpoint'], processes: ['elastic-agent.exe', 'elastic-endpoint.exe'] },
    references: [{ title: 'Elastic Agent installation layout', url: 'https://www.elastic.co/guide/en/fleet/current/installation-layout.html' }],
  },
  {
    id: 'wazuh',
    name: 'Wazuh agent',
    linux: { installPaths: ['/var/ossec/bin/wazuh-agentd'], services: ['wazuh-agent.service'], processes: ['wazuh-agentd', 'wazuh-execd', 'wazuh-modulesd', 'wazuh-syscheckd', 'wazuh-logcollec', 'wazuh-logcollector'] },
    darwin: { installPaths: ['/Library/Ossec/bin/wazuh-agentd'], services: ['com.wazuh.agent'], processes: ['wazuh-agentd', 'wazuh-execd', 'wazuh-modulesd'] },
    win32: { installPaths: ['C:\\Program Files (x86)\\ossec-agent\\wazuh-agent.exe'], services: ['WazuhSvc'], processes: ['wazuh-agent.exe'] },
    references: [{ title: 'Wazuh agent installation (Linux /var/ossec, macOS /Library/Ossec, Windows ossec-agent)', url: 'https://documentation.wazuh.com/current/installation-guide/wazuh-agent/index.html' }],
  },
  {
    id: 'osquery',
    name: 'osquery',
    linux: { installPaths: ['/opt/osquery/bin/osqueryd', '/usr/bin/osqueryd'], services: ['osqueryd.service'], processes: ['osqueryd'] },
    darwin: { installPaths: ['/opt/osquery/lib/osquery.app'], services: ['io.osquery.agent'], processes: ['osqueryd'] },
    win32: { installPaths: ['C:\\Program Files\\osquery\\osqueryd\\osqueryd.exe'], services: ['osqueryd'], processes: ['osqueryd.exe'] },
    references: [{ title: 'osquery installation (packages, launchd io.osquery.agent, Windows service osqueryd)', url: 'https://osquery.readthedocs.io/en/stable/installation/install-linux/' }],
  },
  {
    id: 'cortex-xdr',
    name: 'Palo Alto Networks Cortex XDR',
    linux: { installPaths: ['/opt/traps/bin/pmd'], services: ['traps_pmd.service'], processes: ['pmd'] },
    darwin: { installPaths: ['/Library/Application Support/PaloAltoNetworks/Traps'], services: ['com.paloaltonetworks.traps.pmd'], processes: ['pmd'] },
    win32: { installPaths: ['C:\\Program Files\\Palo Alto Networks\\Traps\\cyserver.exe'], services: ['cyserver'], processes: ['cyserver.exe'] },
    references: [{ title: 'Cortex XDR agent paths and services (traps_pmd, cyserver); secondary' }],
  },
  {
    id: 'jamf-protect',
    name: 'Jamf Protect',
    darwin: { installPaths: ['/Applications/JamfProtect.app'], services: ['com.jamf.protect.daemon'], processes: ['JamfProtect'] },
    references: [{ title: 'Jamf Protect (macOS); secondary' }],
  },
];

export const EDR_IDS = EDR_CATALOGUE.map((product) => product.id) as readonly EdrId[];
