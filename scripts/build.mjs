// Bundles the CLI into one ESM file (dist/cowork-audit.mjs): built-in baselines and schemas are inlined
// as text, so the bundle runs from any folder and is the input of the single-executable build.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const outfile = 'dist/cowork-audit.mjs';
await build({
  entryPoints: ['src/cli/bin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  loader: { '.yaml': 'text', '.sh': 'text', '.ps1': 'text' },
  // jsonc-parser's UMD entry requires files by relative path; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);

// cowork-audit/sdk for plugins (package.json exports; types from src/sdk.ts). A plugin's copy of a
// built-in collector shares the scan's facts: the fact store keys collectors by id.
await build({
  entryPoints: ['src/sdk.ts'],
  outfile: 'dist/sdk.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
});
