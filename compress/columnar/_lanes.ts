/**
 * Elements as 64-bit two's-complement integers held in two 32-bit lanes (`lo`, `hi`), the form
 * every integer transform works on: typed-array loops without BigInt.
 *
 * @module
 */

import type { ElementType } from "./_format.ts";

/** n 64-bit integers: low and high 32-bit halves. */
export interface Lanes {
  lo: Int32Array;
  hi: Int32Array;
}

/**
 * Carry out of the 32-bit addition `a + b` whose low word is `sum` (all int32 bit patterns):
 * 0 or 1, without a branch (a carry that follows the data's signs is a branch the CPU cannot
 * predict) and without leaving int32 arithmetic.
 */
export function carryOut(a: number, b: number, sum: number): number {
  return ((a & b) | ((a | b) & ~sum)) >>> 31;
}

/** Returns `data` itself when it is 8-byte aligned, else an aligned copy. */
export function aligned(data: Uint8Array): Uint8Array {
  return data.byteOffset % 8 === 0 ? data : data.slice();
}

let scratchLo = new Int32Array(0);
let scratchHi = new Int32Array(0);
/** Lanes kept between calls at most (16 MiB); larger inputs get fresh arrays. */
const SCRATCH_MAX = 1 << 21;

/**
 * `n` zeroed lanes over buffers reused from call to call, for lanes that do not outlive the
 * caller's (synchronous) call: the encoder's whole-input lanes. Two fresh megabytes per call
 * for 2^17 elements kept the collector busy.
 */
export function scratchLanes(n: number): Lanes {
  if (n > SCRATCH_MAX) return { lo: new Int32Array(n), hi: new Int32Array(n) };
  if (n > scratchLo.length) {
    scratchLo = new Int32Array(n);
    scratchHi = new Int32Array(n);
  }
  const lo = scratchLo.subarray(0, n);
  const hi = scratchHi.subarray(0, n);
  lo.fill(0);
  hi.fill(0);
  return { lo, hi };
}

/**
 * Loads little-endian elements as 64-bit lanes: signed types sign-extend, unsigned types and
 * float bit patterns zero-extend (f32) or are taken whole (f64). `into`: zeroed lanes of
 * length `n` to fill instead of new ones.
 */
export function loadLanes(data: Uint8Array, t: ElementType, n: number, into?: Lanes): Lanes {
  const d = aligned(data);
  const lo = into?.lo ?? new Int32Array(n);
  const hi = into?.hi ?? new Int32Array(n);
  const buf = d.buffer;
  const off = d.byteOffset;
  switch (t) {
    case "u8":
      for (let i = 0; i < n; i++) lo[i] = d[i];
      break;
    case "i8": {
      const a = new Int8Array(buf, off, n);
      for (let i = 0; i < n; i++) {
        const x = a[i];
        lo[i] = x;
        hi[i] = x >> 31;
      }
      break;
    }
    case "u16": {
      const a = new Uint16Array(buf, off, n);
      for (let i = 0; i < n; i++) lo[i] = a[i];
      break;
    }
    case "i16": {
      const a = new Int16Array(buf, off, n);
      for (let i = 0; i < n; i++) {
        const x = a[i];
        lo[i] = x;
        hi[i] = x >> 31;
      }
      break;
    }
    case "u32":
    case "f32": {
      const a = new Int32Array(buf, off, n);
      lo.set(a);
      break;
    }
    case "i32": {
      const a = new Int32Array(buf, off, n);
      for (let i = 0; i < n; i++) {
        const x = a[i];
        lo[i] = x;
        hi[i] = x >> 31;
      }
      break;
    }
    default: {
      const a = new Int32Array(buf, off, 2 * n);
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        lo[i] = a[j];
        hi[i] = a[j + 1];
      }
    }
  }
  return { lo, hi };
}

/** Writes lanes back as `n` little-endian elements of type `t` (narrow types truncate). */
export function storeLanes(l: Lanes, t: ElementType, n: number, out: Uint8Array): void {
  const buf = out.buffer;
  const off = out.byteOffset;
  const { lo, hi } = l;
  switch (t) {
    case "u8":
    case "i8":
      for (let i = 0; i < n; i++) out[i] = lo[i];
      break;
    case "u16":
    case "i16": {
      const a = new Uint16Array(buf, off, n);
      for (let i = 0; i < n; i++) a[i] = lo[i];
      break;
    }
    case "u32":
    case "i32":
    case "f32":
      new Int32Array(buf, off, n).set(lo.subarray(0, n));
      break;
    default: {
      const a = new Int32Array(buf, off, 2 * n);
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        a[j] = lo[i];
        a[j + 1] = hi[i];
      }
    }
  }
}
