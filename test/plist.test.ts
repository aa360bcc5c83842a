import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlist, type PlistValue } from '../src/parsers/plist.js';

// A small bplist00 writer, enough to build the binary property lists macOS leaves in
// /Library/Managed Preferences (there is no plutil here). Objects are written in order; `refs` lets a test
// wire references by hand (cycles, out-of-range indexes, shared objects).
type Obj =
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'int'; value: bigint; size?: 1 | 2 | 4 | 8 }
  | { kind: 'real'; value: number; size?: 4 | 8 }
  | { kind: 'date'; seconds: number }
  | { kind: 'data'; value: Buffer }
  | { kind: 'ascii'; value: string }
  | { kind: 'utf16'; value: string }
  | { kind: 'array'; refs: number[] }
  | { kind: 'dict'; keys: number[]; values: number[] };

function lengthMarker(type: number, count: number): Buffer {
  if (count < 15) return Buffer.from([(type << 4) | count]);
  const int = Buffer.alloc(3);
  int[0] = 0x11;
  int.writeUInt16BE(count, 1);
  return Buffer.concat([Buffer.from([(type << 4) | 0x0f]), int]);
}

function encode(objects: Obj[], top = 0, options: { refSize?: 1 | 2; offsetSize?: 1 | 2 | 4 } = {}): Buffer {
  const refSize = options.refSize ?? 1;
  const offsetSize = options.offsetSize ?? 2;
  const ref = (index: number) => {
    const out = Buffer.alloc(refSize);
    out.writeUIntBE(index, 0, refSize);
    return out;
  };
  const parts: Buffer[] = [Buffer.from('bplist00', 'latin1')];
  const offsets: number[] = [];
  let at = 8;
  for (const object of objects) {
    offsets.push(at);
    let body: Buffer;
    switch (object.kind) {
      case 'bool':
        body = Buffer.from([object.value ? 0x09 : 0x08]);
        break;
      case 'null':
        body = Buffer.from([0x00]);
        break;
      case 'int': {
        const size = object.size ?? 8;
        body = Buffer.alloc(1 + size);
        body[0] = 0x10 | Math.log2(size);
        if (size === 8) body.writeBigInt64BE(object.value, 1);
        else body.writeUIntBE(Number(object.value), 1, size);
        break;
      }
      case 'real': {
        const size = object.size ?? 8;
        body = Buffer.alloc(1 + size);
        body[0] = 0x20 | Math.log2(size);
        if (size === 8) body.writeDoubleBE(object.value, 1);
        else body.writeFloatBE(object.value, 1);
        break;
      }
      case 'date':
        body = Buffer.alloc(9);
        body[0] = 0x33;
        body.writeDoubleBE(object.seconds, 1);
        break;
      case 'data':
        body = Buffer.concat([lengthMarker(0x4, object.value.length), object.value]);
        break;
      case 'ascii':
        body = Buffer.concat([lengthMarker(0x5, object.value.length), Buffer.from(object.value, 'latin1')]);
        break;
      case 'utf16': {
        const text = Buffer.from(object.value, 'utf16le');
        text.swap16();
        body = Buffer.concat([lengthMarker(0x6, object.value.length), text]);
        break;
      }
      case 'array':
        body = Buffer.concat([lengthMarker(0xa, object.refs.length), ...object.refs.map(ref)]);
        break;
      case 'dict':
        body = Buffer.concat([lengthMarker(0xd, object.keys.length), ...object.keys.map(ref), ...object.values.map(ref)]);
        break;
    }
    parts.push(body);
    at += body.length;
  }
  const tableOffset = at;
  const table = Buffer.alloc(objects.length * offsetSize);
  offsets.forEach((offset, index) => table.writeUIntBE(offset, index * offsetSize, offsetSize));
  const trailer = Buffer.alloc(32);
  trailer[6] = offsetSize;
  trailer[7] = refSize;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(top), 16);
  trailer.writeBigUInt64BE(BigInt(tableOffset), 24);
  return Buffer.concat([...parts, table, trailer]);
}

/** Plain JavaScript of a parsed value, for comparisons. */
function plain(value: PlistValue | undefined): unknown {
  if (!value) return undefined;
  if (value.type === 'dict') return Object.fromEntries(value.entries.map((entry) => [entry.key, plain(entry.value)]));
  if (value.type === 'array') return value.items.map(plain);
  return value.value;
}

/** Encodes a JSON-like value (strings, numbers, booleans, arrays, objects) the way CoreFoundation lays it out. */
function encodeValue(value: unknown): Buffer {
  const objects: Obj[] = [];
  const add = (item: unknown): number => {
    const index = objects.length;
    objects.push({ kind: 'null' });
    if (typeof item === 'boolean') objects[index] = { kind: 'bool', value: item };
    else if (typeof item === 'number' && Number.isInteger(item)) objects[index] = { kind: 'int', value: BigInt(item) };
    else if (typeof item === 'number') objects[index] = { kind: 'real', value: item };
    else if (typeof item === 'string') objects[index] = /^[\x00-\x7f]*$/.test(item) ? { kind: 'ascii', value: item } : { kind: 'utf16', value: item };
    else if (Array.isArray(item)) objects[index] = { kind: 'array', refs: item.map(add) };
    else {
      const entries = Object.entries(item as Record<string, unknown>);
      const keys = entries.map(([key]) => add(key));
      const values = entries.map(([, entry]) => add(entry));
      objects[index] = { kind: 'dict', keys, values };
    }
    return index;
  };
  add(value);
  return encode(objects, 0, { refSize: objects.length > 255 ? 2 : 1, offsetSize: 4 });
}

