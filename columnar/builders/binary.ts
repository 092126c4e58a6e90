/**
 * Builders for variable-size (binary, large binary) and fixed-size bytes.
 *
 * @module
 */

import { BinaryColumn, type Column, FixedSizeBinaryColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type BinaryType, type FixedSizeBinaryType, Type } from "../types.ts";
import {
  type Builder,
  builtColumnData,
  describe,
  growBytes,
  MAX_BUILDER_LENGTH,
  ValidityBuilder,
  VarBytesParts,
} from "./builder.ts";

/**
 * Appends byte arrays into one growing buffer with offsets.
 *
 * @example
 * ```ts
 * import { BinaryBuilder } from "./binary.ts";
 * const b = new BinaryBuilder();
 * b.append(new Uint8Array([1, 2]));
 * console.log(b.finish().get(0)); // Uint8Array(2) [ 1, 2 ]
 * ```
 */
export class BinaryBuilder implements Builder<Uint8Array> {
  /** binary or large binary. */
  readonly type: BinaryType;
  /** Values appended. */
  length = 0;
  #parts = new VarBytesParts();

  /**
   * Creates an empty builder.
   *
   * @param type binary (default) or large binary
   */
  constructor(type: BinaryType = { typeId: Type.Binary }) {
    this.type = type;
  }

  /** Appends bytes or null. */
  append(value: Uint8Array | null | undefined): void {
    const i = this.length++;
    const parts = this.#parts;
    if (value === null || value === undefined) return parts.appendNull(i);
    if (!(value instanceof Uint8Array)) {
      throw new ArrowError("invalid", `binary column cannot hold a ${describe(value)}`);
    }
    const pos = parts.pos;
    parts.begin(i, value.length, "binary column exceeds 2 GiB").set(value, pos);
    parts.end(i, pos + value.length);
  }

  /** The binary column. */
  finish(): Column {
    const large = this.type.typeId === Type.LargeBinary;
    return new BinaryColumn(this.#parts.finish(this.type, this.length, large));
  }
}

/**
 * Appends byte arrays of exactly `byteWidth` bytes.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { FixedSizeBinaryBuilder } from "./binary.ts";
 * const b = new FixedSizeBinaryBuilder(types.fixedSizeBinary(2));
 * b.append(new Uint8Array([9, 8]));
 * console.log(b.finish().get(0)); // Uint8Array(2) [ 9, 8 ]
 * ```
 */
export class FixedSizeBinaryBuilder implements Builder<Uint8Array> {
  /** The fixed-size binary type. */
  readonly type: FixedSizeBinaryType;
  /** Values appended. */
  length = 0;
  #bytes: Uint8Array<ArrayBuffer>;
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a fixed-size binary type
   */
  constructor(type: FixedSizeBinaryType) {
    this.type = type;
    this.#bytes = new Uint8Array(Math.max(64, type.byteWidth * 16));
  }

  /** Appends `byteWidth` bytes or null. */
  append(value: Uint8Array | null | undefined): void {
    const w = this.type.byteWidth;
    const i = this.length++;
    const end = (i + 1) * w;
    if (end > MAX_BUILDER_LENGTH) throw new ArrowError("limit", "binary column exceeds 2 GiB");
    this.#bytes = growBytes(this.#bytes, this.#bytes.length, end);
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    if (!(value instanceof Uint8Array) || value.length !== w) {
      throw new ArrowError("invalid", `fixed-size binary column needs ${w} bytes per value`);
    }
    this.#validity.set(i, true);
    this.#bytes.set(value, i * w);
  }

  /** The fixed-size binary column. */
  finish(): Column {
    return new FixedSizeBinaryColumn(
      builtColumnData(this.type, this.length, this.#validity, {
        values: this.#bytes.subarray(0, this.length * this.type.byteWidth),
      }),
    );
  }
}
