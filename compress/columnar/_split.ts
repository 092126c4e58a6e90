/**
 * The split payload (layout 3): each residual, less its block's reference, is cut into a high
 * byte and K low bits. The high bytes (one per element) are entropy-coded with rANS
 * (`_rans.ts`); the low bits, nearly uniform, are bit-packed. This is pcodec's "bin + offset"
 * idea with 255 equal bins: bit packing alone pays the full width of every block, the split
 * pays about the entropy of the residuals. High byte 255 escapes a residual that does not fit
 * (rare gaps, outliers): it is stored whole. No inner codec runs on this payload.
 *
 * Residuals of delta and delta-of-delta are zigzag-mapped by `_predict.ts`; here they are
 * turned back into signed numbers with the sign bit flipped (order-preserving), so that a
 * block's reference is its smallest residual and the low bit is not wasted on a constant sign.
 *
 * ```text
 * exception positions (u32 each), exception bits (u64 each)   as in the bit-packed payload
 * seeds (4 x i32), K (u8), mode (u8), rANS states (u8: 0 for one, else 2 or 4), a zero byte,
 * escape count (u32)
 * escapes (u64 each), references: one u64 per block of BLOCK elements (modes 0, 2) or one
 * for all (modes 1, 3, 4); mode 2 only: one K per block (u8 each), padding to 4 bytes
 * (mode 3: K is m of the log bins, and the low bits that follow are a single bit stream of
 * the widths the symbols say, in 32-bit words; mode 4 is mode 3 on the zigzag residuals, with
 * reference 0)
 * high bytes as one rANS block, padding to 4 bytes, packed low words (K bits per element,
 * blocks of BLOCK)
 * ```
 *
 * The rANS block interleaves as many states as the head says: frames written before the byte
 * was used have 0 there and one state; arrays of {@link INTERLEAVE_MIN} elements or more now
 * get 4, which decode the high bytes about twice as fast for 12 bytes more.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { BitReader, pack, packedWords } from "./_bitpack.ts";
import { BLOCK } from "./_format.ts";
import { carryOut, type Lanes } from "./_lanes.ts";
import { type PackedExtras, parseExtras, writeExtras } from "./_payload.ts";
import type { Seeds } from "./_predict.ts";
import { RansDecoder, ransEncode, ransStreamBytes } from "./_rans.ts";

const ESCAPE = 255;
/** Stands for lanes a reader does not write. */
const NO_LANE = new Int32Array(0);
const TWO32 = 4294967296;
const pad4 = (x: number): number => (x + 3) & ~3;
/** Values sampled to choose K. */
const CHOOSE_SAMPLE = 2048;
/**
 * Elements from which the high bytes get 4 interleaved rANS states: they cost 12 bytes more
 * than one, under 1% of the payload from here on, and only long streams gain speed.
 */
export const INTERLEAVE_MIN = 4096;
/** rANS states for the high bytes of `n` elements. */
const statesFor = (n: number): number => (n >= INTERLEAVE_MIN ? 4 : 1);

function corrupt(msg: string): CompressError {
  return new CompressError("corrupt", `columnar: ${msg}`);
}

/** Zigzag residuals into sign-flipped signed residuals, in place. */
function unzigzag(l: Lanes, n: number): void {
  const { lo, hi } = l;
  for (let i = 0; i < n; i++) {
    const zlo = lo[i];
    const zhi = hi[i];
    const m = -(zlo & 1);
    lo[i] = ((zlo >>> 1) | (zhi << 31)) ^ m;
    hi[i] = ((zhi >>> 1) ^ m) ^ 0x80000000;
  }
}

/** Inverse of {@link unzigzag}, in place. */
function rezigzag(l: Lanes, n: number): void {
  const { lo, hi } = l;
  for (let i = 0; i < n; i++) {
    const dlo = lo[i];
    const dhi = hi[i] ^ 0x80000000;
    const s = dhi >> 31;
    lo[i] = (dlo << 1) ^ s;
    hi[i] = ((dhi << 1) | (dlo >>> 31)) ^ s;
  }
}

/**
 * Unsigned 64-bit minimum of `l[s, e)` as [lo, hi], and the bits its range needs; with `zig`,
 * of the residuals {@link unzigzag} would make (read as such, `l` unchanged).
 */
