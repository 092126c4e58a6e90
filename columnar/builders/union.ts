/**
 * Builder for sparse and dense unions.
 *
 * @module
 */

import { type Column, UnionColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type DataType, Type, UnionMode, type UnionType } from "../types.ts";
import { type Builder, builtColumnData, describe, grow } from "./builder.ts";
import { makeBuilder } from "./make.ts";

/** Whether a child of `type` takes a JS value of this kind (the first such child is used). */
function accepts(type: DataType, v: unknown): boolean {
  switch (type.typeId) {
    case Type.Bool:
      return typeof v === "boolean";
    case Type.Int:
      return type.bitWidth === 64
        ? typeof v === "bigint"
        : typeof v === "number" && Number.isInteger(v);
    case Type.Float:
      return typeof v === "number";
    case Type.Decimal:
      return typeof v === "bigint";
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return typeof v === "string";
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return v instanceof Uint8Array;
    case Type.FixedSizeBinary:
      return v instanceof Uint8Array && v.length === type.byteWidth;
    case Type.Date:
    case Type.Timestamp:
      return v instanceof Date;
    case Type.List:
    case Type.LargeList:
    case Type.ListView:
    case Type.LargeListView:
      return Array.isArray(v);
    case Type.FixedSizeList:
      return Array.isArray(v) && v.length === type.listSize;
    case Type.Struct:
      return typeof v === "object" && v !== null && !Array.isArray(v) &&
        !ArrayBuffer.isView(v) && !(v instanceof Date);
    case Type.Map:
      return v instanceof Map;
    default:
      return false;
  }
}

/**
 * Appends values to a union: `append(value)` puts each value in the first child whose type
 * takes its JS kind (number → int or float, bigint → int64 or decimal, string → utf8, ...);
 * `appendChild(k, value)` names the child. A null goes to the first child.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { UnionBuilder } from "./union.ts";
 * const b = new UnionBuilder(types.sparseUnion({ i: types.int32(), s: types.utf8() }));
 * b.append(7);
 * b.appendChild(1, "seven");
 * console.log(b.finish().toArray()); // [ 7, "seven" ]
 * ```
 */
export class UnionBuilder implements Builder<unknown> {
  /** The union type. */
  readonly type: UnionType;
  /** Values appended. */
  length = 0;
  #children: Builder[];
  #codes = new Int8Array(64);
  #offsets: Int32Array | null;

  /**
   * Creates an empty builder.
   *
   * @param type a union type
   */
  constructor(type: UnionType) {
    if (type.children.length === 0) {
      throw new ArrowError("invalid", "a union needs at least one child to hold values");
    }
    this.type = type;
    this.#children = type.children.map((f) => makeBuilder(f.type));
    this.#offsets = type.mode === UnionMode.Dense ? new Int32Array(64) : null;
  }

  /** Appends a value to the first child that takes its kind (null: to the first child). */
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendChild(0, null);
    const fields = this.type.children;
    for (let k = 0; k < fields.length; k++) {
      if (accepts(fields[k].type, value)) return this.appendChild(k, value);
    }
    throw new ArrowError("invalid", `no child of the union takes a ${describe(value)}`);
  }

  /** Appends a value to child `k` (its index in `type.children`). */
  appendChild(k: number, value: unknown): void {
    const c = this.#children;
    if (!(k >= 0 && k < c.length) || !Number.isInteger(k)) {
      throw new ArrowError("invalid", `union child ${k} out of range 0..${c.length}`);
    }
    const i = this.length;
    const at = c[k].length;
    c[k].append(value);
    if (i + 1 > this.#codes.length) {
      const cap = grow(this.#codes.length, i + 1);
      const codes = new Int8Array(cap);
      codes.set(this.#codes);
      this.#codes = codes;
      if (this.#offsets) {
        const o = new Int32Array(cap);
        o.set(this.#offsets);
        this.#offsets = o;
      }
    }
    this.#codes[i] = this.type.typeIds[k];
    if (this.#offsets) this.#offsets[i] = at;
    else for (let q = 0; q < c.length; q++) if (q !== k) c[q].append(null);
    this.length++;
  }

  /** The union column. */
  finish(): Column {
    const n = this.length;
    return new UnionColumn(
      builtColumnData(this.type, n, null, {
        values: this.#codes.subarray(0, n),
        offsets: this.#offsets ? this.#offsets.subarray(0, n) : null,
        children: this.#children.map((b) => b.finish()),
      }),
    );
  }
}
