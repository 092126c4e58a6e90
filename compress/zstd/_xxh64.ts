/**
 * XXH64 (seed 0) for the zstd Content_Checksum (RFC 8878 §3.1.1: the low 32 bits of XXH64 over
 * the frame's decoded content). 64-bit lanes are kept as two uint32 halves so the hot loop needs
 * no BigInt. Long inputs run the stripe loop in WebAssembly (`_xxh64_wasm.ts`) where the runtime
 * can compile it, several times faster; elsewhere (Cloudflare Workers) the TypeScript loop below.
 *
 * @module
 */

import { WASM_CHUNK, wasmStripes } from "./_xxh64_wasm.ts";

/** Below this many bytes of whole stripes the copy into WebAssembly memory does not pay. */
const WASM_MIN = 512;

// Primes as [hi, lo] uint32 halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Results of the 64-bit helpers, in a typed array so that storing them never allocates.
const R = new Uint32Array(2);

/** (ah:al) * (bh:bl) mod 2^64 into R[0]:R[1], with 16-bit partial products (no float `%`). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const lo0 = a0 * b0;
  const m1 = a1 * b0;
  const m2 = a0 * b1;
  const mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  R[1] = (mid << 16) | (lo0 & 0xffff);
  R[0] = a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) +
    Math.imul(al, bh);
}

/** (ah:al) + (bh:bl) mod 2^64 into R[0]:R[1]. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  R[1] = lo;
  R[0] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

/** Rotate (h:l) left by r (0 < r < 64) into R[0]:R[1]. */
function rotl(h: number, l: number, r: number): void {
  if (r === 32) {
    R[0] = l;
    R[1] = h;
    return;
  }
  if (r > 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  R[0] = ((h << r) | (l >>> (32 - r))) >>> 0;
  R[1] = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input * P2, 31) * P1 into R[0]:R[1]. */
function round(acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(acch, accl, R[0], R[1]);
  rotl(R[0], R[1], 31);
  mul(R[0], R[1], P1H, P1L);
}

/** One accumulator round on lane `v[k]:v[k+1]` with input `ih:il`, all in locals (hot loop). */
function lane(v: Uint32Array, k: number, ih: number, il: number): void {
  // t = input * P2
  let a0 = il & 0xffff, a1 = il >>> 16;
  let lo0 = a0 * (P2L & 0xffff), m1 = a1 * (P2L & 0xffff), m2 = a0 * (P2L >>> 16);
  let mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  const tl = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
  const th = (a1 * (P2L >>> 16) + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) +
    Math.imul(ih, P2L) + Math.imul(il, P2H)) >>> 0;
  // acc += t
  const sl = v[k + 1] + tl;
  const xl = sl >>> 0;
  const xh = (v[k] + th + (sl > 0xffffffff ? 1 : 0)) >>> 0;
  // rotl 31
  const yh = ((xh << 31) | (xl >>> 1)) >>> 0;
  const yl = ((xl << 31) | (xh >>> 1)) >>> 0;
  // acc = y * P1
  a0 = yl & 0xffff, a1 = yl >>> 16;
  lo0 = a0 * (P1L & 0xffff), m1 = a1 * (P1L & 0xffff), m2 = a0 * (P1L >>> 16);
  mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  v[k + 1] = (mid << 16) | (lo0 & 0xffff);
  v[k] = a1 * (P1L >>> 16) + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(yh, P1L) +
    Math.imul(yl, P1H);
}

/**
 * Runs the four accumulator lanes over the 32-byte stripes of `b[i:end]`, everything in locals
 * (the hot loop); returns the index after the last whole stripe.
 */
