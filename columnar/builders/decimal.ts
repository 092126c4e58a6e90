/**
 * Builder for decimals (32, 64, 128 and 256 bits).
 *
 * @module
 */

import { type Column, DecimalColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type DecimalType, typeToString } from "../types.ts";
import { type Builder, cannotHold, describe, FixedWidthParts } from "./builder.ts";

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** Most digits of a decimal, by storage width (Arrow's limits: 9, 18, 38, 76). */
const MAX_PRECISION: Record<number, number> = { 32: 9, 64: 18, 128: 38, 256: 76 };

/** A finite number as the decimal string it prints as (exponent spelled out). */
function plainDecimal(x: number): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(String(x));
  if (m === null) return String(x);
  const digits = m[2] + (m[3] ?? ""), exp = Number(m[4]) - (m[3] ?? "").length;
  const body = exp >= 0
    ? digits + "0".repeat(exp)
    : (digits.length > -exp ? digits.slice(0, exp) : "0") + "." +
      digits.slice(exp).padStart(-exp, "0");
  return m[1] + body;
}

/**
 * Appends decimals: a `bigint` is the unscaled integer; a string (`"-12.345"`) or a number is
 * scaled by the type's scale (extra fraction digits are an error, not silently rounded).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { DecimalBuilder } from "./decimal.ts";
 * import { DecimalColumn } from "../column.ts";
 * const b = new DecimalBuilder(types.decimal128(10, 2));
 * b.append("12.5");
 * console.log((b.finish() as DecimalColumn).getString(0)); // "12.50"
 * ```
 */
export class DecimalBuilder implements Builder<bigint | string | number> {
  /** The decimal type. */
  readonly type: DecimalType;
  /** Values appended. */
  length = 0;
  /** Words of 32 bits per value. */
  #n: number;
  #parts: FixedWidthParts<Uint32Array>;

  /**
   * Creates an empty builder.
   *
   * @param type a decimal type of any width
   */
  constructor(type: DecimalType) {
    const max = MAX_PRECISION[type.bitWidth as number] ?? 38;
    if (!Number.isInteger(type.precision) || type.precision < 1 || type.precision > max) {
      throw new ArrowError(
        "invalid",
        `decimal${type.bitWidth} precision must be 1..${max}, not ${type.precision}`,
      );
    }
    if (!Number.isInteger(type.scale)) {
      throw new ArrowError("invalid", "decimal scale must be an integer");
    }
    this.type = type;
    this.#n = type.bitWidth >> 5;
    this.#parts = new FixedWidthParts(new Uint32Array(256), this.#n);
    this.#limit = 10n ** BigInt(type.precision);
  }

  #limit: bigint;

  #parse(value: string): bigint {
    const m = DECIMAL_RE.exec(value.trim());
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
      throw new ArrowError("invalid", "not a decimal string");
    }
    const scale = this.type.scale;
    if (scale < 0) {
      // negative scale: whole multiples of 10^-scale only
      if (/[^0]/.test(m[3] ?? "")) throw new ArrowError("invalid", "decimal has fraction digits");
      const whole = BigInt(m[2] || "0"), unit = 10n ** BigInt(-scale);
      if (whole % unit !== 0n) {
        throw new ArrowError("invalid", `decimal is not a multiple of ${unit}`);
      }
      return m[1] === "-" ? -(whole / unit) : whole / unit;
    }
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

  /**
   * Appends a bigint (unscaled), a decimal string or number, or null. A value with more
   * fraction digits than the scale (numbers as they print: 0.1 is "0.1") or more digits than
   * the precision is an `invalid` error: nothing is rounded or truncated.
   */
  append(value: bigint | string | number | null | undefined): void {
    let v = 0n;
    if (value !== null && value !== undefined) {
      if (typeof value === "bigint") v = value;
      else if (typeof value === "string") v = this.#parse(value);
      else if (typeof value === "number" && Number.isFinite(value)) {
        v = this.#parse(plainDecimal(value));
      } else throw new ArrowError("invalid", `decimal column cannot hold a ${describe(value)}`);
      if (v >= this.#limit || v <= -this.#limit) {
        throw cannotHold(
          typeof value === "bigint" ? v : value,
          typeToString(this.type),
          `more than ${this.type.precision} digits`,
        );
      }
    }
    const i = this.length++;
    const out = this.#parts.next(i, value !== null && value !== undefined);
    if (value === null || value === undefined) return;
    const words = this.#n;
    const u = BigInt.asUintN(this.type.bitWidth, v);
    const k = i * words;
    for (let w = 0; w < words; w++) {
      out[k + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
    }
  }

  /** The decimal column. */
  finish(): Column {
    return new DecimalColumn(this.#parts.finish(this.type, this.length));
  }
}
