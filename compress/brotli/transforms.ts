/**
 * The 121 word transforms of brotli (RFC 7932 §8, Appendix B): a dictionary reference names a
 * word and a transform; the decoder writes `prefix + T(word) + suffix`.
 *
 * @module
 */

import { TRANSFORMS } from "./_tables_data.ts";

/** Number of transforms (RFC 7932 Appendix B). */
export const TRANSFORM_COUNT = 121;

// Transform types as numbered in the generated table.
const OMIT_LAST_MAX = 9;
const UPPERCASE_FIRST = 10;
const UPPERCASE_ALL = 11;
const OMIT_FIRST_BASE = 11; // 12..20: omit first 1..9

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const PREFIXES: Uint8Array[] = TRANSFORMS.map((t) => bytes(t[0]));
const TYPES: Uint8Array = Uint8Array.from(TRANSFORMS, (t) => t[1]);
const SUFFIXES: Uint8Array[] = TRANSFORMS.map((t) => bytes(t[2]));

/** Longest output of a transform: prefix + 24-byte word + suffix. */
export const MAX_TRANSFORMED_LENGTH: number = 24 +
  Math.max(...PREFIXES.map((p) => p.length)) + Math.max(...SUFFIXES.map((s) => s.length));

/** RFC 7932 §8 Ferment: upper-cases one UTF-8 character in place; returns its byte length. */
function ferment(w: Uint8Array, pos: number, end: number): number {
  const c = w[pos];
  if (c < 192) {
    if (c >= 97 && c <= 122) w[pos] = c ^ 32;
    return 1;
  }
  if (c < 224) {
    if (pos + 1 < end) w[pos + 1] ^= 32;
    return 2;
  }
  if (pos + 2 < end) w[pos + 2] ^= 5;
  return 3;
}

/**
 * Writes transform `id` of the `length`-byte word at `word[offset]` into `out` (at least
 * {@link MAX_TRANSFORMED_LENGTH} bytes); returns the number of bytes written.
 *
 * @example
 * ```ts
 * import { transformWord } from "./transforms.ts";
 * const out = new Uint8Array(64);
 * const n = transformWord(out, new TextEncoder().encode("time"), 0, 4, 9); // uppercase first
 * console.log(new TextDecoder().decode(out.subarray(0, n))); // "Time"
 * ```
 */
export function transformWord(
  out: Uint8Array,
  word: Uint8Array,
  offset: number,
  length: number,
  id: number,
): number {
  const prefix = PREFIXES[id];
  out.set(prefix, 0);
  let n = prefix.length;
  const type = TYPES[id];
  let start = offset;
  let len = length;
  if (type > OMIT_FIRST_BASE) {
    const skip = type - OMIT_FIRST_BASE;
    start += skip > len ? len : skip;
    len = skip > len ? 0 : len - skip;
  } else if (type >= 1 && type <= OMIT_LAST_MAX) {
    len = type > len ? 0 : len - type;
  }
  out.set(word.subarray(start, start + len), n);
  const end = n + len;
  if (type === UPPERCASE_FIRST) {
    if (len > 0) ferment(out, n, end);
  } else if (type === UPPERCASE_ALL) {
    for (let p = n; p < end;) p += ferment(out, p, end);
  }
  n = end;
  const suffix = SUFFIXES[id];
  out.set(suffix, n);
  return n + suffix.length;
}
