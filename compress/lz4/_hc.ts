/**
 * The high-compression LZ4 match finder (levels 3..12): hash chains over every position of the
 * 64 KiB window, a search depth that doubles with each level, lazy matching (a match is
 * deferred by one byte when the next position has a longer one) and backward extension.
 *
 * `head` maps a 4-byte hash to the newest position (+ base) with that hash; `chain` maps a
 * position (by its absolute value `position + base` modulo 65536) to the distance of the previous
 * position with the same hash, 0 ending the chain. As in the fast encoder, a fresh `base`
 * invalidates every older entry without clearing the tables.
 *
 * @module
 */

import {
  LAST_LITERALS,
  MAX_DISTANCE,
  MF_LIMIT,
  MIN_INPUT_LENGTH,
  read32,
  writeLastLiterals,
  writeSequence,
} from "./_sequence.ts";

/** log2 of the number of chain heads. */
export const HC_HASH_LOG = 15;
const SHIFT = 32 - HC_HASH_LOG;

/** The tables of the HC encoder. */
export interface HcTables {
  /** Newest position + base per hash. */
  head: Int32Array;
  /** Distance to the previous position with the same hash, indexed by (position + base) & 0xFFFF. */
  chain: Uint16Array;
}

/** Fresh tables for the HC encoder. */
export function newHcTables(): HcTables {
  return { head: new Int32Array(1 << HC_HASH_LOG), chain: new Uint16Array(65536) };
}

// Result of the last `findLongest` call (module scope: no allocation per search).
let foundLength = 0;
let foundRef = 0;

/**
 * Compresses `src[start, end)` as one LZ4 block into `dst` at `op`; returns the end position.
 * Same contract as `compressFast`, with `depth` candidates examined per position.
 */
export function compressHc(
  src: Uint8Array,
  start: number,
  end: number,
  windowLow: number,
  dst: Uint8Array,
  op: number,
  tables: HcTables,
  base: number,
  depth: number,
): number {
  let anchor = start;
  if (end - start >= MIN_INPUT_LENGTH) {
    const head = tables.head;
    const chain = tables.chain;
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let nextToInsert = start;
    let ip = start;

    while (ip <= mfLimit) {
      nextToInsert = insert(src, nextToInsert, ip, head, chain, base);
      findLongest(src, ip, windowLow, matchLimit, head, chain, base, depth);
      if (foundLength === 0) {
        ip++;
        continue;
      }
      let ml = foundLength;
      let ref = foundRef;
      // Lazy matching: take the match one byte later when it is longer.
      while (ip + 1 <= mfLimit && ip + ml < matchLimit) {
        nextToInsert = insert(src, nextToInsert, ip + 1, head, chain, base);
        findLongest(src, ip + 1, windowLow, matchLimit, head, chain, base, depth);
        if (foundLength <= ml) break;
        ip++;
        ml = foundLength;
        ref = foundRef;
      }
      while (ip > anchor && ref > windowLow && src[ip - 1] === src[ref - 1]) {
        ip--;
        ref--;
        ml++;
      }
      op = writeSequence(src, anchor, ip, ip - ref, ml, dst, op);
      ip += ml;
      anchor = ip;
    }
  }
  return writeLastLiterals(src, anchor, end, dst, op);
}

/** Inserts positions [from, to) into the chains; returns `to`. */
export function insert(
  src: Uint8Array,
  from: number,
  to: number,
  head: Int32Array,
  chain: Uint16Array,
  base: number,
): number {
  for (let p = from; p < to; p++) {
    const h = Math.imul(read32(src, p), 0x9e3779b1) >>> SHIFT;
    const delta = p + base - head[h];
    chain[(p + base) & 0xffff] = delta > MAX_DISTANCE ? 0 : delta;
    head[h] = p + base;
  }
  return to;
}

/** Longest match for `ip` among `depth` candidates; sets `foundLength` (0: none) and `foundRef`. */
function findLongest(
  src: Uint8Array,
  ip: number,
  windowLow: number,
  matchLimit: number,
  head: Int32Array,
  chain: Uint16Array,
  base: number,
  depth: number,
): void {
  const low = ip - MAX_DISTANCE > windowLow ? ip - MAX_DISTANCE : windowLow;
  const first = read32(src, ip);
  let best = 3;
  let bestRef = 0;
  let c = head[Math.imul(first, 0x9e3779b1) >>> SHIFT] - base;
  while (c >= low && depth-- > 0) {
    if (src[c + best] === src[ip + best] && read32(src, c) === first) {
      let len = 4;
      while (ip + len < matchLimit && src[c + len] === src[ip + len]) len++;
      if (len > best) {
        best = len;
        bestRef = c;
        if (ip + len >= matchLimit) break;
      }
    }
    const delta = chain[(c + base) & 0xffff];
    if (delta === 0) break;
    c -= delta;
  }
  foundLength = best > 3 ? best : 0;
  foundRef = bestRef;
}
