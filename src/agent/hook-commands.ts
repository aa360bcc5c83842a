import { destinationOfUrl, isLiteralHost, type Destination } from './egress-allowlist.js';

// What a Claude Code command hook sends over the network, read from its command line alone (the
// scripts it calls are not opened). A hook command is run by a shell with the event's JSON (prompt, tool
// input and output, transcript path) on stdin, so any network tool in it can carry that data away.
// Recognised: curl, wget, nc/ncat/netcat, socat, telnet, ssh, scp, sftp, rsync to a remote, PowerShell's
// Invoke-WebRequest/iwr/Invoke-RestMethod/irm/Start-BitsTransfer and Net.WebClient, `python -c` with
// urllib/requests/http.client/socket, `node -e` with fetch/http/https/net, and bash's /dev/tcp and
// /dev/udp. Wrappers (env, sudo, nohup, timeout, xargs, ...) and `sh -c`, `powershell -Command`,
// `cmd /c` are looked through. Pure; never throws.

export interface NetworkUse {
  /** The tool as written (curl, Invoke-WebRequest, /dev/tcp, python -c, ...). */
  tool: string;
  destinations: Destination[];
  /** The tool is there but its destination cannot be read (a variable, a file of URLs): a short hint. */
  unknown?: string;
}

type Token = { word: string } | { op: string };

const MAX_DEPTH = 4;
const MAX_LENGTH = 20_000;

/** Shell words and operators; quotes removed, `$(`, backticks and parentheses split commands. */
export function shellTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
      inWord = true;
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) j++;
        else if (text[j] === '$' && text[j + 1] === '(') break;
        word += text[j];
        j++;
      }
      inWord = true;
      if (text[j] === '$') {
        // A command substitution inside quotes: what it runs is a command of its own.
        flush();
        tokens.push({ op: '$(' });
        i = j + 1;
        continue;
      }
      i = j;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i++;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      flush();
      tokens.push({ op: '$(' });
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      if (c === '\n') {
        flush();
        tokens.push({ op: '\n' });
      } else flush();
      continue;
    }
    if (c === '#' && !inWord) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
      continue;
    }
    if ('|&;()`<>{}'.includes(c)) {
      // Redirections keep their target word attached to nothing: `> file` is not an argument.
      if ((c === '>' || c === '<') && /^\d$/.test(word)) {
        word = '';
        inWord = false;
      }
      flush();
      const two = text.slice(i, i + 2);
      if (['&&', '||', '>>', '<<', '&>', '>&'].includes(two)) {
        tokens.push({ op: two });
        i++;
      } else tokens.push({ op: c });
      continue;
    }
    word += c;
    inWord = true;
  }
  flush();
  return tokens;
}

/** Simple commands (lists of words); the word after a redirection operator is dropped. */
function simpleCommands(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let skipNext = false;
  for (const token of shellTokens(text)) {
    if ('op' in token) {
      if (['>', '<', '>>', '&>', '>&'].includes(token.op)) {
        skipNext = true;
        continue;
      }
      if (token.op === '<<') {
        skipNext = true;
        continue;
      }
      if (current.length) out.push(current);
      current = [];
      continue;
    }
    if (skipNext) {
      skipNext = false;
      continue;
    }
    current.push(token.word);
  }
  if (current.length) out.push(current);
  return out;
}

function baseName(word: string): string {
  return (word.split(/[\\/]/).pop() ?? word).toLowerCase().replace(/\.exe$/, '');
}

const VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\$env:([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%/;

function hintOf(words: readonly string[]): string {
  for (const word of words) {
    const match = VARIABLE.exec(word);
    if (match) return `taken from ${match[1] ? `$${match[1]}` : match[2] ? `$env:${match[2]}` : `%${match[3]}%`} at run time`;
  }
  return 'not on the command line (read from a file or built at run time)';
}

/** Options that take the next word as their value, per tool (short letters and long names). */
interface OptionSpec {
  short: string;
  long: readonly string[];
}

function positionals(args: readonly string[], spec: OptionSpec, stopAtFirst = false): { positional: string[]; values: Map<string, string[]> } {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const record = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq > 0) record(name, arg.slice(eq + 1));
      else if (spec.long.includes(name) && i + 1 < args.length) record(name, args[++i] as string);
      else record(name, '');
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      for (let k = 1; k < arg.length; k++) {
        const letter = arg[k] as string;
        if (spec.short.includes(letter)) {
          const rest = arg.slice(k + 1);
          if (rest) record(letter, rest);
          else if (i + 1 < args.length) record(letter, args[++i] as string);
          break;
        }
        record(letter, '');
      }
      continue;
    }
    positional.push(arg);
    if (stopAtFirst) {
      positional.push(...args.slice(i + 1));
      break;
    }
  }
  return { positional, values };
}