function minOf(l: Lanes, s: number, e: number, zig: boolean): [number, number, number] {
  const { lo, hi } = l;
  let ml = 0, mh = 0, xl = 0, xh = 0;
  for (let i = s; i < e; i++) {
    let x = lo[i];
    let h = hi[i];
    if (zig) {
      const m = -(x & 1);
      const nx = ((x >>> 1) | (h << 31)) ^ m;
      h = ((h >>> 1) ^ m) ^ 0x80000000;
      x = nx;
    }
    x >>>= 0;
    h >>>= 0;
    if (i === s) {
      ml = xl = x;
      mh = xh = h;
      continue;
    }
    if (h < mh || (h === mh && x < ml)) {
      mh = h;
      ml = x;
    }
    if (h > xh || (h === xh && x > xl)) {
      xh = h;
      xl = x;
    }
  }
  const rlo = (xl - ml) | 0;
  const rhi = (xh - mh - (xl < ml ? 1 : 0)) | 0;
  const width = rhi !== 0 ? 64 - Math.clz32(rhi) : 32 - Math.clz32(rlo);
  return [ml | 0, mh | 0, width];
}

/**
 * Estimated payload bytes when each block takes K = its range's width - 8 (every block's
 * residuals spread over the 256 high values: data whose scale drifts, such as float bits).
 */
function perBlockCost(d: Float64Array, n: number, ks: Uint8Array, step: number): number {
  const hist = new Float64Array(256);
  let lowBits = 0;
  let esc = 0;
  for (let j = 0; j < d.length; j++) {
    const k = ks[((j * step) / BLOCK) | 0];
    const h = Math.floor(d[j] / 2 ** k);
    if (h >= ESCAPE) {
      esc++;
      hist[ESCAPE]++;
    } else hist[h]++;
    lowBits += k;
  }
  let bits = lowBits;
  const m = d.length;
  for (let s = 0; s < 256; s++) if (hist[s] > 0) bits -= hist[s] * Math.log2(hist[s] / m);
  return (bits / 8 + esc * 8) * (n / m) + ks.length;
}

/**
 * Estimated payload bytes for each K (0..63) from residual distances `d` (doubles, exact up to
 * 2^53): K low bits each, the entropy of the high bytes, 8 bytes per escape.
 */
function bestK(d: Float64Array, n: number): { k: number; bytes: number } {
  const hist = new Float64Array(256);
  let best = { k: 63, bytes: Infinity };
  // Below the median's width - 8 half the values escape, past the largest's width every
  // symbol is 0: only the K between can win. The width grows with the value, so the median's
  // width is the median of the widths: counted, not sorted.
  const widths = new Uint32Array(72);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    widths[v < 1 ? 0 : Math.floor(Math.log2(v)) + 1]++;
  }
  let medianWidth = 0;
  for (let seen = 0; (seen += widths[medianWidth]) <= d.length >> 1;) medianWidth++;
  let maxWidth = widths.length - 1;
  while (maxWidth > 0 && widths[maxWidth] === 0) maxWidth--;
  const kMin = Math.max(0, medianWidth - 8);
  const kMax = Math.min(63, maxWidth);
  for (let k = kMin; k <= kMax; k++) {
    hist.fill(0);
    const inv = 2 ** -k; // exact: d * 2^-k is d / 2^k, without a division
    let esc = 0;
    for (let i = 0; i < d.length; i++) {
      const h = Math.floor(d[i] * inv);
      if (h >= ESCAPE) {
        esc++;
        hist[ESCAPE]++;
      } else hist[h]++;
    }
    let bits = 0;
    const m = d.length;
    for (let s = 0; s < 256; s++) if (hist[s] > 0) bits -= hist[s] * Math.log2(hist[s] / m);
    const bytes = ((bits + m * k) / 8 + esc * 8) * (n / m);
    if (bytes < best.bytes) best = { k, bytes };
    if (esc === 0 && hist[0] === m) break;
    // With no escapes left, each further K adds a bit to every value and takes at most a bit
    // of entropy from its high byte (two bins merge into one): the cost can only grow. Stop
    // once it has (the margin absorbs rounding in the sums, where costs tie exactly).
    if (esc === 0 && bytes > best.bytes * (1 + 1e-9)) break;
  }
  return best;
}

/**
 * Log bins (mode 3): distances below 2^m are their own symbol; above, a symbol says the
 * octave and the m - 1 bits after the leading one, and the e bits below follow raw. Bins
 * grow with the value, as pcodec's adapt to skewed data (counts, sizes, prices).
 */
