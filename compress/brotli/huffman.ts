/**
 * Canonical prefix codes of brotli (RFC 7932 §3.1-3.2) as two-level lookup tables.
 *
 * Brotli packs a prefix code starting with its most significant bit into an LSB-first bit
 * stream, so a table is indexed by the next bits of the stream taken as they come (the code
 * reversed). The root table has {@link ROOT_BITS} index bits; a longer code's root entry points
 * to a subtable indexed by the bits that follow.
 *
 * An entry is `value << 5 | bits` for a symbol (bits 0..15: the code length, or what is left of
 * it after the root), or `offset << 5 | 16 + subBits` for a pointer to a subtable.
 *
 * @module
 */

/** Index bits of the root table. */
export const ROOT_BITS = 8;

/** Longest code length brotli allows. */
export const MAX_CODE_LENGTH = 15;

function reverse(code: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/**
 * Builds the lookup table of a complete canonical code from its code lengths (0 = unused).
 * The caller has checked that the lengths form a complete code (Kraft sum exactly 1), or that
 * exactly one length is non-zero and means a zero-bit code (RFC 7932 §3.4, NSYM = 1).
 *
 * @example
 * ```ts
 * import { buildTable } from "./huffman.ts";
 * const t = buildTable(new Uint8Array([1, 2, 2]), 3); // a: 0, b: 10, c: 11
 * console.log(t[0b00] >>> 5, t[0b01] >>> 5, t[0b11] >>> 5); // 0 1 2
 * ```
 */
export function buildTable(lengths: Uint8Array, alphabetSize: number): Int32Array {
  const count = new Int32Array(MAX_CODE_LENGTH + 1);
  let used = 0;
  let only = 0;
  for (let s = 0; s < alphabetSize; s++) {
    const l = lengths[s];
    if (l !== 0) {
      count[l]++;
      used++;
      only = s;
    }
  }
  const rootSize = 1 << ROOT_BITS;
  if (used <= 1) {
    // One symbol: zero bits are read (RFC 7932 §3.4: NSYM = 1; §3.5: one non-zero length).
    return new Int32Array(rootSize).fill(only << 5);
  }
  // Symbols sorted by (length, value): the canonical order.
  const offs = new Int32Array(MAX_CODE_LENGTH + 2);
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) offs[l + 1] = offs[l] + count[l];
  const sorted = new Int32Array(used);
  for (let s = 0; s < alphabetSize; s++) {
    const l = lengths[s];
    if (l !== 0) sorted[offs[l]++] = s;
  }
  // First canonical code of each length.
  const next = new Int32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = code;
  }
  // Sizes of the subtables: a root prefix's subtable is as deep as its longest code.
  const subBits = new Int32Array(rootSize);
  let total = rootSize;
  {
    const probe = next.slice();
    for (let i = 0; i < used; i++) {
      const l = lengths[sorted[i]];
      const c = probe[l]++;
      if (l > ROOT_BITS) {
        const root = reverse(c >>> (l - ROOT_BITS), ROOT_BITS);
        if (l - ROOT_BITS > subBits[root]) subBits[root] = l - ROOT_BITS;
      }
    }
    for (let r = 0; r < rootSize; r++) if (subBits[r] !== 0) total += 1 << subBits[r];
  }
  const table = new Int32Array(total);
  let at = rootSize;
  for (let r = 0; r < rootSize; r++) {
    if (subBits[r] !== 0) {
      table[r] = (at << 5) | (16 + subBits[r]);
      at += 1 << subBits[r];
    }
  }
  for (let i = 0; i < used; i++) {
    const s = sorted[i];
    const l = lengths[s];
    const c = next[l]++;
    if (l <= ROOT_BITS) {
      for (let j = reverse(c, l); j < rootSize; j += 1 << l) table[j] = (s << 5) | l;
    } else {
      const root = reverse(c >>> (l - ROOT_BITS), ROOT_BITS);
      const e = table[root];
      const base = e >>> 5;
      const size = 1 << (e & 15);
      const rest = l - ROOT_BITS;
      for (let j = reverse(c & ((1 << rest) - 1), rest); j < size; j += 1 << rest) {
        table[base + j] = (s << 5) | rest;
      }
    }
  }
  return table;
}
