/**
 * A bounds-checked FlatBuffers reader: every table, vtable, field, vector and string position is
 * checked against the buffer before it is read, and failures are `ArrowError("corrupt")`.
 *
 * @module
 */

import { ArrowError } from "../../errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function corrupt(what: string): never {
  throw new ArrowError("corrupt", `flatbuffer: ${what}`);
}

/**
 * A table inside a flatbuffer.
 *
 * @example
 * ```ts
 * import { FlatBufferBuilder } from "./builder.ts";
 * import { rootTable } from "./reader.ts";
 * const b = new FlatBufferBuilder();
 * b.startTable(1);
 * b.addInt32(0, 42);
 * const t = rootTable(b.finish(b.endTable()));
 * console.log(t.int32(0, 0)); // 42
 * ```
 */
export class Table {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** Position of the table in the buffer. */
  readonly pos: number;
  readonly #vtable: number;
  readonly #vtableSize: number;
  readonly #tableSize: number;

  /** Reads the table at `pos`, validating its vtable. */
  constructor(bytes: Uint8Array, view: DataView, pos: number) {
    this.#bytes = bytes;
    this.#view = view;
    if (pos < 0 || pos + 4 > bytes.length) corrupt("table out of bounds");
    this.pos = pos;
    const vt = pos - view.getInt32(pos, true);
    if (vt < 0 || vt + 4 > bytes.length) corrupt("vtable out of bounds");
    const vsize = view.getUint16(vt, true);
    const tsize = view.getUint16(vt + 2, true);
    if (vsize < 4 || (vsize & 1) !== 0 || vt + vsize > bytes.length) corrupt("bad vtable size");
    if (tsize < 4 || pos + tsize > bytes.length) corrupt("bad table size");
    this.#vtable = vt;
    this.#vtableSize = vsize;
    this.#tableSize = tsize;
  }

  /** Absolute position of field `slot` holding `size` bytes, or 0 when absent. */
  #field(slot: number, size: number): number {
    const vo = 4 + 2 * slot;
    if (vo + 2 > this.#vtableSize) return 0;
    const rel = this.#view.getUint16(this.#vtable + vo, true);
    if (rel === 0) return 0;
    if (rel < 4 || rel + size > this.#tableSize) corrupt("field outside its table");
    return this.pos + rel;
  }

  /** Whether field `slot` is present. */
  has(slot: number): boolean {
    return this.#field(slot, 1) !== 0;
  }

  /** Unsigned or signed 8-bit field. */
  int8(slot: number, dflt: number): number {
    const p = this.#field(slot, 1);
    return p ? this.#view.getInt8(p) : dflt;
  }
  /** Unsigned 8-bit field. */
  uint8(slot: number, dflt: number): number {
    const p = this.#field(slot, 1);
    return p ? this.#view.getUint8(p) : dflt;
  }
  /** Boolean field. */
  bool(slot: number, dflt: boolean): boolean {
    const p = this.#field(slot, 1);
    return p ? this.#view.getUint8(p) !== 0 : dflt;
  }
  /** 16-bit field. */
  int16(slot: number, dflt: number): number {
    const p = this.#field(slot, 2);
    return p ? this.#view.getInt16(p, true) : dflt;
  }
  /** 32-bit field. */
  int32(slot: number, dflt: number): number {
    const p = this.#field(slot, 4);
    return p ? this.#view.getInt32(p, true) : dflt;
  }
  /** 64-bit field as a bigint. */
  int64(slot: number, dflt: bigint): bigint {
    const p = this.#field(slot, 8);
    return p ? this.#view.getBigInt64(p, true) : dflt;
  }

  /**
   * 64-bit field as a number: exact up to 2^53 in magnitude, beyond that the nearest double
   * (still far past any limit it is compared with), so no bigint is made on the hot path.
   */
  long(slot: number, dflt: number): number {
    const p = this.#field(slot, 8);
    return p ? this.#view.getInt32(p + 4, true) * 4294967296 + this.#view.getUint32(p, true) : dflt;
  }

  #indirect(slot: number): number {
    const p = this.#field(slot, 4);
    if (p === 0) return 0;
    const target = p + this.#view.getUint32(p, true);
    if (target + 4 > this.#bytes.length) corrupt("offset out of bounds");
    return target;
  }

  /** Sub-table field, or null. */
  table(slot: number): Table | null {
    const t = this.#indirect(slot);
    return t ? new Table(this.#bytes, this.#view, t) : null;
  }

  /** String field, or null. */
  string(slot: number): string | null {
    const t = this.#indirect(slot);
    return t ? readString(this.#bytes, this.#view, t) : null;
  }

  /** Vector field: its element count and the position of the first element, or null. */
  vector(slot: number, elemSize: number): { pos: number; length: number } | null {
    const t = this.#indirect(slot);
    if (!t) return null;
    const length = this.#view.getUint32(t, true);
    const pos = t + 4;
    if (length * elemSize > this.#bytes.length - pos) corrupt("vector out of bounds");
    return { pos, length };
  }

  /**
   * Lazy view of a vector-of-tables field: its length (at most `maxCount`) and an accessor, so
   * callers can stop early and never build more tables than they visit.
   */
  tableVector(slot: number, maxCount: number): { length: number; at(i: number): Table } {
    const v = this.vector(slot, 4);
    if (!v) return { length: 0, at: () => corrupt("index out of range") };
    if (v.length > maxCount) {
      throw new ArrowError("limit", `flatbuffer vector of ${v.length} tables`);
    }
    const bytes = this.#bytes;
    const view = this.#view;
    return {
      length: v.length,
      at(i: number): Table {
        if (i < 0 || i >= v.length) corrupt("index out of range");
        const p = v.pos + 4 * i;
        const target = p + view.getUint32(p, true);
        if (target + 4 > bytes.length) corrupt("offset out of bounds");
        return new Table(bytes, view, target);
      },
    };
  }

  /** The int64 values of a vector-of-long field (empty when absent). */
  int64s(slot: number): bigint[] {
    const v = this.vector(slot, 8);
    if (!v) return [];
    const out = new Array<bigint>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.#view.getBigInt64(v.pos + 8 * i, true);
    return out;
  }

  /** The DataView over the whole buffer, for struct vectors. */
  get view(): DataView {
    return this.#view;
  }
}

/** Character codes of one short ASCII string, reused across calls. */
const codes: number[] = [];

function readString(bytes: Uint8Array, view: DataView, pos: number): string {
  const len = view.getUint32(pos, true);
  if (len > bytes.length - pos - 4) corrupt("string out of bounds");
  // field names and metadata keys are mostly short ASCII: skip TextDecoder's call cost
  if (len <= 64) {
    codes.length = len;
    let k = 0;
    for (; k < len; k++) {
      const c = bytes[pos + 4 + k];
      if (c >= 0x80) break;
      codes[k] = c;
    }
    if (k === len) return String.fromCharCode.apply(null, codes);
  }
  try {
    return utf8.decode(bytes.subarray(pos + 4, pos + 4 + len));
  } catch {
    corrupt("string is not UTF-8");
  }
}

/**
 * The root table of a finished flatbuffer.
 *
 * @example
 * ```ts
 * import { rootTable } from "./reader.ts";
 * try {
 *   rootTable(new Uint8Array(2));
 * } catch (e) {
 *   console.log((e as Error).name); // "ArrowError"
 * }
 * ```
 */
export function rootTable(bytes: Uint8Array): Table {
  if (bytes.length < 8) corrupt("buffer too small");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = view.getUint32(0, true);
  if (root + 4 > bytes.length) corrupt("root offset out of bounds");
  return new Table(bytes, view, root);
}
