// A minimal Debian root file system made with `debootstrap --variant=minbase`, from the same mirror and
// suite as this machine's apt, for the golden-image gate test (test/golden-image.test.ts).
// The result is cached under the OS temp folder, keyed by suite and architecture, so that a second run in
// the same session takes seconds; the cache is never modified: callers copy it (copyRootfs) and weaken the copy.
//
// Usage: node scripts/debian-rootfs.mjs [--rebuild] [--copy-to DIR]
//   prints the cached rootfs folder (building it first when needed); --copy-to also copies it to DIR.
// Environment: COWORK_AUDIT_DEBIAN_MIRROR and COWORK_AUDIT_DEBIAN_SUITE override what apt uses;
// COWORK_AUDIT_ROOTFS_CACHE sets the cache folder (default <OS temp>/cowork-audit-rootfs-cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEBOOTSTRAP_TIMEOUT_MS = 20 * 60_000;

/** The debootstrap executable (PATH, then /usr/sbin and /sbin, which a non-root PATH may lack), or undefined. */
export function findDebootstrap() {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const file = path.join(dir, 'debootstrap');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Entries of one-line sources.list files: `deb [options] URI SUITE COMPONENT...`. */
function oneLineEntries(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (match) entries.push({ uri: match[1], suites: [match[2]], components: match[3].trim().split(/\s+/).filter(Boolean) });
  }
  return entries;
}

/** Entries of deb822 .sources files (Types, URIs, Suites, Components, Enabled). */
function deb822Entries(text) {
  const entries = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    let last;
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) fields[last] += ` ${raw.trim()}`;
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (match) {
        last = match[1].toLowerCase();
        fields[last] = match[2].trim();
      }
    }
    const words = (name) => (fields[name] ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || (fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
    for (const uri of words('uris')) entries.push({ uri, suites: words('suites'), components: words('components') });
  }
  return entries;
}

/**
 * The mirror and suite this machine's apt installs from: the entry for the release's own suite
 * (VERSION_CODENAME of /etc/os-release), not -updates or -security. Overridable by environment.
 */
export function aptSource() {
  const files = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const name of readdirSync('/etc/apt/sources.list.d').sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(path.join('/etc/apt/sources.list.d', name));
    }
  }
  const entries = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return (file.endsWith('.sources') ? deb822Entries(text) : oneLineEntries(text)).map((entry) => ({ ...entry, file }));
  });
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const codename = /^VERSION_CODENAME=["']?([^"'\n]+)/m.exec(osRelease)?.[1];
  const release = entries.find((entry) => codename && entry.suites.includes(codename) && entry.components.includes('main'))
    ?? entries.find((entry) => entry.components.includes('main') && entry.suites.some((suite) => !/[-/]/.test(suite)));
  const suite = process.env.COWORK_AUDIT_DEBIAN_SUITE || (release && (codename && release.suites.includes(codename) ? codename : release.suites.find((item) => !/[-/]/.test(item))));
  const mirror = process.env.COWORK_AUDIT_DEBIAN_MIRROR || release?.uri;
  if (!suite || !mirror) {
    throw new Error(`cannot tell which Debian mirror and suite apt uses (read ${files.join(', ') || 'no sources files'}); set COWORK_AUDIT_DEBIAN_MIRROR and COWORK_AUDIT_DEBIAN_SUITE`);
  }
  return { mirror, suite, from: process.env.COWORK_AUDIT_DEBIAN_MIRROR ? 'environment' : release?.file };
}

