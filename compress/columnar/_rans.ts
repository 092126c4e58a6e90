/**
 * A static, byte-wise rANS coder (Duda's asymmetric numeral systems, in the form of Fabian
 * Giesen's `rans_byte.h`) for a stream of byte symbols: the entropy stage of the split layout.
 * One frequency table per stream, normalised to 2^14; codes within ~0.01 bit per symbol of the
 * order-0 entropy, where zstd's Huffman literals lose up to a bit per symbol (and its match
 * finder more) on independent symbols.
 *
 * ```text
 * lowest symbol (u8), highest symbol (u8), one frequency per symbol in that range
 * (1 byte below 128, else 2 bytes: low 7 bits | 0x80, then the rest), stream length (u32),
 * stream: final state (u32), then the renormalisation bytes in decoding order
 * ```
 *
 * @module
 */

import { CompressError } from "../errors.ts";

const SCALE_BITS = 14;
const M = 1 << SCALE_BITS;
/** Lower bound of the state; states stay in [L, 2^31). */
const L = 1 << 23;

function corrupt(msg: string): CompressError {
  return new CompressError("corrupt", `columnar: rANS ${msg}`);
}

/** Frequencies summing to 2^14, every present symbol at least 1. */
function normalise(counts: Float64Array, n: number): Uint16Array {
  const f = new Uint16Array(256);
  if (n === 0) {
    f[0] = M;
    return f;
  }
  let sum = 0;
  let top = 0;
  for (let s = 0; s < 256; s++) {
    if (counts[s] === 0) continue;
    f[s] = Math.max(1, Math.floor((counts[s] * M) / n));
    sum += f[s];
    if (counts[s] > counts[top]) top = s;
  }
  if (sum < M) f[top] += M - sum;
  while (sum > M) {
    // Take from the largest frequencies, where a unit costs the least.
    let big = 0;
    for (let s = 1; s < 256; s++) if (f[s] > f[big]) big = s;
    const take = Math.min(sum - M, f[big] >> 1);
    f[big] -= take;
    sum -= take;
  }
  return f;
}

/** Scratch for the coded stream (written from its end), kept up to {@link SCRATCH_MAX} bytes. */
let scratch = new Uint8Array(0);
const SCRATCH_MAX = 1 << 23;

/** At least `size` bytes of scratch (contents undefined), reused across calls. */
function streamScratch(size: number): Uint8Array {
  if (size <= scratch.length) return scratch.subarray(0, size);
  const a = new Uint8Array(size);
  if (size <= SCRATCH_MAX) scratch = a;
  return a;
}

/** Encodes `sym` into a self-describing rANS block (table and stream). */
export function ransEncode(sym: Uint8Array): Uint8Array {
  const n = sym.length;
  const counts = new Float64Array(256);
  for (let i = 0; i < n; i++) counts[sym[i]]++;
  const freq = normalise(counts, n);
  const start = new Int32Array(257);
  for (let s = 0; s < 256; s++) start[s + 1] = start[s] + freq[s];
  let lo = 0;
  while (freq[lo] === 0) lo++;
  let hi = 255;
  while (freq[hi] === 0) hi--;

  const cap = 2 * n + 8;
  const buf = streamScratch(cap);
  let p = cap;
  let x = L;
  for (let i = n - 1; i >= 0; i--) {
    const s = sym[i];
    const f = freq[s];
    const xMax = f * (1 << (31 - SCALE_BITS)); // ((L >> SCALE_BITS) << 8) * f, up to 2^31
    while (x >= xMax) {
      buf[--p] = x & 0xff;
      x >>>= 8;
    }
    // x < f * 2^17 here, so the quotient is below 2^17 and the new state below 2^31: int32
    // throughout, one integer division (the remainder by multiplication).
    const q = (x / f) | 0;
    x = ((q << SCALE_BITS) + (x - q * f) + start[s]) | 0;
  }
  p -= 4;
  buf[p] = x & 0xff;
  buf[p + 1] = (x >>> 8) & 0xff;
  buf[p + 2] = (x >>> 16) & 0xff;
  buf[p + 3] = x >>> 24;
  const stream = buf.subarray(p);

  const table: number[] = [lo, hi];
  for (let s = lo; s <= hi; s++) {
    const v = freq[s];
    if (v < 0x80) table.push(v);
    else table.push((v & 0x7f) | 0x80, v >> 7);
  }
  const out = new Uint8Array(table.length + 4 + stream.length);
  out.set(table);
  new DataView(out.buffer).setUint32(table.length, stream.length, true);
  out.set(stream, table.length + 4);
  return out;
}

