/**
 * Builder for UTF-8 strings (utf8 and large utf8), plus a bulk encoder for string arrays.
 *
 * @module
 */

import { type Column, Utf8Column } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { Type, type Utf8Type } from "../types.ts";
import {
  type Builder,
  columnOffsets,
  describe,
  MAX_BUILDER_LENGTH,
  VarBytesParts,
} from "./builder.ts";

const encoder = new TextEncoder();

/**
 * Number of UTF-8 bytes `TextEncoder` produces for `s` (lone surrogates become U+FFFD).
 *
 * @example
 * ```ts
 * import { utf8Length } from "./utf8.ts";
 * console.log(utf8Length("é𝄞")); // 6
 * ```
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Appends strings into one growing byte buffer with int32 (or int64) offsets. Short ASCII
 * strings are copied with a plain loop; anything else goes through `TextEncoder.encodeInto`.
 *
 * @example
 * ```ts
 * import { Utf8Builder } from "./utf8.ts";
 * const b = new Utf8Builder();
 * b.append("héllo");
 * b.append(null);
 * console.log(b.finish().toArray()); // [ "héllo", null ]
 * ```
 */
export class Utf8Builder implements Builder<string> {
  /** utf8 or large utf8. */
  readonly type: Utf8Type;
  /** Values appended. */
  length = 0;
  #parts = new VarBytesParts();

  /**
   * Creates an empty builder.
   *
   * @param type utf8 (default) or large utf8
   */
  constructor(type: Utf8Type = { typeId: Type.Utf8 }) {
    this.type = type;
  }

  /** Appends a string or null. */
  append(value: string | null | undefined): void {
    const i = this.length++;
    const parts = this.#parts;
    if (value === null || value === undefined) return parts.appendNull(i);
    if (typeof value !== "string") {
      throw new ArrowError("invalid", `utf8 column cannot hold a ${describe(value)}`);
    }
    const b = parts.begin(i, value.length * 3, "utf8 column exceeds 2 GiB of string data");
    let p = parts.pos;
    let k = 0;
    if (value.length <= 32) {
      for (; k < value.length; k++) {
        const c = value.charCodeAt(k);
        if (c >= 0x80) break;
        b[p++] = c;
      }
    }
    if (k < value.length) {
      p += encoder.encodeInto(k === 0 ? value : value.slice(k), b.subarray(p)).written;
    }
    parts.end(i, p);
  }

  /** The string column. */
  finish(): Column {
    const large = this.type.typeId === Type.LargeUtf8;
    return new Utf8Column(this.#parts.finish(this.type, this.length, large));
  }
}

function utf8ColumnFromParts(
  type: Utf8Type,
  length: number,
  offsets: Int32Array,
  bytes: Uint8Array,
  validity: Uint8Array | null,
  nullCount: number,
): Column {
  return new Utf8Column({
    type,
    length,
    offset: 0,
    nullCount,
    validity,
    values: bytes,
    offsets: columnOffsets(offsets, type.typeId === Type.LargeUtf8),
    children: [],
    dictionary: null,
  });
}

const CHUNK = 16384;

/** Short strings (under 10 chars on average): a direct ASCII copy beats joining them. */
function shortStrings(
  arr: ArrayLike<string | null | undefined>,
  type: Utf8Type,
  chars: number,
  validity: Uint8Array | null,
  nulls: number,
): Column {
  const n = arr.length;
  const offsets = new Int32Array(n + 1);
  let bytes = new Uint8Array(chars + 64);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const s = arr[i];
    if (typeof s === "string") {
      const len = s.length;
      if (p + len * 3 > bytes.length) {
        const need = p + len * 3;
        if (need > MAX_BUILDER_LENGTH) throw new ArrowError("limit", "too much string data");
        const nb = new Uint8Array(Math.min(Math.max(bytes.length * 2, need), MAX_BUILDER_LENGTH));
        nb.set(bytes.subarray(0, p));
        bytes = nb;
      }
      let k = 0;
      if (len <= 64) {
        for (; k < len; k++) {
          const c = s.charCodeAt(k);
          if (c >= 0x80) break;
          bytes[p++] = c;
        }
      }
      if (k < len) p += encoder.encodeInto(k === 0 ? s : s.slice(k), bytes.subarray(p)).written;
    }
    offsets[i + 1] = p;
  }
  return utf8ColumnFromParts(type, n, offsets, bytes.subarray(0, p), validity, nulls);
}

/**
 * Encodes an array of strings (null/undefined: null) into a utf8 column with one
 * `TextEncoder.encodeInto` pass per chunk of joined strings; offsets come from string lengths
 * when the chunk is ASCII, from {@link utf8Length} otherwise. Very short strings are copied
 * directly instead (joining costs more than it saves there).
 *
 * @example
 * ```ts
 * import { utf8Column } from "./utf8.ts";
 * console.log(utf8Column(["a", null, "ç"]).get(2)); // "ç"
 * ```
 */
export function utf8Column(
  strings: ArrayLike<string | null | undefined>,
  type: Utf8Type = { typeId: Type.Utf8 },
): Column {
  const n = strings.length;
  if (n > MAX_BUILDER_LENGTH - 1) throw new ArrowError("limit", "too many strings");
  const offsets = new Int32Array(n + 1);
  let validity: Uint8Array | null = null;
  let nulls = 0;
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (typeof s === "string") chars += s.length;
    else if (s === null || s === undefined) {
      if (validity === null) {
        validity = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
      }
      validity[i >> 3] &= ~(1 << (i & 7));
      nulls++;
    } else throw new ArrowError("invalid", `utf8 column cannot hold a ${describe(s)}`);
  }
  if (chars * 3 > MAX_BUILDER_LENGTH) {
    if (chars > MAX_BUILDER_LENGTH) throw new ArrowError("limit", "too much string data");
  }
  const arr = Array.isArray(strings) ? strings : Array.from(strings);
  if (chars < n * 10) return shortStrings(arr, type, chars, validity, nulls);
  let bytes = new Uint8Array(Math.max(chars + (chars >> 3) + 16, 16));
  let pos = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const joined = arr.slice(start, end).join("");
    if (pos + joined.length * 3 > bytes.length) {
      const need = pos + joined.length * 3;
      if (need > MAX_BUILDER_LENGTH) {
        // exact size before giving up: most text is far below 3 bytes per char
        const exact = pos + utf8Length(joined);
        if (exact > MAX_BUILDER_LENGTH) throw new ArrowError("limit", "too much string data");
      }
      const nb = new Uint8Array(Math.min(Math.max(bytes.length * 2, need), MAX_BUILDER_LENGTH));
      nb.set(bytes.subarray(0, pos));
      bytes = nb;
    }
    const { read, written } = encoder.encodeInto(joined, bytes.subarray(pos));
    if (read !== joined.length) throw new ArrowError("limit", "too much string data");
    if (written === joined.length) {
      for (let i = start, p = pos; i < end; i++) {
        const s = arr[i];
        if (typeof s === "string") p += s.length;
        offsets[i + 1] = p;
      }
    } else {
      for (let i = start, p = pos; i < end; i++) {
        const s = arr[i];
        if (typeof s === "string") p += utf8Length(s);
        offsets[i + 1] = p;
      }
    }
    pos += written;
  }
  return utf8ColumnFromParts(type, n, offsets, bytes.subarray(0, pos), validity, nulls);
}
