/**
 * Describes a compressed file the way `zstd -l` does: format, frames, compressed and
 * decompressed size, ratio, checksum, and what the first frame's header declares. The data is
 * decoded once (within `maxOutputSize`), so the decompressed size is exact and every checksum
 * is verified.
 *
 * @module
 */

import { toBytes } from "./_bytes.ts";
import { detect } from "./_formats.ts";
import { decompressSync } from "./compress.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "./errors.ts";
import { inspectColumnar } from "./columnar/decode.ts";
import { LEGACY_MAGIC, LZ4_FRAME_MAGIC, parseFrameHeader } from "./lz4/_frame_header.ts";
import { ZstdFrameWalker } from "./platform/_zstd_frames.ts";
import { Algorithm, type BytesLike } from "./types.ts";

export type CompressedDescription = ReturnType<typeof describeCompressed>;

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function lz4Details(
  b: Uint8Array,
): { frames: number; check: string; details: CompressedDescription["details"] } {
  if (u32(b, 0) === LEGACY_MAGIC) {
    return { frames: 1, check: "none", details: { "block size": "8 MiB", legacy: true } };
  }
  // The first regular frame's descriptor (skippable frames before it are skipped).
  let pos = 0;
  while (pos + 8 <= b.length && (u32(b, pos) & 0xfffffff0) === 0x184d2a50) {
    pos += 8 + u32(b, pos + 4);
  }
  if (pos + 7 > b.length || u32(b, pos) !== LZ4_FRAME_MAGIC) {
    return { frames: 1, check: "none", details: {} };
  }
  const h = parseFrameHeader(b, pos, DEFAULT_MAX_OUTPUT_SIZE);
  const details: CompressedDescription["details"] = {
    "block size": h.blockMaxSize,
    "blocks independent": h.blockIndependent,
    "block checksum": h.blockChecksum,
  };
  if (h.contentSize >= 0) details["content size"] = h.contentSize;
  if (h.dictionaryId >= 0) details["dictionary id"] = h.dictionaryId;
  return { frames: lz4FrameCount(b), check: h.contentChecksum ? "xxh32" : "none", details };
}

/** Counts LZ4 frames (skippable ones too) by walking magic numbers and block size fields. */
function lz4FrameCount(b: Uint8Array): number {
  let frames = 0;
  let pos = 0;
  while (pos + 4 <= b.length) {
    const magic = u32(b, pos);
    frames++;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + u32(b, pos + 4);
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) break; // legacy after modern: counted, not walked
    const h = parseFrameHeader(b, pos, DEFAULT_MAX_OUTPUT_SIZE);
    pos += h.headerLength;
    for (;;) {
      if (pos + 4 > b.length) return frames;
      const field = u32(b, pos);
      pos += 4;
      if (field === 0) break;
      pos += (field & 0x7fffffff) + (h.blockChecksum ? 4 : 0);
    }
    if (h.contentChecksum) pos += 4;
  }
  return frames;
}

function zstdDetails(
  b: Uint8Array,
): { frames: number; check: string; details: CompressedDescription["details"] } {
  const walker = new ZstdFrameWalker();
  walker.push(b);
  walker.finish();
  const details: CompressedDescription["details"] = {};
  let check = "none";
  if (b.length >= 6 && u32(b, 0) === 0xfd2fb528) {
    // Frame_Header_Descriptor (RFC 8878 §3.1.1.1.1).
    const fhd = b[4];
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    const dictFlag = fhd & 3;
    if ((fhd >> 2) & 1) check = "xxh64";
    let p = 5;
    if (!single) {
      // Window_Descriptor (§3.1.1.1.2).
      const wd = b[p++];
      const base = 2 ** (10 + (wd >> 3));
      details["window size"] = base + (base / 8) * (wd & 7);
    }
    const dictBytes = [0, 1, 2, 4][dictFlag];
    if (dictBytes > 0) {
      let id = 0;
      for (let i = dictBytes - 1; i >= 0; i--) id = id * 256 + b[p + i];
      details["dictionary id"] = id;
    }
    p += dictBytes;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag];
    if (fcsBytes > 0 && p + fcsBytes <= b.length) {
      let size = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + b[p + i];
      if (fcsBytes === 2) size += 256;
      details["content size"] = size;
      if (single) details["window size"] = size;
    }
  }
  return { frames: walker.frames, check, details };
}

function snappyChunks(b: Uint8Array): number {
  let chunks = 0;
  for (
    let pos = 0;
    pos + 4 <= b.length;
    pos += 4 + (b[pos + 1] | (b[pos + 2] << 8) | (b[pos + 3] << 16))
  ) {
    if (b[pos] <= 1) chunks++;
  }
  return chunks;
}

/**
 * Describes compressed bytes of any format {@link detect} recognises, decoding them once within
 * `maxOutputSize` (default 256 MiB).
 *
 * @throws {CompressError} `unsupported` when the format is not recognised; the decoder's
 *   `corrupt`, `checksum` or `limit` errors
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, describeCompressed } from "@avila/compress";
 * const d = describeCompressed(compressSync(new Uint8Array(10_000), Algorithm.Zstd));
 * console.log(d.format, d.decompressedBytes, d.details["content size"]); // zstd 10000 10000
 * ```
 */
export function describeCompressed(
  input: BytesLike,
  options: { maxOutputSize?: number } = {},
): {
  /** Format name as {@link detect} reports it: "lz4", "lz4-legacy", "zstd", "snappy", ... */
  format: string;
  /** Frames (LZ4, zstd, including skippable frames), data chunks (Snappy), or 1. */
  frames: number;
  /** Input size in bytes. */
  compressedBytes: number;
  /** Size after decoding (exact: the data was decoded). */
  decompressedBytes: number;
  /** decompressed / compressed. */
  ratio: number;
  /** Integrity check the format carries: "xxh32", "xxh64", "crc32c", "crc32", "adler32", "none". */
  check: string;
  /** What the first frame's header declares (block size, window, content size, transforms). */
  details: Record<string, string | number | boolean>;
} {
  const b = toBytes(input);
  const found = detect(b);
  if (found === null || found.algorithm === null) {
    throw new CompressError("unsupported", "not a compressed format this library recognises");
  }
  const decoded = decompressSync(b, found.algorithm, {
    maxOutputSize: options.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE,
  });
  let frames = 1;
  let check = "none";
  let details: CompressedDescription["details"] = {};
  if (found.algorithm === Algorithm.Lz4) ({ frames, check, details } = lz4Details(b));
  else if (found.algorithm === Algorithm.Zstd) ({ frames, check, details } = zstdDetails(b));
  else if (found.algorithm === Algorithm.Snappy) {
    frames = snappyChunks(b);
    check = "crc32c";
  } else if (found.algorithm === Algorithm.Gzip) check = "crc32";
  else if (found.algorithm === Algorithm.Deflate) check = "adler32";
  else if (found.algorithm === Algorithm.Columnar) {
    const info = inspectColumnar(b);
    check = "xxh32";
    details = {
      "element type": info.elementType,
      count: info.count,
      transforms: info.transforms.join(" + ") || "none",
      inner: info.inner,
      exceptions: info.exceptions,
    };
  }
  return {
    format: found.name,
    frames,
    compressedBytes: b.length,
    decompressedBytes: decoded.length,
    ratio: decoded.length / Math.max(1, b.length),
    check,
    details,
  };
}
