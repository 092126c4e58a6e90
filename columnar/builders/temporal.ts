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
} from "../types.ts";
import { type Builder, describe, grow, ValidityBuilder } from "./builder.ts";

const MS_PER_DAY = 86_400_000;
const MS_PER_UNIT = [1000, 1, 1e-3, 1e-6];

/**
 * A temporal type.
 *
 * @example
 * ```ts
 * import { type TemporalType, date32 } from "@avila/avx-http/columnar";
 * const t: TemporalType = date32();
 * console.log(t.typeId); // 8
 * ```
 */
export type TemporalType = DateType | TimeType | TimestampType | DurationType;

/**
 * Appends temporal values, accepting what `TemporalColumn.get` returns: for dates and
 * timestamps a `Date` or milliseconds since the epoch (number); for times and durations a count
 * in the type's unit. A `bigint` is always stored as the raw integer.
 *
 * @example
 * ```ts
 * import { TemporalBuilder, timestamp, TimeUnit } from "@avila/avx-http/columnar";
 * const b = new TemporalBuilder(timestamp(TimeUnit.MICROSECOND, "UTC"));
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
  #values: Int32Array | BigInt64Array;
  #perMs: number; // stored units per millisecond (0: count in own unit)
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type date32/64, time32/64, timestamp or duration
   */
  constructor(type: TemporalType) {
    this.type = type;
    switch (type.typeId) {
      case Type.Date:
        this.#wide = type.unit === DateUnit.MILLISECOND;
        this.#perMs = type.unit === DateUnit.DAY ? 1 / MS_PER_DAY : 1;
        break;
      case Type.Time:
        this.#wide = type.bitWidth === 64;
        this.#perMs = 0;
        break;
      case Type.Timestamp:
        this.#wide = true;
        this.#perMs = 1 / MS_PER_UNIT[type.unit];
        break;
      default:
        this.#wide = true;
        this.#perMs = 0;
    }
    this.#values = this.#wide ? new BigInt64Array(64) : new Int32Array(64);
  }

  /** Appends a Date, a number, a bigint (raw), or null. */
  append(value: Date | number | bigint | null | undefined): void {
    const i = this.length++;
    if (i >= this.#values.length) {
      const size = grow(this.#values.length, i + 1);
      const n = this.#wide ? new BigInt64Array(size) : new Int32Array(size);
      n.set(this.#values as never);
      this.#values = n;
    }
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    let raw: number | bigint;
    if (typeof value === "bigint") raw = value;
    else {
      let n: number;
      if (value instanceof Date) {
        if (this.#perMs === 0) {
          throw new ArrowError("invalid", "times and durations do not take Date values");
        }
        n = value.getTime();
      } else if (typeof value === "number") n = value;
      else throw new ArrowError("invalid", `temporal column cannot hold a ${describe(value)}`);
      if (!Number.isFinite(n)) throw new ArrowError("invalid", "temporal value is not finite");
      if (this.#perMs !== 0) {
        n = this.type.typeId === Type.Date && this.#perMs < 1
          ? Math.floor(n * this.#perMs)
          : Math.round(n * this.#perMs);
      } else n = Math.round(n);
      raw = this.#wide ? BigInt(n) : n;
    }
    this.#validity.set(i, true);
    if (this.#wide) (this.#values as BigInt64Array)[i] = BigInt(raw);
    else (this.#values as Int32Array)[i] = Number(raw);
  }

  /** The temporal column. */
  finish(): Column {
    const n = this.length;
    return new TemporalColumn({
      type: this.type,
      length: n,
      offset: 0,
      nullCount: this.#validity.nullCount,
      validity: this.#validity.finish(n),
      values: this.#values.subarray(0, n),
      offsets: null,
      children: [],
      dictionary: null,
    });
  }
}
