import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripSignature } from '../scripts/strip-signature.mjs';

// The binary build removes the vendor signature of a macOS or Windows node binary before injecting the blob
// (scripts/build-binary.mjs). Real node binaries are 70-90 MB downloads, so these are minimal files with the
// same structures: a thin 64-bit Mach-O whose code signature ends __LINKEDIT, and a PE32+ whose
// certificate table ends the file.

function machO(options: { signatureAtEnd?: boolean } = {}): Buffer {
  const commands: Buffer[] = [];
  const segment = (name: string, fileoff: number, filesize: number) => {
    const cmd = Buffer.alloc(72);
    cmd.writeUInt32LE(0x19, 0); // LC_SEGMENT_64
    cmd.writeUInt32LE(72, 4);
    cmd.write(name, 8, 'latin1');
    cmd.writeBigUInt64LE(0x100000000n + BigInt(fileoff), 24); // vmaddr
    cmd.writeBigUInt64LE(0x2000n, 32); // vmsize
    cmd.writeBigUInt64LE(BigInt(fileoff), 40);
    cmd.writeBigUInt64LE(BigInt(filesize), 48);
    return cmd;
  };
  const signature = Buffer.alloc(16);
  signature.writeUInt32LE(0x1d, 0); // LC_CODE_SIGNATURE
  signature.writeUInt32LE(16, 4);
  signature.writeUInt32LE(4096 + 112, 8); // dataoff
  signature.writeUInt32LE(48, 12); // datasize
  const uuid = Buffer.alloc(24);
  uuid.writeUInt32LE(0x1b, 0); // LC_UUID, after the signature command: it must move up intact
  uuid.writeUInt32LE(24, 4);
  uuid.fill(0xab, 8);
  commands.push(segment('__TEXT', 0, 4096), segment('__LINKEDIT', 4096, 160), signature, uuid);
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(0x01000007, 4); // x86_64
  header.writeUInt32LE(2, 12); // MH_EXECUTE
  header.writeUInt32LE(commands.length, 16);
  header.writeUInt32LE(commands.reduce((sum, cmd) => sum + cmd.length, 0), 20);
  const file = Buffer.alloc(4096 + 160 + (options.signatureAtEnd === false ? 8 : 0), 0x11);
  Buffer.concat([header, ...commands]).copy(file, 0);
  file.fill(0, 32 + 184, 4096); // padding after the load commands
  file.fill(0x5c, 4096 + 112, 4096 + 160); // the signature blob
  return file;
}

function pe(withCertificate = true): Buffer {
  const file = Buffer.alloc(0x240, 0x22);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('PE\0\0', 0x80, 'latin1');
  const optional = 0x80 + 24;
  file.writeUInt16LE(0x20b, optional);
  const security = optional + 112 + 32;
  file.writeUInt32LE(withCertificate ? 0x200 : 0, security);
  file.writeUInt32LE(withCertificate ? 0x40 : 0, security + 4);
  return file;
}

describe('stripSignature (binary build)', () => {
  it('removes a Mach-O code signature: load command, __LINKEDIT share and bytes', () => {
    const input = machO();
    const { buffer, removed } = stripSignature(input);
    expect(removed).toBe('code signature (48 bytes)');
    expect(buffer.length).toBe(4096 + 112);
    expect(buffer.readUInt32LE(16)).toBe(3); // ncmds
    expect(buffer.readUInt32LE(20)).toBe(72 + 72 + 24); // sizeofcmds
    const linkedit = 32 + 72;
    expect(buffer.toString('latin1', linkedit + 8, linkedit + 18)).toBe('__LINKEDIT');
    expect(buffer.readBigUInt64LE(linkedit + 48)).toBe(112n); // filesize now ends before the signature
    expect(buffer.readBigUInt64LE(linkedit + 32)).toBe(0x2000n); // vmsize untouched
    const moved = 32 + 72 + 72;
    expect(buffer.readUInt32LE(moved)).toBe(0x1b); // LC_UUID took the signature command's place
    expect(buffer.subarray(moved + 8, moved + 24).every((byte) => byte === 0xab)).toBe(true);
    expect(buffer.subarray(moved + 24, moved + 40).every((byte) => byte === 0)).toBe(true);
    expect(input.readUInt32LE(16)).toBe(4); // the input is left alone
    expect(stripSignature(buffer).removed).toBeUndefined(); // nothing left to remove
  });

  it('refuses a Mach-O whose signature is not at the end, and universal binaries', () => {
    expect(() => stripSignature(machO({ signatureAtEnd: false }))).toThrow(/not at the end/);
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    expect(() => stripSignature(fat)).toThrow(/universal/);
  });

  it('removes a PE certificate table and its directory entry', () => {
    const { buffer, removed } = stripSignature(pe());
    expect(removed).toBe('Authenticode signature (64 bytes)');
    expect(buffer.length).toBe(0x200);
    const security = 0x80 + 24 + 112 + 32;
    expect([buffer.readUInt32LE(security), buffer.readUInt32LE(security + 4)]).toEqual([0, 0]);
    expect(stripSignature(pe(false)).removed).toBeUndefined();
  });

  it('leaves an ELF file (this node) as it is', () => {
    const elf = readFileSync(process.execPath).subarray(0, 4096);
    expect(stripSignature(elf)).toEqual({ buffer: elf });
  });
});
