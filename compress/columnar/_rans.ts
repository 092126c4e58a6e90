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
 * stream: final state (u32) of each of the N interleaved states (state 0 first), then the
 * renormalisation bytes of all states in decoding order
 * ```
 *
 * With N states (1, 2 or 4; the count is not in the block, its container says it), symbol i is
 * coded by state i mod N, all states sharing one byte stream (Giesen's interleaved rANS). One
 * state makes each symbol's decoding wait for the previous one's; N independent chains let the
 * CPU run N decodes at once. The extra states cost 4 bytes each, plus up to a byte each of
 * slack at the stream's end.
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

/** State counts a rANS block may interleave. */
const RANS_STATES: readonly number[] = [1, 2, 4];

/**
 * Encodes `sym` into a self-describing rANS block (table and stream) with `states` interleaved
 * states (1, 2 or 4).
 */
export function ransEncode(sym: Uint8Array, states = 1): Uint8Array {
  if (!RANS_STATES.includes(states)) throw new RangeError(`rANS: ${states} states`);
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

  const cap = 2 * n + 4 * states + 8;
  const buf = streamScratch(cap);
  let p = cap;
  const xs = new Int32Array(states).fill(L);
  const last = states - 1;
  // Symbols in reverse, each with state i mod N: the decoder reads the shared stream forwards,
  // so every byte a state writes here comes back to the same state there.
  for (let i = n - 1; i >= 0; i--) {
    const s = sym[i];
    const f = freq[s];
    const j = i & last;
    let x = xs[j];
    const xMax = f * (1 << (31 - SCALE_BITS)); // ((L >> SCALE_BITS) << 8) * f, up to 2^31
    while (x >= xMax) {
      buf[--p] = x & 0xff;
      x >>>= 8;
    }
    // x < f * 2^17 here, so the quotient is below 2^17 and the new state below 2^31: int32
    // throughout, one integer division (the remainder by multiplication).
    const q = (x / f) | 0;
    xs[j] = ((q << SCALE_BITS) + (x - q * f) + start[s]) | 0;
  }
  for (let j = last; j >= 0; j--) {
    const x = xs[j];
    p -= 4;
    buf[p] = x & 0xff;
    buf[p + 1] = (x >>> 8) & 0xff;
    buf[p + 2] = (x >>> 16) & 0xff;
    buf[p + 3] = x >>> 24;
  }
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
 * Reads the symbols of the rANS block at `src[at, end)` a run at a time ({@link fill}), so
 * that a consumer can decode a block of symbols into a small buffer that stays in cache and
 * use it at once. Every table entry, length and state is checked; bad input throws `corrupt`
 * (at the latest from {@link RansDecoder.finish}).
 */
export class RansDecoder {
  /** Symbol of each of the 2^14 slots. */
  readonly #slotSym: Uint8Array;
  /**
   * Per slot: its symbol's frequency (high 16 bits) and the slot's offset in the symbol's
   * range (low 16): with the symbol, both come from the slot, so neither lookup waits for
   * the other.
   */
  readonly #slotStep: Int32Array;
  readonly #src: Uint8Array;
  readonly #stop: number;
  readonly #states: number;
  /** The states, `#x0` the one that decodes the next symbol, then in order. */
  #x0: number;
  #x1: number;
  #x2: number;
  #x3: number;
  #p: number;

  /** `states`: how many interleaved states the block's stream holds (1, 2 or 4). */
  constructor(src: Uint8Array, at: number, end: number, states = 1) {
    if (!RANS_STATES.includes(states)) throw corrupt(`${states} states`);
    let p = at;
    if (end - p < 2) throw corrupt("table cut short");
    const lo = src[p++];
    const hi = src[p++];
    if (hi < lo) throw corrupt("empty symbol range");
    const slotSym = new Uint8Array(M);
    const slotStep = new Int32Array(M);
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
      for (let k = 0; k < v; k++) slotStep[sum + k] = (v << 16) | k;
      sum += v;
    }
    if (sum !== M) throw corrupt("frequencies do not fill the scale");
    if (end - p < 4 + 4 * states) throw corrupt("stream cut short");
    const len = (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
    p += 4;
    if (len < 4 * states || len > end - p) throw corrupt("stream length out of range");
    // Read as int32s (the states stay so, and the loop runs in int32 arithmetic): a state of
    // 2^31 or more is negative here, below L, and refused with the states below L.
    const xs = [L, L, L, L];
    for (let j = 0; j < states; j++, p += 4) {
      const x = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24);
      if (x < L) throw corrupt("bad initial state");
      xs[j] = x;
    }
    this.#slotSym = slotSym;
    this.#slotStep = slotStep;
    this.#src = src;
    this.#stop = p - 4 * states + len;
    this.#states = states;
    [this.#x0, this.#x1, this.#x2, this.#x3] = xs;
    this.#p = p;
  }

  /** Offset just after the block (known from its header before any symbol is read). */
  get end(): number {
    return this.#stop;
  }

  /**
   * The next symbol, for a block of one state (what every frame before interleaving holds):
   * a consumer that uses it in the loop that decodes it overlaps its work with the state's
   * chain of dependent steps. Not for interleaved blocks.
   */
  next(): number {
    let x = this.#x0;
    const slot = x & (M - 1);
    const t = this.#slotStep[slot];
    x = Math.imul(t >>> 16, x >>> SCALE_BITS) + (t & 0xffff);
    while (x < L) {
      if (this.#p >= this.#stop) throw corrupt("stream cut short");
      x = (x << 8) | this.#src[this.#p++];
    }
    this.#x0 = x;
    return this.#slotSym[slot];
  }

  /** Decodes the next `count` symbols into `out[0, count)`. */
  fill(out: Uint8Array, count: number): void {
    const sym = this.#slotSym;
    const step = this.#slotStep;
    const src = this.#src;
    const stop = this.#stop;
    const states = this.#states;
    let p = this.#p;
    let a = this.#x0;
    let b = this.#x1;
    let c = this.#x2;
    let d = this.#x3;
    let i = 0;
    // x' = f * (x >>> 14) + (slot - start) < f * 2^17 <= 2^31: imul is exact, x' an int32;
    // then bytes come in while x' < L. Each state's chain is independent of the others' until
    // it reads the shared stream, so the four decodes of a round overlap.
    // Renormalising takes 0, 1 or 2 bytes (a decoded state is at least 2^9), a choice the
    // branch predictor gets wrong for every other symbol at 7 bits a symbol: the fast loops
    // take both bytes and shift out the ones not needed, while 8 bytes of stream remain.
    if (states === 4) {
      for (; i + 4 <= count && p + 8 <= stop; i += 4) {
        const sa = a & (M - 1);
        const sb = b & (M - 1);
        const sc = c & (M - 1);
        const sd = d & (M - 1);
        const ta = step[sa];
        const tb = step[sb];
        const tc = step[sc];
        const td = step[sd];
        out[i] = sym[sa];
        out[i + 1] = sym[sb];
        out[i + 2] = sym[sc];
        out[i + 3] = sym[sd];
        a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
        b = Math.imul(tb >>> 16, b >>> SCALE_BITS) + (tb & 0xffff);
        c = Math.imul(tc >>> 16, c >>> SCALE_BITS) + (tc & 0xffff);
        d = Math.imul(td >>> 16, d >>> SCALE_BITS) + (td & 0xffff);
        // Bytes wanted: 1 below L = 2^23, 2 below 2^15 (the sign bit of x - bound).
        let k = ((a - L) >>> 31) + ((a - (1 << 15)) >>> 31);
        a = (a << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
        k = ((b - L) >>> 31) + ((b - (1 << 15)) >>> 31);
        b = (b << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
        k = ((c - L) >>> 31) + ((c - (1 << 15)) >>> 31);
        c = (c << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
        k = ((d - L) >>> 31) + ((d - (1 << 15)) >>> 31);
        d = (d << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
      }
      for (; i + 4 <= count; i += 4) {
        const sa = a & (M - 1);
        const sb = b & (M - 1);
        const sc = c & (M - 1);
        const sd = d & (M - 1);
        const ta = step[sa];
        const tb = step[sb];
        const tc = step[sc];
        const td = step[sd];
        out[i] = sym[sa];
        out[i + 1] = sym[sb];
        out[i + 2] = sym[sc];
        out[i + 3] = sym[sd];
        a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
        b = Math.imul(tb >>> 16, b >>> SCALE_BITS) + (tb & 0xffff);
        c = Math.imul(tc >>> 16, c >>> SCALE_BITS) + (tc & 0xffff);
        d = Math.imul(td >>> 16, d >>> SCALE_BITS) + (td & 0xffff);
        while (a < L) {
          if (p >= stop) throw corrupt("stream cut short");
          a = (a << 8) | src[p++];
        }
        while (b < L) {
          if (p >= stop) throw corrupt("stream cut short");
          b = (b << 8) | src[p++];
        }
        while (c < L) {
          if (p >= stop) throw corrupt("stream cut short");
          c = (c << 8) | src[p++];
        }
        while (d < L) {
          if (p >= stop) throw corrupt("stream cut short");
          d = (d << 8) | src[p++];
        }
      }
    } else if (states === 2) {
      for (; i + 2 <= count && p + 4 <= stop; i += 2) {
        const sa = a & (M - 1);
        const sb = b & (M - 1);
        const ta = step[sa];
        const tb = step[sb];
        out[i] = sym[sa];
        out[i + 1] = sym[sb];
        a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
        b = Math.imul(tb >>> 16, b >>> SCALE_BITS) + (tb & 0xffff);
        let k = ((a - L) >>> 31) + ((a - (1 << 15)) >>> 31);
        a = (a << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
        k = ((b - L) >>> 31) + ((b - (1 << 15)) >>> 31);
        b = (b << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
      }
      for (; i + 2 <= count; i += 2) {
        const sa = a & (M - 1);
        const sb = b & (M - 1);
        const ta = step[sa];
        const tb = step[sb];
        out[i] = sym[sa];
        out[i + 1] = sym[sb];
        a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
        b = Math.imul(tb >>> 16, b >>> SCALE_BITS) + (tb & 0xffff);
        while (a < L) {
          if (p >= stop) throw corrupt("stream cut short");
          a = (a << 8) | src[p++];
        }
        while (b < L) {
          if (p >= stop) throw corrupt("stream cut short");
          b = (b << 8) | src[p++];
        }
      }
    } else {
      for (; i < count && p + 2 <= stop; i++) {
        const sa = a & (M - 1);
        const ta = step[sa];
        out[i] = sym[sa];
        a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
        const k = ((a - L) >>> 31) + ((a - (1 << 15)) >>> 31);
        a = (a << (k << 3)) | (((src[p] << 8) | src[p + 1]) >>> (16 - (k << 3)));
        p += k;
      }
    }
    // One at a time (a single state, or a run that is not a whole round): the state that
    // decoded goes to the back.
    for (; i < count; i++) {
      const sa = a & (M - 1);
      const ta = step[sa];
      out[i] = sym[sa];
      a = Math.imul(ta >>> 16, a >>> SCALE_BITS) + (ta & 0xffff);
      while (a < L) {
        if (p >= stop) throw corrupt("stream cut short");
        a = (a << 8) | src[p++];
      }
      if (states === 4) {
        const t = a;
        a = b;
        b = c;
        c = d;
        d = t;
      } else if (states === 2) {
        const t = a;
        a = b;
        b = t;
      }
    }
    this.#x0 = a;
    this.#x1 = b;
    this.#x2 = c;
    this.#x3 = d;
    this.#p = p;
  }

  /** Checks that the stream ended exactly (final states and length); returns the offset after it. */
  finish(): number {
    // States past the count were never read: they hold L.
    if (
      this.#x0 !== L || this.#x1 !== L || this.#x2 !== L || this.#x3 !== L ||
      this.#p !== this.#stop
    ) {
      throw corrupt("stream does not end where its length says");
    }
    return this.#stop;
  }
}

/**
 * Decodes `out.length` symbols from the rANS block at `src[at, end)` with `states` interleaved
 * states; returns the offset after the block. Every table entry, length and state is checked:
 * bad input throws `corrupt`.
 */
export function ransDecode(
  src: Uint8Array,
  at: number,
  end: number,
  out: Uint8Array,
  states = 1,
): number {
  const d = new RansDecoder(src, at, end, states);
  d.fill(out, out.length);
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