function logSymbol(xlo: number, xhi: number, m: number): number {
  if (xhi === 0 && xlo >>> 0 < 1 << m) return xlo >>> 0;
  const len = xhi !== 0 ? 64 - Math.clz32(xhi) : 32 - Math.clz32(xlo);
  const e = len - m;
  const top = e >= 32 ? xhi >>> (e - 32) : ((xlo >>> e) | (e > 0 ? xhi << (32 - e) : 0)) >>> 0;
  const s = (1 << m) + ((e - 1) << (m - 1)) + ((top & ((1 << m) - 1)) - (1 << (m - 1)));
  return s < ESCAPE ? s : ESCAPE;
}

/** Low bits that follow log-bin symbol `s` (0 below 2^m). */
function logLowBits(s: number, m: number): number {
  return s < 1 << m ? 0 : ((s - (1 << m)) >> (m - 1)) + 1;
}

/**
 * Estimated payload bytes of log bins for each m (1..7). Each distance's bit length and top 32
 * bits (leading one at bit 31) are found once; every m's symbol follows from them as
 * {@link logSymbol} gives it for the distance's two halves.
 */
function bestLogBins(d: Float64Array, n: number): { k: number; bytes: number } {
  const hist = new Float64Array(256);
  const c = d.length;
  const lens = new Uint8Array(c);
  const tops = new Int32Array(c);
  for (let i = 0; i < c; i++) {
    const xlo = d[i] % TWO32;
    const xhi = Math.floor(d[i] / TWO32);
    if (xhi !== 0) {
      const len = 64 - Math.clz32(xhi);
      lens[i] = len;
      tops[i] = len === 64 ? xhi : (xhi << (64 - len)) | (xlo >>> (len - 32));
    } else {
      const len = 32 - Math.clz32(xlo);
      lens[i] = len;
      tops[i] = len === 0 ? 0 : len === 32 ? xlo : xlo << (32 - len);
    }
  }
  let best = { k: 1, bytes: Infinity };
  for (let m = 1; m <= 7; m++) {
    hist.fill(0);
    let esc = 0;
    let low = 0;
    const half = 1 << (m - 1);
    for (let i = 0; i < c; i++) {
      const len = lens[i];
      // Below 2^m a distance is its own symbol: its top bits shifted down to it.
      if (len <= m) {
        hist[len === 0 ? 0 : tops[i] >>> (32 - len)]++;
        continue;
      }
      const e = len - m;
      const s = (1 << m) + (e - 1) * half + (tops[i] >>> (32 - m)) - half;
      if (s >= ESCAPE) {
        esc++;
        hist[ESCAPE]++;
      } else {
        hist[s]++;
        low += e;
      }
    }
    let bits = low;
    for (let s = 0; s < 256; s++) if (hist[s] > 0) bits -= hist[s] * Math.log2(hist[s] / c);
    const bytes = (bits / 8 + esc * 8) * (n / c);
    if (bytes < best.bytes) best = { k: m, bytes };
  }
  return best;
}

/** Distances of sampled residuals from their references, as doubles (`zig`: as in minOf). */
function distances(
  l: Lanes,
  n: number,
  refs: Int32Array,
  step: number,
  zig: boolean,
): Float64Array {
  const out = new Float64Array(Math.ceil(n / step));
  for (let i = 0, j = 0; i < n; i += step, j++) {
    const b = (i / BLOCK) | 0;
    const mlo = refs[2 * b];
    const mhi = refs[2 * b + 1];
    let vlo = l.lo[i];
    let vhi = l.hi[i];
    if (zig) {
      const m = -(vlo & 1);
      const nlo = ((vlo >>> 1) | (vhi << 31)) ^ m;
      vhi = ((vhi >>> 1) ^ m) ^ 0x80000000;
      vlo = nlo;
    }
    const xlo = (vlo >>> 0) - (mlo >>> 0);
    const xhi = (vhi >>> 0) - (mhi >>> 0);
    out[j] = xhi * TWO32 + xlo;
  }
  return out;
}

/**
 * Writes the head both split layouts share, the inverse of the start of {@link readSplit}: the
 * extras, the width `k`, `mode` and rANS `states` bytes (a reserved zero byte), the escape
 * count and the escapes. Returns the word index after them.
 */
