import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type KeyPath = (string | number)[];

export interface SourceIssue {
  file: string;
  line: number;
  column: number;
  keyPath: string;
  message: string;
}

export function formatKeyPath(path: KeyPath): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}

export function formatIssue(issue: SourceIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.keyPath ? `${where}: ${issue.keyPath}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** A parsed YAML file that can say at which line any key path stands, for errors users can act on. */
export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();
  readonly syntaxIssues: SourceIssue[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false, version: '1.2' });
    this.syntaxIssues = this.doc.errors.map((error) => {
      const pos = this.lines.linePos(error.pos[0]);
      return { file, line: pos.line, column: pos.col, keyPath: '', message: error.message.split('\n')[0] ?? error.message };
    });
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line and column of the key (or item) at path; the nearest existing ancestor when it is absent. */
  position(path: KeyPath): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let offset = (this.doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  issue(path: KeyPath, message: string): SourceIssue {
    return { file: this.file, ...this.position(path), keyPath: formatKeyPath(path), message };
  }
}
