import { splitLines, stripBom } from '../util/text-lines.js';

export interface IniLine {
  line: number;
  text: string;
}

export interface IniKey {
  /** As written; INI readers such as Python's configparser compare names case-insensitively. */
  name: string;
  /** Trimmed, with an inline ` #` / ` ;` comment removed. */
  value: string;
  line: number;
  /** More-indented lines that follow (configparser continuation lines, AWS nested settings). */
  continuation: IniLine[];
}

export interface IniSection {
  /** Text between the brackets, trimmed (`profile dev`); '' for keys before the first header. */
  name: string;
  /** Line of the header; 0 for keys before the first header. */
  line: number;
  /** In file order; duplicates are kept. */
  keys: IniKey[];
}

export interface IniDocument {
  sections: IniSection[];
  /** Lines that are neither blank, comment, header, key nor continuation. */
  unparsed: IniLine[];
}

export interface IniOptions {
  /** Also split `key: value` (Python configparser, and so the AWS CLI, accepts both delimiters). */
  colonDelimiter?: boolean;
}

const HEADER = /^\[([^\]]*)\]\s*(?:[#;].*)?$/;
const INLINE_COMMENT = /\s+[#;].*$/;

/** Lenient INI reader: never throws; duplicate sections stay separate entries in file order. */
export function parseIni(text: string, options: IniOptions = {}): IniDocument {
  const delimiter = options.colonDelimiter ? /[=:]/ : /=/;
  const sections: IniSection[] = [];
  const unparsed: IniLine[] = [];
  let current: IniSection | undefined;
  let lastKey: { key: IniKey; indent: number } | undefined;

  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const indent = raw.length - raw.trimStart().length;
    if (lastKey && indent > lastKey.indent) {
      lastKey.key.continuation.push({ line, text: trimmed });
      return;
    }
    const header = HEADER.exec(trimmed);
    if (header) {
      current = { name: (header[1] ?? '').trim(), line, keys: [] };
      sections.push(current);
      lastKey = undefined;
      return;
    }
    const at = trimmed.search(delimiter);
    const name = at > 0 ? trimmed.slice(0, at).trim() : '';
    if (name === '') {
      unparsed.push({ line, text: trimmed });
      return;
    }
    if (!current) {
      current = { name: '', line: 0, keys: [] };
      sections.push(current);
    }
    const value = trimmed.slice(at + 1).replace(INLINE_COMMENT, '').trim();
    const key: IniKey = { name, value, line, continuation: [] };
    current.keys.push(key);
    lastKey = { key, indent };
  });
  return { sections, unparsed };
}

/** The last key of that name (case-insensitive) in a section. */
export function iniValue(section: IniSection, name: string): IniKey | undefined {
  const wanted = name.toLowerCase();
  return section.keys.filter((k) => k.name.toLowerCase() === wanted).pop();
}