function stripes(v: Uint32Array, b: Uint8Array, i: number, end: number): number {
  const P1L0 = P1L & 0xffff, P1L1 = P1L >>> 16, P2L0 = P2L & 0xffff, P2L1 = P2L >>> 16;
  let v0h = v[0],
    v0l = v[1],
    v1h = v[2],
    v1l = v[3],
    v2h = v[4],
    v2l = v[5],
    v3h = v[6],
    v3l = v[7];
  let il: number, ih: number, a0: number, a1: number, lo0: number, m1: number, m2: number;
  let mid: number, tl: number, th: number, sl: number, xl: number, xh: number, yh: number;
  let yl: number;
  for (; i + 32 <= end; i += 32) {
    // lane 1
    il = b[i + 0] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    ih = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
    a0 = il & 0xffff, a1 = il >>> 16;
    lo0 = a0 * P2L0, m1 = a1 * P2L0, m2 = a0 * P2L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    tl = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    th = (a1 * P2L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(ih, P2L) +
      Math.imul(il, P2H)) >>> 0;
    sl = v0l + tl;
    xl = sl >>> 0;
    xh = (v0h + th + (sl > 0xffffffff ? 1 : 0)) >>> 0;
    yh = ((xh << 31) | (xl >>> 1)) >>> 0;
    yl = ((xl << 31) | (xh >>> 1)) >>> 0;
    a0 = yl & 0xffff, a1 = yl >>> 16;
    lo0 = a0 * P1L0, m1 = a1 * P1L0, m2 = a0 * P1L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    v0l = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    v0h = (a1 * P1L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(yh, P1L) +
      Math.imul(yl, P1H)) >>> 0;
    // lane 2
    il = b[i + 8] | (b[i + 9] << 8) | (b[i + 10] << 16) | (b[i + 11] << 24);
    ih = b[i + 12] | (b[i + 13] << 8) | (b[i + 14] << 16) | (b[i + 15] << 24);
    a0 = il & 0xffff, a1 = il >>> 16;
    lo0 = a0 * P2L0, m1 = a1 * P2L0, m2 = a0 * P2L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    tl = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    th = (a1 * P2L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(ih, P2L) +
      Math.imul(il, P2H)) >>> 0;
    sl = v1l + tl;
    xl = sl >>> 0;
    xh = (v1h + th + (sl > 0xffffffff ? 1 : 0)) >>> 0;
    yh = ((xh << 31) | (xl >>> 1)) >>> 0;
    yl = ((xl << 31) | (xh >>> 1)) >>> 0;
    a0 = yl & 0xffff, a1 = yl >>> 16;
    lo0 = a0 * P1L0, m1 = a1 * P1L0, m2 = a0 * P1L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    v1l = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    v1h = (a1 * P1L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(yh, P1L) +
      Math.imul(yl, P1H)) >>> 0;
    // lane 3
    il = b[i + 16] | (b[i + 17] << 8) | (b[i + 18] << 16) | (b[i + 19] << 24);
    ih = b[i + 20] | (b[i + 21] << 8) | (b[i + 22] << 16) | (b[i + 23] << 24);
    a0 = il & 0xffff, a1 = il >>> 16;
    lo0 = a0 * P2L0, m1 = a1 * P2L0, m2 = a0 * P2L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    tl = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    th = (a1 * P2L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(ih, P2L) +
      Math.imul(il, P2H)) >>> 0;
    sl = v2l + tl;
    xl = sl >>> 0;
    xh = (v2h + th + (sl > 0xffffffff ? 1 : 0)) >>> 0;
    yh = ((xh << 31) | (xl >>> 1)) >>> 0;
    yl = ((xl << 31) | (xh >>> 1)) >>> 0;
    a0 = yl & 0xffff, a1 = yl >>> 16;
    lo0 = a0 * P1L0, m1 = a1 * P1L0, m2 = a0 * P1L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    v2l = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    v2h = (a1 * P1L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(yh, P1L) +
      Math.imul(yl, P1H)) >>> 0;
    // lane 4
    il = b[i + 24] | (b[i + 25] << 8) | (b[i + 26] << 16) | (b[i + 27] << 24);
    ih = b[i + 28] | (b[i + 29] << 8) | (b[i + 30] << 16) | (b[i + 31] << 24);
    a0 = il & 0xffff, a1 = il >>> 16;
    lo0 = a0 * P2L0, m1 = a1 * P2L0, m2 = a0 * P2L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    tl = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    th = (a1 * P2L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(ih, P2L) +
      Math.imul(il, P2H)) >>> 0;
    sl = v3l + tl;
    xl = sl >>> 0;
    xh = (v3h + th + (sl > 0xffffffff ? 1 : 0)) >>> 0;
    yh = ((xh << 31) | (xl >>> 1)) >>> 0;
    yl = ((xl << 31) | (xh >>> 1)) >>> 0;
    a0 = yl & 0xffff, a1 = yl >>> 16;
    lo0 = a0 * P1L0, m1 = a1 * P1L0, m2 = a0 * P1L1;
    mid = (lo0 >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
    v3l = ((mid << 16) | (lo0 & 0xffff)) >>> 0;
    v3h = (a1 * P1L1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16) + Math.imul(yh, P1L) +
      Math.imul(yl, P1H)) >>> 0;
  }
  v[0] = v0h, v[1] = v0l, v[2] = v1h, v[3] = v1l, v[4] = v2h, v[5] = v2l, v[6] = v3h, v[7] = v3l;
  return i;
}

