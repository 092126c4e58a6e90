/**
 * The bit-packed payload: exceptions, seeds, block widths, block minima, packed words (see
 * `_format.ts`). Every section is 4-byte aligned within the payload.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { blockStats, pack, packedWords, unpack } from "./_bitpack.ts";
import { BLOCK } from "./_format.ts";
import type { Lanes } from "./_lanes.ts";
import type { Seeds } from "./_predict.ts";

/** What a bit-packed payload holds besides the residuals. */
export interface PackedExtras {
  seeds: Seeds;
  exPos: Uint32Array;
  exBits: Int32Array;
}

const pad4 = (x: number): number => (x + 3) & ~3;

/** Serialises residuals `l[0, n)` and their extras. */
export function writeBitPacked(l: Lanes, n: number, x: PackedExtras): Uint8Array {
  const st = blockStats(l, n);
  const nb = st.widths.length;
  const e = x.exPos.length;
  const words = packedWords(st.widths, n);
  const wOff = pad4(e * 12 + 16 + nb) + nb * 8;
  const out = new Uint8Array(wOff + words * 4);
  const i32 = new Int32Array(out.buffer, 0, out.length >> 2);
  const p = writeExtras(out, i32, x);
  out.set(st.widths, p * 4);
  const mOff = pad4(p * 4 + nb);
  i32.set(st.mins, mOff >> 2);
  pack(l, n, st, i32.subarray(wOff >> 2));
  return out;
}

function corrupt(msg: string): CompressError {
  return new CompressError("corrupt", `columnar: ${msg}`);
}

/** The sections of a bit-packed payload, checked against its length (views, not copies). */
export interface PackedTables extends PackedExtras {
  /** One width (0..maxWidth bits) per block. */
  widths: Uint8Array;
  /** Block minima, interleaved lo, hi. */
  mins: Int32Array;
  /** The packed words of every block, exactly as many as the widths need. */
  words: Int32Array;
}

/**
 * Writes the exception table and the seeds at the start of a payload (`out`, with `i32` the
 * same bytes as words), the inverse of {@link parseExtras}; returns the word index after them.
 */
export function writeExtras(out: Uint8Array, i32: Int32Array, x: PackedExtras): number {
  const e = x.exPos.length;
  new Uint32Array(out.buffer, out.byteOffset, e).set(x.exPos);
  i32.set(x.exBits, e);
  let p = e * 3;
  i32[p++] = x.seeds.v0lo;
  i32[p++] = x.seeds.v0hi;
  i32[p++] = x.seeds.d0lo;
  i32[p++] = x.seeds.d0hi;
  return p;
}

/** A payload's exception table and predictor seeds, shared by the bit-packed and split layouts. */
export interface PayloadExtras {
  /** The payload, 4-byte aligned (copied when it was not). */
  p8: Uint8Array;
  /** The same bytes as 32-bit words. */
  i32: Int32Array;
  /** Exception positions, strictly increasing and below `n`. */
  exPos: Uint32Array;
  /** Exception values, two words each. */
  exBits: Int32Array;
  /** The predictor seeds that follow the exceptions. */
  seeds: Seeds;
}

/**
 * Reads the exception table (`e` entries) and the seeds at the start of a payload of `n`
 * elements whose fixed tables end at byte `head`; checks the length and the positions.
 */
export function parseExtras(
  payload: Uint8Array,
  n: number,
  e: number,
  head: number,
): PayloadExtras {
  const p8 = payload.byteOffset % 4 === 0 ? payload : payload.slice();
  if (p8.length < head) throw corrupt("payload shorter than its tables");
  const i32 = new Int32Array(p8.buffer, p8.byteOffset, p8.length >> 2);
  const exPos = new Uint32Array(p8.buffer, p8.byteOffset, e).slice();
  for (let j = 0; j < e; j++) {
    if (exPos[j] >= n || (j > 0 && exPos[j] <= exPos[j - 1])) {
      throw corrupt("exception positions out of order or range");
    }
  }
  const exBits = i32.slice(e, 3 * e);
  const s = 3 * e;
  const seeds: Seeds = { v0lo: i32[s], v0hi: i32[s + 1], d0lo: i32[s + 2], d0hi: i32[s + 3] };
  return { p8, i32, exPos, exBits, seeds };
}

/**
 * Parses the tables of a bit-packed payload of `n` residuals with `e` exceptions; checks every
 * size against the payload length and each block width against `maxWidth` bits.
 */
export function parseBitPacked(
  payload: Uint8Array,
  n: number,
  e: number,
  maxWidth: number,
): PackedTables {
  const nb = Math.ceil(n / BLOCK);
  const mOff = pad4(e * 12 + 16 + nb);
  const wOff = mOff + nb * 8;
  const { p8, i32, exPos, exBits, seeds } = parseExtras(payload, n, e, wOff);
  const s = 3 * e;
  const widths = p8.slice((s + 4) * 4, (s + 4) * 4 + nb);
  for (let b = 0; b < nb; b++) {
    if (widths[b] > maxWidth) throw corrupt(`block width ${widths[b]} exceeds ${maxWidth}`);
  }
  const words = packedWords(widths, n);
  if (p8.length !== wOff + words * 4) {
    throw corrupt(`payload of ${p8.length} bytes, its tables say ${wOff + words * 4}`);
  }
  return {
    seeds,
    exPos,
    exBits,
    widths,
    mins: i32.subarray(mOff >> 2, wOff >> 2),
    words: i32.subarray(wOff >> 2),
  };
}

/** Parses a bit-packed payload (see {@link parseBitPacked}) and unpacks its residuals into `l`. */
export function readBitPacked(
  payload: Uint8Array,
  n: number,
  e: number,
  maxWidth: number,
  l: Lanes,
): PackedExtras {
  const t = parseBitPacked(payload, n, e, maxWidth);
  unpack(t.words, n, t.widths, t.mins, l);
  return { seeds: t.seeds, exPos: t.exPos, exBits: t.exBits };
}
