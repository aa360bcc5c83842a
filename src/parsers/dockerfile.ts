// Dockerfile / Containerfile: the user the final stage runs as. Line continuations (with a `# escape=`
// directive), comments inside continuations, heredocs and stages built on earlier stages are followed.
// Capabilities, no-new-privileges, read-only and pids limits are run-time settings: not judged here.
import { type ContainerSpec, type Located, emptySpec } from '../containers/model.js';
import type { FixPlan } from '../containers/rules.js';
import { SUGGESTED_USER } from './compose.js';

export interface DockerfileInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerfileParse {
  containers: ContainerSpec[];
  error?: string;
}

/** Instructions with their first line; continuation lines, comments and heredoc bodies folded in. */
export function dockerfileInstructions(text: string): DockerfileInstruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives come first, before any instruction, comment or blank line.
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if ((directive[1] as string).toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2] as string;
  }
  const instructions: DockerfileInstruction[] = [];
  let current: DockerfileInstruction | undefined;
  const heredocs: { word: string; strip: boolean }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    if (heredocs.length > 0) {
      const head = heredocs[0] as { word: string; strip: boolean };
      if ((head.strip ? raw.replace(/^\t+/, '') : raw) === head.word) heredocs.shift();
      continue;
    }
    const trimmed = raw.trim();
    if (!current) {
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const match = /^(\S+)\s*(.*)$/.exec(trimmed);
      if (!match) continue;
      current = { keyword: (match[1] as string).toUpperCase(), args: '', line: index + 1 };
      let rest = match[2] as string;
      const continued = rest.endsWith(escape);
      if (continued) rest = rest.slice(0, -1);
      current.args = rest;
      for (const heredoc of rest.matchAll(/<<(-?)["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)) heredocs.push({ word: heredoc[2] as string, strip: heredoc[1] === '-' });
      if (!continued) {
        instructions.push(current);
        current = undefined;
      }
      continue;
    }
    // Inside a continuation: comment lines are dropped, an empty line does not end it.
    if (trimmed.startsWith('#') || trimmed === '') continue;
    const continued = trimmed.endsWith(escape);
    current.args += ` ${continued ? trimmed.slice(0, -1) : trimmed}`;
    if (!continued) {
      instructions.push(current);
      current = undefined;
    }
  }
  if (current) instructions.push(current);
  return instructions;
}

interface Stage {
  name?: string;
  base: string;
  line: number;
  user?: Located<string>;
}

/** The final stage as a container: its user (USER in it, or in the stage it is built on). */
export function parseDockerfile(text: string): DockerfileParse {
  const stages: Stage[] = [];
  for (const instruction of dockerfileInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
      const as = words.findIndex((word) => word.toLowerCase() === 'as');
      stages.push({ base: words[0] ?? '?', line: instruction.line, ...(as >= 0 && words[as + 1] ? { name: words[as + 1] as string } : {}) });
    } else if (instruction.keyword === 'USER') {
      const stage = stages[stages.length - 1];
      const user = instruction.args.trim();
      if (stage && user !== '') stage.user = { value: user, line: instruction.line };
    }
  }
  const final = stages[stages.length - 1];
  if (!final) return { containers: [], error: 'no FROM instruction' };
  const spec = emptySpec('dockerfile', final.name ? `stage ${final.name} (FROM ${final.base})` : `FROM ${final.base}`, 0, final.line);
  spec.notApplicable.push('cap-drop-all', 'no-new-privileges', 'read-only', 'pids-limit');
  // A stage built FROM an earlier stage inherits its USER.
  let stage: Stage | undefined = final;
  for (let hop = 0; stage && hop < stages.length; hop++) {
    if (stage.user) {
      spec.user = stage === final ? stage.user : { ...stage.user, via: `stage ${stage.name ?? '?'}` };
      break;
    }
    const base: string = stage.base.toLowerCase();
    stage = stages.slice(0, stages.indexOf(stage)).reverse().find((candidate) => candidate.name?.toLowerCase() === base);
  }
  return { containers: [spec] };
}

/** The Dockerfile with a final non-root USER appended, for a plan that asks for one. */
export function fixDockerfile(text: string, _spec: ContainerSpec, plan: FixPlan): string | undefined {
  if (!plan.add?.includes('non-root-user')) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const separator = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${separator}USER ${SUGGESTED_USER}${eol}`;
}
