import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // Same as esbuild's text loader in scripts/build.mjs: built-in baselines and script templates are bundled as text.
      name: 'yaml-as-text',
      transform(code, id) {
        if (id.endsWith('.yaml') || id.endsWith('.sh') || id.endsWith('.ps1')) return { code: `export default ${JSON.stringify(code)};`, map: null };
        return undefined;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts', 'checks/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/build-once.ts'],
  },
});