function writeSplitHead(
  out: Uint8Array,
  i32: Int32Array,
  x: PackedExtras,
  k: number,
  mode: number,
  states: number,
  escapes: ArrayLike<number>,
): number {
  let p = writeExtras(out, i32, x);
  out[p * 4] = k;
  out[p * 4 + 1] = mode;
  out[p * 4 + 2] = states === 1 ? 0 : states;
  p++;
  const ne = escapes.length >> 1;
  i32[p++] = ne;
  i32.set(escapes, p);
  return p + 2 * ne;
}

/**
 * Serialises residuals `l[0, n)` (as left by `predict`, consumed) with their extras. `zigzag`
 * says the residuals are zigzag-mapped (delta, delta-of-delta); `skip` residual slots at the
 * start hold seeds (their value is ignored by the decoder). `fixedBytes` is the part of the
 * payload that does not grow with `n` (head, rANS table), for estimates made on samples.
 */
export function writeSplit(
  l: Lanes,
  n: number,
  x: PackedExtras,
  zigzag: boolean,
  skip: number,
): { payload: Uint8Array; fixedBytes: number } {
  if (skip < n) {
    for (let i = 0; i < skip; i++) {
      l.lo[i] = l.lo[skip];
      l.hi[i] = l.hi[skip];
    }
  }
  const step = Math.max(1, Math.floor(n / CHOOSE_SAMPLE));
  // Mode 4: log bins straight on the zigzag residuals (magnitude and sign, reference 0), for
  // residuals that are a mixture of scales (float bits whose exponent changes).
  let byZigzag = { k: 1, bytes: Infinity };
  if (zigzag) {
    const dz = new Float64Array(Math.ceil(n / step));
    for (let i = 0, j = 0; i < n; i += step, j++) dz[j] = (l.hi[i] >>> 0) * TWO32 + (l.lo[i] >>> 0);
    byZigzag = bestLogBins(dz, n);
  }
  // The other modes work on sign-flipped residuals: until a mode is chosen, they are read
  // through unzigzag (minOf, distances) rather than written, so mode 4 never converts at all.
  const nb = Math.ceil(n / BLOCK);
  const blockRefs = new Int32Array(2 * nb);
  const blockKs = new Uint8Array(nb);
  let glo = 0, ghi = 0;
  for (let b = 0; b < nb; b++) {
    const [ml, mh, width] = minOf(l, b * BLOCK, Math.min(n, (b + 1) * BLOCK), zigzag);
    blockKs[b] = Math.max(0, width - 8);
    blockRefs[2 * b] = ml;
    blockRefs[2 * b + 1] = mh;
    if (b === 0 || (mh >>> 0) < (ghi >>> 0) || (mh === ghi && (ml >>> 0) < (glo >>> 0))) {
      glo = ml;
      ghi = mh;
    }
  }
  const globalRefs = new Int32Array(2 * nb);
  for (let b = 0; b < nb; b++) {
    globalRefs[2 * b] = glo;
    globalRefs[2 * b + 1] = ghi;
  }
  // One reference for all blocks keeps the high bytes' distribution the same across blocks
  // (stationary data); a reference per block follows drifting data.
  const blockD = distances(l, n, blockRefs, step, zigzag);
  const byBlock = bestK(blockD, n);
  const globalD = distances(l, n, globalRefs, step, zigzag);
  const byGlobal = bestK(globalD, n);
  const adaptive = perBlockCost(blockD, n, blockKs, step);
  const byLog = bestLogBins(globalD, n);
  // Mode 0: one K, a reference per block; 1: one K, one reference; 2: K and reference per
  // block; 3: log bins (K is their m), one reference.
  // Per-block modes also pay their references (8 bytes a block); ties go to one reference.
  const costs = [
    byBlock.bytes + nb * 8,
    byGlobal.bytes,
    adaptive + nb * 8,
    byLog.bytes,
    byZigzag.bytes,
  ];
  let mode = 1;
  for (const i of [0, 2, 3, 4]) if (costs[i] < costs[mode]) mode = i;
  if (mode === 4) return writeLogBins(l, n, x, byZigzag.k, 0, 0, 4);
  if (zigzag) unzigzag(l, n);
  if (mode === 3) return writeLogBins(l, n, x, byLog.k, glo, ghi, 3);
  const k = mode === 2 ? 0 : mode === 1 ? byGlobal.k : byBlock.k;
  const refs = mode === 1 ? globalRefs : blockRefs;
  const widths = mode === 2 ? blockKs : new Uint8Array(nb).fill(k);

  const highs = new Uint8Array(n);
  const escapes: number[] = [];
  const { lo, hi } = l;
  for (let b = 0; b < nb; b++) {
    const mlo = refs[2 * b];
    const mhi = refs[2 * b + 1];
    const k = widths[b];
    const kl = k >= 32 ? -1 : k === 0 ? 0 : -1 >>> (32 - k);
    const kh = k <= 32 ? 0 : -1 >>> (64 - k);
    const end = Math.min(n, (b + 1) * BLOCK);
    for (let i = b * BLOCK; i < end; i++) {
      const vlo = lo[i];
      const vhi = hi[i];
      const xlo = (vlo - mlo) | 0;
      const xhi = (vhi - mhi - ((vlo >>> 0) < (mlo >>> 0) ? 1 : 0)) | 0;
      let h: number;
      if (k === 0) h = xhi === 0 ? xlo >>> 0 : ESCAPE;
      else if (k < 32) h = xhi >>> k === 0 ? ((xlo >>> k) | (xhi << (32 - k))) >>> 0 : ESCAPE;
      else h = xhi >>> (k - 32);
      if (h >= ESCAPE) {
        h = ESCAPE;
        escapes.push(vlo, vhi);
      }
      highs[i] = h;
      lo[i] = xlo & kl;
      hi[i] = xhi & kh;
    }
  }
  const words = packedWords(widths, n);
  const e = x.exPos.length;
  const ne = escapes.length >> 1;
  const head = e * 12 + 16 + 8;
  const nr = mode === 1 ? 1 : nb;
  const kOff = head + ne * 8 + nr * 8;
  const hOff = mode === 2 ? pad4(kOff + nb) : kOff;
  const states = statesFor(n);
  const coded = ransEncode(highs, states);
  const wOff = pad4(hOff + coded.length);
  const out = new Uint8Array(wOff + words * 4);
  const i32 = new Int32Array(out.buffer, 0, out.length >> 2);
  const p = writeSplitHead(out, i32, x, k, mode, states, escapes);
  i32.set(refs.subarray(0, 2 * nr), p);
  if (mode === 2) out.set(blockKs, kOff);
  out.set(coded, hOff);
  pack(l, n, { widths, mins: new Int32Array(2 * nb) }, i32.subarray(wOff >> 2));
  return { payload: out, fixedBytes: coded.length - ransStreamBytes(coded) + 24 };
}

