// Pass and fail scenarios live beside each check: a small recorded endpoint in, the expected status and
// findings out. They run through the replay host and the real collectors, so they test the whole path.
import type { Status } from '../src/engine/result.js';
import type { Account, Group, Platform } from '../src/host/host.js';
import type { ReplayEntry, ReplaySpec } from '../src/host/replay-host.js';

export interface ExpectedFinding {
  path?: string;
  line?: number;
  subject?: string;
  /** Text or pattern the message must contain. */
  message?: string | RegExp;
  /** Remediation action kinds the finding must carry. */
  actions?: string[];
}

export interface Scenario {
  name: string;
  platform: Platform;
  endpoint: ReplaySpec;
  params?: Record<string, unknown>;
  user?: string;
  expect: {
    status: Status;
    /** Exactly these findings, in any order, when given. */
    findings?: ExpectedFinding[];
    message?: string | RegExp;
  };
}

export interface ScenarioSet {
  checkId: string;
  scenarios: Scenario[];
}

export function defineScenarios(checkId: string, scenarios: Scenario[]): ScenarioSet {
  return { checkId, scenarios };
}

const LINUX_USERS: Account[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
  { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' },
  { name: 'claude', uid: 1001, gid: 1001, home: '/home/claude', shell: '/bin/bash' },
];
const LINUX_GROUPS: Group[] = [
  { name: 'root', gid: 0, members: [] },
  { name: 'alice', gid: 1000, members: [] },
  { name: 'claude', gid: 1001, members: [] },
  { name: 'users', gid: 100, members: ['alice'] },
];
const DARWIN_USERS: Account[] = [
  { name: 'root', uid: 0, gid: 0, home: '/var/root', shell: '/bin/sh' },
  { name: 'alice', uid: 501, gid: 20, home: '/Users/alice', shell: '/bin/zsh' },
  { name: 'claude', uid: 502, gid: 20, home: '/Users/claude', shell: '/bin/zsh' },
];
const DARWIN_GROUPS: Group[] = [
  { name: 'wheel', gid: 0, members: ['root'] },
  { name: 'staff', gid: 20, members: ['root'] },
  { name: 'admin', gid: 80, members: ['root', 'alice'] },
];
export const WINDOWS_SIDS = {
  alice: 'S-1-5-21-1004336348-1177238915-682003330-1001',
  claude: 'S-1-5-21-1004336348-1177238915-682003330-1002',
  system: 'S-1-5-18',
  administrators: 'S-1-5-32-544',
  users: 'S-1-5-32-545',
  everyone: 'S-1-1-0',
};
const WINDOWS_USERS: Account[] = [
  { name: 'alice', uid: 1000, gid: 0, home: 'C:\\Users\\alice', sid: WINDOWS_SIDS.alice },
  { name: 'claude', uid: 1001, gid: 0, home: 'C:\\Users\\claude', sid: WINDOWS_SIDS.claude },
];
const WINDOWS_GROUPS: Group[] = [
  { name: 'Administrators', gid: 0, members: ['alice'], sid: WINDOWS_SIDS.administrators },
  { name: 'Users', gid: 1, members: ['alice', 'claude'], sid: WINDOWS_SIDS.users },
];

/** A home folder as each platform creates it, so scenarios state only what they are about. */
function homes(platform: Platform): Record<string, ReplayEntry> {
  if (platform === 'win32') {
    const acl = (sid: string) =>
      JSON.stringify({
        owner: 'DESKTOP\\user',
        ownerSid: sid,
        access: [
          { sid: WINDOWS_SIDS.system, principal: 'NT AUTHORITY\\SYSTEM', type: 'Allow', rights: 2032127, inherited: false },
          { sid: WINDOWS_SIDS.administrators, principal: 'BUILTIN\\Administrators', type: 'Allow', rights: 2032127, inherited: false },
          { sid, principal: 'DESKTOP\\user', type: 'Allow', rights: 2032127, inherited: false },
        ],
      });
    return {
      'C:\\Users\\alice': { type: 'dir', acl: acl(WINDOWS_SIDS.alice) },
      'C:\\Users\\claude': { type: 'dir', acl: acl(WINDOWS_SIDS.claude) },
    };
  }
  const [alice, claude, group] = platform === 'darwin' ? [501, 502, 20] : [1000, 1001, 1000];
  const base = platform === 'darwin' ? '/Users' : '/home';
  return {
    [`${base}/alice`]: { type: 'dir', mode: '0750', uid: alice, gid: group },
    [`${base}/claude`]: { type: 'dir', mode: '0750', uid: claude, gid: platform === 'darwin' ? 20 : 1001 },
  };
}

/** An endpoint with root (Unix), alice and claude, their homes, plus the files given. */
export function endpoint(platform: Platform, files: Record<string, ReplayEntry>, extra: Partial<ReplaySpec> = {}): ReplaySpec {
  const users = platform === 'linux' ? LINUX_USERS : platform === 'darwin' ? DARWIN_USERS : WINDOWS_USERS;
  const groups = platform === 'linux' ? LINUX_GROUPS : platform === 'darwin' ? DARWIN_GROUPS : WINDOWS_GROUPS;
  return { platform, hostname: `${platform}-scenario`, users, groups, files: { ...homes(platform), ...files }, ...extra };
}

/** Fake secrets are assembled at run time so that no realistic secret literal sits in the repository. */
export const fakeSecrets = {
  awsKeyId: () => 'AKIA' + 'QX7RZ2WMPLK4TY3B',
  awsTempKeyId: () => 'ASIA' + 'QX7RZ2WMPLK4TY3B',
  awsSecret: () => 'wJalrXUtnFEMI' + 'K7MDENGbPxRfiCYzq9Tk3vUw',
  github: () => 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  anthropic: () => 'sk-ant-api03-' + 'x'.repeat(0) + 'Zq3'.repeat(31) + 'AA',
  npm: () => 'npm_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5',
  slack: () => 'xoxb-' + '2048-4096-' + 'AbCdEfGhIjKlMnOp',
};
