// Built-in baselines and schemas are bundled as text (esbuild and vitest load them the same way).
declare module '*.yaml' {
  const text: string;
  export default text;
}

// Fixed parts of the remediation scripts, kept as real scripts so shellcheck can read them.
declare module '*.sh' {
  const text: string;
  export default text;
}
declare module '*.ps1' {
  const text: string;
  export default text;
}