/** Scratch for the log bins' low bits, kept between calls up to {@link SCRATCH_MAX} words. */
let scratch = new Int32Array(0);
const SCRATCH_MAX = 1 << 22;

/**
 * At least `size` words of scratch (contents undefined): a fresh zeroed megabyte per call made
 * the collector run (and its threads' time count) on every large array.
 */
function logBinScratch(size: number): Int32Array {
  if (size <= scratch.length) return scratch;
  const a = new Int32Array(size);
  if (size <= SCRATCH_MAX) scratch = a;
  return a;
}

/** The split payload in mode 3 (log bins of m = `m`, one reference `rlo`, `rhi`). */
function writeLogBins(
  l: Lanes,
  n: number,
  x: PackedExtras,
  m: number,
  rlo: number,
  rhi: number,
  mode: 3 | 4,
): { payload: Uint8Array; fixedBytes: number } {
  const { lo, hi } = l;
  const highs = new Uint8Array(n);
  const escapes: number[] = [];
  const words = logBinScratch(2 * n + 1);
  let o = 0;
  let acc = 0;
  let bits = 0;
  const small = 1 << m;
  for (let i = 0; i < n; i++) {
    const vlo = lo[i];
    const vhi = hi[i];
    const xlo = (vlo - rlo) | 0;
    const xhi = (vhi - rhi - ((vlo >>> 0) < (rlo >>> 0) ? 1 : 0)) | 0;
    // Below 2^m: the distance is the symbol, no low bits.
    if (xhi === 0 && xlo >>> 0 < small) {
      highs[i] = xlo;
      continue;
    }
    const s = logSymbol(xlo, xhi, m);
    if (s >= ESCAPE) {
      highs[i] = ESCAPE;
      escapes.push(vlo, vhi);
      continue;
    }
    highs[i] = s;
    const e = logLowBits(s, m);
    if (e < 32) {
      // Most distances: the e low bits in one piece.
      const v = xlo & (-1 >>> (32 - e));
      acc |= v << bits;
      bits += e;
      if (bits >= 32) {
        words[o++] = acc;
        bits -= 32;
        acc = bits > 0 ? v >>> (e - bits) : 0;
      }
      continue;
    }
    // 32 to 63 low bits: all of xlo, then e - 32 bits of xhi (the same bit stream).
    if (bits === 0) words[o++] = xlo;
    else {
      words[o++] = acc | (xlo << bits);
      acc = xlo >>> (32 - bits);
    }
    const w = e - 32;
    if (w > 0) {
      const v = xhi & (-1 >>> (32 - w));
      acc |= v << bits;
      bits += w;
      if (bits >= 32) {
        words[o++] = acc;
        bits -= 32;
        acc = bits > 0 ? v >>> (w - bits) : 0;
      }
    }
  }
  if (bits > 0) words[o++] = acc;
  const e = x.exPos.length;
  const ne = escapes.length >> 1;
  const hOff = e * 12 + 16 + 8 + ne * 8 + 8;
  const states = statesFor(n);
  const coded = ransEncode(highs, states);
  const wOff = pad4(hOff + coded.length);
  const out = new Uint8Array(wOff + o * 4);
  const i32 = new Int32Array(out.buffer, 0, out.length >> 2);
  let p = writeSplitHead(out, i32, x, m, mode, states, escapes);
  i32[p++] = rlo;
  i32[p++] = rhi;
  out.set(coded, hOff);
  i32.set(words.subarray(0, o), wOff >> 2);
  return { payload: out, fixedBytes: coded.length - ransStreamBytes(coded) + 24 };
}

