/**
 * The static Huffman code of HPACK string literals (RFC 7541, Section 5.2 and Appendix B), used
 * unchanged by QPACK. Strings are byte strings: one character per byte (code points 0-255), as in
 * fetch's `Headers`.
 *
 * @module
 */

import { HUFFMAN_CODES, HUFFMAN_LENGTHS } from "./_huffman_table.ts";

/** Why a Huffman string was rejected. */
export type HuffmanFailure = "eos" | "padding" | "limit";

/**
 * Thrown by {@link huffmanDecode}; the QPACK decoder turns it into the `QpackError` of the stream
 * the string came from.
 *
 * @example
 * ```ts
 * import { huffmanDecode, HuffmanError } from "./huffman.ts";
 * try {
 *   huffmanDecode(new Uint8Array([0x00]), 0, 1, 100); // "0" then 3 bits of zero padding
 * } catch (e) {
 *   if (e instanceof HuffmanError) console.log(e.reason); // "padding"
 * }
 * ```
 */
export class HuffmanError extends Error {
  /** What was wrong: the EOS symbol inside, bad padding, or output over the limit. */
  readonly reason: HuffmanFailure;

  /**
   * Creates the error.
   *
   * @param reason what was wrong
   */
  constructor(reason: HuffmanFailure) {
    super(
      reason === "limit"
        ? "Huffman string decodes to more bytes than allowed"
        : reason === "eos"
        ? "Huffman string contains the EOS symbol"
        : "Huffman string has invalid padding",
    );
    this.name = "HuffmanError";
    this.reason = reason;
  }
}

// Decoding walks the code tree one input byte at a time. A state is an internal node of the tree
// (0 = root). For each (state, byte) one Uint32 says: the next state (bits 0-8), how many symbols
// the byte completed (bits 9-10; at most 2, as every code has 5 bits or more), the symbols (bits
// 11-18 and 19-26) and whether the byte ran into EOS (bit 27). Built on first use: 256 states x
// 256 bytes = 256 KiB.
const FAIL = 1 << 27;
let transitions: Uint32Array | undefined;
/** Per state: 1 when ending the string there is valid padding (RFC 7541, Section 5.2). */
let paddingOk: Uint8Array | undefined;

function buildTables(): Uint32Array {
  // The tree: node 0 is the root; child[2n + bit] >= 0 is a node, < 0 is ~symbol.
  const child = new Int32Array(512 * 2).fill(0x7fffffff);
  let nodes = 1;
  for (let sym = 0; sym <= 256; sym++) {
    const code = HUFFMAN_CODES[sym];
    const len = HUFFMAN_LENGTHS[sym];
    let node = 0;
    for (let i = len - 1; i >= 0; i--) {
      const bit = (code >>> i) & 1;
      const slot = 2 * node + bit;
      if (i === 0) {
        child[slot] = ~sym;
      } else {
        if (child[slot] === 0x7fffffff) child[slot] = nodes++;
        node = child[slot];
      }
    }
  }
  // `nodes` is 256: a complete prefix code over 257 symbols has 256 internal nodes.
  const table = new Uint32Array(nodes * 256);
  const pad = new Uint8Array(nodes);
  // Padding is valid from the root and from nodes reached by up to 7 one-bits (a prefix of EOS).
  pad[0] = 1;
  for (let node = 0, depth = 0; depth < 7; depth++) {
    node = child[2 * node + 1];
    pad[node] = 1;
  }
  for (let state = 0; state < nodes; state++) {
    for (let byte = 0; byte < 256; byte++) {
      let node = state;
      let count = 0;
      let syms = 0;
      let fail = 0;
      for (let i = 7; i >= 0; i--) {
        const next = child[2 * node + ((byte >>> i) & 1)];
        if (next >= 0) {
          node = next;
          continue;
        }
        const sym = ~next;
        if (sym === 256) {
          fail = FAIL;
          break;
        }
        syms |= sym << (8 * count);
        count++;
        node = 0;
      }
      table[state * 256 + byte] = node | (count << 9) | (syms << 11) | fail;
    }
  }
  paddingOk = pad;
  return table;
}

