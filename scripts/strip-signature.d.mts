/** See strip-signature.mjs: the executable without its Mach-O code signature or PE Authenticode table. */
export function stripSignature(input: Buffer): { buffer: Buffer; removed?: string };