/** {@link stripes} through the WebAssembly loop when there is one (same result). */
function wasmOrTsStripes(v: Uint32Array, b: Uint8Array, i: number, end: number): number {
  const w = wasmStripes();
  if (w === null) return stripes(v, b, i, end);
  const lanes = w.lanes, data = w.data;
  // Ours are [hi, lo] pairs; WebAssembly's i64 are little-endian, low half first.
  for (let k = 0; k < 8; k += 2) lanes[k] = v[k + 1], lanes[k + 1] = v[k];
  while (end - i >= 32) {
    const n = Math.min(end - i, WASM_CHUNK) & ~31;
    data.set(b.subarray(i, i + n));
    w.run(n);
    i += n;
  }
  for (let k = 0; k < 8; k += 2) v[k + 1] = lanes[k], v[k] = lanes[k + 1];
  return i;
}

function le32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/**
 * Which stripe loop long inputs take here: "webassembly" where the runtime compiles the module,
 * "typescript" where it may not (Cloudflare Workers).
 *
 * @example
 * ```ts ignore
 * console.log(xxh64Backend()); // "webassembly" in Deno, Node and browsers
 * ```
 */
export function xxh64Backend(): "webassembly" | "typescript" {
  return wasmStripes() === null ? "typescript" : "webassembly";
}

/** Incremental XXH64 with seed 0. */
export class Xxh64 {
  // Four lanes, each [hi, lo].
  #v = new Uint32Array(8);
  #buf = new Uint8Array(32);
  #bufLen = 0;
  #total = 0;
  #wasm: boolean;

  /** @param wasm false keeps to the TypeScript loop (tests compare the two) */
  constructor(wasm = true) {
    this.#wasm = wasm;
    this.reset();
  }

  /** Starts a new digest. */
  reset(): void {
    const v = this.#v;
    add(P1H, P1L, P2H, P2L);
    v[0] = R[0], v[1] = R[1];
    v[2] = P2H, v[3] = P2L;
    v[4] = 0, v[5] = 0;
    // 0 - P1
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    v[6] = R[0], v[7] = R[1];
    this.#bufLen = 0;
    this.#total = 0;
  }