/** A word naming a web destination: a URL, or `host[:port][/path]` as curl and wget accept it. */
function webDestination(word: string): Destination | 'unknown' | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(word)) {
    const destination = destinationOfUrl(word);
    return destination?.host ? destination : 'unknown';
  }
  if (VARIABLE.test(word)) return 'unknown';
  const match = /^(\[[^\]]+\]|[^:/?#\s]+)(?::(\d+))?(?:[/?#].*)?$/.exec(word);
  if (!match) return undefined;
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  if (!isLiteralHost(host) || !(host.includes('.') || host.includes(':') || host.toLowerCase() === 'localhost')) return undefined;
  if (/^@/.test(word) || /\.(json|txt|log|sh|py|js|md)$/i.test(host)) return undefined;
  return { host: host.toLowerCase(), ...(match[2] ? { port: Number(match[2]) } : {}) };
}

function hostWord(word: string): Destination | 'unknown' | undefined {
  if (VARIABLE.test(word)) return 'unknown';
  const host = word.replace(/^[^@]*@/, '').replace(/^\[|\]$/g, '');
  if (!isLiteralHost(host)) return undefined;
  return { host: host.toLowerCase() };
}

function use(tool: string, found: (Destination | 'unknown' | undefined)[], args: readonly string[], none = false): NetworkUse | undefined {
  const destinations = found.filter((item): item is Destination => item !== undefined && item !== 'unknown');
  if (destinations.length > 0) return { tool, destinations };
  if (found.includes('unknown') || !none) return { tool, destinations: [], unknown: hintOf(args) };
  return undefined;
}

const CURL: OptionSpec = {
  short: 'dHXouAeFTxwmbcKErUyYzCDPQt',
  long: [
    'data', 'data-raw', 'data-binary', 'data-urlencode', 'data-ascii', 'json', 'header', 'request', 'output', 'user', 'user-agent', 'referer', 'form',
    'form-string', 'upload-file', 'proxy', 'write-out', 'max-time', 'connect-timeout', 'cookie', 'cookie-jar', 'config', 'cert', 'key', 'cacert',
    'capath', 'resolve', 'connect-to', 'retry', 'retry-delay', 'retry-max-time', 'limit-rate', 'interface', 'dns-servers', 'proxy-user',
    'oauth2-bearer', 'url', 'unix-socket', 'abstract-unix-socket', 'trace', 'trace-ascii', 'stderr', 'range', 'time-cond', 'max-filesize', 'ciphers',
    'pinnedpubkey', 'local-port', 'variable', 'output-dir', 'aws-sigv4', 'preproxy', 'proxy-header', 'expect100-timeout', 'max-redirs', 'speed-limit',
    'speed-time', 'cert-type', 'key-type', 'pass', 'hostpubmd5', 'hostpubsha256', 'mail-from', 'mail-rcpt', 'socks5', 'socks4', 'socks5-hostname',
  ],
};
const WGET: OptionSpec = {
  short: 'OoaetTwUPiQYlAR',
  long: [
    'output-document', 'output-file', 'append-output', 'execute', 'tries', 'timeout', 'wait', 'user-agent', 'directory-prefix', 'input-file',
    'quota', 'header', 'post-data', 'post-file', 'body-data', 'body-file', 'method', 'user', 'password', 'http-user', 'http-password', 'referer',
    'load-cookies', 'save-cookies', 'ca-certificate', 'certificate', 'private-key', 'level', 'accept', 'reject', 'bind-address', 'limit-rate',
  ],
};
const NC: OptionSpec = { short: 'psiwqxXecOPTVIMmWg', long: ['proxy', 'proxy-type', 'exec', 'sh-exec', 'lua-exec', 'source-port', 'source', 'wait', 'idle-timeout', 'output', 'hex-dump', 'proxy-auth', 'allow', 'deny', 'max-conns'] };
const SSH: OptionSpec = { short: 'bcDEeFIiJLlmOopQRSWwBP', long: [] };
const SCP: OptionSpec = { short: 'cFiJloPSXD', long: [] };
const RSYNC: OptionSpec = {
  short: 'efTB',
  long: [
    'rsh', 'rsync-path', 'exclude', 'include', 'filter', 'port', 'password-file', 'log-file', 'files-from', 'temp-dir', 'bwlimit', 'timeout', 'chmod',
    'chown', 'backup-dir', 'suffix', 'compare-dest', 'link-dest', 'copy-dest', 'partial-dir', 'max-size', 'min-size', 'address', 'sockopts', 'out-format',
    'info', 'debug', 'exclude-from', 'include-from', 'block-size', 'modify-window', 'max-delete', 'contimeout', 'iconv', 'checksum-choice', 'compress-choice',
  ],
};

