// Built-in baselines and schemas are bundled as text (esbuild and vitest load them the same way).
declare module '*.yaml' {
  const text: string;
  export default text;
}
