import { parsePlistXml, type PlistEntry, type PlistParse, type PlistValue } from './plist-xml.js';

// Property lists as macOS writes them: XML (delegated to plist-xml.ts, with lines) or binary `bplist00`
// (what `defaults write` and most MDM agents leave in /Library/Managed Preferences). Binary values carry
// line 0 (no lines in a binary file). The binary reader is bounded: the offset table, every object
// reference and every length are checked against the buffer, a container that contains itself is an error,
// nesting is limited, and so is the number of values produced (a shared object referenced from many places
// is expanded each time, so a small file could otherwise unfold into billions of values).
//
// Binary format (Apple CFBinaryPList.c): header "bplist00", objects, offset table, 32-byte trailer
// (6 unused, offset int size, object ref size, object count (8), top object (8), offset table offset (8)).
// Object markers: 0x00 null, 0x08 false, 0x09 true, 0x1n int (2^n bytes), 0x2n real, 0x33 date (seconds
// since 2001-01-01 as a double), 0x4n data, 0x5n ASCII string, 0x6n UTF-16BE string, 0x8n UID, 0xAn array,
// 0xCn set, 0xDn dict (n key refs, then n value refs); a low nibble of 0xF means the count follows as an int.

export type { PlistEntry, PlistParse, PlistValue } from './plist-xml.js';

export interface PlistResult extends PlistParse {
  format?: 'xml' | 'binary';
}

const MAX_DEPTH = 64;
const MAX_VALUES = 200_000;
const APPLE_EPOCH_MS = Date.UTC(2001, 0, 1);

/** Parses an XML or binary property list; never throws. */
export function parsePlist(bytes: Buffer): PlistResult {
  if (bytes.length >= 6 && bytes.subarray(0, 6).toString('latin1') === 'bplist') {
    try {
      return { root: new BinaryPlist(bytes).parse(), format: 'binary' };
    } catch (error) {
      return { error: `binary property list: ${(error as Error).message}`, format: 'binary' };
    }
  }
  let text: string;
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    // UTF-16 XML (rare, but plutil writes it on request).
    const little = bytes[0] === 0xff;
    const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    if (!little) body.swap16();
    text = body.toString('utf16le');
  } else text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = parsePlistXml(text);
  return { ...parsed, format: 'xml' };
}

class BinaryPlist {
  private readonly offsets: number[] = [];
  private readonly refSize: number;
  private readonly top: number;
  private readonly tableStart: number;
  private produced = 0;
  private readonly open = new Set<number>();

  constructor(private readonly bytes: Buffer) {
    if (bytes.length < 8 + 32) throw new Error('too short for a header and trailer');
    const version = bytes.subarray(6, 8).toString('latin1');
    if (version !== '00') throw new Error(`version "${version}" is not supported (only bplist00)`);
    const trailer = bytes.length - 32;
    const offsetSize = bytes[trailer + 6] as number;
    this.refSize = bytes[trailer + 7] as number;
    const count = this.bigToNumber(bytes.readBigUInt64BE(trailer + 8), 'object count');
    this.top = this.bigToNumber(bytes.readBigUInt64BE(trailer + 16), 'top object');
    this.tableStart = this.bigToNumber(bytes.readBigUInt64BE(trailer + 24), 'offset table offset');
    if (![1, 2, 4, 8].includes(offsetSize)) throw new Error(`offset size ${offsetSize} is invalid`);
    if (![1, 2, 4, 8].includes(this.refSize)) throw new Error(`object reference size ${this.refSize} is invalid`);
    if (count === 0) throw new Error('no objects');
    if (this.tableStart < 8 || this.tableStart + count * offsetSize > trailer) throw new Error('the offset table lies outside the file');
    if (this.top >= count) throw new Error(`top object ${this.top} is not among the ${count} objects`);
    for (let i = 0; i < count; i++) {
      const at = this.tableStart + i * offsetSize;
      const offset = offsetSize === 8 ? this.bigToNumber(bytes.readBigUInt64BE(at), 'an offset') : bytes.readUIntBE(at, offsetSize);
      if (offset < 8 || offset >= this.tableStart) throw new Error(`object ${i} starts outside the object area (offset ${offset})`);
      this.offsets.push(offset);
    }
  }

  parse(): PlistValue {
    return this.object(this.top, 0);
  }