/**
 * Reads the symbols of the rANS block at `src[at, end)` one at a time, so that a consumer can
 * use each symbol in the loop that decodes it: the state's chain of dependent steps then
 * overlaps the consumer's work instead of running as a pass of its own. Every table entry,
 * length and state is checked; bad input throws `corrupt` (at the latest from
 * {@link RansDecoder.finish}).
 */
export class RansDecoder {
  /** Symbol of each of the 2^14 slots. */
  readonly #slotSym: Uint8Array;
  /** Per symbol: its frequency (high 16 bits) and its first slot (low 16). */
  readonly #symStep: Int32Array;
  readonly #src: Uint8Array;
  readonly #stop: number;
  #x: number;
  #p: number;

  constructor(src: Uint8Array, at: number, end: number) {
    let p = at;
    if (end - p < 2) throw corrupt("table cut short");
    const lo = src[p++];
    const hi = src[p++];
    if (hi < lo) throw corrupt("empty symbol range");
    const slotSym = new Uint8Array(M);
    const symStep = new Int32Array(256);
    let sum = 0;
    for (let s = lo; s <= hi; s++) {
      if (p >= end) throw corrupt("table cut short");
      let v = src[p++];
      if (v & 0x80) {
        if (p >= end) throw corrupt("table cut short");
        v = (v & 0x7f) | (src[p++] << 7);
      }
      if (v > M) throw corrupt("frequency out of range");
      if (sum + v > M) throw corrupt("frequencies exceed the scale");
      slotSym.fill(s, sum, sum + v);
      symStep[s] = (v << 16) | sum;
      sum += v;
    }
    if (sum !== M) throw corrupt("frequencies do not fill the scale");
    if (end - p < 8) throw corrupt("stream cut short");
    const len = (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
    p += 4;
    if (len < 4 || len > end - p) throw corrupt("stream length out of range");
    // Read as an int32 (the state stays one, so the loop runs in int32 arithmetic): a state of
    // 2^31 or more is negative here, below L, and refused with the states below L.
    const x = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24);
    if (x < L) throw corrupt("bad initial state");
    this.#slotSym = slotSym;
    this.#symStep = symStep;
    this.#src = src;
    this.#stop = p + len;
    this.#x = x;
    this.#p = p + 4;
  }

  /** Offset just after the block (known from its header before any symbol is read). */
  get end(): number {
    return this.#stop;
  }

  /** The next symbol. */
  next(): number {
    let x = this.#x;
    const slot = x & (M - 1);
    const s = this.#slotSym[slot];
    const step = this.#symStep[s];
    // f * (x >>> 14) + (slot - start) < f * 2^17 <= 2^31: imul is exact, the state an int32.
    x = Math.imul(step >>> 16, x >>> SCALE_BITS) + slot - (step & 0xffff);
    while (x < L) {
      if (this.#p >= this.#stop) throw corrupt("stream cut short");
      x = (x << 8) | this.#src[this.#p++];
    }
    this.#x = x;
    return s;
  }

  /** Checks that the stream ended exactly (final state and length); returns the offset after it. */
  finish(): number {
    if (this.#x !== L || this.#p !== this.#stop) {
      throw corrupt("stream does not end where its length says");
    }
    return this.#stop;
  }
}

/**
 * Decodes `out.length` symbols from the rANS block at `src[at, end)`; returns the offset after
 * the block. Every table entry, length and state is checked: bad input throws `corrupt`.
 */
export function ransDecode(src: Uint8Array, at: number, end: number, out: Uint8Array): number {
  const d = new RansDecoder(src, at, end);
  for (let i = 0; i < out.length; i++) out[i] = d.next();
  return d.finish();
}

/** Bytes of the coded stream in a block made by {@link ransEncode} (the rest is its table). */
export function ransStreamBytes(block: Uint8Array): number {
  return block.length - ransTableBytes(block);
}

function ransTableBytes(block: Uint8Array): number {
  let p = 2;
  for (let s = block[0]; s <= block[1]; s++) p += block[p] & 0x80 ? 2 : 1;
  return p + 4;
}
