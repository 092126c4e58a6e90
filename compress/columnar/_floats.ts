/**
 * Floats as integers, ALP-style: a decimal mapping (`v = n / 10^e`) or a quantum mapping
 * (`v = n * q`, e.g. an ADC's least significant bit). A value maps only when decoding gives
 * back its exact bits; the others (NaN payloads, -0, infinities, values off the grid) are
 * exceptions kept by position with their raw bits, and their slot repeats the previous integer
 * so deltas stay small.
 *
 * @module
 */

import { Mapping } from "./_format.ts";
import type { Lanes } from "./_lanes.ts";

/** Powers of ten exact in float64. */
const POW10: Float64Array = new Float64Array(23).map((_, i) => 10 ** i);
/** Mapped integers stay within ±2^51 so that their differences are exact in float64. */
const N_MAX = 2 ** 51;
const TWO32 = 4294967296;
const INV_TWO32 = 1 / TWO32;

/** A float-to-integer mapping and its parameter. */
export interface FloatMapping {
  mapping: typeof Mapping.Decimal | typeof Mapping.Quantum;
  /** Decimal exponent e, or the quantum q. */
  param: number;
}

/** Integers in lanes plus exceptions. */
export interface MappedFloats {
  lanes: Lanes;
  /** Positions of exceptions, ascending. */
  exPos: Uint32Array;
  /** Their raw bits (lo, hi interleaved; hi is 0 for f32). */
  exBits: Int32Array;
}

/** Views `data` (aligned, n elements) as floats. */
export function floatView(data: Uint8Array, f32: boolean, n: number): Float32Array | Float64Array {
  return f32
    ? new Float32Array(data.buffer, data.byteOffset, n)
    : new Float64Array(data.buffer, data.byteOffset, n);
}

/** The integer `n` for `v`, or NaN when `v` does not round-trip exactly under `m`. */
function toInt(v: number, m: FloatMapping, f32: boolean): number {
  if (v === 0) return Object.is(v, 0) ? 0 : NaN; // -0 is an exception
  let n: number;
  let back: number;
  if (m.mapping === Mapping.Decimal) {
    const p = POW10[m.param];
    n = Math.round(v * p);
    back = n / p;
  } else {
    n = Math.round(v / m.param);
    back = n * m.param;
  }
  if (f32) back = Math.fround(back);
  return back === v && n <= N_MAX && n >= -N_MAX ? n : NaN;
}

/** Fraction of `sample` values that map exactly under `m`. */
function hitRate(sample: ArrayLike<number>, m: FloatMapping, f32: boolean): number {
  let hits = 0;
  for (let i = 0; i < sample.length; i++) if (!Number.isNaN(toInt(sample[i], m, f32))) hits++;
  return sample.length === 0 ? 0 : hits / sample.length;
}

/** At most this many values are tried per candidate mapping. */
const PROBE = 512;

function probe(values: Float32Array | Float64Array): number[] {
  const step = Math.max(1, Math.floor(values.length / PROBE));
  const out: number[] = [];
  for (let i = 0; i < values.length && out.length < PROBE; i += step) out.push(values[i]);
  return out;
}

/**
 * Candidate mappings for `values` (a sample): the smallest decimal exponent with the best hit
 * rate, and the quantum read off the smallest gap between distinct values, when at least half
 * the probed values map.
 */
export function findMappings(values: Float32Array | Float64Array, f32: boolean): FloatMapping[] {
  const s = probe(values);
  const found: FloatMapping[] = [];
  let best = 0;
  let bestE = -1;
  for (let e = 0; e <= (f32 ? 10 : 18); e++) {
    const r = hitRate(s, { mapping: Mapping.Decimal, param: e }, f32);
    if (r > best + 1e-9) {
      best = r;
      bestE = e;
    }
    if (r === 1) break;
  }
  if (bestE >= 0 && best >= 0.5) found.push({ mapping: Mapping.Decimal, param: bestE });
  const q = findQuantum(s, f32);
  if (q !== null) found.push(q);
  const p2 = powerOfTwoQuantum(s, f32);
  if (p2 !== null && p2.param !== q?.param) found.push(p2);
  return found;
}

const BITS = new DataView(new ArrayBuffer(8));

/**
 * The largest power of two that every probed value is a multiple of, from the trailing zero
 * bits of their significands (pcodec's "float quant" idea): values made from fewer random bits
 * than the format holds (`random() * 2 - 1` has 32) map to integers of that many bits.
 */
function powerOfTwoQuantum(s: number[], f32: boolean): FloatMapping | null {
  let minExp = Infinity;
  let maxAbs = 0;
  for (const v of s) {
    if (!Number.isFinite(v) || v === 0) continue;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    let e: number;
    if (f32) {
      BITS.setFloat32(0, v, true);
      const b = BITS.getUint32(0, true);
      const be = (b >>> 23) & 0xff;
      const m = (b & 0x7fffff) | (be === 0 ? 0 : 0x800000);
      e = Math.max(be, 1) - 150 + (31 - Math.clz32(m & -m));
    } else {
      BITS.setFloat64(0, v, true);
      const lo = BITS.getUint32(0, true);
      const hi = BITS.getUint32(4, true);
      const be = (hi >>> 20) & 0x7ff;
      const mh = (hi & 0xfffff) | (be === 0 ? 0 : 0x100000);
      const tz = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 32 + (31 - Math.clz32(mh & -mh));
      e = Math.max(be, 1) - 1075 + tz;
    }
    if (e < minExp) minExp = e;
  }
  if (!Number.isFinite(minExp)) return null;
  const q = 2 ** minExp;
  if (!(q > 0) || !Number.isFinite(q) || maxAbs / q > N_MAX / 4) return null;
  const m: FloatMapping = { mapping: Mapping.Quantum, param: q };
  return hitRate(s, m, f32) >= 0.5 ? m : null;
}