  private bigToNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} is too large`);
    return Number(value);
  }

  private readUInt(at: number, size: number): number {
    this.need(at, size);
    if (size === 8) return this.bigToNumber(this.bytes.readBigUInt64BE(at), 'an offset');
    return this.bytes.readUIntBE(at, size);
  }

  private need(at: number, size: number): void {
    if (at < 0 || size < 0 || at + size > this.tableStart) throw new Error(`a value at offset ${at} runs past the object area`);
  }

  /** The count of a container or string: the low nibble, or an int object that follows when it is 0xF. */
  private count(at: number, info: number): { count: number; start: number } {
    if (info !== 0x0f) return { count: info, start: at + 1 };
    this.need(at + 1, 1);
    const marker = this.bytes[at + 1] as number;
    if (marker >> 4 !== 0x1) throw new Error(`offset ${at}: the length is not an integer`);
    const size = 1 << (marker & 0x0f);
    if (size > 8) throw new Error(`offset ${at}: the length is too large`);
    const count = this.readUInt(at + 2, size);
    return { count, start: at + 2 + size };
  }

  private ref(at: number): number {
    const index = this.readUInt(at, this.refSize);
    if (index >= this.offsets.length) throw new Error(`object reference ${index} is out of range`);
    return index;
  }

  private object(index: number, depth: number): PlistValue {
    if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
    if (++this.produced > MAX_VALUES) throw new Error(`more than ${MAX_VALUES} values (shared objects expanded too often)`);
    const at = this.offsets[index] as number;
    this.need(at, 1);
    const marker = this.bytes[at] as number;
    const type = marker >> 4;
    const info = marker & 0x0f;
    const line = 0;
    switch (type) {
      case 0x0:
        if (marker === 0x08 || marker === 0x09) return { type: 'boolean', value: marker === 0x09, line };
        if (marker === 0x00) return { type: 'string', value: '', line };
        throw new Error(`offset ${at}: unknown marker 0x${marker.toString(16)}`);
      case 0x1: {
        const size = 1 << info;
        if (size > 16) throw new Error(`offset ${at}: integer of ${size} bytes`);
        this.need(at + 1, size);
        let value: number;
        if (size === 16) value = Number(this.bytes.readBigInt64BE(at + 9));
        else if (size === 8) value = Number(this.bytes.readBigInt64BE(at + 1));
        else value = this.bytes.readUIntBE(at + 1, size);
        return { type: 'integer', value, line };
      }
      case 0x2: {
        const size = 1 << info;
        this.need(at + 1, size);
        if (size === 4) return { type: 'real', value: this.bytes.readFloatBE(at + 1), line };
        if (size === 8) return { type: 'real', value: this.bytes.readDoubleBE(at + 1), line };
        throw new Error(`offset ${at}: real of ${size} bytes`);
      }
      case 0x3: {
        if (marker !== 0x33) throw new Error(`offset ${at}: unknown marker 0x${marker.toString(16)}`);
        this.need(at + 1, 8);
        const ms = APPLE_EPOCH_MS + this.bytes.readDoubleBE(at + 1) * 1000;
        const date = new Date(ms);
        return { type: 'date', value: Number.isFinite(date.getTime()) ? date.toISOString().replace(/\.000Z$/, 'Z') : '', line };
      }
      case 0x4: {
        const { count, start } = this.count(at, info);
        this.need(start, count);
        return { type: 'data', value: this.bytes.subarray(start, start + count).toString('base64'), line };
      }
      case 0x5: {
        const { count, start } = this.count(at, info);
        this.need(start, count);
        return { type: 'string', value: this.bytes.subarray(start, start + count).toString('latin1'), line };
      }
      case 0x6: {
        const { count, start } = this.count(at, info);
        this.need(start, count * 2);
        const body = Buffer.from(this.bytes.subarray(start, start + count * 2));
        body.swap16();
        return { type: 'string', value: body.toString('utf16le'), line };
      }
      case 0x8: {
        this.need(at + 1, info + 1);
        return { type: 'integer', value: this.bytes.readUIntBE(at + 1, Math.min(info + 1, 6)), line };
      }
      case 0xa:
      case 0xc:
      case 0xd: {
        if (this.open.has(index)) throw new Error(`object ${index} contains itself`);
        const { count, start } = this.count(at, info);
        const refs = type === 0xd ? count * 2 : count;
        this.need(start, refs * this.refSize);
        this.open.add(index);
        try {
          if (type === 0xd) {
            const entries: PlistEntry[] = [];
            for (let i = 0; i < count; i++) {
              const key = this.object(this.ref(start + i * this.refSize), depth + 1);
              if (key.type !== 'string') throw new Error(`offset ${at}: a dictionary key is not a string`);
              const value = this.object(this.ref(start + (count + i) * this.refSize), depth + 1);
              entries.push({ key: key.value, line, value });
            }
            return { type: 'dict', entries, line };
          }
          const items: PlistValue[] = [];
          for (let i = 0; i < count; i++) items.push(this.object(this.ref(start + i * this.refSize), depth + 1));
          return { type: 'array', items, line };
        } finally {
          this.open.delete(index);
        }
      }
      default:
        throw new Error(`offset ${at}: unknown marker 0x${marker.toString(16)}`);
    }
  }
}