  #stripe(b: Uint8Array, i: number): void {
    const v = this.#v;
    lane(v, 0, le32(b, i + 4), le32(b, i));
    lane(v, 2, le32(b, i + 12), le32(b, i + 8));
    lane(v, 4, le32(b, i + 20), le32(b, i + 16));
    lane(v, 6, le32(b, i + 28), le32(b, i + 24));
  }

  /** Adds `data[start:end]` to the digest. */
  update(data: Uint8Array, start = 0, end: number = data.length): void {
    this.#total += end - start;
    let i = start;
    if (this.#bufLen > 0) {
      const take = Math.min(32 - this.#bufLen, end - i);
      this.#buf.set(data.subarray(i, i + take), this.#bufLen);
      this.#bufLen += take;
      i += take;
      if (this.#bufLen < 32) return;
      this.#stripe(this.#buf, 0);
      this.#bufLen = 0;
    }
    i = this.#wasm && end - i >= WASM_MIN
      ? wasmOrTsStripes(this.#v, data, i, end)
      : stripes(this.#v, data, i, end);
    if (i < end) {
      this.#buf.set(data.subarray(i, end), 0);
      this.#bufLen = end - i;
    }
  }

  /** The low 32 bits of the digest (what zstd stores), as an unsigned number. */
  digestLow32(): number {
    const v = this.#v;
    let hh: number, hl: number;
    if (this.#total >= 32) {
      rotl(v[0], v[1], 1);
      let ah = R[0], al = R[1];
      rotl(v[2], v[3], 7);
      add(ah, al, R[0], R[1]), ah = R[0], al = R[1];
      rotl(v[4], v[5], 12);
      add(ah, al, R[0], R[1]), ah = R[0], al = R[1];
      rotl(v[6], v[7], 18);
      add(ah, al, R[0], R[1]), ah = R[0], al = R[1];
      for (let k = 0; k < 4; k++) {
        round(0, 0, v[2 * k], v[2 * k + 1]);
        ah = (ah ^ R[0]) >>> 0, al = (al ^ R[1]) >>> 0;
        mul(ah, al, P1H, P1L);
        add(R[0], R[1], P4H, P4L);
        ah = R[0], al = R[1];
      }
      hh = ah, hl = al;
    } else {
      hh = P5H, hl = P5L;
    }
    const total = this.#total;
    add(hh, hl, Math.floor(total / 4294967296) >>> 0, total >>> 0);
    hh = R[0], hl = R[1];
    const b = this.#buf;
    const n = this.#bufLen;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      round(0, 0, le32(b, i + 4), le32(b, i));
      hh = (hh ^ R[0]) >>> 0, hl = (hl ^ R[1]) >>> 0;
      rotl(hh, hl, 27);
      mul(R[0], R[1], P1H, P1L);
      add(R[0], R[1], P4H, P4L);
      hh = R[0], hl = R[1];
    }
    if (i + 4 <= n) {
      mul(0, le32(b, i), P1H, P1L);
      hh = (hh ^ R[0]) >>> 0, hl = (hl ^ R[1]) >>> 0;
      rotl(hh, hl, 23);
      mul(R[0], R[1], P2H, P2L);
      add(R[0], R[1], P3H, P3L);
      hh = R[0], hl = R[1];
      i += 4;
    }
    for (; i < n; i++) {
      mul(0, b[i], P5H, P5L);
      hh = (hh ^ R[0]) >>> 0, hl = (hl ^ R[1]) >>> 0;
      rotl(hh, hl, 11);
      mul(R[0], R[1], P1H, P1L);
      hh = R[0], hl = R[1];
    }
    // Avalanche.
    hl = (hl ^ (hh >>> 1)) >>> 0; // >> 33
    mul(hh, hl, P2H, P2L);
    hh = R[0], hl = R[1];
    hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0, hh = (hh ^ (hh >>> 29)) >>> 0;
    mul(hh, hl, P3H, P3L);
    hh = R[0], hl = R[1];
    hl = (hl ^ hh) >>> 0; // >> 32
    return hl;
  }
}

/**
 * Low 32 bits of XXH64(data, seed 0).
 */
export function xxh64Low32(data: Uint8Array, wasm = true): number {
  const h = new Xxh64(wasm);
  h.update(data);
  return h.digestLow32();
}
