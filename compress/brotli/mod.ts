/**
 * Brotli decoding (RFC 7932) in pure TypeScript, bounded for untrusted input: a running
 * `maxOutputSize` checked before output is produced, a `maxWindowBits` ceiling, a ring buffer
 * that grows with the output, typed errors. Runs wherever TypeScript runs (no `node:zlib`).
 *
 * @example
 * ```ts
 * import { decompressBrotli } from "./mod.ts";
 * const packed = new Uint8Array([0x0f, 0x02, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x03]);
 * console.log(new TextDecoder().decode(decompressBrotli(packed, { maxOutputSize: 1024 }))); // "hello"
 * ```
 *
 * @module
 */

export { type BrotliDecodeOptions, BrotliStreamDecoder, decompressBrotli } from "./decode.ts";
