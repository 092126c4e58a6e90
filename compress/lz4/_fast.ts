/**
 * The fast LZ4 match finder (levels <= 2): one hash table of 4-byte sequences, a single
 * candidate per position, and a search step that grows while no match is found
 * ("acceleration"), so incompressible input is skipped quickly.
 *
 * Table entries hold `position + base`. A caller picks a fresh `base` above every value already
 * in the table, so stale entries from earlier calls decode to negative positions and are
 * ignored: the table is reused without being cleared.
 *
 * @module
 */

import { matchEnd } from "../_match.ts";
import {
  LAST_LITERALS,
  MAX_DISTANCE,
  MF_LIMIT,
  MIN_INPUT_LENGTH,
  writeLastLiterals,
  writeLengthTail,
} from "./_sequence.ts";

/** log2 of the number of hash table entries for inputs below {@link LARGE_INPUT}. */
export const FAST_HASH_LOG = 14;
/**
 * log2 of the number of entries for large inputs: 4x the entries (a 256 KiB table) find
 * about 0.4% more of the matches in repetitive data such as JSON rows, keeping the ratio
 * within 3% of `lz4 -1` (whose 5-byte hash is costlier in JS), at no speed cost there.
 */
export const FAST_HASH_LOG_LARGE = 16;
/** Inputs of at least this many bytes use {@link FAST_HASH_LOG_LARGE}. */
export const LARGE_INPUT = 1 << 18;
/**
 * log2 of the number of entries for small one-shot inputs (at most {@link SMALL_INPUT} bytes):
 * a 4 KiB table stays in L1 cache, where the default 64 KiB one costs a cache miss per probe on
 * a 1 KiB payload; so few positions see few collisions either way.
 */
export const FAST_HASH_LOG_SMALL = 10;
/** One-shot inputs of at most this many bytes may use {@link FAST_HASH_LOG_SMALL}. */
export const SMALL_INPUT = 1 << 11;
/** After 2^SKIP_TRIGGER failed probes the step grows by one. */
const SKIP_TRIGGER = 6;
/** Knuth's multiplicative hash constant (2^32 / golden ratio). */
const PRIME = 0x9e3779b1;

/** The hash table size (log2) for a call indexing `span` positions. */
export function fastHashLog(span: number): number {
  if (span <= SMALL_INPUT) return FAST_HASH_LOG_SMALL;
  return span >= LARGE_INPUT ? FAST_HASH_LOG_LARGE : FAST_HASH_LOG;
}

/** A fresh table for the fast encoder, with `2^hashLog` entries. */
export function newFastTable(hashLog: number = FAST_HASH_LOG): Int32Array {
  return new Int32Array(1 << hashLog);
}

/**
 * Compresses `src[start, end)` as one LZ4 block into `dst` at `op`; returns the end position.
 * Matches may reach back to `windowLow` (a prefix of earlier data in `src`, for linked blocks).
 * `dst` must have `compressBound(end - start)` bytes free from `op`. Every call sharing a
 * `base` span (the blocks of one stream) must use the same `hashLog`. `sv` and `dv` are
 * DataViews over exactly `src` and `dst` (their reads and writes compile to single unaligned
 * moves in V8), made by the caller, which may reuse them across calls.
 */
