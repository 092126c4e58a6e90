/**
 * LZ4 dictionaries (lz4_Frame_format.md, "Dictionary ID"; lz4_Block_format.md, "Dictionary"):
 * the last 64 KiB of a dictionary are history before the data, so matches may refer to them.
 *
 * Encoding copies the dictionary's tail and the data into one buffer, `[tail | data]`, and runs
 * the ordinary match finders from the end of the tail. The tail's positions are hashed once per
 * dictionary into snapshots of the match tables; each call restores a snapshot by copying it
 * (a 64 KiB copy, instead of hashing 64 KiB again). Snapshots are keyed by the dictionary
 * object and are only hints: every candidate is checked against the bytes in the buffer, so a
 * dictionary changed after its first use still gives correct output.
 *
 * Decoding needs no copy: the block decoder reads matches that reach before its output window
 * from the tail directly (see `decodeBlockInto`).
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { FAST_HASH_LOG_LARGE, FAST_HASH_LOG_SMALL, indexFast, newFastTable } from "./_fast.ts";
import { type HcTables, insert, newHcTables } from "./_hc.ts";
import { MatchState } from "./_encode_state.ts";
import type { LevelPlan, Lz4DecompressOptions } from "./options.ts";

/** The part of a dictionary matches can reach: offsets are at most 65535. */
export const DICTIONARY_WINDOW = 65536;

/** The last 64 KiB of `dict` (a view, no copy). */
export function dictionaryTail(dict: Uint8Array): Uint8Array {
  return dict.length > DICTIONARY_WINDOW ? dict.subarray(dict.length - DICTIONARY_WINDOW) : dict;
}

/** Checks an encoder's `dictionary` option; returns its tail, or null when there is none. */
export function encoderDictionary(dict: Uint8Array | undefined): Uint8Array | null {
  if (dict === undefined) return null;
  if (!(dict instanceof Uint8Array)) {
    throw new CompressError("unsupported", "LZ4 dictionary must be a Uint8Array");
  }
  return dictionaryTail(dict);
}

/** Match tables indexed over one dictionary's tail, with base 1. */
interface DictionaryIndex {
  /** Length of the tail indexed. */
  length: number;
  /** Fast tables by hash log (only the two sizes the encoders use). */
  fast: Map<number, Int32Array>;
  hc: HcTables | null;
}

const indexes = new WeakMap<Uint8Array, DictionaryIndex>();

function indexFor(key: Uint8Array, tail: Uint8Array): DictionaryIndex {
  let idx = indexes.get(key);
  if (idx === undefined || idx.length !== tail.length) {
    idx = { length: tail.length, fast: new Map(), hc: null };
    indexes.set(key, idx);
  }
  return idx;
}

/**
 * Restores `state`'s tables to the dictionary's index for a span of `span` positions (tail
 * first); returns the span's base. `key` identifies the dictionary (the caller's array).
 */
export function primeWithDictionary(
  key: Uint8Array,
  tail: Uint8Array,
  plan: LevelPlan,
  state: MatchState,
  span: number,
): number {
  const idx = indexFor(key, tail);
  // Positions whose 4 bytes lie inside the tail.
  const last = Math.max(0, tail.length - 3);
  if (plan.hc) {
    if (idx.hc === null) {
      const t = newHcTables();
      insert(tail, 0, last, t.head, t.chain, 1);
      idx.hc = t;
    }
    return state.restoreHc(idx.hc, span);
  }
  const hashLog = state.hashLogFor(span);
  let snapshot = idx.fast.get(hashLog);
  if (snapshot === undefined) {
    snapshot = newFastTable(hashLog);
    indexFast(tail, 0, last, snapshot, 1, hashLog);
    idx.fast.set(hashLog, snapshot);
  }
  return state.restoreFast(snapshot, hashLog, span);
}

/** Tables for one-shot and independent-block dictionary encoding, apart from the shared ones. */
let dictState: MatchState | null = null;
/** The `[tail | data]` buffer of one-shot and independent-block dictionary encoding. */
let work = new Uint8Array(0);
/** Above this size the work buffer is not kept between calls. */
const WORK_KEEP = (1 << 22) + DICTIONARY_WINDOW;

/** What a dictionary encoding runs on: `buf = [tail | data]` and tables primed for it. */
export interface DictionaryWork {
  buf: Uint8Array;
  state: MatchState;
  base: number;
}

/**
 * Copies the dictionary's tail and `src[from, to)` into a work buffer and primes match tables
 * for them. Encode `buf[tail.length, tail.length + to - from)` with `windowLow` 0.
 */
export function dictionaryWork(
  key: Uint8Array,
  tail: Uint8Array,
  src: Uint8Array,
  from: number,
  to: number,
  plan: LevelPlan,
): DictionaryWork {
  const n = tail.length + to - from;
  let buf = work;
  if (buf.length < n) {
    buf = new Uint8Array(Math.max(n, 4096));
    if (n <= WORK_KEEP) work = buf;
  }
  buf.set(tail, 0);
  buf.set(src.subarray(from, to), tail.length);
  const state = dictState ??= new MatchState(FAST_HASH_LOG_LARGE, FAST_HASH_LOG_SMALL);
  const base = primeWithDictionary(key, tail, plan, state, n);
  return { buf, state, base };
}

function missingDictionary(id: number): CompressError {
  return new CompressError(
    "unsupported",
    `LZ4 frame needs dictionary ${id}, which is not available`,
  );
}

/**
 * The dictionary for a frame whose Dict-ID is `id` (-1: none), per the decoder's `dictionary`
 * option; returns its tail, or null for none. A resolver is asked for id 0 when the frame
 * carries no Dict-ID (liblz4's `dictID` 0, "none": what `lz4 -D` writes), and may answer with
 * the dictionary such frames were made with, or `undefined` for none.
 * @throws {CompressError} `unsupported` when the frame names a dictionary that is not given
 */
export function frameDictionary(
  option: Lz4DecompressOptions["dictionary"],
  id: number,
): Uint8Array | null {
  if (option === undefined) {
    if (id <= 0) return null;
    throw missingDictionary(id);
  }
  const dict = typeof option === "function" ? option(id < 0 ? 0 : id) : option;
  if (dict === undefined || dict === null) {
    if (id <= 0) return null;
    throw missingDictionary(id);
  }
  if (!(dict instanceof Uint8Array)) {
    throw new CompressError("unsupported", "LZ4 dictionary must be a Uint8Array");
  }
  return dictionaryTail(dict);
}

/** Checks a decoder's `dictionary` option at construction. */
export function checkDictionaryOption(option: Lz4DecompressOptions["dictionary"]): void {
  if (option !== undefined && typeof option !== "function" && !(option instanceof Uint8Array)) {
    throw new CompressError("unsupported", "LZ4 dictionary must be a Uint8Array or a function");
  }
}