/**
 * Reads modes 3 and 4 (see {@link writeLogBins}) from the rANS block at `at` on; fills `l`.
 * One pass: each symbol is decoded, its low bits read and the residual written in the same
 * iteration (per-symbol tables give the low-bit count and the bin's leading bits).
 */
function readLogBins(
  p8: Uint8Array,
  n: number,
  m: number,
  at: number,
  states: number,
  esc: Int32Array,
  rlo: number,
  rhi: number,
  l: Lanes | null,
  sum0: Seeds | null,
  dst: Int32Array | null,
): void {
  const sym = new RansDecoder(p8, at, p8.length, states);
  const wOff = pad4(sym.end);
  if (wOff > p8.length || (p8.length - wOff) % 4 !== 0) {
    throw corrupt("low bits do not fill whole words");
  }
  const words = new Int32Array(p8.buffer, p8.byteOffset + wOff, (p8.length - wOff) >> 2);
  const nw = words.length;
  // Per symbol: its low-bit count `eOf` (0 below 2^m), the masks of those bits in the two
  // words read (`maskLo`, `maskHi`), and the bin's leading bits shifted above them (`topLo`,
  // `topHi`). A symbol whose bin would pass 64 bits, and the escape, are `special`.
  const eOf = new Uint8Array(256);
  const special = new Uint8Array(256);
  const maskLo = new Int32Array(256);
  const maskHi = new Int32Array(256);
  const topLo = new Int32Array(256);
  const topHi = new Int32Array(256);
  for (let s = 0; s < ESCAPE; s++) {
    const e = logLowBits(s, m);
    if (e + m > 64) {
      special[s] = 1;
      continue;
    }
    const top = e === 0 ? s : (1 << (m - 1)) + ((s - (1 << m)) & ((1 << (m - 1)) - 1));
    eOf[s] = e;
    maskLo[s] = e >= 32 ? -1 : e === 0 ? 0 : -1 >>> (32 - e);
    maskHi[s] = e <= 32 ? 0 : -1 >>> (64 - e);
    topLo[s] = e >= 32 ? 0 : top << e;
    topHi[s] = e === 0 ? 0 : e >= 32 ? top << (e - 32) : top >>> (32 - e);
  }
  special[ESCAPE] = 1;
  // Without lanes (the sums go to `dst`) nothing is written to them.
  const lo = l !== null ? l.lo : NO_LANE;
  const hi = l !== null ? l.hi : NO_LANE;
  let j = 0;
  const ne = esc.length >> 1;
  const highs = new Uint8Array(BLOCK);
  // The low bits: bit `sh` of word `wp` on. Each residual takes the 64 bits there (three
  // words) and keeps what its symbol says, without a branch on the width; only the last
  // three words of the stream go through the bounds-checked read.
  let wp = 0;
  let sh = 0;
  // With `sum0`, the zigzag residuals of delta are summed here (unpredict's work, in the
  // same pass): `plo`, `phi` is the running value, slot 0 the seed. They go to `dst` as
  // little-endian int64 words when given (storeLanes' work), else to the lanes.
  const summing = sum0 !== null;
  // One state: symbol by symbol, as in readSplit.
  const one = states === 1;
  let plo = summing ? sum0.v0lo : 0;
  let phi = summing ? sum0.v0hi : 0;
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    // The symbols a block at a time: a run of the rANS loop, then the low bits beside them.
    const bn = Math.min(BLOCK, n - b0);
    if (!one) sym.fill(highs, bn);
    for (let r = 0; r < bn; r++) {
      const i = b0 + r;
      const s = one ? sym.next() : highs[r];
      let zlo: number;
      let zhi: number;
      if (special[s] !== 0) {
        if (s !== ESCAPE) throw corrupt(`log bin ${s} past 64 bits`);
        if (j >= ne) throw corrupt("more escape marks than escapes");
        zlo = esc[2 * j];
        zhi = esc[2 * j + 1];
        j++;
      } else {
        let w0: number, w1: number, w2: number;
        if (wp + 2 < nw) {
          w0 = words[wp];
          w1 = words[wp + 1];
          w2 = words[wp + 2];
        } else {
          const e = eOf[s];
          if (e > 0 && (wp + ((sh + e - 1) >>> 5) >= nw)) throw corrupt("packed bits cut short");
          w0 = wp < nw ? words[wp] : 0;
          w1 = wp + 1 < nw ? words[wp + 1] : 0;
          w2 = 0;
        }
        // (x << 1) << (31 - sh): the next word's bits above the current's, none when sh is 0.
        const xlo = (((w0 >>> sh) | ((w1 << 1) << (31 - sh))) & maskLo[s]) | topLo[s];
        const xhi = (((w1 >>> sh) | ((w2 << 1) << (31 - sh))) & maskHi[s]) | topHi[s];
        sh += eOf[s];
        wp += sh >>> 5;
        sh &= 31;
        zlo = (rlo + xlo) | 0;
        zhi = (rhi + xhi + carryOut(rlo, xlo, zlo)) | 0;
      }
      if (!summing) {
        lo[i] = zlo;
        hi[i] = zhi;
        continue;
      }
      if (i > 0) {
        const m = -(zlo & 1);
        const dlo = ((zlo >>> 1) | (zhi << 31)) ^ m;
        const sum = (plo + dlo) | 0;
        phi = (phi + ((zhi >>> 1) ^ m) + carryOut(plo, dlo, sum)) | 0;
        plo = sum;
      }
      if (dst !== null) {
        dst[2 * i] = plo;
        dst[2 * i + 1] = phi;
      } else {
        lo[i] = plo;
        hi[i] = phi;
      }
    }
  }
  sym.finish();
  if (j !== ne) throw corrupt("fewer escape marks than escapes");
  if ((sh === 0 ? wp : wp + 1) !== nw) {
    throw corrupt("payload longer than its low bits");
  }
}

