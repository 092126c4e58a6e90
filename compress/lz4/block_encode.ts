/**
 * LZ4 block encoding: the public one-shot `compressBlock` and `compressBound`.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { MAX_INPUT_SIZE } from "./_sequence.ts";
import {
  encodeBlockInto,
  outputBuffer,
  sharedMatchState,
  SMALL_INPUT_COPY,
  smallInput,
  smallInputView,
} from "./_encode_state.ts";
import { planLevel } from "./options.ts";
import { dictionaryWork, encoderDictionary } from "./_dictionary.ts";

/**
 * Largest compressed size of `n` input bytes: incompressible data grows by 1 byte per 255 plus
 * a few bytes of framing (the reference `LZ4_COMPRESSBOUND`).
 *
 * @param n input length in bytes
 * @returns the worst-case block size
 * @throws {CompressError} `limit` when `n` exceeds the format's maximum input (0x7E000000)
 * @throws {RangeError} when `n` is not a non-negative integer
 *
 * @example
 * ```ts
 * import { compressBound } from "./block_encode.ts";
 * console.log(compressBound(65536)); // 65809
 * ```
 */
export function compressBound(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError("compressBound expects a non-negative integer");
  }
  if (n > MAX_INPUT_SIZE) {
    throw new CompressError("limit", `LZ4 blocks hold at most ${MAX_INPUT_SIZE} bytes`);
  }
  return n + Math.floor(n / 255) + 16;
}

/** Options of {@link compressBlock}. */
export interface Lz4BlockCompressOptions {
  /** The `lz4` tool's level scale, see `Lz4CompressOptions.level`. Default 1. */
  level?: number;
  /**
   * Data the decoder already has: its last 64 KiB are history before `src`, so matches may
   * reach into it (`lz4 -D`). Decode with the same `dictionary` option of
   * {@link decompressBlock}. Default: none.
   */
  dictionary?: Uint8Array;
}

/**
 * Compresses `src` as one raw LZ4 block (no frame, no sizes, no checksum). Keep the original
 * length next to it: {@link decompressBlock} needs it.
 *
 * @param src the data (at most 0x7E000000 bytes)
 * @param options compression level, dictionary
 * @returns the block, sized exactly
 * @throws {CompressError} `limit` for too large input, `unsupported` for a non-finite level
 *
 * @example
 * ```ts
 * import { compressBlock } from "./block_encode.ts";
 * const data = new TextEncoder().encode("to be or not to be, to be or not to be");
 * const block = compressBlock(data, { level: 9 });
 * console.log(block.length < data.length); // true
 * ```
 */
export function compressBlock(src: Uint8Array, options: Lz4BlockCompressOptions = {}): Uint8Array {
  const plan = planLevel(options.level);
  const bound = compressBound(src.length);
  const dict = encoderDictionary(options.dictionary);
  if (dict !== null && dict.length > 0) {
    const w = dictionaryWork(options.dictionary!, dict, src, 0, src.length, plan);
    const d = outputBuffer(bound);
    const end = dict.length + src.length;
    return d.slice(0, encodeBlockInto(w.buf, dict.length, end, 0, d, 0, plan, w.state, w.base));
  }
  const dst = outputBuffer(bound);
  const state = sharedMatchState;
  const base = state.reserve(src.length);
  const len = src.length;
  let n: number;
  if (len <= SMALL_INPUT_COPY) {
    smallInput.set(src);
    n = encodeBlockInto(smallInput, 0, len, 0, dst, 0, plan, state, base, smallInputView);
  } else {
    n = encodeBlockInto(src, 0, len, 0, dst, 0, plan, state, base);
  }
  return dst.slice(0, n);
}
