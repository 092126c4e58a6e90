/**
 * Encoder state shared by the block and frame encoders: match tables reused across calls
 * without clearing (positions stored as `position + base`), the one-shot output scratch, and
 * the dispatch between the fast and the high-compression match finders.
 *
 * @module
 */

import {
  compressFast,
  FAST_HASH_LOG,
  FAST_HASH_LOG_LARGE,
  FAST_HASH_LOG_SMALL,
  fastHashLog,
  newFastTable,
} from "./_fast.ts";
import { compressHc, type HcTables, newHcTables } from "./_hc.ts";
import type { LevelPlan } from "./options.ts";

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
  /** Smallest fast hash table (log2 entries) this state may use. */
  readonly #minHashLog: number;
  /** The fast table size (log2) of the current span, chosen by {@link reserve}. */
  fastHashLog: number = FAST_HASH_LOG;

  /**
   * @param maxHashLog the largest fast table (log2 entries) to allocate: the shared one-shot
   *   state allows large tables for large inputs; streaming encoders keep the default.
   * @param minHashLog the smallest: one-shot states allow small tables for small inputs; a
   *   stream reserves its span before it knows its length, so it keeps the default.
   */
  constructor(maxHashLog: number = FAST_HASH_LOG, minHashLog: number = FAST_HASH_LOG) {
    this.#maxHashLog = maxHashLog;
    this.#minHashLog = minHashLog;
  }

  /** Largest fast hash table (log2 entries) this state may use. */
  get maxHashLog(): number {
    return this.#maxHashLog;
  }

  /** The fast table, created on first use, sized for the largest span this state allows. */
  get fast(): Int32Array {
    return this.#fast ??= newFastTable(this.#maxHashLog);
  }

  /** The HC tables, created on first use. */
  get hc(): HcTables {
    return this.#hc ??= newHcTables();
  }

  /** The fast table size (log2 entries) this state uses for a span of `span` positions. */
  hashLogFor(span: number): number {
    return Math.max(this.#minHashLog, Math.min(fastHashLog(span), this.#maxHashLog));
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
    this.fastHashLog = this.hashLogFor(span);
    return base;
  }

  /**
   * Starts a span of `span` positions whose first ones are a dictionary already indexed into
   * `snapshot` (the first `snapshot.length` fast-table entries, stored with base 1). Every
   * entry a lookup with that table size can reach is overwritten, so the span's base is 1;
   * the next {@link reserve} still starts above every stored value.
   */
  restoreFast(snapshot: Int32Array, hashLog: number, span: number): number {
    this.fast.set(snapshot);
    this.fastHashLog = hashLog;
    this.#nextBase = Math.max(this.#nextBase, span + 2);
    return 1;
  }

  /** As {@link restoreFast}, for the HC tables (both overwritten whole). */
  restoreHc(snapshot: HcTables, span: number): number {
    const hc = this.hc;
    hc.head.set(snapshot.head);
    hc.chain.set(snapshot.chain);
    this.#nextBase = Math.max(this.#nextBase, span + 2);
    return 1;
  }
}

/** The tables shared by all one-shot calls in this thread (JS is single-threaded per isolate). */
export const sharedMatchState: MatchState = new MatchState(
  FAST_HASH_LOG_LARGE,
  FAST_HASH_LOG_SMALL,
);

/**
 * Compresses `src[start, end)` as one block into `dst` at `op`; returns the end position.
 * Matches may reach back to `windowLow`. `dst` needs `compressBound(end - start)` free bytes.
 * `srcView`, when given, is a DataView over exactly `src` (shared with the caller's checksum).
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
  srcView: DataView | null = null,
): number {
  if (plan.hc) {
    return compressHc(src, start, end, windowLow, dst, op, state.hc, base, plan.depth);
  }
  return compressFast(
    src,
    srcView ?? new DataView(src.buffer, src.byteOffset, src.byteLength),
    start,
    end,
    windowLow,
    dst,
    viewOf(dst),
    op,
    state.fast,
    base,
    plan.acceleration,
    state.fastHashLog,
  );
}

/**
 * One-shot inputs of at most this many bytes are copied into {@link smallInput} and read
 * through its kept DataView: the copy costs ~30 ns per KiB, a fresh DataView over the caller's
 * bytes ~150 ns (a 1 KiB frame takes ~2.4 µs in all).
 */
export const SMALL_INPUT_COPY = 4096;
/** Scratch copy of a small one-shot input (valid until the next call). */
export const smallInput: Uint8Array = new Uint8Array(SMALL_INPUT_COPY);
/** A DataView over all of {@link smallInput}. */
export const smallInputView: DataView = new DataView(smallInput.buffer);

/** Output buffer reused by one-shot calls; results are copied out of it. */
let scratch = new Uint8Array(0);
/** A DataView over `scratch`, made once per scratch (a view costs ~0.1 µs, a 1 KiB call ~2). */
let scratchView = new DataView(scratch.buffer);
/**
 * The scratch grows up to the worst case of one default-sized (4 MiB) frame block plus framing,
 * so common payloads (up to a few MiB) cost one exact-size allocation, the result, instead of
 * a zeroed worst-case buffer and a copy. Larger calls get a buffer of their own.
 */
const SCRATCH_MAX = (1 << 22) + Math.floor((1 << 22) / 255) + 64;

/** Returns a buffer of at least `n` bytes: the shared scratch when small enough. */
export function outputBuffer(n: number): Uint8Array {
  if (n > SCRATCH_MAX) return new Uint8Array(n);
  if (scratch.length < n) {
    scratch = new Uint8Array(Math.max(n, 4096));
    scratchView = new DataView(scratch.buffer);
  }
  return scratch;
}

/** A DataView over all of `b`: the kept one when `b` is the shared output scratch. */
export function viewOf(b: Uint8Array): DataView {
  return b === scratch ? scratchView : new DataView(b.buffer, b.byteOffset, b.byteLength);
}
