import type { ProcessInfo } from '../collectors/processes.js';

// Which running processes are desktop AI agents, and where the agents install themselves. Pure: used by
// collectors (install paths) and checks (process matching).
//
// Matching is by executable path and command line, never by a bare substring of the command line:
// `vim claude-notes.txt` is not Claude. Electron apps start helper processes (`--type=renderer`,
// `Claude Helper (Renderer)`); only the main process counts, so each app is reported once.

export type AgentKind = 'claude-code' | 'claude-desktop' | 'cursor' | 'vscode' | 'windsurf';

export const AGENT_LABELS: Record<AgentKind, string> = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
};

export interface AgentProcess {
  kind: AgentKind;
  process: ProcessInfo;
}

const CLAUDE_CODE_SCRIPT = /(?:^|[\\/])@anthropic-ai[\\/]claude-code[\\/]cli\.m?js$/i;
const JS_RUNTIMES = new Set(['node', 'node.exe', 'bun', 'bun.exe', 'nodejs']);

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function isElectronHelper(process: ProcessInfo): boolean {
  return process.argv.some((arg) => arg.startsWith('--type=')) || / Helper( \([A-Za-z]+\))?\.app\//.test(process.executable ?? process.commandLine);
}

/** The agent a process is, or undefined. */
export function agentKindOf(process: ProcessInfo): AgentKind | undefined {
  const executable = process.executable ?? process.argv[0] ?? '';
  const exe = baseName(executable).toLowerCase();
  const first = baseName(process.argv[0] ?? '').toLowerCase();
  const lowerPath = executable.replace(/\\/g, '/').toLowerCase();

  // Claude Code from npm: a JavaScript runtime running the package's cli.js.
  if ((JS_RUNTIMES.has(exe) || JS_RUNTIMES.has(first)) && process.argv.slice(1).some((arg) => CLAUDE_CODE_SCRIPT.test(arg))) return 'claude-code';

  if (isElectronHelper(process)) return undefined;

  // Claude Desktop: Claude.app on macOS, claude.exe from the Store package or the per-user installer on Windows.
  if (lowerPath.includes('/claude.app/contents/macos/claude')) return 'claude-desktop';
  if (exe === 'claude.exe' && (/\/windowsapps\/(anthropic\.)?claude_[^/]*\//.test(lowerPath) || lowerPath.includes('/anthropicclaude/'))) return 'claude-desktop';
  if (process.name.toLowerCase() === 'claude-desktop' || exe === 'claude-desktop') return 'claude-desktop';

  // Claude Code, native build (the `claude` binary, also the copy Claude Desktop's Code tab runs). It names
  // its process `claude` (process.title), so the short name alone is enough on Linux.
  if (exe === 'claude' || exe === 'claude.exe' || (process.name === 'claude' && (first === 'claude' || process.argv.length <= 1))) return 'claude-code';

  if (lowerPath.includes('/cursor.app/contents/macos/cursor') || exe === 'cursor.exe' || exe === 'cursor') return 'cursor';
  if (lowerPath.includes('/windsurf.app/contents/macos/') || exe === 'windsurf.exe' || exe === 'windsurf') return 'windsurf';
  if (
    /\/visual studio code( - insiders)?\.app\/contents\/macos\/(electron|code)$/.test(lowerPath) ||
    exe === 'code.exe' ||
    exe === 'code - insiders.exe' ||
    ((exe === 'code' || exe === 'code-insiders') && /\/(share|lib|opt)\/(code|code-insiders|visual-studio-code)\//.test(lowerPath))
  ) {
    return 'vscode';
  }
  return undefined;
}

export function agentProcesses(all: readonly ProcessInfo[]): AgentProcess[] {
  return all.flatMap((process) => {
    const kind = agentKindOf(process);
    return kind ? [{ kind, process }] : [];
  });
}

/** Apple's Virtualization.framework runs each VM in this XPC service (one process per running VM). */
export const APPLE_VZ_PROCESS = 'com.apple.Virtualization.VirtualMachine';

/** Evidence that Claude Desktop's Cowork workspace VM is running. */
export interface CoworkVmEvidence {
  pid: number;
  user?: string;
  detail: string;
}

/**
 * macOS: a Virtualization.framework VM process of the same user as Claude Desktop (the framework runs
 * each guest in its own XPC service process, owned by the user whose app started it). Windows: Cowork's
 * VM service (cowork-svc.exe, service CoworkVMService) and a Hyper-V worker process (vmwp.exe), which
 * runs each Host Compute Service VM. Secondary sources (see the check's references): neither names the
 * VM as Cowork's, so this is evidence of a running VM next to Claude Desktop, not proof of its owner.
 */
export function coworkVmEvidence(all: readonly ProcessInfo[], desktop: ProcessInfo, platform: string): CoworkVmEvidence | undefined {
  if (platform === 'darwin') {
    const vm = all.find((process) => baseName(process.executable ?? process.argv[0] ?? '') === APPLE_VZ_PROCESS && (!desktop.user || !process.user || process.user === desktop.user));
    return vm ? { pid: vm.pid, ...(vm.user ? { user: vm.user } : {}), detail: `Virtualization.framework VM process ${APPLE_VZ_PROCESS} (pid ${vm.pid})` } : undefined;
  }
  if (platform === 'win32') {
    const service = all.find((process) => process.name.toLowerCase() === 'cowork-svc.exe');
    const worker = all.find((process) => process.name.toLowerCase() === 'vmwp.exe');
    if (!service || !worker) return undefined;
    return { pid: worker.pid, detail: `Cowork VM service cowork-svc.exe (pid ${service.pid}) and Hyper-V worker vmwp.exe (pid ${worker.pid})` };
  }
  return undefined;
}

/** Where agents install themselves: for images, where no process can be seen. `~` is each user's home. */
export const AGENT_INSTALL_PATHS: Record<'linux' | 'darwin' | 'win32', { kind: AgentKind; path: string }[]> = {
  linux: [
    { kind: 'claude-code', path: '/usr/lib/node_modules/@anthropic-ai/claude-code' },
    { kind: 'claude-code', path: '/usr/local/lib/node_modules/@anthropic-ai/claude-code' },
    { kind: 'claude-code', path: '/usr/local/bin/claude' },
    { kind: 'claude-code', path: '/usr/bin/claude' },
    { kind: 'claude-code', path: '~/.local/bin/claude' },
    { kind: 'claude-code', path: '~/.local/share/claude' },
    { kind: 'claude-code', path: '~/.claude/local/claude' },
    { kind: 'claude-code', path: '~/.npm-global/lib/node_modules/@anthropic-ai/claude-code' },
    { kind: 'cursor', path: '/opt/Cursor' },
    { kind: 'cursor', path: '/usr/share/cursor' },
    { kind: 'vscode', path: '/usr/share/code' },
    { kind: 'vscode', path: '/snap/code' },
    { kind: 'windsurf', path: '/usr/share/windsurf' },
  ],
  darwin: [
    { kind: 'claude-desktop', path: '/Applications/Claude.app' },
    { kind: 'claude-code', path: '/usr/local/bin/claude' },
    { kind: 'claude-code', path: '/opt/homebrew/bin/claude' },
    { kind: 'claude-code', path: '~/.local/bin/claude' },
    { kind: 'claude-code', path: '~/.claude/local/claude' },
    { kind: 'cursor', path: '/Applications/Cursor.app' },
    { kind: 'vscode', path: '/Applications/Visual Studio Code.app' },
    { kind: 'windsurf', path: '/Applications/Windsurf.app' },
  ],
  win32: [
    { kind: 'claude-desktop', path: '~\\AppData\\Local\\AnthropicClaude' },
    { kind: 'claude-code', path: '~\\.local\\bin\\claude.exe' },
    { kind: 'claude-code', path: '~\\AppData\\Roaming\\npm\\node_modules\\@anthropic-ai\\claude-code' },
    { kind: 'cursor', path: '~\\AppData\\Local\\Programs\\cursor' },
    { kind: 'vscode', path: '~\\AppData\\Local\\Programs\\Microsoft VS Code' },
    { kind: 'vscode', path: 'C:\\Program Files\\Microsoft VS Code' },
    { kind: 'windsurf', path: '~\\AppData\\Local\\Programs\\Windsurf' },
  ],
};