/** `[user@]host:path` (not a Windows drive letter), or scp:// / sftp:// URLs. */
function remotePathHost(word: string): Destination | 'unknown' | undefined {
  if (/^[a-z]+:\/\//i.test(word)) {
    const destination = destinationOfUrl(word);
    return destination?.host ? destination : 'unknown';
  }
  const match = /^((?:[^@/:\s]+@)?)(\[[^\]]+\]|[^:/\s\\]+):/.exec(word);
  if (!match || /^[A-Za-z]$/.test(match[2] ?? '')) return undefined;
  return hostWord(match[2] ?? '');
}

const PYTHON_NET = /\b(urllib|requests|http\.client|httplib|httpx|aiohttp|socket|smtplib|ftplib|urlopen)\b/;
const NODE_NET = /\b(fetch|https?\.(request|get)|net\.(connect|createConnection)|axios|WebSocket|XMLHttpRequest|undici)\b/;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`)\]}>,;]+/gi;

function urlsIn(text: string): (Destination | 'unknown')[] {
  return [...text.matchAll(URL_IN_TEXT)].map((match) => {
    const destination = destinationOfUrl(match[0]);
    return destination?.host ? destination : 'unknown';
  });
}

const WRAPPERS: Record<string, string> = {
  // name: short options that take a value
  sudo: 'ughpCDrtT',
  doas: 'uC',
  env: 'uCS',
  nohup: '',
  exec: 'a',
  command: '',
  builtin: '',
  time: 'fo',
  nice: 'n',
  ionice: 'cnp',
  timeout: 'sk',
  stdbuf: 'ioe',
  setsid: '',
  chronic: '',
  xargs: 'IdnPLsEa',
  caffeinate: 'tw',
};

const POWERSHELL_WEB = new Set(['invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm']);
const POWERSHELL_VALUE_PARAMS = new Set([
  'method', 'body', 'headers', 'contenttype', 'outfile', 'infile', 'credential', 'useragent', 'timeoutsec', 'proxy', 'websession', 'sessionvariable',
  'form', 'authentication', 'token', 'maximumredirection', 'customethod', 'custommethod', 'transferencoding', 'certificate', 'certificatethumbprint',
  'proxycredential', 'maximumretrycount', 'retryintervalsec', 'connectiontimeoutseconds', 'operationtimeoutseconds', 'httpversion', 'responseheaderstvariable',
  'statuscodevariable', 'destination', 'displayname', 'description', 'priority', 'transfertype',
]);

function powershellWeb(tool: string, args: readonly string[]): NetworkUse | undefined {
  const found: (Destination | 'unknown' | undefined)[] = [];
  let positional: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (/^-[A-Za-z]/.test(arg)) {
      const [name = '', inline] = arg.slice(1).split(':', 2) as [string, string | undefined];
      const lower = name.toLowerCase();
      const value = inline ?? args[i + 1];
      if (['uri', 'url', 'u', 'source'].includes(lower) || ('uri'.startsWith(lower) && lower.length >= 2)) {
        if (inline === undefined) i++;
        if (value !== undefined) found.push(webDestination(value) ?? 'unknown');
      } else if (POWERSHELL_VALUE_PARAMS.has(lower) && inline === undefined) i++;
      continue;
    }
    positional ??= arg;
  }
  if (found.length === 0 && positional !== undefined) found.push(webDestination(positional) ?? 'unknown');
  return use(tool, found, args);
}

function analyseCommand(words: readonly string[], depth: number, out: NetworkUse[]): void {
  let index = 0;
  // Skip assignments and wrappers to reach the command that runs.
  for (;;) {
    const word = words[index];
    if (word === undefined) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || ['!', '{', 'then', 'do', 'else', 'elif', 'if', 'while', 'until'].includes(word)) {
      index++;
      continue;
    }
    const name = baseName(word);
    const valueOptions = WRAPPERS[name];
    if (valueOptions === undefined) break;
    index++;
    while (index < words.length) {
      const next = words[index] as string;
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(next)) {
        index++;
        continue;
      }
      if (next.startsWith('-') && next.length > 1) {
        const letter = next[next.length - 1] as string;
        index += !next.startsWith('--') && valueOptions.includes(letter) && next.length === 2 ? 2 : 1;
        continue;
      }
      // timeout and nice take a number before the command.
      if ((name === 'timeout' || name === 'nice') && /^\d+(\.\d+)?[smhd]?$/.test(next)) {
        index++;
        continue;
      }
      break;
    }
  }
  const first = words[index] as string;
  const tool = baseName(first);
  const args = words.slice(index + 1);
  const push = (found: NetworkUse | undefined) => {
    if (found) out.push(found);
  };

  if (['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish'].includes(tool)) {
    const at = args.findIndex((arg) => /^-[A-Za-z]*c[A-Za-z]*$/.test(arg));
    const script = at >= 0 ? args[at + 1] : undefined;
    if (script !== undefined && depth < MAX_DEPTH) collect(script, depth + 1, out);
    return;
  }
  if (['powershell', 'pwsh'].includes(tool)) {
    const at = args.findIndex((arg) => /^-(c|command|encodedcommand|e|ec|enc)$/i.test(arg));
    if (at < 0 || depth >= MAX_DEPTH) return;
    const flag = (args[at] as string).toLowerCase();
    if (flag === '-c' || flag === '-command') collect(args.slice(at + 1).join(' '), depth + 1, out);
    else {
      const decoded = Buffer.from(args[at + 1] ?? '', 'base64').toString('utf16le');
      // Encoded text is not part of the outer command line: its /dev/tcp and WebClient uses are looked for too.
      if (decoded) collect(decoded, depth + 1, out, true);
    }
    return;
  }
  if (tool === 'cmd') {
    const at = args.findIndex((arg) => /^\/[ck]$/i.test(arg));
    if (at >= 0 && depth < MAX_DEPTH) collect(args.slice(at + 1).join(' '), depth + 1, out);
    return;
  }
  if (tool === 'curl' || tool === 'wget') {
    const spec = tool === 'curl' ? CURL : WGET;
    // PowerShell 5 aliases curl and wget to Invoke-WebRequest.
    if (args.some((arg) => /^-uri$/i.test(arg))) return push(powershellWeb(first, args));
    const { positional, values } = positionals(args, spec);
    const found = [...(values.get('url') ?? []), ...positional].map((word) => webDestination(word) ?? (VARIABLE.test(word) ? 'unknown' : undefined));
    if (tool === 'wget' && (values.has('i') || values.has('input-file'))) found.push('unknown');
    return push(use(first, found, args));
  }
  if (POWERSHELL_WEB.has(tool) || tool === 'start-bitstransfer') return push(powershellWeb(first, args));
  if (['nc', 'ncat', 'netcat', 'telnet'].includes(tool)) {
    const { positional, values } = positionals(args, NC);
    if (values.has('l') || values.has('listen') || values.has('U') || values.has('unixsock')) return;
    const target = positional[0];
    if (target === undefined) return push({ tool: first, destinations: [], unknown: hintOf(args) });
    const found = hostWord(target);
    const port = positional[1] !== undefined && /^\d+$/.test(positional[1]) ? Number(positional[1]) : undefined;
    return push(use(first, [found && found !== 'unknown' && port !== undefined ? { ...found, port } : (found ?? 'unknown')], args));
  }
  if (tool === 'socat') {
    const found: (Destination | 'unknown' | undefined)[] = [];
    for (const arg of args) {
      if (arg.startsWith('-') && arg.length > 1) continue;
      const match = /^(TCP[46]?(?:-CONNECT)?|UDP[46]?(?:-CONNECT|-SENDTO)?|OPENSSL(?:-CONNECT)?|SSL|SOCKS4A?|SOCKS5|PROXY|SCTP[46]?(?:-CONNECT)?):([^,]*)/i.exec(arg);
      if (!match) continue;
      const fields = (match[2] ?? '').split(':');
      const host = hostWord(fields[0] ?? '');
      const port = /^\d+$/.test(fields[1] ?? '') ? Number(fields[1]) : undefined;
      found.push(host && host !== 'unknown' && port !== undefined && !/^(SOCKS|PROXY)/i.test(match[1] ?? '') ? { ...host, port } : (host ?? 'unknown'));
    }
    return push(use(first, found, args, true));
  }
  if (tool === 'ssh') {
    const { positional } = positionals(args, SSH, true);
    const target = positional[0];
    if (target === undefined) return;
    if (/^ssh:\/\//i.test(target)) return push(use(first, [remotePathHost(target)], args));
    return push(use(first, [hostWord(target)], args));
  }
  if (tool === 'scp' || tool === 'sftp') {
    const { positional } = positionals(args, SCP);
    const found: (Destination | 'unknown' | undefined)[] = positional.map((word) => remotePathHost(word));
    if (tool === 'sftp' && !found.some((item) => item !== undefined) && positional[0] !== undefined) found.push(hostWord(positional[0]));
    return push(use(first, found, args, true));
  }
  if (tool === 'rsync') {
    const { positional } = positionals(args, RSYNC);
    const found = positional.map((word) => {
      if (/^rsync:\/\//i.test(word)) return destinationOfUrl(word)?.host ? (destinationOfUrl(word) as Destination) : 'unknown';
      const module = /^(?:[^@/:\s]+@)?([^:/\s]+)::/.exec(word);
      if (module) return hostWord(module[1] ?? '');
      return remotePathHost(word);
    });
    return push(use(first, found, args, true));
  }
  if (/^python(\d+(\.\d+)*)?$/.test(tool) || tool === 'py') {
    const at = args.findIndex((arg) => arg === '-c' || /^-[A-Za-z]*c$/.test(arg));
    const code = at >= 0 ? args[at + 1] : undefined;
    if (code !== undefined && PYTHON_NET.test(code)) push(use(`${first} -c`, urlsIn(code), args));
    return;
  }
  if (['node', 'nodejs', 'bun', 'deno'].includes(tool)) {
    const at = args.findIndex((arg) => ['-e', '--eval', '-p', '--print', 'eval'].includes(arg));
    const code = at >= 0 ? args[at + 1] : undefined;
    if (code !== undefined && NODE_NET.test(code)) push(use(`${first} ${args[at]}`, urlsIn(code), args));
  }
}

function collect(text: string, depth: number, out: NetworkUse[], scanText = depth === 0): void {
  for (const words of simpleCommands(text)) analyseCommand(words, depth, out);
  // The patterns below are looked for once in the whole text (nested `sh -c` scripts are part of it).
  if (!scanText) return;
  // Bash's pseudo-devices open a connection from any redirection: `cat x > /dev/tcp/host/443`.
  for (const match of text.matchAll(/\/dev\/(tcp|udp)\/([^/\s'"]+)\/(\d+)/g)) {
    const host = hostWord(match[2] ?? '');
    out.push(host && host !== 'unknown' ? { tool: `/dev/${match[1]}`, destinations: [{ ...host, port: Number(match[3]) }] } : { tool: `/dev/${match[1]}`, destinations: [], unknown: hintOf([match[2] ?? '']) });
  }
  // .NET web clients in PowerShell code: (New-Object Net.WebClient).UploadString('https://...', $data).
  if (/\b(Net\.WebClient|Net\.Http\.HttpClient|Net\.WebRequest|Net\.Sockets\.TcpClient)\b/i.test(text)) {
    const tool = /WebClient/i.test(text) ? 'Net.WebClient' : /HttpClient/i.test(text) ? 'HttpClient' : /TcpClient/i.test(text) ? 'TcpClient' : 'WebRequest';
    const found = urlsIn(text);
    const destinations = found.filter((item): item is Destination => item !== 'unknown');
    out.push(destinations.length ? { tool, destinations } : { tool, destinations: [], unknown: hintOf([text]) });
  }
}

/** The network tools a hook command runs and where they send data. */
export function networkUses(command: string): NetworkUse[] {
  const out: NetworkUse[] = [];
  collect(command.slice(0, MAX_LENGTH), 0, out);
  return out;
}
