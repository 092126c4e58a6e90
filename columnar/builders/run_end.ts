/**
 * Builder for run-end encoded columns.
 *
 * @module
 */

import { type Column, RunEndEncodedColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { IntType, RunEndEncodedType } from "../types.ts";
import { type Builder, builtColumnData } from "./builder.ts";
import { makeBuilder } from "./make.ts";

/** Same run: numbers by `Object.is` (NaN with NaN, not -0 with 0), equal primitives, both
 * null, or equal bytes. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return false;
}

/**
 * Appends values, starting a new run whenever a value differs from the previous one
 * (primitives and byte arrays are compared by value; objects and arrays always start a run).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { RunEndEncodedBuilder } from "./run_end.ts";
 * const b = new RunEndEncodedBuilder(types.runEndEncoded(types.int32(), types.float64()));
 * for (const v of [1, 1, 1, 2]) b.append(v);
 * console.log(b.finish().toArray()); // [ 1, 1, 1, 2 ]
 * ```
 */
export class RunEndEncodedBuilder implements Builder<unknown> {
  /** The run-end encoded type. */
  readonly type: RunEndEncodedType;
  /** Values appended. */
  length = 0;
  #ends: Builder;
  #values: Builder;
  #max: number;
  #last: unknown = undefined;
  #pending = false;

  /**
   * Creates an empty builder.
   *
   * @param type a run-end encoded type
   */
  constructor(type: RunEndEncodedType) {
    this.type = type;
    const endType = type.children[0].type as IntType;
    this.#ends = makeBuilder(endType);
    this.#values = makeBuilder(type.children[1].type);
    this.#max = endType.bitWidth === 16
      ? 0x7fff
      : endType.bitWidth === 32
      ? 0x7fffffff
      : 2 ** 53 - 1;
  }

  #closeRun(): void {
    if (!this.#pending) return;
    const endType = this.type.children[0].type as IntType;
    this.#ends.append(endType.bitWidth === 64 ? BigInt(this.length) : this.length);
    this.#pending = false;
  }

  /** Appends a value or null. */
  append(value: unknown): void {
    const v = value === undefined ? null : value;
    if (this.length + 1 > this.#max) {
      throw new ArrowError("limit", "run-end encoded column longer than its run end type allows");
    }
    if (this.#pending && sameValue(this.#last, v)) {
      this.length++;
      return;
    }
    this.#closeRun();
    this.#values.append(v);
    this.#last = v;
    this.#pending = true;
    this.length++;
  }

  /** The run-end encoded column. */
  finish(): Column {
    this.#closeRun();
    return new RunEndEncodedColumn(
      builtColumnData(this.type, this.length, null, {
        children: [this.#ends.finish(), this.#values.finish()],
      }),
    );
  }
}