/**
 * Parses a split payload of `n` residuals with `e` exceptions into `l` (residuals as `predict`
 * left them); checks every size against the payload length and K against `maxWidth`. With
 * `sumDelta` (the predictor is delta), a payload that codes the zigzag residuals themselves
 * (mode 4) is summed in the same pass: `summed` then says `l` holds the values, or `dst`
 * (64-bit elements as pairs of int32 words) when given. `lanes` gives the lanes to fill; it is
 * not called when the values go to `dst`.
 */
export function readSplit(
  payload: Uint8Array,
  n: number,
  e: number,
  maxWidth: number,
  zigzag: boolean,
  lanes: () => Lanes,
  sumDelta = false,
  dst: Int32Array | null = null,
): PackedExtras & { summed: boolean } {
  const nb = Math.ceil(n / BLOCK);
  const head = e * 12 + 16 + 8;
  const { p8, i32, exPos, exBits, seeds } = parseExtras(payload, n, e, head);
  let p = 3 * e + 4;
  const k = p8[p * 4];
  if (k > 63 || k > maxWidth) throw corrupt(`split width ${k} exceeds ${Math.min(63, maxWidth)}`);
  const mode = p8[p * 4 + 1];
  const states = p8[p * 4 + 2] || 1;
  if (mode > 4 || p8[p * 4 + 3] !== 0) throw corrupt("split reserved bits set");
  if (states !== 2 && states !== 4 && p8[p * 4 + 2] !== 0) {
    throw corrupt(`split high bytes in ${states} rANS states`);
  }
  p++;
  const ne = i32[p++] >>> 0;
  if (ne > n) throw corrupt("more escapes than elements");
  if (mode >= 3) {
    if (k < 1 || k > 7) throw corrupt(`log bins of ${k} bits`);
    const at = head + ne * 8 + 8;
    if (p8.length < at) throw corrupt("payload shorter than its tables");
    const esc = i32.subarray(p, p + 2 * ne);
    // Mode 4 codes the zigzag residuals themselves: delta's sums can run in the same pass.
    const fuse = sumDelta && mode === 4;
    const [rlo, rhi] = [i32[p + 2 * ne], i32[p + 2 * ne + 1]];
    const direct = fuse && dst !== null;
    const l = direct ? null : lanes();
    readLogBins(p8, n, k, at, states, esc, rlo, rhi, l, fuse ? seeds : null, direct ? dst : null);
    if (zigzag && mode === 3) rezigzag(l!, n);
    return { seeds, exPos, exBits, summed: fuse };
  }
  const nr = mode === 1 ? 1 : nb;
  const kOff = head + ne * 8 + nr * 8;
  const hOff = mode === 2 ? pad4(kOff + nb) : kOff;
  if (p8.length < hOff) throw corrupt("payload shorter than its tables");
  const widths = mode === 2 ? p8.slice(kOff, kOff + nb) : new Uint8Array(nb).fill(k);
  for (let b = 0; b < nb; b++) {
    if (widths[b] > 63 || widths[b] > maxWidth) throw corrupt(`split width ${widths[b]}`);
  }
  const sym = new RansDecoder(p8, hOff, p8.length, states);
  const wOff = pad4(sym.end);
  const words = packedWords(widths, n);
  if (p8.length !== wOff + words * 4) {
    throw corrupt(`payload of ${p8.length} bytes, its tables say ${wOff + words * 4}`);
  }
  const bits = new BitReader(i32.subarray(wOff >> 2));
  const esc = i32.subarray(p, p + 2 * ne);
  const refs = i32.subarray(p + 2 * ne, p + 2 * ne + 2 * nr);
  const rb = mode === 1 ? 0 : 1;
  const { lo, hi } = lanes();
  let j = 0;
  const highs = new Uint8Array(BLOCK);
  // One state (frames written before interleaving, and small arrays) decodes symbol by
  // symbol in the loop below, where the rest of the work overlaps its chain.
  const one = states === 1;
  // Block by block: the high bytes are decoded into a buffer that stays in cache (one tight
  // rANS loop), then each is joined to its K low bits and its block's reference and (for
  // delta and delta-of-delta) zigzag-mapped back, in one pass.
  for (let bk = 0; bk < nb; bk++) {
    const b = rb * bk;
    const k = widths[bk];
    const mlo = refs[2 * b];
    const mhi = refs[2 * b + 1];
    const start = bk * BLOCK;
    const end = Math.min(n, start + BLOCK);
    if (!one) sym.fill(highs, end - start);
    for (let i = start; i < end; i++) {
      const h = one ? sym.next() : highs[i - start];
      // Escaped residuals keep their low bits in the stream: read them all the same.
      let xlo: number;
      let xhi: number;
      if (k === 0) {
        xlo = h;
        xhi = 0;
      } else if (k < 32) {
        xlo = bits.read(k) | (h << k);
        xhi = h >>> (32 - k);
      } else {
        xlo = bits.read32();
        xhi = (k > 32 ? bits.read(k - 32) : 0) | (h << (k - 32));
      }
      let vlo: number;
      let vhi: number;
      if (h === ESCAPE) {
        if (j >= ne) throw corrupt("more escape marks than escapes");
        vlo = esc[2 * j];
        vhi = esc[2 * j + 1];
        j++;
      } else {
        vlo = (mlo + xlo) | 0;
        vhi = (mhi + xhi + carryOut(mlo, xlo, vlo)) | 0;
      }
      if (zigzag) {
        // Sign-flipped residual back to zigzag (rezigzag, per element).
        const dhi = vhi ^ 0x80000000;
        const sg = dhi >> 31;
        lo[i] = (vlo << 1) ^ sg;
        hi[i] = ((dhi << 1) | (vlo >>> 31)) ^ sg;
      } else {
        lo[i] = vlo;
        hi[i] = vhi;
      }
    }
  }
  sym.finish();
  if (j !== ne) throw corrupt("fewer escape marks than escapes");
  return { seeds, exPos, exBits, summed: false };
}
