// Removes the vendor signature of a node binary before a blob is injected into it (the injection would
// invalidate the signature anyway): the code signature of a thin 64-bit Mach-O (what
// `codesign --remove-signature` does) or the Authenticode certificate table of a PE32+ file. Both sit at the
// end of the file in the official node binaries; anything else is refused rather than guessed at.

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const MACHO_HEADER_SIZE = 32;

/**
 * @param {Buffer} input a whole executable
 * @returns {{ buffer: Buffer, removed?: string }} the executable without its signature (a new buffer), and
 *   what was removed; the input itself when there is no signature (or the format has none: ELF)
 */
export function stripSignature(input) {
  if (input.length >= 4 && input.readUInt32LE(0) === 0xfeedfacf) return stripMachO(Buffer.from(input));
  if (input.length >= 4 && [0xcafebabe, 0xbebafeca].includes(input.readUInt32BE(0))) {
    throw new Error('universal (fat) Mach-O binaries are not supported: use a thin one');
  }
  if (input.length >= 2 && input.readUInt16LE(0) === 0x5a4d) return stripPe(Buffer.from(input));
  return { buffer: input };
}

function stripMachO(buffer) {
  const ncmds = buffer.readUInt32LE(16);
  const sizeofcmds = buffer.readUInt32LE(20);
  let offset = MACHO_HEADER_SIZE;
  let signature;
  let linkedit;
  for (let index = 0; index < ncmds; index += 1) {
    const cmd = buffer.readUInt32LE(offset);
    const cmdsize = buffer.readUInt32LE(offset + 4);
    if (cmd === LC_CODE_SIGNATURE) {
      signature = { offset, cmdsize, dataoff: buffer.readUInt32LE(offset + 8), datasize: buffer.readUInt32LE(offset + 12) };
    }
    if (cmd === LC_SEGMENT_64 && buffer.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, '') === '__LINKEDIT') linkedit = offset;
    offset += cmdsize;
  }
  if (!signature) return { buffer };
  if (linkedit === undefined) throw new Error('a signed Mach-O without a __LINKEDIT segment');
  if (signature.dataoff + signature.datasize !== buffer.length) throw new Error('the code signature is not at the end of the file');
  const fileoff = Number(buffer.readBigUInt64LE(linkedit + 40));
  if (signature.dataoff < fileoff) throw new Error('the code signature is not inside __LINKEDIT');
  // __LINKEDIT ends where the signature began; its vmsize may stay larger than its part of the file.
  buffer.writeBigUInt64LE(BigInt(signature.dataoff - fileoff), linkedit + 48);
  // Drop the load command: the later ones move up, the freed bytes become zero padding.
  const end = MACHO_HEADER_SIZE + sizeofcmds;
  buffer.copy(buffer, signature.offset, signature.offset + signature.cmdsize, end);
  buffer.fill(0, end - signature.cmdsize, end);
  buffer.writeUInt32LE(ncmds - 1, 16);
  buffer.writeUInt32LE(sizeofcmds - signature.cmdsize, 20);
  return { buffer: buffer.subarray(0, signature.dataoff), removed: `code signature (${signature.datasize} bytes)` };
}

function stripPe(buffer) {
  const pe = buffer.readUInt32LE(0x3c);
  if (buffer.readUInt32LE(pe) !== 0x00004550) throw new Error('not a PE file');
  const optional = pe + 24;
  if (buffer.readUInt16LE(optional) !== 0x20b) throw new Error('not a PE32+ (64-bit) file');
  const securityEntry = optional + 112 + 4 * 8; // data directory 4: the attribute certificate table
  const certOffset = buffer.readUInt32LE(securityEntry);
  const certSize = buffer.readUInt32LE(securityEntry + 4);
  if (!certOffset || !certSize) return { buffer };
  if (certOffset + certSize !== buffer.length) throw new Error('the certificate table is not at the end of the file');
  buffer.writeUInt32LE(0, securityEntry);
  buffer.writeUInt32LE(0, securityEntry + 4);
  return { buffer: buffer.subarray(0, certOffset), removed: `Authenticode signature (${certSize} bytes)` };
}
