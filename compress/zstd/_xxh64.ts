/**
 * XXH64 (seed 0) for the zstd Content_Checksum (RFC 8878 §3.1.1: the low 32 bits of XXH64 over
 * the frame's decoded content). 64-bit lanes are kept as two uint32 halves so the hot loop needs
 * no BigInt.
 *
 * @module
 */

// Primes as [hi, lo] uint32 halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Results of the 64-bit helpers (avoids allocating a pair per operation).
let rh = 0, rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 into rh:rl. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a1 * b0 + a0 * b1; // < 2^33, exact in a double
  const low = a0 * b0 + (mid % 65536) * 65536; // < 2^49
  const carry = Math.floor(low / 4294967296);
  const hiLL = a1 * b1 + Math.floor(mid / 65536) + carry;
  rl = low >>> 0;
  rh = (hiLL + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 into rh:rl. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate (h:l) left by r (0 < r < 64) into rh:rl. */
function rotl(h: number, l: number, r: number): void {
  if (r === 32) {
    rh = l;
    rl = h;
    return;
  }
  if (r > 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input * P2, 31) * P1 into rh:rl. */
function round(acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

function le32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Incremental XXH64 with seed 0. */
export class Xxh64 {
  // Four lanes, each [hi, lo].
  #v = new Uint32Array(8);
  #buf = new Uint8Array(32);
  #bufLen = 0;
  #total = 0;

  constructor() {
    this.reset();
  }

  /** Starts a new digest. */
  reset(): void {
    const v = this.#v;
    add(P1H, P1L, P2H, P2L);
    v[0] = rh, v[1] = rl;
    v[2] = P2H, v[3] = P2L;
    v[4] = 0, v[5] = 0;
    // 0 - P1
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    v[6] = rh, v[7] = rl;
    this.#bufLen = 0;
    this.#total = 0;
  }

  #stripe(b: Uint8Array, i: number): void {
    const v = this.#v;
    for (let k = 0; k < 4; k++) {
      const o = i + k * 8;
      round(v[2 * k], v[2 * k + 1], le32(b, o + 4), le32(b, o));
      v[2 * k] = rh;
      v[2 * k + 1] = rl;
    }
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
    for (; i + 32 <= end; i += 32) this.#stripe(data, i);
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
      let ah = rh, al = rl;
      rotl(v[2], v[3], 7);
      add(ah, al, rh, rl), ah = rh, al = rl;
      rotl(v[4], v[5], 12);
      add(ah, al, rh, rl), ah = rh, al = rl;
      rotl(v[6], v[7], 18);
      add(ah, al, rh, rl), ah = rh, al = rl;
      for (let k = 0; k < 4; k++) {
        round(0, 0, v[2 * k], v[2 * k + 1]);
        ah = (ah ^ rh) >>> 0, al = (al ^ rl) >>> 0;
        mul(ah, al, P1H, P1L);
        add(rh, rl, P4H, P4L);
        ah = rh, al = rl;
      }
      hh = ah, hl = al;
    } else {
      hh = P5H, hl = P5L;
    }
    const total = this.#total;
    add(hh, hl, Math.floor(total / 4294967296) >>> 0, total >>> 0);
    hh = rh, hl = rl;
    const b = this.#buf;
    const n = this.#bufLen;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      round(0, 0, le32(b, i + 4), le32(b, i));
      hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 27);
      mul(rh, rl, P1H, P1L);
      add(rh, rl, P4H, P4L);
      hh = rh, hl = rl;
    }
    if (i + 4 <= n) {
      mul(0, le32(b, i), P1H, P1L);
      hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 23);
      mul(rh, rl, P2H, P2L);
      add(rh, rl, P3H, P3L);
      hh = rh, hl = rl;
      i += 4;
    }
    for (; i < n; i++) {
      mul(0, b[i], P5H, P5L);
      hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 11);
      mul(rh, rl, P1H, P1L);
      hh = rh, hl = rl;
    }
    // Avalanche.
    hl = (hl ^ (hh >>> 1)) >>> 0; // >> 33
    mul(hh, hl, P2H, P2L);
    hh = rh, hl = rl;
    hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0, hh = (hh ^ (hh >>> 29)) >>> 0;
    mul(hh, hl, P3H, P3L);
    hh = rh, hl = rl;
    hl = (hl ^ hh) >>> 0; // >> 32
    return hl;
  }
}

/**
 * Low 32 bits of XXH64(data, seed 0).
 */
export function xxh64Low32(data: Uint8Array): number {
  const h = new Xxh64();
  h.update(data);
  return h.digestLow32();
}
