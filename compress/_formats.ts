/**
 * Format recognition by magic bytes, below `compress.ts` (which needs it for `Algorithm.Auto`)
 * and `detect.ts` (the public face, which re-exports it). See `detect.ts` for the formats.
 *
 * @module
 */

import { toBytes } from "./_bytes.ts";
import { CompressError } from "./errors.ts";
import { Algorithm } from "./types.ts";
import { hasMagic as hasColumnarMagic } from "./columnar/_format.ts";

type DetectedFormat = NonNullable<ReturnType<typeof detect>>;

/** A format another module teaches {@link detect}, via {@link registerFormat}. */
export interface FormatSignature {
  /** Name reported by {@link detect}. */
  name: string;
  /** Algorithm that decodes it, or null/absent when the bytes are not compressed data. */
  algorithm?: Algorithm | null;
  /** True when `bytes` (possibly only a prefix of the data) starts with this format. */
  test(bytes: Uint8Array): boolean;
}

const registry: FormatSignature[] = [];

/**
 * Teaches {@link detect} a format. Registered formats are tested before the built-in ones,
 * most recent first. Returns a function that removes the registration.
 *
 * @example
 * ```ts
 * import { detect } from "@avila/compress";
 * import { registerFormat } from "./_formats.ts";
 * const unregister = registerFormat({
 *   name: "demo",
 *   test: (b) => b.length >= 4 && b[0] === 0x44 && b[1] === 0x45 && b[2] === 0x4d && b[3] === 0x4f,
 * });
 * console.log(detect(new TextEncoder().encode("DEMO data"))?.name); // "demo"
 * unregister();
 * ```
 */
export function registerFormat(format: FormatSignature): () => void {
  if (!format || typeof format.name !== "string" || typeof format.test !== "function") {
    throw new CompressError(
      "unsupported",
      "registerFormat needs { name: string, test(bytes): boolean }",
    );
  }
  registry.unshift(format);
  return () => {
    const i = registry.indexOf(format);
    if (i >= 0) registry.splice(i, 1);
  };
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

const LZ4_MAGIC = 0x184d2204;
/** The legacy LZ4 frame (`lz4 -l`, lz4_Frame_format.md "Legacy frame"). */
const LZ4_LEGACY_MAGIC = 0x184c2102;
const ZSTD_MAGIC = 0xfd2fb528;
const SNAPPY_ID = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];
/** At most this many skippable frames are hopped over looking for the real frame. */
const MAX_SKIPPABLE_HOPS = 16;

function isSkippable(magic: number): boolean {
  return (magic & 0xfffffff0) === 0x184d2a50;
}

function detectBuiltin(b: Uint8Array): DetectedFormat | null {
  if (hasColumnarMagic(b)) {
    return { name: "columnar", algorithm: Algorithm.Columnar, certain: true };
  }
  if (b.length >= 4) {
    let magic = u32le(b, 0);
    if (magic === LZ4_MAGIC) return { name: "lz4", algorithm: Algorithm.Lz4, certain: true };
    if (magic === LZ4_LEGACY_MAGIC) {
      return { name: "lz4-legacy", algorithm: Algorithm.Lz4, certain: true };
    }
    if (magic === ZSTD_MAGIC) return { name: "zstd", algorithm: Algorithm.Zstd, certain: true };
    if (isSkippable(magic)) {
      // LZ4 (lz4_Frame_format.md, "Skippable Frames") and zstd (RFC 8878 §3.1.2) share these
      // magics; the first regular frame after them names the format.
      let off = 0;
      for (let hop = 0; hop < MAX_SKIPPABLE_HOPS && off + 8 <= b.length; hop++) {
        magic = u32le(b, off);
        if (!isSkippable(magic)) break;
        off += 8 + u32le(b, off + 4);
      }
      if (off + 4 <= b.length) {
        magic = u32le(b, off);
        if (magic === LZ4_MAGIC) return { name: "lz4", algorithm: Algorithm.Lz4, certain: true };
        if (magic === ZSTD_MAGIC) {
          return { name: "zstd", algorithm: Algorithm.Zstd, certain: true };
        }
      }
      // Only skippable frames in view: both tools decode them to nothing; zstd's does here.
      return { name: "skippable", algorithm: Algorithm.Zstd, certain: true };
    }
  }
  if (b.length >= SNAPPY_ID.length && SNAPPY_ID.every((v, i) => b[i] === v)) {
    return { name: "snappy", algorithm: Algorithm.Snappy, certain: true };
  }
  // gzip: ID1 ID2 CM=8 and FLG's reserved bits clear (RFC 1952 §2.3.1).
  if (b.length >= 4 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8 && (b[3] & 0xe0) === 0) {
    return { name: "gzip", algorithm: Algorithm.Gzip, certain: true };
  }
  // zlib: CM=8, CINFO<=7, FCHECK makes CMF*256+FLG a multiple of 31, no preset dictionary
  // (RFC 1950 §2.2).
  if (b.length >= 2) {
    const cmf = b[0];
    const flg = b[1];
    if ((cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && !(flg & 0x20)) {
      return { name: "zlib", algorithm: Algorithm.Deflate, certain: false };
    }
  }
  return null;
}

/**
 * Names the compression format of `bytes` from its first bytes, or null when no known magic
 * matches (plain data, brotli, raw deflate, raw LZ4/Snappy blocks).
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, detect } from "@avila/compress";
 * const packed = compressSync(new TextEncoder().encode("hello"), Algorithm.Zstd);
 * console.log(detect(packed)?.name); // "zstd"
 * console.log(detect(new TextEncoder().encode("plain text"))); // null
 * ```
 */
export function detect(input: Uint8Array | ArrayBuffer | ArrayBufferView): {
  /**
   * Format name: "lz4", "lz4-legacy", "zstd", "gzip", "snappy", "zlib", "skippable", "columnar", or a
   * registered name.
   */
  name: string;
  /** The algorithm that decodes it, or null for a format that is not compressed data. */
  algorithm: Algorithm | null;
  /**
   * True for multi-byte magic numbers; false for weak signatures (zlib's 2-byte header), which
   * plain data can match by chance.
   */
  certain: boolean;
} | null {
  const bytes = toBytes(input);
  for (const f of registry) {
    if (f.test(bytes)) return { name: f.name, algorithm: f.algorithm ?? null, certain: true };
  }
  return detectBuiltin(bytes);
}
