/**
 * Builder for dates, times, timestamps and durations.
 *
 * @module
 */

import { type Column, TemporalColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import {
  type DateType,
  DateUnit,
  type DurationType,
  type TimestampType,
  type TimeType,
  Type,
  typeToString,
} from "../types.ts";
import {
  type Builder,
  type BuilderOptions,
  cannotHold,
  describe,
  FixedWidthParts,
} from "./builder.ts";

const MS_PER_DAY = 86_400_000n;
/** Stored units per millisecond of a timestamp, as multiplier / divisor, by `TimeUnit`. */
const PER_MS: ReadonlyArray<readonly [bigint, bigint]> = [
  [1n, 1000n],
  [1n, 1n],
  [1000n, 1n],
  [1_000_000n, 1n],
];
/** Stored units in one day of a time of day, by `TimeUnit`: times are in [0, one day). */
const PER_DAY: readonly bigint[] = [
  86_400n,
  MS_PER_DAY,
  MS_PER_DAY * 1000n,
  MS_PER_DAY * 1_000_000n,
];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * A temporal type.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { type TemporalType } from "./temporal.ts";
 * const t: TemporalType = types.date32();
 * console.log(t.typeId); // 8
 * ```
 */
export type TemporalType = DateType | TimeType | TimestampType | DurationType;

/**
 * Appends temporal values, accepting what `TemporalColumn.get` returns: for dates and
 * timestamps a `Date` or milliseconds since the epoch (number), converted exactly and floored
 * to coarser units (12:00:01.9 is second 12:00:01, never 12:00:02); for times and durations an
 * integer count in the type's unit. A `bigint` is always stored as the raw integer. Values
 * outside the storage (date32 is 32-bit days) are `invalid` errors unless
 * `{ overflow: "wrap" }`.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * import { TemporalBuilder } from "./temporal.ts";
 * const b = new TemporalBuilder(types.timestamp(TimeUnit.MICROSECOND, "UTC"));
 * b.append(new Date(1500));
 * console.log(b.finish().data.values); // BigInt64Array(1) [ 1500000n ]
 * ```
 */
export class TemporalBuilder implements Builder<Date | number | bigint> {
  /** The temporal type. */
  readonly type: TemporalType;
  /** Values appended. */
  length = 0;
  #wide: boolean;
  #parts: FixedWidthParts<Int32Array | BigInt64Array>;
  /** Instants (timestamps, dates) take Dates and epoch-ms numbers: units per ms, exactly. */
  #perMs: readonly [bigint, bigint] | null;
  /** date64 holds whole days in ms; times hold [0, this) (Schema.fbs; pyarrow validates both). */
  #day: bigint | null = null;
  #wrap: boolean;

  /**
   * Creates an empty builder.
   *
   * @param type date32/64, time32/64, timestamp or duration
   * @param options `overflow`: `"error"` (default) or `"wrap"`
   */
  constructor(type: TemporalType, options: BuilderOptions = {}) {
    this.type = type;
    switch (type.typeId) {
      case Type.Date:
        this.#wide = type.unit === DateUnit.MILLISECOND;
        this.#perMs = [1n, MS_PER_DAY];
        if (this.#wide) this.#day = MS_PER_DAY;
        break;
      case Type.Time:
        this.#wide = type.bitWidth === 64;
        this.#perMs = null;
        this.#day = PER_DAY[type.unit];
        break;
      case Type.Timestamp:
        this.#wide = true;
        this.#perMs = PER_MS[type.unit];
        break;
      default:
        this.#wide = true;
        this.#perMs = null;
    }
    this.#parts = new FixedWidthParts(this.#wide ? new BigInt64Array(64) : new Int32Array(64));
    this.#wrap = options.overflow === "wrap";
  }

  /** The raw stored value of a non-null `value`, checked (or wrapped) to fit. */
  #raw(value: Date | number | bigint): bigint {
    let raw: bigint;
    const what = typeToString(this.type);
    const per = this.#perMs;
    if (typeof value === "bigint") raw = value;
    else if (value instanceof Date || typeof value === "number") {
      let n: number;
      if (value instanceof Date) {
        if (this.#perMs === null) {
          throw new ArrowError("invalid", "times and durations do not take Date values");
        }
        n = value.getTime();
      } else n = value;
      if (!Number.isFinite(n)) throw new ArrowError("invalid", "temporal value is not finite");
      if (per !== null && !Number.isInteger(n)) {
        // fractional epoch ms (what get() returns for us/ns): to the nearest finer unit, or
        // the coarser unit that contains the instant. Whole ms and the fraction apart, so no
        // float product past 2^53 (1.7e12 + 0.5 ms is 1_700_000_000_000_500_000 ns exactly).
        const whole = Math.floor(n);
        raw = per[0] > 1n
          ? BigInt(whole) * per[0] + BigInt(Math.round((n - whole) * Number(per[0])))
          : floorDiv(BigInt(whole), per[1]);
      } else {
        if (!Number.isInteger(n)) {
          if (!this.#wrap) throw cannotHold(n, what, "not an integer");
          n = Math.trunc(n);
        }
        // an instant lands in the unit that contains it: floor, never rounding up a second
        raw = per !== null ? floorDiv(BigInt(n) * per[0], per[1]) : BigInt(n);
      }
      // date64 stores whole days as ms: count them (floored), then back to ms
      if (this.#day !== null && per !== null) raw *= this.#day;
    } else throw new ArrowError("invalid", `temporal column cannot hold a ${describe(value)}`);
    const day = this.#day;
    if (day !== null) {
      // not storage overflow, so never wrapped: Arrow readers refuse these values
      if (per !== null && raw % day !== 0n) {
        throw cannotHold(raw, what, "not a whole number of days (86400000 ms)");
      }
      if (per === null && !(raw >= 0n && raw < day)) {
        throw cannotHold(raw, what, `outside a day, 0..${day - 1n}`);
      }
    }
    const bits = this.#wide ? 64 : 32;
    if (BigInt.asIntN(bits, raw) !== raw) {
      if (!this.#wrap) throw cannotHold(raw, what, `outside ${bits}-bit storage`);
      raw = BigInt.asIntN(bits, raw);
    }
    return raw;
  }

  /**
   * Appends a Date or an epoch-ms integer (timestamps and dates), an integer in the column's
   * own unit (times, durations), a bigint (raw, in the column's unit), or null.
   */
  append(value: Date | number | bigint | null | undefined): void {
    const raw = value === null || value === undefined ? 0n : this.#raw(value);
    const i = this.length++;
    const values = this.#parts.next(i, value !== null && value !== undefined);
    // a null stores 0
    if (this.#wide) (values as BigInt64Array)[i] = raw;
    else (values as Int32Array)[i] = Number(raw);
  }

  /** The temporal column. */
  finish(): Column {
    return new TemporalColumn(this.#parts.finish(this.type, this.length));
  }
}
