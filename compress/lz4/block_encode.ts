/**
 * LZ4 block encoding: the public one-shot `compressBlock`, `compressBound`, and the encoder
 * state the frame encoder shares (hash tables reused across calls, never cleared per call).
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import {
  compressFast,
  FAST_HASH_LOG,
  FAST_HASH_LOG_LARGE,
  fastHashLog,
  newFastTable,
} from "./_fast.ts";
import { compressHc, type HcTables, newHcTables } from "./_hc.ts";
import { MAX_INPUT_SIZE } from "./_sequence.ts";
import { type LevelPlan, planLevel } from "./options.ts";

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
 * import { compressBound } from "./mod.ts";
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

/**
 * Match tables plus the `base` bookkeeping that lets them be reused without clearing: positions
 * are stored as `position + base`, and every call (or stream) takes a base above all stored
 * values, so older entries read back as negative positions.
 */
export class MatchState {
  #fast: Int32Array | null = null;
  #hc: HcTables | null = null;
  /** Next unused base. */
  #nextBase = 1;
  /** Largest fast hash table (log2 entries) this state may use. */
  readonly #maxHashLog: number;
  /** The fast table size (log2) of the current span, chosen by {@link reserve}. */
  fastHashLog: number = FAST_HASH_LOG;

  /**
   * @param maxHashLog the largest fast table (log2 entries) to allocate: the shared one-shot
   *   state allows large tables for large inputs; streaming encoders keep the default.
   */
  constructor(maxHashLog: number = FAST_HASH_LOG) {
    this.#maxHashLog = maxHashLog;
  }

  /** The fast table, created on first use, sized for the largest span this state allows. */
  get fast(): Int32Array {
    return this.#fast ??= newFastTable(this.#maxHashLog);
  }

  /** The HC tables, created on first use. */
  get hc(): HcTables {
    return this.#hc ??= newHcTables();
  }

  /**
   * Reserves a base for a call that will index positions `[0, span)`; older entries become
   * invalid. Clears the tables when the 31-bit position space runs out.
   */
  reserve(span: number): number {
    if (this.#nextBase + span + 1 >= 0x7fffffff) {
      this.#fast?.fill(0);
      this.#hc?.head.fill(0);
      this.#nextBase = 1;
    }
    const base = this.#nextBase;
    this.#nextBase += span + 1;
    // One table size per span: entries of a span are looked up with the hash they were
    // stored with. (Entries of older spans are invalid whatever their slot.)
    this.fastHashLog = Math.min(fastHashLog(span), this.#maxHashLog);
    return base;
  }
}

/** The tables shared by all one-shot calls in this thread (JS is single-threaded per isolate). */
export const sharedMatchState: MatchState = new MatchState(FAST_HASH_LOG_LARGE);

/**
 * Compresses `src[start, end)` as one block into `dst` at `op`; returns the end position.
 * Matches may reach back to `windowLow`. `dst` needs `compressBound(end - start)` free bytes.
 */
export function encodeBlockInto(
  src: Uint8Array,
  start: number,
  end: number,
  windowLow: number,
  dst: Uint8Array,
  op: number,
  plan: LevelPlan,
  state: MatchState,
  base: number,
): number {
  if (plan.hc) {
    return compressHc(src, start, end, windowLow, dst, op, state.hc, base, plan.depth);
  }
  return compressFast(
    src,
    start,
    end,
    windowLow,
    dst,
    op,
    state.fast,
    base,
    plan.acceleration,
    state.fastHashLog,
  );
}

/** Output buffer reused by one-shot calls; results are copied out of it. */
let scratch = new Uint8Array(0);
/**
 * The scratch grows up to the worst case of one default-sized (4 MiB) frame block plus framing,
 * so common payloads (up to a few MiB) cost one exact-size allocation, the result, instead of
 * a zeroed worst-case buffer and a copy. Larger calls get a buffer of their own.
 */
const SCRATCH_MAX = (1 << 22) + Math.floor((1 << 22) / 255) + 64;

/** Returns a buffer of at least `n` bytes: the shared scratch when small enough. */
export function outputBuffer(n: number): Uint8Array {
  if (n > SCRATCH_MAX) return new Uint8Array(n);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, 4096));
  return scratch;
}

/** Options of {@link compressBlock}. */
export interface Lz4BlockCompressOptions {
  /** The `lz4` tool's level scale, see `Lz4CompressOptions.level`. Default 1. */
  level?: number;
}

/**
 * Compresses `src` as one raw LZ4 block (no frame, no sizes, no checksum). Keep the original
 * length next to it: {@link decompressBlock} needs it.
 *
 * @param src the data (at most 0x7E000000 bytes)
 * @param options compression level
 * @returns the block, sized exactly
 * @throws {CompressError} `limit` for too large input, `unsupported` for a non-finite level
 *
 * @example
 * ```ts
 * import { compressBlock } from "./mod.ts";
 * const data = new TextEncoder().encode("to be or not to be, to be or not to be");
 * const block = compressBlock(data, { level: 9 });
 * console.log(block.length < data.length); // true
 * ```
 */
export function compressBlock(src: Uint8Array, options: Lz4BlockCompressOptions = {}): Uint8Array {
  const plan = planLevel(options.level);
  const bound = compressBound(src.length);
  const dst = outputBuffer(bound);
  const state = sharedMatchState;
  const base = state.reserve(src.length);
  const n = encodeBlockInto(src, 0, src.length, 0, dst, 0, plan, state, base);
  return dst.slice(0, n);
}
