/**
 * Builder for dictionary-encoded columns.
 *
 * @module
 */

import { type Column, DictionaryColumn, type TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { DictionaryType } from "../types.ts";
import { type Builder, growTyped, ValidityBuilder } from "./builder.ts";
import { makeBuilder } from "./make.ts";

type IndexArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

function indexArray(type: DictionaryType, n: number): IndexArray {
  const { bitWidth, signed } = type.indices;
  switch (bitWidth) {
    case 8:
      return signed ? new Int8Array(n) : new Uint8Array(n);
    case 16:
      return signed ? new Int16Array(n) : new Uint16Array(n);
    case 32:
      return signed ? new Int32Array(n) : new Uint32Array(n);
    default:
      throw new ArrowError("unsupported", "dictionary builders use indices of at most 32 bits");
  }
}

/**
 * Appends values, storing each distinct one once in the dictionary and an index per row.
 * Distinct values are found by `Map` identity (strings and numbers by value).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { DictionaryBuilder } from "./dictionary.ts";
 * const b = new DictionaryBuilder(types.dictionary(types.utf8(), types.int32()));
 * for (const s of ["H1", "L1", "H1"]) b.append(s);
 * const c = b.finish();
 * console.log(c.get(2), c.data.dictionary?.length); // "H1" 2
 * ```
 */
export class DictionaryBuilder implements Builder<unknown> {
  /** The dictionary type. */
  readonly type: DictionaryType;
  /** Values appended. */
  length = 0;
  #values: Builder;
  #seen = new Map<unknown, number>();
  #indices: IndexArray;
  #max: number;
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a dictionary type (indices of 8, 16 or 32 bits)
   */
  constructor(type: DictionaryType) {
    this.type = type;
    this.#indices = indexArray(type, 64);
    this.#values = makeBuilder(type.dictionary);
    const { bitWidth, signed } = type.indices;
    this.#max = signed ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1;
  }

  /** Appends a value or null. */
  append(value: unknown): void {
    const i = this.length++;
    if (i >= this.#indices.length) this.#indices = growTyped(this.#indices, i + 1);
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    let k = this.#seen.get(value);
    if (k === undefined) {
      k = this.#values.length;
      if (k > this.#max) throw new ArrowError("limit", "dictionary index type overflow");
      this.#values.append(value);
      this.#seen.set(value, k);
    }
    this.#validity.set(i, true);
    this.#indices[i] = k;
  }

  /** The dictionary column. */
  finish(): Column {
    return new DictionaryColumn({
      type: this.type,
      length: this.length,
      offset: 0,
      nullCount: this.#validity.nullCount,
      validity: this.#validity.finish(this.length),
      values: this.#indices.subarray(0, this.length) as TypedArray,
      offsets: null,
      children: [],
      dictionary: this.#values.finish(),
    });
  }
}
