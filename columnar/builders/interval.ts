/**
 * Builder for calendar intervals (year-month, day-time, month-day-nano).
 *
 * @module
 */

import {
  type Column,
  type DayTime,
  INTERVAL_WORDS,
  IntervalColumn,
  type MonthDayNano,
} from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type IntervalType, IntervalUnit } from "../types.ts";
import { type Builder, describe, FixedWidthParts } from "./builder.ts";

function int32(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
    throw new ArrowError("invalid", `interval ${what} must be an int32, got ${describe(v)}`);
  }
  return v;
}

/**
 * Appends intervals: a number of months (year-month), `{ days, milliseconds }` (day-time) or
 * `{ months, days, nanoseconds }` (month-day-nano, nanoseconds a bigint or safe integer).
 *
 * @example
 * ```ts
 * import { IntervalUnit, types } from "@avila/arrow";
 * import { IntervalBuilder } from "./interval.ts";
 * const b = new IntervalBuilder(types.interval(IntervalUnit.DAY_TIME));
 * b.append({ days: 2, milliseconds: 30 });
 * console.log(b.finish().get(0)); // { days: 2, milliseconds: 30 }
 * ```
 */
export class IntervalBuilder implements Builder<number | DayTime | MonthDayNano> {
  /** The interval type. */
  readonly type: IntervalType;
  /** Values appended. */
  length = 0;
  #n: number;
  #parts: FixedWidthParts<Int32Array>;

  /**
   * Creates an empty builder.
   *
   * @param type an interval type
   */
  constructor(type: IntervalType) {
    this.type = type;
    this.#n = INTERVAL_WORDS[type.unit];
    this.#parts = new FixedWidthParts(new Int32Array(64), this.#n);
  }

  /** Appends an interval or null. */
  append(value: number | DayTime | MonthDayNano | null | undefined): void {
    let w: number[];
    if (value === null || value === undefined) w = [];
    else if (this.type.unit === IntervalUnit.YEAR_MONTH) w = [int32(value, "months")];
    else if (typeof value !== "object") {
      throw new ArrowError("invalid", `interval column cannot hold a ${describe(value)}`);
    } else if (this.type.unit === IntervalUnit.DAY_TIME) {
      const v = value as DayTime;
      w = [int32(v.days, "days"), int32(v.milliseconds, "milliseconds")];
    } else {
      const v = value as MonthDayNano;
      const ns = typeof v.nanoseconds === "number" && Number.isSafeInteger(v.nanoseconds)
        ? BigInt(v.nanoseconds)
        : v.nanoseconds;
      if (typeof ns !== "bigint" || BigInt.asIntN(64, ns) !== ns) {
        throw new ArrowError("invalid", "interval nanoseconds must be an int64");
      }
      w = [
        int32(v.months, "months"),
        int32(v.days, "days"),
        Number(BigInt.asIntN(32, ns)),
        Number(ns >> 32n),
      ];
    }
    const i = this.length++;
    const words = this.#parts.next(i, w.length > 0);
    const k = i * this.#n;
    for (let q = 0; q < w.length; q++) words[k + q] = w[q];
  }

  /** The interval column. */
  finish(): Column {
    return new IntervalColumn(this.#parts.finish(this.type, this.length));
  }
}
