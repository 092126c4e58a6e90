/**
 * Huffman coding of literals (RFC 8878 §4.2): the tree description and the decode table.
 *
 * @module
 */

import { backStart, corrupt, readBack } from "./_bits.ts";
import { readFseTable } from "./fse.ts";

/** Largest code length the format allows (§4.2.1). */
const MAX_BITS = 11;

/** A single-lookup decode table: entry = symbol | (code length << 8), indexed by `maxBits` bits. */
export interface HuffmanTable {
  /** Bits peeked per lookup. */
  maxBits: number;
  /** `1 << maxBits` entries. */
  entries: Uint16Array;
}

/**
 * Reads a Huffman tree description (§4.2.1) at `src[pos:end]`. Returns the table and the number
 * of bytes the description used.
 */
export function readHuffmanTable(
  src: Uint8Array,
  pos: number,
  end: number,
): { table: HuffmanTable; size: number } {
  if (pos >= end) corrupt("missing Huffman tree description");
  const header = src[pos];
  const weights = new Uint8Array(260);
  let count: number;
  let size: number;
  if (header >= 128) {
    // Direct representation: 4 bits per weight (§4.2.1.2).
    count = header - 127;
    size = 1 + ((count + 1) >> 1);
    if (pos + size > end) corrupt("Huffman tree description is truncated");
    for (let i = 0; i < count; i++) {
      const b = src[pos + 1 + (i >> 1)];
      weights[i] = i & 1 ? b & 15 : b >> 4;
    }
  } else {
    // FSE-compressed weights (§4.2.1.2): two interleaved states, accuracy log at most 6.
    size = 1 + header;
    const stop = pos + size;
    if (stop > end) corrupt("Huffman tree description is truncated");
    const { table, size: tsize } = readFseTable(src, pos + 1, stop, 255, 6);
    const start = pos + 1 + tsize;
    let bit = backStart(src, start, stop);
    const { symbol, nbBits, base, log } = table;
    let s1 = readBack(src, start, bit, log);
    bit -= log;
    let s2 = readBack(src, start, bit, log);
    bit -= log;
    count = 0;
    for (;;) {
      if (count > 254) corrupt("too many Huffman weights");
      weights[count++] = symbol[s1];
      let nb = nbBits[s1];
      s1 = base[s1] + readBack(src, start, bit, nb);
      bit -= nb;
      if (bit < 0) {
        weights[count++] = symbol[s2];
        break;
      }
      weights[count++] = symbol[s2];
      nb = nbBits[s2];
      s2 = base[s2] + readBack(src, start, bit, nb);
      bit -= nb;
      if (bit < 0) {
        weights[count++] = symbol[s1];
        break;
      }
    }
  }
  if (count > 255) corrupt("too many Huffman weights");
  // The last symbol's weight is implied: it completes the sum to a power of two.
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i];
    if (w > MAX_BITS) corrupt("Huffman weight too large");
    if (w > 0) sum += 1 << (w - 1);
  }
  if (sum === 0) corrupt("Huffman weights are all zero");
  const maxBits = 32 - Math.clz32(sum);
  if (maxBits > MAX_BITS) corrupt("Huffman codes too long");
  const rest = (1 << maxBits) - sum;
  if ((rest & (rest - 1)) !== 0) corrupt("Huffman weights do not complete a tree");
  weights[count] = 32 - Math.clz32(rest);
  const symbols = count + 1;
  // Fill the table by increasing weight, then symbol order (§4.2.1.3).
  const rankCount = new Uint16Array(MAX_BITS + 2);
  for (let s = 0; s < symbols; s++) rankCount[weights[s]]++;
  const rankStart = new Uint32Array(MAX_BITS + 2);
  let next = 0;
  for (let w = 1; w <= maxBits; w++) {
    rankStart[w] = next;
    next += rankCount[w] << (w - 1);
  }
  const entries = new Uint16Array(1 << maxBits);
  for (let s = 0; s < symbols; s++) {
    const w = weights[s];
    if (w === 0) continue;
    const len = 1 << (w - 1);
    const at = rankStart[w];
    entries.fill(s | ((maxBits + 1 - w) << 8), at, at + len);
    rankStart[w] = at + len;
  }
  return { table: { maxBits, entries }, size };
}

