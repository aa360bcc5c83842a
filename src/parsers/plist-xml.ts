import { lineAt } from '../util/text-lines.js';

// XML property lists (managed preferences written by MDM, `plutil -convert xml1` output): dict, array,
// string, integer, real, true, false, date, data. Keys keep their line. A binary plist (`bplist00`) or
// broken XML is an error with its line, never an exception.

export type PlistValue =
  | { type: 'dict'; entries: PlistEntry[]; line: number }
  | { type: 'array'; items: PlistValue[]; line: number }
  | { type: 'string' | 'date' | 'data'; value: string; line: number }
  | { type: 'integer' | 'real'; value: number; line: number }
  | { type: 'boolean'; value: boolean; line: number };

export interface PlistEntry {
  key: string;
  line: number;
  value: PlistValue;
}

export interface PlistParse {
  root?: PlistValue;
  error?: string;
}

interface Token {
  kind: 'open' | 'close' | 'empty' | 'text';
  name: string;
  text: string;
  offset: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

function tokenize(text: string): Token[] | { error: string; offset: number } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf('<', at);
    if (lt < 0) {
      if (text.slice(at).trim() !== '') tokens.push({ kind: 'text', name: '', text: text.slice(at), offset: at });
      break;
    }
    if (lt > at) tokens.push({ kind: 'text', name: '', text: text.slice(at, lt), offset: at });
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) return { error: 'unterminated comment', offset: lt };
      at = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt);
      if (end < 0) return { error: 'unterminated declaration', offset: lt };
      at = end + 1;
      continue;
    }
    const end = text.indexOf('>', lt);
    if (end < 0) return { error: 'unterminated tag', offset: lt };
    const body = text.slice(lt + 1, end).trim();
    const match = /^(\/)?([A-Za-z][\w.-]*)(?:\s[^>]*?)?(\/)?$/.exec(body);
    if (!match) return { error: `malformed tag <${body.slice(0, 30)}>`, offset: lt };
    tokens.push({ kind: match[1] ? 'close' : match[3] ? 'empty' : 'open', name: match[2] as string, text: '', offset: lt });
    at = end + 1;
  }
  return tokens;
}

/** Parses an XML plist; the root is the value inside `<plist>`. */
export function parsePlistXml(text: string): PlistParse {
  if (text.startsWith('bplist')) return { error: 'binary property list (record it with plutil -convert xml1 -o - FILE)' };
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { error: `line ${lineAt(text, tokens.offset)}: ${tokens.error}` };
  const meaningful = tokens.filter((token) => token.kind !== 'text' || token.text.trim() !== '');
  let position = 0;
  const fail = (message: string, token?: Token): never => {
    throw new Error(`line ${lineAt(text, token?.offset ?? text.length)}: ${message}`);
  };
  const next = () => meaningful[position++];

  const textUntilClose = (name: string, open: Token): string => {
    let value = '';
    for (;;) {
      const token = next();
      if (!token) return fail(`<${name}> is not closed`, open);
      if (token.kind === 'text') value += token.text;
      else if (token.kind === 'close' && token.name === name) return decode(value);
      else return fail(`unexpected <${token.name}> inside <${name}>`, token);
    }
  };

  const value = (token: Token | undefined): PlistValue => {
    if (!token) return fail('a value is missing');
    const line = lineAt(text, token.offset);
    if (token.kind === 'empty') {
      if (token.name === 'true' || token.name === 'false') return { type: 'boolean', value: token.name === 'true', line };
      if (token.name === 'string' || token.name === 'data' || token.name === 'date') return { type: token.name, value: '', line };
      if (token.name === 'dict') return { type: 'dict', entries: [], line };
      if (token.name === 'array') return { type: 'array', items: [], line };
      return fail(`unknown value <${token.name}/>`, token);
    }
    if (token.kind !== 'open') return fail(token.kind === 'text' ? `text "${token.text.trim().slice(0, 30)}" where a value belongs` : `unexpected </${token.name}>`, token);
    switch (token.name) {
      case 'dict': {
        const entries: PlistEntry[] = [];
        for (;;) {
          const key = next();
          if (!key) return fail('<dict> is not closed', token);
          if (key.kind === 'close' && key.name === 'dict') return { type: 'dict', entries, line };
          if (key.kind !== 'open' || key.name !== 'key') return fail(`expected <key> in <dict>, found ${key.kind === 'text' ? 'text' : `<${key.name}>`}`, key);
          const name = textUntilClose('key', key);
          entries.push({ key: name, line: lineAt(text, key.offset), value: value(next()) });
        }
      }
      case 'array': {
        const items: PlistValue[] = [];
        for (;;) {
          const item = meaningful[position];
          if (!item) return fail('<array> is not closed', token);
          if (item.kind === 'close' && item.name === 'array') {
            position += 1;
            return { type: 'array', items, line };
          }
          items.push(value(next()));
        }
      }
      case 'string':
      case 'date':
      case 'data':
        return { type: token.name, value: textUntilClose(token.name, token), line };
      case 'integer':
      case 'real': {
        const raw = textUntilClose(token.name, token).trim();
        const number = Number(raw);
        if (raw === '' || !Number.isFinite(number)) return fail(`<${token.name}> holds "${raw.slice(0, 20)}"`, token);
        return { type: token.name, value: number, line };
      }
      default:
        return fail(`unknown value <${token.name}>`, token);
    }
  };

  try {
    const first = next();
    if (!first || first.kind !== 'open' || first.name !== 'plist') return fail('no <plist> element', first);
    const root = value(next());
    const close = next();
    if (!close || close.kind !== 'close' || close.name !== 'plist') return fail('</plist> expected after the root value', close);
    return { root };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The entry of a key in a dict (the last one when a key repeats). */
export function plistEntry(dict: PlistValue | undefined, key: string): PlistEntry | undefined {
  return dict?.type === 'dict' ? dict.entries.filter((entry) => entry.key === key).pop() : undefined;
}