describe('parsePlist: binary bplist00', () => {
  it('reads a managed-preferences dict: strings, booleans, integers, reals, arrays, nested dicts', () => {
    const value = {
      permissions: { disableBypassPermissionsMode: 'disable', deny: ['Read(~/.aws/**)', 'Read(~/.ssh/**)'] },
      cleanupPeriodDays: 14,
      ratio: 0.5,
      'sandbox.enabled': true,
      allowManagedHooksOnly: false,
      label: 'Zürich – ✓',
    };
    const parsed = parsePlist(encodeValue(value));
    expect(parsed.error).toBeUndefined();
    expect(parsed.format).toBe('binary');
    expect(plain(parsed.root)).toEqual(value);
    expect(parsed.root?.line).toBe(0);
  });

  it('round-trips random JSON-like values', () => {
    const leaf = fc.oneof(fc.boolean(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.string({ maxLength: 20 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tree, { maxKeys: 5 }), (value) => {
        const parsed = parsePlist(encodeValue(value));
        expect(parsed.error).toBeUndefined();
        expect(plain(parsed.root)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 150 },
    );
  });

  it('reads 1-, 2- and 4-byte integers, negative 8-byte integers, 4-byte reals, dates, data and long strings', () => {
    const long = 'x'.repeat(300);
    const bytes = encode([
      { kind: 'array', refs: [1, 2, 3, 4, 5, 6, 7, 8] },
      { kind: 'int', value: 200n, size: 1 },
      { kind: 'int', value: 60000n, size: 2 },
      { kind: 'int', value: 4000000000n, size: 4 },
      { kind: 'int', value: -5n, size: 8 },
      { kind: 'real', value: 1.5, size: 4 },
      { kind: 'date', seconds: 0 },
      { kind: 'data', value: Buffer.from([1, 2, 3]) },
      { kind: 'ascii', value: long },
    ]);
    const parsed = parsePlist(bytes);
    expect(parsed.error).toBeUndefined();
    expect(plain(parsed.root)).toEqual([200, 60000, 4000000000, -5, 1.5, '2001-01-01T00:00:00Z', 'AQID', long]);
    expect(parsed.root?.type === 'array' && parsed.root.items.map((item) => item.type)).toEqual(['integer', 'integer', 'integer', 'integer', 'real', 'date', 'data', 'string']);
  });

  it('refuses a container that contains itself', () => {
    const parsed = parsePlist(encode([{ kind: 'array', refs: [1, 0] }, { kind: 'ascii', value: 'a' }]));
    expect(parsed.error).toMatch(/contains itself/);
  });

  it('stops a shared-object bomb instead of expanding it', () => {
    // Each array holds the next one twice: 2^40 values if expanded naively.
    const objects: Obj[] = [];
    for (let i = 0; i < 40; i++) objects.push({ kind: 'array', refs: [i + 1, i + 1] });
    objects.push({ kind: 'ascii', value: 'boom' });
    const started = performance.now();
    const parsed = parsePlist(encode(objects));
    expect(parsed.error).toMatch(/more than \d+ values/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses nesting deeper than 64 levels', () => {
    const objects: Obj[] = [];
    for (let i = 0; i < 100; i++) objects.push({ kind: 'array', refs: [i + 1] });
    objects.push({ kind: 'bool', value: true });
    expect(parsePlist(encode(objects)).error).toMatch(/nested deeper/);
  });

  it('reports broken files without throwing: bad refs, truncation, bad trailer, other versions', () => {
    expect(parsePlist(encode([{ kind: 'array', refs: [7] }])).error).toMatch(/reference 7 is out of range/);
    const good = encodeValue({ a: 'b' });
    expect(parsePlist(good.subarray(0, 20)).error).toMatch(/binary property list/);
    const badTable = Buffer.from(good);
    badTable.writeBigUInt64BE(10_000n, badTable.length - 8);
    expect(parsePlist(badTable).error).toMatch(/offset table/);
    const badTop = Buffer.from(good);
    badTop.writeBigUInt64BE(99n, badTop.length - 16);
    expect(parsePlist(badTop).error).toMatch(/top object/);
    expect(parsePlist(Buffer.concat([Buffer.from('bplist15'), good.subarray(8)])).error).toMatch(/version "15"/);
    const dictWithIntKey = encode([{ kind: 'dict', keys: [1], values: [1] }, { kind: 'int', value: 1n, size: 1 }]);
    expect(parsePlist(dictWithIntKey).error).toMatch(/key is not a string/);
  });

  it('never throws on random bytes after the header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (tail) => {
        const parsed = parsePlist(Buffer.concat([Buffer.from('bplist00'), Buffer.from(tail)]));
        expect(parsed.root !== undefined || parsed.error !== undefined).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsePlist: XML', () => {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n  <key>isLocalDevMcpEnabled</key>\n  <false/>\n</dict>\n</plist>\n';

  it('delegates XML to the line-keeping parser', () => {
    const parsed = parsePlist(Buffer.from(xml));
    expect(parsed.format).toBe('xml');
    expect(parsed.root?.type === 'dict' && parsed.root.entries[0]).toMatchObject({ key: 'isLocalDevMcpEnabled', line: 4, value: { type: 'boolean', value: false } });
  });

  it('reads UTF-16 XML with a byte order mark (both byte orders)', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) expect(plain(parsePlist(bytes).root)).toEqual({ isLocalDevMcpEnabled: false });
  });

  it('reports broken XML with its line', () => {
    expect(parsePlist(Buffer.from('<plist>\n<dict>\n<key>a</key>\n</plist>')).error).toMatch(/^line \d+/);
  });
});