/** dpkg's architecture name of this machine (amd64, arm64, ...). */
export function debianArch() {
  try {
    return execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  } catch {
    return { x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' }[process.arch] ?? process.arch;
  }
}

/** The cache folder: under the OS temp folder the test run started with (build-once.ts points TMPDIR elsewhere). */
export function cacheRoot() {
  return process.env.COWORK_AUDIT_ROOTFS_CACHE || path.join(process.env.COWORK_AUDIT_OS_TMPDIR || os.tmpdir(), 'cowork-audit-rootfs-cache');
}

/** A cache folder in a shared temp dir is trusted only if this user owns it and nobody else can write to it. */
function ensurePrivateDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stats = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) {
    throw new Error(`refusing to use ${dir} as the rootfs cache: not a folder of this user writable only by it`);
  }
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * The cached minimal Debian rootfs (built with debootstrap when missing or when rebuild is set).
 * Returns { rootfs, cached, seconds, suite, arch, mirror, stamp }; seconds is how long this call took.
 * The build goes to a scratch folder renamed into place at the end, so an interrupted build is never used.
 */
export function debianRootfs({ rebuild = false, log = () => {} } = {}) {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const { mirror, suite, from } = aptSource();
  const arch = debianArch();
  const root = cacheRoot();
  ensurePrivateDir(root);
  const key = `${suite}-${arch}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const dir = path.join(root, key);
  const rootfs = path.join(dir, 'rootfs');
  const stampFile = path.join(dir, 'stamp.json');
  if (!rebuild && existsSync(stampFile) && existsSync(path.join(rootfs, 'etc/os-release'))) {
    return { rootfs, cached: true, seconds: elapsed(), suite, arch, mirror, stamp: JSON.parse(readFileSync(stampFile, 'utf8')) };
  }
  const debootstrap = findDebootstrap();
  if (!debootstrap) throw new Error('debootstrap is not installed (Debian/Ubuntu: apt-get install debootstrap)');
  const building = mkdtempSync(path.join(root, `${key}.building-`));
  const logFile = path.join(building, 'debootstrap.log');
  const args = ['--variant=minbase', `--arch=${arch}`, suite, path.join(building, 'rootfs'), mirror];
  log(`debootstrap ${args.join(' ')} (mirror from ${from}; log ${logFile})`);
  const fd = openSync(logFile, 'w');
  let result;
  try {
    result = spawnSync(debootstrap, args, { stdio: ['ignore', fd, fd], timeout: DEBOOTSTRAP_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } finally {
    closeSync(fd);
  }
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}${result.signal ? ` (${result.signal})` : ''}`;
    const text = `debootstrap ${args.join(' ')} failed: ${why}\n--- last lines of ${logFile} ---\n${tail(logFile)}`;
    rmSync(path.join(building, 'rootfs'), { recursive: true, force: true });
    throw new Error(text);
  }
  const version = spawnSync(debootstrap, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  const stamp = { suite, arch, mirror, debootstrap: version, variant: 'minbase', builtAt: new Date().toISOString(), buildSeconds: Math.round(elapsed() * 10) / 10 };
  writeFileSync(path.join(building, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
  if (existsSync(dir)) {
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    renameSync(dir, old);
    rmSync(old, { recursive: true, force: true });
  }
  try {
    renameSync(building, dir);
  } catch (error) {
    // Another run finished the same build first: use its copy.
    if (!existsSync(stampFile)) throw error;
    rmSync(building, { recursive: true, force: true });
  }
  return { rootfs, cached: false, seconds: elapsed(), suite, arch, mirror, stamp };
}

/** Copies a rootfs with modes, owners, links, device files and extended attributes (ACLs) into `to` (created). */
export function copyRootfs(from, to) {
  mkdirSync(to, { recursive: true });
  const result = spawnSync('cp', ['-a', '--', `${from}/.`, to], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cp -a ${from} ${to} failed: ${result.stderr || result.error?.message}`);
  return to;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const copyTo = argv.includes('--copy-to') ? argv[argv.indexOf('--copy-to') + 1] : undefined;
  try {
    const image = debianRootfs({ rebuild: argv.includes('--rebuild'), log: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`${image.cached ? 'cached' : 'built'} ${image.suite}/${image.arch} from ${image.mirror} in ${image.seconds.toFixed(1)} s\n`);
    if (copyTo) {
      copyRootfs(image.rootfs, copyTo);
      process.stdout.write(`${path.resolve(copyTo)}\n`);
    } else {
      process.stdout.write(`${image.rootfs}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
