import recommended from '../../baselines/recommended.yaml';
import strict from '../../baselines/strict.yaml';

/** Built-in baselines, bundled into the CLI and the single binary as text. */
export const BUILTIN_BASELINES: Readonly<Record<string, string>> = { recommended, strict };
