/**
 * Builder for decimals (32, 64, 128 and 256 bits).
 *
 * @module
 */

import { type Column, DecimalColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { DecimalType } from "../types.ts";
import { type Builder, describe, grow, ValidityBuilder } from "./builder.ts";

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Appends decimals: a `bigint` is the unscaled integer; a string (`"-12.345"`) or a number is
 * scaled by the type's scale (extra fraction digits are an error, not silently rounded).
 *
 * @example
 * ```ts
 * import { DecimalBuilder, decimal128, DecimalColumn } from "@avila/avx-http/columnar";
 * const b = new DecimalBuilder(decimal128(10, 2));
 * b.append("12.5");
 * console.log((b.finish() as DecimalColumn).getString(0)); // "12.50"
 * ```
 */
export class DecimalBuilder implements Builder<bigint | string | number> {
  /** The decimal type. */
  readonly type: DecimalType;
  /** Values appended. */
  length = 0;
  #words = new Uint32Array(256);
  /** Words of 32 bits per value. */
  #n: number;
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a decimal type of any width
   */
  constructor(type: DecimalType) {
    this.type = type;
    this.#n = type.bitWidth >> 5;
  }

  #parse(value: string): bigint {
    const m = DECIMAL_RE.exec(value.trim());
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
      throw new ArrowError("invalid", "not a decimal string");
    }
    const scale = this.type.scale;
    let frac = m[3] ?? "";
    if (frac.length > scale) {
      if (/[^0]/.test(frac.slice(scale))) {
        throw new ArrowError("invalid", `decimal has more than ${scale} fraction digits`);
      }
      frac = frac.slice(0, scale);
    }
    const digits = (m[2] || "0") + frac.padEnd(Math.max(scale, 0), "0");
    const v = BigInt(digits);
    return m[1] === "-" ? -v : v;
  }

  /** Appends a bigint (unscaled), a decimal string or number, or null. */
  append(value: bigint | string | number | null | undefined): void {
    const i = this.length++;
    const words = this.#n;
    if ((i + 1) * words > this.#words.length) {
      const n = new Uint32Array(grow(this.#words.length, (i + 1) * words));
      n.set(this.#words);
      this.#words = n;
    }
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    let v: bigint;
    if (typeof value === "bigint") v = value;
    else if (typeof value === "string") v = this.#parse(value);
    else if (typeof value === "number" && Number.isFinite(value)) {
      v = this.#parse(value.toFixed(Math.min(Math.max(this.type.scale, 0), 100)));
    } else throw new ArrowError("invalid", `decimal column cannot hold a ${describe(value)}`);
    const bits = this.type.bitWidth;
    const top = 1n << BigInt(bits - 1);
    if (v >= top || v < -top) {
      throw new ArrowError("invalid", `decimal value does not fit in ${bits} bits`);
    }
    this.#validity.set(i, true);
    const u = BigInt.asUintN(bits, v);
    const k = i * words;
    for (let w = 0; w < words; w++) {
      this.#words[k + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
    }
  }

  /** The decimal column. */
  finish(): Column {
    const n = this.length;
    return new DecimalColumn({
      type: this.type,
      length: n,
      offset: 0,
      nullCount: this.#validity.nullCount,
      validity: this.#validity.finish(n),
      values: this.#words.subarray(0, n * this.#n),
      offsets: null,
      children: [],
      dictionary: null,
    });
  }
}
