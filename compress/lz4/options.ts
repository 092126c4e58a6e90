/**
 * Options of the LZ4 encoders and decoders, and how a numeric level maps onto the two match
 * finders.
 *
 * @module
 */

import { CompressError } from "../errors.ts";

export type Lz4BlockSize = NonNullable<Lz4CompressOptions["blockSize"]>;

/** Options of {@link compressFrame} and {@link Lz4FrameEncoder}. */
export interface Lz4CompressOptions {
  /**
   * The `lz4` tool's scale. Default 1.
   * - `< 0`: fast mode with acceleration `-level` (`-3` is `lz4 --fast=3`): faster, larger.
   * - `0`, `1`, `2`: fast mode, acceleration 1 (`lz4 -1`, the tool's default).
   * - `3` .. `12`: high-compression mode (`lz4 -3` .. `lz4 -12`): hash chains searched
   *   4 × 2^(level-3) candidates deep (8192 at 12), with lazy matching. Above 12 means 12.
   */
  level?: number;
  /**
   * Largest uncompressed size of one block. Default 4 MiB (BD 7), as the `lz4` tool. The
   * streaming encoder buffers up to one block unless `flush()` is called.
   */
  blockSize?: 65536 | 262144 | 1048576 | 4194304;
  /**
   * Let matches reach into the previous 64 KiB of earlier blocks (B.Indep = 0, `lz4 -BD`):
   * better ratio for small blocks, but blocks can only be decoded in order. Default `false`
   * (independent blocks), the `lz4` tool's default (`-BI`).
   */
  blockLinked?: boolean;
  /** Follow each block with its xxHash32 (`lz4 -BX`). Default `false`, as the tool. */
  blockChecksum?: boolean;
  /** End the frame with the xxHash32 of the content. Default `true`, as the tool. */
  contentChecksum?: boolean;
  /**
   * Write the content size in the frame header (`lz4 --content-size`). Only a one-shot
   * `compressFrame` knows it; the streaming encoder ignores this. Default `false`.
   */
  contentSize?: boolean;
  /**
   * Data the receiver already has (lz4_Frame_format.md, "Dictionary ID"; `lz4 -D file`): its
   * last 64 KiB are history before the first byte of every independent block (and before the
   * first block of a linked frame), so matches may refer to it. Small payloads that resemble
   * the dictionary compress far better. The decoder needs the same bytes. Default: none.
   */
  dictionary?: Uint8Array;
  /**
   * Written in the frame descriptor (FLG Dict-ID bit, 4 bytes little endian) so a decoder can
   * pick the dictionary with a resolver. An unsigned 32-bit integer; 0 writes no ID (liblz4's
   * convention, and what `lz4 -D` produces). Requires `dictionary`. Default 0.
   */
  dictionaryId?: number;
}

/** Options of {@link decompressFrame} and {@link Lz4FrameDecoder}. */
export interface Lz4DecompressOptions {
  /**
   * Refuse to produce more than this many bytes in total (default 256 MiB): a `limit` error is thrown before anything larger is allocated.
   */
  maxOutputSize?: number;
  /**
   * The dictionary the frames were compressed with, or a resolver from a frame's Dict-ID to
   * its dictionary. A byte array applies to every frame (it is what frames of `lz4 -D`, which
   * carry no ID, need). A resolver is called once per frame with the frame's ID, or with 0 for
   * a frame without one (liblz4's "no ID"; answer `undefined` to decode such frames without a
   * dictionary, or the dictionary `lz4 -D` used). A frame with an ID and no dictionary (none given,
   * or the resolver returns `undefined`) fails with a `CompressError` (`unsupported`); a wrong
   * dictionary fails with `corrupt` or `checksum` when the data reaches into it.
   */
  dictionary?: Uint8Array | ((id: number) => Uint8Array | undefined);
}

/** Largest acceleration, as in the reference implementation. */
const MAX_ACCELERATION = 65537;

/** How a level is carried out. */
export interface LevelPlan {
  /** True for the hash-chain (HC) encoder. */
  hc: boolean;
  /** Fast mode: search step multiplier (>= 1). */
  acceleration: number;
  /** HC mode: candidates examined per position. */
  depth: number;
}

/** The plan of levels 0..2 (the default), shared so one-shot calls allocate nothing for it. */
const FAST_DEFAULT: LevelPlan = { hc: false, acceleration: 1, depth: 0 };

/**
 * Maps an `lz4`-tool level onto an encoder plan.
 * @throws {CompressError} `unsupported` when `level` is not a finite number
 */
export function planLevel(level: number | undefined): LevelPlan {
  const l = level ?? 1;
  if (typeof l !== "number" || !Number.isFinite(l)) {
    throw new CompressError("unsupported", "LZ4 level must be a finite number");
  }
  const n = Math.trunc(l);
  if (n >= 0 && n < 3) return FAST_DEFAULT;
  if (n < 0) return { hc: false, acceleration: Math.min(-n, MAX_ACCELERATION), depth: 0 };
  const hl = Math.min(n, 12);
  return { hc: true, acceleration: 1, depth: hl >= 12 ? 8192 : 1 << (hl - 1) };
}
