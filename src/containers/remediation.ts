// The remediation of a container-definition issue: the exact change as a unified diff that `patch -p1`
// applies from the folder the file was found in, or, where no exact edit can be made, what to change.
import type { RemediationAction } from '../engine/remediation.js';
import { fixCompose } from '../parsers/compose.js';
import { fixDevcontainer } from '../parsers/devcontainer.js';
import { fixDockerRun } from '../parsers/docker-run.js';
import { fixDockerfile } from '../parsers/dockerfile.js';
import { fixKubernetes } from '../parsers/k8s-pod.js';
import { unifiedDiff } from '../remediate/unified-diff.js';
import { lineHoldsSecret } from '../secrets/secret-heuristics.js';
import type { ContainerFormat, ContainerSpec, DefinitionFile } from './model.js';
import { type ContainerIssue, type FixPlan, spelling } from './rules.js';

type Fixer = (text: string, spec: ContainerSpec, plan: FixPlan) => string | undefined;

const FIXERS: Record<ContainerFormat, Fixer> = {
  compose: fixCompose,
  devcontainer: fixDevcontainer,
  dockerfile: fixDockerfile,
  'docker-run': fixDockerRun,
  kubernetes: fixKubernetes,
};

/** The fixed text for one issue, or undefined when no exact edit can be made. */
export function fixedText(file: DefinitionFile, spec: ContainerSpec, issue: ContainerIssue): string | undefined {
  try {
    return FIXERS[file.format](file.text, spec, issue.plan);
  } catch {
    // A fix builder that cannot place its edit gives way to the written instruction.
    return undefined;
  }
}

/** What to change, in words, when no diff can be made. */
function instruction(file: DefinitionFile, spec: ContainerSpec, issue: ContainerIssue): string {
  const where = `${file.path} line ${issue.line}`;
  if (issue.plan.add) return `In ${file.path}, give ${spec.name} ${issue.plan.add.map((item) => spelling(spec.format, item)).join(', ')}.`;
  return `In ${where}, remove the setting named in the finding from ${spec.name}.`;
}

/** A diff quotes lines of the file; one that would quote a secret value (an env line nearby) is not given. */
function quotesSecret(diff: string): boolean {
  return diff.split('\n').some((line) => /^[ +-](?!--|\+\+)/.test(line) && lineHoldsSecret(line.slice(1)));
}

export function remediationFor(file: DefinitionFile, spec: ContainerSpec, issue: ContainerIssue): RemediationAction {
  const after = fixedText(file, spec, issue);
  const diff = after === undefined ? '' : unifiedDiff(file.relative, file.text, after);
  if (diff === '') return { kind: 'manual', text: instruction(file, spec, issue) };
  if (quotesSecret(diff)) return { kind: 'manual', text: `${instruction(file, spec, issue)} (No diff is given: the lines around this change hold a secret value, which a report never quotes.)` };
  const from = file.root === '/' ? 'the repository root' : file.root;
  const suggested = issue.plan.add?.some((item) => item === 'non-root-user' || item === 'pids-limit')
    ? ' (the user and the pids limit are suggestions: use a user the image has and a limit the workload fits in)'
    : '';
  return { kind: 'manual', text: `From ${from}, apply with \`patch -p1\` or \`git apply\`${suggested}:\n${diff}` };
}
