import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { parseKeyPath, setJsonKey } from '../remediate/json-edit.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

/**
 * `cowork-audit json-set FILE KEYPATH VALUE`: the one JSON edit remediation scripts make. Written in
 * place (same inode: owner, mode and ACL stay), never through a link.
 */
export function registerJsonSetCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('json-set')
    .description('set one key of a JSON/JSONC settings file, keeping comments and other keys (used by remediation scripts)')
    .argument('<file>')
    .argument('<keyPath>', 'JSON array of keys, for example \'["permissions","defaultMode"]\'')
    .argument('<value>', 'JSON value, for example \'"default"\' or true')
    .option('--check', 'change nothing; exit 0 when the key already has the value, 1 when not')
    .action((file: string, keyPathText: string, valueText: string, flags: { check?: boolean }) => {
      const keyPath = parseKeyPath(keyPathText);
      let value: unknown;
      try {
        value = JSON.parse(valueText);
      } catch {
        throw new UsageError(`value must be JSON (strings in double quotes): ${valueText}`);
      }
      let fd: number;
      try {
        fd = openSync(file, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        throw new UsageError(`${file}: cannot open for editing (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      try {
        if (!fstatSync(fd).isFile()) throw new UsageError(`${file}: not a regular file`);
        const edit = setJsonKey(readFileSync(fd, 'utf8'), keyPath, value, file);
        const where = `${file}: ${JSON.stringify(keyPath)}`;
        if (!edit.changed) {
          io.stdout(`${where} already ${JSON.stringify(value)}\n`);
          return;
        }
        if (flags.check) {
          io.stdout(`${where} is ${JSON.stringify(edit.before) ?? 'unset'}, want ${JSON.stringify(value)}\n`);
          setExitCode(1);
          return;
        }
        const bytes = Buffer.from(edit.text, 'utf8');
        writeSync(fd, bytes, 0, bytes.length, 0);
        // Truncate after writing: a shorter file must not keep the old tail.
        ftruncateSync(fd, bytes.length);
        io.stdout(`${where}: ${JSON.stringify(edit.before) ?? 'unset'} -> ${JSON.stringify(value)}\n`);
      } finally {
        closeSync(fd);
      }
    });
}