/**
 * Decodes one Huffman stream `src[start:end]` into `out[op:op+n]` (§4.2.2). Throws `corrupt`
 * unless the stream holds exactly `n` symbols.
 */
export function decodeHuffmanStream(
  src: Uint8Array,
  start: number,
  end: number,
  table: HuffmanTable,
  out: Uint8Array,
  op: number,
  n: number,
): void {
  finishStream(src, start, backStart(src, start, end), table, out, op, op + n);
}

/**
 * Decodes the four streams of a 4-stream literals section (§3.1.1.3.1.6) into `out[0:regen]`:
 * `src[q1:q2]`, `src[q2:q3]`, `src[q3:q4]` and `src[q4:end]`, the first three giving
 * `(regen + 3) >> 2` symbols each and the fourth the rest. The streams are decoded together, one
 * symbol of each per step: four independent chains of lookups instead of one.
 */
export function decodeFourHuffmanStreams(
  src: Uint8Array,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  end: number,
  table: HuffmanTable,
  out: Uint8Array,
  regen: number,
): void {
  const { maxBits, entries } = table;
  const seg = (regen + 3) >> 2;
  let b1 = backStart(src, q1, q2), b2 = backStart(src, q2, q3);
  let b3 = backStart(src, q3, q4), b4 = backStart(src, q4, end);
  const mask = (1 << maxBits) - 1;
  // The fourth stream is the shortest: step all four while it has symbols left and every
  // stream has at least maxBits bits (so no read goes below its stream).
  const steps = regen - 3 * seg;
  let k = 0;
  for (; k < steps; k++) {
    if (b1 < maxBits || b2 < maxBits || b3 < maxBits || b4 < maxBits) break;
    let lo = b1 - maxBits;
    let i = q1 + (lo >> 3);
    let e = entries[((src[i] | (src[i + 1] << 8) | (src[i + 2] << 16)) >>> (lo & 7)) & mask];
    out[k] = e;
    b1 -= e >> 8;
    lo = b2 - maxBits;
    i = q2 + (lo >> 3);
    e = entries[((src[i] | (src[i + 1] << 8) | (src[i + 2] << 16)) >>> (lo & 7)) & mask];
    out[seg + k] = e;
    b2 -= e >> 8;
    lo = b3 - maxBits;
    i = q3 + (lo >> 3);
    e = entries[((src[i] | (src[i + 1] << 8) | (src[i + 2] << 16)) >>> (lo & 7)) & mask];
    out[2 * seg + k] = e;
    b3 -= e >> 8;
    lo = b4 - maxBits;
    i = q4 + (lo >> 3);
    e = entries[((src[i] | (src[i + 1] << 8) | (src[i + 2] << 16)) >>> (lo & 7)) & mask];
    out[3 * seg + k] = e;
    b4 -= e >> 8;
  }
  finishStream(src, q1, b1, table, out, k, seg);
  finishStream(src, q2, b2, table, out, seg + k, 2 * seg);
  finishStream(src, q3, b3, table, out, 2 * seg + k, 3 * seg);
  finishStream(src, q4, b4, table, out, 3 * seg + k, regen);
}

/**
 * Decodes the rest of a Huffman stream starting at byte `start`, from bit position `bit`, into
 * `out[op:stop]`. Throws `corrupt` unless exactly those symbols use up the stream.
 */
function finishStream(
  src: Uint8Array,
  start: number,
  bit: number,
  table: HuffmanTable,
  out: Uint8Array,
  op: number,
  stop: number,
): void {
  const { maxBits, entries } = table;
  const mask = (1 << maxBits) - 1;
  // Fast loop while at least maxBits remain: no overflow handling needed.
  while (op < stop && bit >= maxBits) {
    const lo = bit - maxBits;
    const i = start + (lo >> 3);
    const w = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16);
    const e = entries[(w >>> (lo & 7)) & mask];
    out[op++] = e;
    bit -= e >> 8;
  }
  while (op < stop) {
    const e = entries[readBack(src, start, bit, maxBits)];
    out[op++] = e;
    bit -= e >> 8;
    if (bit < 0) corrupt("Huffman stream is too short");
  }
  if (bit !== 0) corrupt("Huffman stream has leftover bits");
}