function findQuantum(s: number[], f32: boolean): FloatMapping | null {
  const finite = s.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  let gap = Infinity;
  let maxAbs = 0;
  for (let i = 0; i < finite.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(finite[i]));
    if (i > 0) {
      const g = finite[i] - finite[i - 1];
      if (g > 0 && g < gap) gap = g;
    }
  }
  if (!Number.isFinite(gap) || gap === 0 || maxAbs / gap > N_MAX / 4) return null;
  const candidates = [gap];
  for (let i = 0, k = 0; i < finite.length && k < 6; i += Math.max(1, finite.length >> 3)) {
    const v = finite[i];
    const n = Math.round(v / gap);
    if (n !== 0 && Number.isFinite(v)) {
      candidates.push(v / n);
      k++;
    }
  }
  let best: FloatMapping | null = null;
  let bestRate = 0;
  for (const q of candidates) {
    if (!(q > 0) || !Number.isFinite(q)) continue;
    const m: FloatMapping = { mapping: Mapping.Quantum, param: q };
    const r = hitRate(s, m, f32);
    if (r > bestRate) {
      bestRate = r;
      best = m;
    }
  }
  return bestRate >= 0.5 ? best : null;
}

/** Maps `values` to integers under `m`, collecting exceptions (into `into` when given). */
export function mapFloats(
  values: Float32Array | Float64Array,
  m: FloatMapping,
  f32: boolean,
  into?: Lanes,
): MappedFloats {
  const n = values.length;
  const lo = into?.lo ?? new Int32Array(n);
  const hi = into?.hi ?? new Int32Array(n);
  const pos: number[] = [];
  let prev = 0;
  // toInt, inlined per mapping: this loop runs over every element of every candidate.
  const decimal = m.mapping === Mapping.Decimal;
  const p = decimal ? POW10[m.param] : m.param;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let k: number;
    let back: number;
    if (decimal) {
      k = Math.round(v * p);
      back = k / p;
    } else {
      k = Math.round(v / p);
      back = k * p;
    }
    if (f32) back = Math.fround(back);
    if (back !== v || k > N_MAX || k < -N_MAX || (v === 0 && !Object.is(v, 0))) {
      // Off the grid, NaN, infinite, too large, or -0: an exception.
      pos.push(i);
      k = prev;
    }
    prev = k;
    const h = Math.floor(k * INV_TWO32); // exact: a power of two
    hi[i] = h;
    lo[i] = k - h * TWO32;
  }
  const exPos = Uint32Array.from(pos);
  const exBits = new Int32Array(2 * pos.length);
  const bits = f32
    ? new Int32Array(values.buffer, values.byteOffset, n)
    : new Int32Array(values.buffer, values.byteOffset, 2 * n);
  for (let j = 0; j < pos.length; j++) {
    if (f32) exBits[2 * j] = bits[pos[j]];
    else {
      exBits[2 * j] = bits[2 * pos[j]];
      exBits[2 * j + 1] = bits[2 * pos[j] + 1];
    }
  }
  return { lanes: { lo, hi }, exPos, exBits };
}

/** Writes the floats for the integers in `l` into `out` (then the caller patches exceptions). */
export function unmapFloats(l: Lanes, m: FloatMapping, out: Float32Array | Float64Array): void {
  const { lo, hi } = l;
  const n = out.length;
  // Integers that fit in 32 bits (the high word only extends the sign) are converted from the
  // low word alone: building the double from both words costs about 3x as much per element.
  if (m.mapping === Mapping.Decimal) {
    const p = POW10[m.param];
    for (let i = 0; i < n; i++) {
      const x = lo[i];
      const h = hi[i];
      out[i] = (h === x >> 31 ? x : h * TWO32 + (x >>> 0)) / p;
    }
  } else {
    const q = m.param;
    for (let i = 0; i < n; i++) {
      const x = lo[i];
      const h = hi[i];
      out[i] = (h === x >> 31 ? x : h * TWO32 + (x >>> 0)) * q;
    }
  }
}

/** {@link unmapFloats} for integers known to fit in 32 bits (`_narrow.ts`'s exact decode). */
export function unmapInts(k: Int32Array, m: FloatMapping, out: Float32Array | Float64Array): void {
  const n = out.length;
  if (m.mapping === Mapping.Decimal) {
    const p = POW10[m.param];
    for (let i = 0; i < n; i++) out[i] = k[i] / p;
  } else {
    const q = m.param;
    for (let i = 0; i < n; i++) out[i] = k[i] * q;
  }
}
