/**
 * The brotli static dictionary (RFC 7932 §8, Appendix A): 122,784 bytes of words, grouped by
 * length 4..24, with `2^NDBITS[length]` words of each length.
 *
 * @module
 */

import { DICTIONARY_BASE64 } from "./_dictionary_data.ts";
import { SIZE_BITS_BY_LENGTH } from "./_tables_data.ts";

/** Size of the static dictionary in bytes. */
export const DICTIONARY_SIZE = 122_784;

/** NDBITS: bits of the word index for each word length (0 where no words exist). */
export const DICTIONARY_SIZE_BITS: Uint8Array = new Uint8Array(25);
/** DOFFSET: where the words of each length start. */
export const DICTIONARY_OFFSETS: Int32Array = new Int32Array(25);
{
  let off = 0;
  for (let l = 0; l < 25; l++) {
    DICTIONARY_SIZE_BITS[l] = SIZE_BITS_BY_LENGTH[l];
    DICTIONARY_OFFSETS[l] = off;
    if (SIZE_BITS_BY_LENGTH[l] > 0) off += l << SIZE_BITS_BY_LENGTH[l];
  }
}

let dictionary: Uint8Array | undefined;

/**
 * The dictionary's bytes, decoded on first use and shared (do not modify).
 *
 * @example
 * ```ts
 * import { staticDictionary } from "./dictionary.ts";
 * console.log(staticDictionary().length); // 122784
 * ```
 */
export function staticDictionary(): Uint8Array {
  if (dictionary === undefined) {
    const s = atob(DICTIONARY_BASE64);
    const d = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) d[i] = s.charCodeAt(i);
    dictionary = d;
  }
  return dictionary;
}