export function compressFast(
  src: Uint8Array,
  sv: DataView,
  start: number,
  end: number,
  windowLow: number,
  dst: Uint8Array,
  dv: DataView,
  op: number,
  table: Int32Array,
  base: number,
  acceleration: number,
  hashLog: number,
): number {
  // Integer locals: V8 types parameters as "any", and loop variables seeded from them stay
  // tagged (spilled, untagged and re-checked on every probe).
  start |= 0;
  end |= 0;
  windowLow |= 0;
  op |= 0;
  base |= 0;
  acceleration |= 0;
  // Sums and differences of positions are truncated with `| 0`: V8 then computes them as plain
  // 32-bit integers instead of checking each for overflow (positions, plus `base`, stay below
  // 2^31; a difference with a stale, negative table entry is only taken after `ref >= windowLow`).
  // 1 KiB inputs -9%, large ones -1-3%.
  // Imported bindings are live: V8 reloads and hole-checks them at every use.
  const maxDistance = MAX_DISTANCE;
  // Hash to `hashLog` bits; the table must have at least 2^hashLog entries.
  const shift = 32 - hashLog;
  let anchor = start;
  if (end - start >= MIN_INPUT_LENGTH) {
    const dstLen = dst.length;
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let ip = start;
    table[Math.imul(sv.getInt32(ip, true), PRIME) >>> shift] = ip + base;
    ip++;
    // The 4 bytes at the next probe position, kept so each position is loaded once.
    let forwardSeq = sv.getInt32(ip, true);
    outer: for (;;) {
      // 1. Find a match: probe positions with a step that grows after 64 misses.
      let ref = 0;
      let forwardIp = ip;
      let step = 1;
      let probes = acceleration << SKIP_TRIGGER;
      let seq = 0;
      do {
        seq = forwardSeq;
        const h = Math.imul(seq, PRIME) >>> shift;
        ip = forwardIp;
        forwardIp = (forwardIp + step) | 0;
        step = probes >> SKIP_TRIGGER;
        probes = (probes + 1) | 0;
        if (forwardIp > mfLimit) break outer;
        ref = (table[h] - base) | 0;
        forwardSeq = sv.getInt32(forwardIp, true);
        table[h] = (ip + base) | 0;
      } while (ref < windowLow || ((ip - ref) | 0) > maxDistance || sv.getInt32(ref, true) !== seq);
      // 2. Extend backwards over bytes the search skipped.
      while (ip > anchor && ref > windowLow && src[(ip - 1) | 0] === src[(ref - 1) | 0]) {
        ip = (ip - 1) | 0;
        ref = (ref - 1) | 0;
      }
      // 3. Literal run; the token's low half is filled in once the match length is known.
      const lit = (ip - anchor) | 0;
      let tokenPos = op;
      op = (op + 1) | 0;
      let token: number;
      if (lit >= 15) {
        token = 0xf0;
        op = writeLengthTail(dst, op, lit - 15);
      } else {
        token = lit << 4;
      }
      if (lit <= 256 && op + 260 <= dstLen) {
        // Word copy; up to 3 bytes past the run are written and later overwritten. Up to 256
        // bytes: a subarray and a set() cost about as much as copying that many in words.
        for (let i = 0; i < lit; i = (i + 4) | 0) {
          dv.setInt32((op + i) | 0, sv.getInt32((anchor + i) | 0, true), true);
        }
      } else {
        dst.set(src.subarray(anchor, ip), op);
      }
      op = (op + lit) | 0;
      // 4. Matches, possibly several in a row with no literals between them.
      for (;;) {
        dv.setUint16(op, ip - ref, true);
        op = (op + 2) | 0;
        // The first 4 bytes are known to match.
        const mp = matchEnd(src, sv, (ip + 4) | 0, (ref + 4) | 0, matchLimit);
        const ml = (mp - ip - 4) | 0;
        if (ml >= 15) {
          dst[tokenPos] = token | 15;
          op = writeLengthTail(dst, op, ml - 15);
        } else {
          dst[tokenPos] = token | ml;
        }
        ip = mp;
        anchor = ip;
        if (ip > mfLimit) break outer;
        // As the reference: index a position inside the match, then try the next position
        // right away (repetitive data often continues with another match).
        table[Math.imul(sv.getInt32((ip - 2) | 0, true), PRIME) >>> shift] = (ip - 2 + base) | 0;
        seq = sv.getInt32(ip, true);
        const h = Math.imul(seq, PRIME) >>> shift;
        ref = (table[h] - base) | 0;
        table[h] = (ip + base) | 0;
        if (ref >= windowLow && ((ip - ref) | 0) <= maxDistance && sv.getInt32(ref, true) === seq) {
          tokenPos = op;
          op = (op + 1) | 0;
          token = 0;
          continue;
        }
        break;
      }
      ip = (ip + 1) | 0;
      forwardSeq = sv.getInt32(ip, true);
    }
  }
  const last = end - anchor;
  if (last < 15 && op + 20 <= dst.length && end + 4 <= sv.byteLength) {
    // The usual tail: a token and up to 14 literals, in words (while `src` has room to read
    // whole words past its end: the small-input copy has).
    dst[op] = last << 4;
    for (let i = 0; i < last; i = (i + 4) | 0) {
      dv.setInt32((op + 1 + i) | 0, sv.getInt32((anchor + i) | 0, true), true);
    }
    return op + 1 + last;
  }
  return writeLastLiterals(src, anchor, end, dst, op);
}

/**
 * Stores positions `[from, to)` of `src` (+ `base`) in `table` as the encoder would, later
 * positions winning; every position needs 4 readable bytes. Used to index a dictionary.
 */
export function indexFast(
  src: Uint8Array,
  from: number,
  to: number,
  table: Int32Array,
  base: number,
  hashLog: number,
): void {
  const shift = 32 - hashLog;
  for (let p = from; p < to; p++) {
    const seq = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24);
    table[Math.imul(seq, PRIME) >>> shift] = p + base;
  }
}
