/**
 * The QPACK encoder (RFC 9204) for our responses: static table and literals only, so it needs no
 * encoder stream, never blocks the peer's decoder and works whatever table capacity the peer
 * allows.
 *
 * @module
 */

import type { HeaderField } from "./decoder.ts";
import { huffmanEncode, huffmanEncodedLength } from "./huffman.ts";
import { STATIC_TABLE } from "./_static_table.ts";

/** Static index of each name (its first entry) and of each "name\0value". */
let staticNames: Map<string, number> | undefined;
let staticFields: Map<string, number> | undefined;

function staticMaps(): [Map<string, number>, Map<string, number>] {
  if (staticNames === undefined || staticFields === undefined) {
    staticNames = new Map();
    staticFields = new Map();
    STATIC_TABLE.forEach(([name, value], i) => {
      if (!staticNames!.has(name)) staticNames!.set(name, i);
      staticFields!.set(`${name}\0${value}`, i);
    });
  }
  return [staticNames, staticFields];
}

/**
 * Fields an intermediary must not put in a dynamic table: sent with the 'N' bit (RFC 9204,
 * Section 7.1.3).
 */
const NEVER_INDEXED = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

/**
 * Encodes field sections with the static table and literals only (Required Insert Count 0),
 * Huffman-coding a string where that is shorter. Names and values are byte strings (one code
 * point per byte, as fetch's `Headers` gives them); names should be lowercase (RFC 9114,
 * Section 4.2).
 *
 * @example
 * ```ts
 * import { QpackDecoder, QpackEncoder } from "./mod.ts";
 * const block = new QpackEncoder().encode([[":status", "200"], ["content-type", "text/plain"]]);
 * console.log(block); // Uint8Array [0x00, 0x00, 0xd9, 0xf5]
 * const decoder = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 16384 });
 * console.log(await decoder.decode(0n, block)); // [[":status", "200"], ["content-type", "text/plain"]]
 * ```
 */
export class QpackEncoder {
  #buf = new Uint8Array(256);

  /**
   * Encodes one field section (a HEADERS frame payload).
   *
   * @param fields the field lines, in order
   * @returns the encoded field section
   * @throws {TypeError} when a name or value has a code point above 255
   */
  encode(fields: HeaderField[]): Uint8Array {
    const [names, exact] = staticMaps();
    // The worst case per field: 2 integers of at most 10 bytes and 2 strings of 2 + length bytes.
    let bound = 2;
    for (const [name, value] of fields) bound += name.length + value.length + 24;
    if (this.#buf.length < bound) this.#buf = new Uint8Array(Math.max(bound, this.#buf.length * 2));
    const buf = this.#buf;
    // Required Insert Count 0, Base 0 (Section 4.5.1).
    buf[0] = 0;
    buf[1] = 0;
    let pos = 2;
    for (const [name, value] of fields) {
      checkByteString(name);
      checkByteString(value);
      const never = NEVER_INDEXED.has(name);
      const nameIndex = names.get(name);
      // Only names of the static table can have an exact entry: skip building the key otherwise.
      const index = never || nameIndex === undefined ? undefined : exact.get(`${name}\0${value}`);
      if (index !== undefined) {
        // Indexed Field Line, static: 11 index(6+).
        pos = writeInteger(buf, pos, 0xc0, 6, index);
        continue;
      }
      if (nameIndex !== undefined) {
        // Literal Field Line with Name Reference, static: 01 N 1 index(4+).
        pos = writeInteger(buf, pos, never ? 0x70 : 0x50, 4, nameIndex);
      } else {
        // Literal Field Line with Literal Name: 001 N H length(3+).
        pos = writeString(buf, pos, never ? 0x30 : 0x20, 3, name);
      }
      pos = writeString(buf, pos, 0, 7, value);
    }
    return buf.slice(0, pos);
  }
}

function checkByteString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      throw new TypeError("field names and values must be byte strings (code points 0-255)");
    }
  }
}

/** Writes a prefixed integer; `first` has the pattern bits above the prefix. */
function writeInteger(
  buf: Uint8Array,
  pos: number,
  first: number,
  bits: number,
  v: number,
): number {
  const max = (1 << bits) - 1;
  if (v < max) {
    buf[pos++] = first | v;
    return pos;
  }
  buf[pos++] = first | max;
  v -= max;
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a string literal with a `bits`-bit length prefix and the H bit above it. */
function writeString(buf: Uint8Array, pos: number, first: number, bits: number, s: string): number {
  const huffmanLength = huffmanEncodedLength(s);
  if (huffmanLength < s.length) {
    pos = writeInteger(buf, pos, first | (1 << bits), bits, huffmanLength);
    return huffmanEncode(s, buf, pos);
  }
  pos = writeInteger(buf, pos, first, bits, s.length);
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}
