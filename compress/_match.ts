/**
 * Match extension shared by the LZ4 and Snappy encoders.
 *
 * @module
 */

/**
 * Where a match ends: the first position from `a` at which `src[a...]` differs from `src[b...]`
 * (`b < a`), or `limit`. Compares a word at a time while a whole word fits before `limit`; the
 * lowest set bit of the XOR of the first differing words gives the first differing byte. `sv`
 * is a DataView over exactly `src` (its reads compile to single unaligned loads in V8).
 *
 * @example
 * ```ts
 * import { matchEnd } from "./_match.ts";
 * const src = new TextEncoder().encode("abcdefgh-abcdefXY");
 * const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
 * console.log(matchEnd(src, sv, 9, 0, src.length)); // 15
 * ```
 */
export function matchEnd(
  src: Uint8Array,
  sv: DataView,
  a: number,
  b: number,
  limit: number,
): number {
  const wordLimit = (limit - 3) | 0;
  while (a < wordLimit) {
    const diff = sv.getInt32(a, true) ^ sv.getInt32(b, true);
    if (diff !== 0) return (a + ((31 - Math.clz32(diff & -diff)) >> 3)) | 0;
    a = (a + 4) | 0;
    b = (b + 4) | 0;
  }
  while (a < limit && src[a] === src[b]) {
    a = (a + 1) | 0;
    b = (b + 1) | 0;
  }
  return a;
}
