import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { UsageError } from '../util/usage-error.js';
import { scrubSecrets } from '../secrets/scrub.js';
import { registerBaselineCommands } from './baseline-command.js';
import { registerChecksCommands } from './checks-command.js';
import { registerFleetCommands } from './fleet-command.js';
import { registerJsonSetCommand } from './json-set-command.js';
import { registerRemediateCommand } from './remediate-command.js';
import { registerScanCommand } from './scan-command.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('cowork-audit')
    .description('Audit endpoints, golden images and repositories that run desktop AI agents against a hardening baseline.')
    .version(TOOL_VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) });
  registerScanCommand(program, io, setExitCode);
  registerChecksCommands(program, io);
  registerBaselineCommands(program, io);
  registerRemediateCommand(program, io);
  registerJsonSetCommand(program, io, setExitCode);
  registerFleetCommands(program, io);
  return program;
}

/** Runs the CLI; returns the exit code: 0 clean, 1 a failure at or above --fail-on, 2 bad usage or input. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad usage.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`cowork-audit: ${scrubSecrets(error.message)}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`cowork-audit: internal error: ${scrubSecrets(message)}\n`);
    if (process.env.COWORK_AUDIT_DEBUG && error instanceof Error && error.stack) io.stderr(`${scrubSecrets(error.stack)}\n`);
    return 2;
  }
}
