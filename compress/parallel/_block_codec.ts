/**
 * The independent-block form of each algorithm that has one: how one block is compressed
 * (the work a pool worker does) and how the compressed blocks are assembled into one valid
 * stream of the algorithm's own format. Shared by the single-threaded and the parallel path,
 * so that both produce the same bytes by construction.
 *
 * @module
 */

import { xxhash32 } from "../checksum/xxhash32.ts";
import { compressSync } from "../compress.ts";
import { CompressError } from "../errors.ts";
import { compressBlock } from "../lz4/block_encode.ts";
import { compressFramed, SNAPPY_STREAM_IDENTIFIER } from "../snappy/mod.ts";
import { Algorithm } from "../types.ts";

/** The algorithms with an independent-block form. */
export const BLOCK_ALGORITHMS: readonly Algorithm[] = [
  Algorithm.Lz4,
  Algorithm.Zstd,
  Algorithm.Snappy,
  Algorithm.Gzip,
];

/** LZ4 frame block maximum sizes (BD codes 4..7). */
const LZ4_BLOCK_SIZES = [65536, 262144, 1048576, 4194304];
/** Snappy framing: the stream identifier chunk every `compressFramed` output starts with. */
const SNAPPY_STREAM_ID_LENGTH = SNAPPY_STREAM_IDENTIFIER.length;

/** Throws `unsupported` for an algorithm without an independent-block form. */
export function assertBlockAlgorithm(algorithm: Algorithm): void {
  if (!BLOCK_ALGORITHMS.includes(algorithm)) {
    throw new CompressError(
      "unsupported",
      `${algorithm} has no independent-block form; use one of ${BLOCK_ALGORITHMS.join(", ")}`,
    );
  }
}

/**
 * Checks a block size: a multiple of 64 KiB (Snappy's chunk size) from 64 KiB to 64 MiB, and
 * for LZ4 one of the frame format's four block sizes.
 */
export function assertBlockSize(algorithm: Algorithm, blockSize: number): void {
  const ok = Number.isInteger(blockSize) && blockSize >= 65536 && blockSize <= 64 << 20 &&
    blockSize % 65536 === 0;
  if (!ok) {
    throw new CompressError(
      "unsupported",
      "blockSize must be a multiple of 64 KiB between 64 KiB and 64 MiB",
    );
  }
  if (algorithm === Algorithm.Lz4 && !LZ4_BLOCK_SIZES.includes(blockSize)) {
    throw new CompressError(
      "unsupported",
      "for lz4, blockSize must be 65536, 262144, 1048576 or 4194304 (the frame's block sizes)",
    );
  }
}

function putU32(b: Uint8Array, i: number, v: number): number {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
  return i + 4;
}

/**
 * Compresses one block as its algorithm's independent unit (`level` is codec-native):
 * - lz4: the block's size field, the raw LZ4 block (or the stored bytes when compression does
 *   not pay, flagged per the frame spec), and its xxHash32 block checksum
 * - zstd: one complete frame; gzip: one complete member (RFC 1952 §2.2)
 * - snappy: the framing chunks of the block, without the stream identifier
 */
export function compressOneBlock(
  algorithm: Algorithm,
  level: number,
  block: Uint8Array,
): Uint8Array {
  switch (algorithm) {
    case Algorithm.Lz4: {
      // lz4_Frame_format.md, "Data Blocks": size (bit 31 = stored), data, block checksum.
      const packed = compressBlock(block, { level });
      const stored = packed.length >= block.length;
      const body = stored ? block : packed;
      const out = new Uint8Array(body.length + 8);
      putU32(out, 0, stored ? (body.length | 0x80000000) >>> 0 : body.length);
      out.set(body, 4);
      putU32(out, 4 + body.length, xxhash32(body));
      return out;
    }
    case Algorithm.Zstd:
    case Algorithm.Gzip:
      return compressSync(block, algorithm, { level });
    case Algorithm.Snappy:
      return compressFramed(block).slice(SNAPPY_STREAM_ID_LENGTH);
    default:
      assertBlockAlgorithm(algorithm);
      throw new CompressError("unsupported", `${algorithm} has no independent-block form`);
  }
}

/** The bytes before the first block. */
function prologue(algorithm: Algorithm, blockSize: number): Uint8Array {
  if (algorithm === Algorithm.Lz4) {
    // Magic, FLG (version 01, independent blocks, block checksums), BD, header checksum.
    const h = new Uint8Array(7);
    putU32(h, 0, 0x184d2204);
    h[4] = 0x40 | 0x20 | 0x10;
    h[5] = (4 + LZ4_BLOCK_SIZES.indexOf(blockSize)) << 4;
    h[6] = (xxhash32(h.subarray(4, 6)) >>> 8) & 0xff;
    return h;
  }
  if (algorithm === Algorithm.Snappy) {
    return SNAPPY_STREAM_IDENTIFIER.slice();
  }
  return new Uint8Array(0);
}

/** The bytes after the last block: LZ4's end mark. */
function epilogue(algorithm: Algorithm): Uint8Array {
  return algorithm === Algorithm.Lz4 ? new Uint8Array(4) : new Uint8Array(0);
}

/**
 * Joins compressed blocks into the final stream. An empty input has no blocks: zstd and gzip
 * then get one frame/member of the empty input so the output stays a valid stream.
 */
export function assembleBlocks(
  algorithm: Algorithm,
  level: number,
  blockSize: number,
  blocks: readonly Uint8Array[],
): Uint8Array {
  const parts =
    blocks.length === 0 && (algorithm === Algorithm.Zstd || algorithm === Algorithm.Gzip)
      ? [compressOneBlock(algorithm, level, new Uint8Array(0))]
      : blocks;
  const head = prologue(algorithm, blockSize);
  const tail = epilogue(algorithm);
  let size = head.length + tail.length;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  out.set(tail, o);
  return out;
}