let scratch = new Uint8Array(256);

/**
 * Decodes `src[start, end)`, a Huffman-coded string, strictly: the EOS symbol, padding longer than
 * 7 bits and padding that is not the most significant bits of EOS are errors.
 *
 * @param src the bytes holding the string
 * @param start where the string starts
 * @param end where it ends (exclusive)
 * @param maxLength the most decoded bytes allowed; decoding stops as soon as it is passed
 * @returns the decoded byte string
 * @throws {HuffmanError} on bad input or output longer than `maxLength`
 *
 * @example
 * ```ts
 * import { huffmanDecode } from "./huffman.ts";
 * const bytes = new Uint8Array([0xa8, 0xeb, 0x10, 0x64, 0x9c, 0xbf]); // RFC 7541, C.4.2
 * console.log(huffmanDecode(bytes, 0, bytes.length, 100)); // "no-cache"
 * ```
 */
export function huffmanDecode(
  src: Uint8Array,
  start: number,
  end: number,
  maxLength: number,
): string {
  const table = transitions ??= buildTables();
  // A symbol takes at least 5 bits, so the output has at most ceil(8 * n / 5) bytes.
  const bound = Math.min(Math.ceil(((end - start) * 8) / 5), maxLength + 2);
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  const out = scratch;
  let n = 0;
  let state = 0;
  for (let i = start; i < end; i++) {
    const t = table[(state << 8) | src[i]];
    if (t & FAIL) throw new HuffmanError("eos");
    const count = (t >>> 9) & 3;
    if (count !== 0) {
      out[n++] = (t >>> 11) & 0xff;
      if (count === 2) out[n++] = (t >>> 19) & 0xff;
      if (n > maxLength) throw new HuffmanError("limit");
    }
    state = t & 0x1ff;
  }
  if (paddingOk![state] !== 1) throw new HuffmanError("padding");
  return bytesToString(out, 0, n);
}

/**
 * The length in bytes of `s` Huffman-coded (padding included).
 *
 * @param s a byte string (every code point 0-255)
 * @returns the encoded length
 *
 * @example
 * ```ts
 * import { huffmanEncodedLength } from "./huffman.ts";
 * console.log(huffmanEncodedLength("www.example.com")); // 12
 * ```
 */
export function huffmanEncodedLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += HUFFMAN_LENGTHS[s.charCodeAt(i) & 0xff];
  return (bits + 7) >>> 3;
}

/**
 * Writes `s` Huffman-coded into `dst` at `pos`, padded with the most significant bits of EOS.
 * `dst` must have {@link huffmanEncodedLength} bytes free there.
 *
 * @param s a byte string (every code point 0-255)
 * @param dst where to write
 * @param pos the offset in `dst`
 * @returns the offset after the last byte written
 *
 * @example
 * ```ts
 * import { huffmanEncode, huffmanEncodedLength } from "./huffman.ts";
 * const out = new Uint8Array(huffmanEncodedLength("no-cache"));
 * huffmanEncode("no-cache", out, 0); // a8 eb 10 64 9c bf (RFC 7541, C.4.2)
 * ```
 */
export function huffmanEncode(s: string, dst: Uint8Array, pos: number): number {
  // `acc` holds `bits` (< 8 between symbols) pending bits; codes are fed in pieces of at most
  // 24 bits so that `acc` never passes 31 bits.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i) & 0xff;
    const code = HUFFMAN_CODES[sym];
    let len = HUFFMAN_LENGTHS[sym];
    while (len > 0) {
      const take = len > 24 ? 24 : len;
      len -= take;
      acc = (acc << take) | ((code >>> len) & ((1 << take) - 1));
      bits += take;
      while (bits >= 8) {
        bits -= 8;
        dst[pos++] = (acc >>> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) dst[pos++] = ((acc << (8 - bits)) | (0xff >>> bits)) & 0xff;
  return pos;
}

/** A byte string (one code point per byte) from `bytes[start, end)`. */
export function bytesToString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let s = "";
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[],
    );
  }
  return s;
}
