/**
 * Data type descriptors: plain, immutable objects tagged with `typeId`, the numbering of Arrow's
 * `Schema.fbs` `Type` union (dictionary encoding, a field property in the spec, is modelled as a
 * type with id {@link Type.Dictionary} = -1, as flechette does).
 *
 * @module
 */

import { ArrowError } from "./errors.ts";
import { Field } from "./schema.ts";

/**
 * Type ids, equal to the `Type` union tags of Arrow's `Schema.fbs`.
 *
 * @example
 * ```ts
 * import { Type, types } from "@avila/arrow";
 * console.log(types.float64().typeId === Type.Float); // true
 * ```
 */
export const Type = {
  /** Dictionary-encoded values (a field property in the spec). */
  Dictionary: -1,
  /** All values null, no buffers. */
  Null: 1,
  /** Signed or unsigned integers of 8, 16, 32 or 64 bits. */
  Int: 2,
  /** IEEE 754 floats: half, single, double. */
  Float: 3,
  /** Variable-size bytes, int32 offsets. */
  Binary: 4,
  /** Variable-size UTF-8 strings, int32 offsets. */
  Utf8: 5,
  /** Bit-packed booleans. */
  Bool: 6,
  /** Fixed-point decimal (128-bit storage here). */
  Decimal: 7,
  /** Days (32-bit) or milliseconds (64-bit) since the UNIX epoch. */
  Date: 8,
  /** Time of day. */
  Time: 9,
  /** Calendar intervals: months, days and milliseconds, or months, days and nanoseconds. */
  Interval: 11,
  /** 64-bit instant since the epoch in a time unit, with an optional time zone. */
  Timestamp: 10,
  /** Variable-size list, int32 offsets. */
  List: 12,
  /** Named child columns. */
  Struct: 13,
  /** Each value from one of several child columns (sparse or dense). */
  Union: 14,
  /** Fixed-size bytes. */
  FixedSizeBinary: 15,
  /** Fixed-size list. */
  FixedSizeList: 16,
  /** Key-value entries: a list of `struct<key, value>`. */
  Map: 17,
  /** 64-bit elapsed time in a time unit. */
  Duration: 18,
  /** Variable-size bytes, int64 offsets. */
  LargeBinary: 19,
  /** Variable-size UTF-8 strings, int64 offsets. */
  LargeUtf8: 20,
  /** Variable-size list, int64 offsets. */
  LargeList: 21,
  /** Runs of equal values: run ends and values child columns. */
  RunEndEncoded: 22,
  /** Variable-size bytes in the view layout (16-byte views). */
  BinaryView: 23,
  /** UTF-8 strings in the view layout (16-byte views). */
  Utf8View: 24,
  /** Variable-size list with int32 offsets and sizes. */
  ListView: 25,
  /** Variable-size list with int64 offsets and sizes. */
  LargeListView: 26,
} as const;

/**
 * The `Schema.fbs` name of a `Type` union tag, for messages about types (`"run-end encoded"`
 * rather than 22).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeName(22)); // "run-end encoded"
 * ```
 */
export function typeName(typeId: number): string {
  return TYPE_NAMES[typeId] ?? `unknown type ${typeId}`;
}

const TYPE_NAMES: Record<number, string> = {
  [-1]: "dictionary",
  0: "none",
  1: "null",
  2: "int",
  3: "floating point",
  4: "binary",
  5: "utf8",
  6: "bool",
  7: "decimal",
  8: "date",
  9: "time",
  10: "timestamp",
  11: "interval",
  12: "list",
  13: "struct",
  14: "union",
  15: "fixed-size binary",
  16: "fixed-size list",
  17: "map",
  18: "duration",
  19: "large binary",
  20: "large utf8",
  21: "large list",
  22: "run-end encoded",
  23: "binary view",
  24: "utf8 view",
  25: "list view",
  26: "large list view",
};

/**
 * One of the {@link Type} ids.
 *
 * @example
 * ```ts
 * import { Type } from "@avila/arrow";
 * const t: Type = Type.Utf8;
 * console.log(t); // 5
 * ```
 */
export type Type = typeof Type[keyof typeof Type];

/**
 * Time units of timestamps, times and durations (`Schema.fbs` `TimeUnit`).
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * console.log(types.timestamp(TimeUnit.NANOSECOND, "UTC").unit); // 3
 * ```
 */
export const TimeUnit = {
  /** Seconds. */
  SECOND: 0,
  /** Milliseconds. */
  MILLISECOND: 1,
  /** Microseconds. */
  MICROSECOND: 2,
  /** Nanoseconds. */
  NANOSECOND: 3,
} as const;

/**
 * One of the {@link TimeUnit} values.
 *
 * @example
 * ```ts
 * import { TimeUnit } from "@avila/arrow";
 * const u: TimeUnit = TimeUnit.MICROSECOND;
 * console.log(u); // 2
 * ```
 */
export type TimeUnit = typeof TimeUnit[keyof typeof TimeUnit];

/**
 * Float precisions (`Schema.fbs` `Precision`).
 *
 * @example
 * ```ts
 * import { Precision, types } from "@avila/arrow";
 * console.log(types.float32().precision === Precision.SINGLE); // true
 * ```
 */
export const Precision = {
  /** 16-bit IEEE half. */
  HALF: 0,
  /** 32-bit IEEE single. */
  SINGLE: 1,
  /** 64-bit IEEE double. */
  DOUBLE: 2,
} as const;

/**
 * One of the {@link Precision} values.
 *
 * @example
 * ```ts
 * import { Precision } from "@avila/arrow";
 * const p: Precision = Precision.DOUBLE;
 * console.log(p); // 2
 * ```
 */
export type Precision = typeof Precision[keyof typeof Precision];

/**
 * Date units (`Schema.fbs` `DateUnit`): DAY is date32, MILLISECOND is date64.
 *
 * @example
 * ```ts
 * import { DateUnit, types } from "@avila/arrow";
 * console.log(types.date32().unit === DateUnit.DAY); // true
 * ```
 */
export const DateUnit = {
  /** 32-bit days since the epoch. */
  DAY: 0,
  /** 64-bit milliseconds since the epoch. */
  MILLISECOND: 1,
} as const;

/**
 * One of the {@link DateUnit} values.
 *
 * @example
 * ```ts
 * import { DateUnit } from "@avila/arrow";
 * const u: DateUnit = DateUnit.DAY;
 * console.log(u); // 0
 * ```
 */
export type DateUnit = typeof DateUnit[keyof typeof DateUnit];

/**
 * Interval units (`Schema.fbs` `IntervalUnit`).
 *
 * @example
 * ```ts
 * import { IntervalUnit, types } from "@avila/arrow";
 * console.log(types.interval(IntervalUnit.MONTH_DAY_NANO).unit); // 2
 * ```
 */
export const IntervalUnit = {
  /** int32 months. */
  YEAR_MONTH: 0,
  /** int32 days, int32 milliseconds. */
  DAY_TIME: 1,
  /** int32 months, int32 days, int64 nanoseconds. */
  MONTH_DAY_NANO: 2,
} as const;

/**
 * One of the {@link IntervalUnit} values.
 *
 * @example
 * ```ts
 * import { IntervalUnit } from "@avila/arrow";
 * const u: IntervalUnit = IntervalUnit.DAY_TIME;
 * console.log(u); // 1
 * ```
 */
export type IntervalUnit = typeof IntervalUnit[keyof typeof IntervalUnit];

/**
 * Union modes (`Schema.fbs` `UnionMode`).
 *
 * @example
 * ```ts
 * import { types, UnionMode } from "@avila/arrow";
 * console.log(types.denseUnion({ i: types.int32() }).mode === UnionMode.Dense); // true
 * ```
 */
export const UnionMode = {
  /** Every child has the union's length; no offsets. */
  Sparse: 0,
  /** Children hold only their own values; int32 offsets point into them. */
  Dense: 1,
} as const;

/**
 * One of the {@link UnionMode} values.
 *
 * @example
 * ```ts
 * import { UnionMode } from "@avila/arrow";
 * const m: UnionMode = UnionMode.Sparse;
 * console.log(m); // 0
 * ```
 */
export type UnionMode = typeof UnionMode[keyof typeof UnionMode];

/**
 * Every data type this module reads and writes: a plain descriptor `{ typeId, ... }`
 * discriminated by `typeId` (see {@link Type}). The `types` namespace names each member
 * (`types.IntType`, `types.ListType`, ...) and builds them (`types.int32()`, `types.list(...)`).
 *
 * @example
 * ```ts
 * import { type DataType, types } from "@avila/arrow";
 * const t: DataType = types.float64();
 * console.log(types.typeToString(t)); // "types.float64"
 * ```
 */
export type DataType =
  /** The null type: every value is null, no buffers. */
  | {
    /** {@link Type.Null} */
    readonly typeId: typeof Type.Null;
  }
  /** A signed or unsigned integer. */
  | {
    /** {@link Type.Int} */
    readonly typeId: typeof Type.Int;
    /** 8, 16, 32 or 64. */
    readonly bitWidth: 8 | 16 | 32 | 64;
    /** Two's complement when true. */
    readonly signed: boolean;
  }
  /** An IEEE float. */
  | {
    /** {@link Type.Float} */
    readonly typeId: typeof Type.Float;
    /** Half, single or double. */
    readonly precision: Precision;
  }
  /** Bit-packed booleans. */
  | {
    /** {@link Type.Bool} */
    readonly typeId: typeof Type.Bool;
  }
  /**
   * A decimal of 32, 64, 128 or 256 bits: unscaled two's complement integer,
   * value = unscaled / 10^scale.
   */
  | {
    /** {@link Type.Decimal} */
    readonly typeId: typeof Type.Decimal;
    /** Total significant digits (1..9, 18, 38 or 76 for 32, 64, 128, 256 bits). */
    readonly precision: number;
    /** Digits after the decimal point. */
    readonly scale: number;
    /** Storage width in bits. */
    readonly bitWidth: 32 | 64 | 128 | 256;
  }
  /** Variable-size UTF-8 (int32 offsets) or large UTF-8 (int64 offsets). */
  | {
    /** {@link Type.Utf8}, {@link Type.LargeUtf8} or {@link Type.Utf8View} */
    readonly typeId: typeof Type.Utf8 | typeof Type.LargeUtf8 | typeof Type.Utf8View;
  }
  /** Variable-size bytes (int32 offsets) or large binary (int64 offsets). */
  | {
    /** {@link Type.Binary}, {@link Type.LargeBinary} or {@link Type.BinaryView} */
    readonly typeId: typeof Type.Binary | typeof Type.LargeBinary | typeof Type.BinaryView;
  }
  /** Fixed-size bytes. */
  | {
    /** {@link Type.FixedSizeBinary} */
    readonly typeId: typeof Type.FixedSizeBinary;
    /** Bytes per value. */
    readonly byteWidth: number;
  }
  /** A calendar date. */
  | {
    /** {@link Type.Date} */
    readonly typeId: typeof Type.Date;
    /** DAY (date32) or MILLISECOND (date64). */
    readonly unit: DateUnit;
  }
  /** Time of day: 32-bit for seconds/milliseconds, 64-bit for micro/nanoseconds. */
  | {
    /** {@link Type.Time} */
    readonly typeId: typeof Type.Time;
    /** Unit of the stored integers. */
    readonly unit: TimeUnit;
    /** 32 or 64. */
    readonly bitWidth: 32 | 64;
  }
  /** A 64-bit instant since the UNIX epoch. */
  | {
    /** {@link Type.Timestamp} */
    readonly typeId: typeof Type.Timestamp;
    /** Unit of the stored integers. */
    readonly unit: TimeUnit;
    /** IANA name or offset (`"UTC"`, `"+02:00"`), or null for a zone-less wall clock. */
    readonly timezone: string | null;
  }
  /** A 64-bit elapsed time. */
  | {
    /** {@link Type.Duration} */
    readonly typeId: typeof Type.Duration;
    /** Unit of the stored integers. */
    readonly unit: TimeUnit;
  }
  /** A variable-size list with int32 (list) or int64 (large list) offsets. */
  | {
    /** {@link Type.List} or {@link Type.LargeList} */
    readonly typeId: typeof Type.List | typeof Type.LargeList;
    /** The element field (conventionally named "item"). */
    readonly child: Field;
  }
  /** A fixed-size list. */
  | {
    /** {@link Type.FixedSizeList} */
    readonly typeId: typeof Type.FixedSizeList;
    /** The element field. */
    readonly child: Field;
    /** Elements per list. */
    readonly listSize: number;
  }
  /**
   * A variable-size list in the view layout: an offset and a size per list, so lists may share
   * or reorder child elements.
   */
  | {
    /** {@link Type.ListView} or {@link Type.LargeListView} */
    readonly typeId: typeof Type.ListView | typeof Type.LargeListView;
    /** The element field. */
    readonly child: Field;
  }
  /** A map: a list of non-null `struct<key, value>` entries (keys non-null). */
  | {
    /** {@link Type.Map} */
    readonly typeId: typeof Type.Map;
    /** The entries field: a non-null struct of `key` and `value`. */
    readonly child: Field;
    /** Whether keys are sorted within each map. */
    readonly keysSorted: boolean;
  }
  /** A union: each value comes from one child, chosen by an 8-bit type code. */
  | {
    /** {@link Type.Union} */
    readonly typeId: typeof Type.Union;
    /** Sparse or dense. */
    readonly mode: UnionMode;
    /** Type code of each child, in child order. */
    readonly typeIds: readonly number[];
    /** Child fields. */
    readonly children: readonly Field[];
  }
  /** Run-end encoding: `runEnds` (int16/32/64, strictly increasing) ends each run of `values`. */
  | {
    /** {@link Type.RunEndEncoded} */
    readonly typeId: typeof Type.RunEndEncoded;
    /** `[run_ends, values]` fields. */
    readonly children: readonly [Field, Field];
  }
  /** A calendar interval. */
  | {
    /** {@link Type.Interval} */
    readonly typeId: typeof Type.Interval;
    /** Year-month, day-time or month-day-nano. */
    readonly unit: IntervalUnit;
  }
  /** Named child columns of equal length. */
  | {
    /** {@link Type.Struct} */
    readonly typeId: typeof Type.Struct;
    /** Child fields in order. */
    readonly children: readonly Field[];
  }
  /** Dictionary-encoded values: integer indices into a dictionary column sent once. */
  | {
    /** {@link Type.Dictionary} */
    readonly typeId: typeof Type.Dictionary;
    /** Dictionary id; unique within a schema (the IPC writer renumbers when needed). */
    readonly id: number;
    /** Type of the dictionary values (usually utf8). */
    readonly dictionary: DataType;
    /** Type of the indices (signed ints recommended; int32 by default). */
    readonly indices: Extract<DataType, { readonly typeId: typeof Type.Int }>;
    /** Whether the dictionary order is meaningful. */
    readonly ordered: boolean;
  };

/** The member of {@link DataType} whose `typeId` can be `Id`. */
type DataTypeOf<Id extends number> = DataType extends infer D
  ? D extends { readonly typeId: infer I } ? Id extends I ? D : never : never
  : never;

/**
 * The null type: every value is null, no buffers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.NullType = types.nullType();
 * console.log(t.typeId); // 1
 * ```
 */
export type NullType = DataTypeOf<typeof Type.Null>;

/**
 * A signed or unsigned integer.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.IntType = types.int16();
 * console.log(t.bitWidth, t.signed); // 16 true
 * ```
 */
export type IntType = DataTypeOf<typeof Type.Int>;

/**
 * An IEEE float.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.FloatType = types.float32();
 * console.log(t.precision); // 1
 * ```
 */
export type FloatType = DataTypeOf<typeof Type.Float>;

/**
 * Bit-packed booleans.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.BoolType = types.bool();
 * console.log(t.typeId); // 6
 * ```
 */
export type BoolType = DataTypeOf<typeof Type.Bool>;

/**
 * A decimal of 32, 64, 128 or 256 bits: unscaled two's complement integer,
 * value = unscaled / 10^scale.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.DecimalType = types.decimal128(12, 3);
 * console.log(t.scale); // 3
 * ```
 */
export type DecimalType = DataTypeOf<typeof Type.Decimal>;

/**
 * Variable-size UTF-8 (int32 offsets) or large UTF-8 (int64 offsets).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.Utf8Type = types.utf8();
 * console.log(t.typeId); // 5
 * ```
 */
export type Utf8Type = DataTypeOf<typeof Type.Utf8>;

/**
 * Variable-size bytes (int32 offsets) or large binary (int64 offsets).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.BinaryType = types.binary();
 * console.log(t.typeId); // 4
 * ```
 */
export type BinaryType = DataTypeOf<typeof Type.Binary>;

/**
 * Fixed-size bytes.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.FixedSizeBinaryType = types.fixedSizeBinary(16);
 * console.log(t.byteWidth); // 16
 * ```
 */
export type FixedSizeBinaryType = DataTypeOf<typeof Type.FixedSizeBinary>;

/**
 * A calendar date.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.DateType = types.date64();
 * console.log(t.unit); // 1
 * ```
 */
export type DateType = DataTypeOf<typeof Type.Date>;

/**
 * Time of day: 32-bit for seconds/milliseconds, 64-bit for micro/nanoseconds.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * const t: types.TimeType = types.time(TimeUnit.NANOSECOND);
 * console.log(t.bitWidth); // 64
 * ```
 */
export type TimeType = DataTypeOf<typeof Type.Time>;

/**
 * A 64-bit instant since the UNIX epoch.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * const t: types.TimestampType = types.timestamp(TimeUnit.SECOND, "UTC");
 * console.log(t.timezone); // "UTC"
 * ```
 */
export type TimestampType = DataTypeOf<typeof Type.Timestamp>;

/**
 * A 64-bit elapsed time.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.DurationType = types.duration();
 * console.log(t.unit); // 1
 * ```
 */
export type DurationType = DataTypeOf<typeof Type.Duration>;

/**
 * A variable-size list with int32 (list) or int64 (large list) offsets.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.ListType = types.list(types.float64());
 * console.log(t.child.name); // "item"
 * ```
 */
export type ListType = DataTypeOf<typeof Type.List>;

/**
 * A fixed-size list.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.FixedSizeListType = types.fixedSizeList(types.float64(), 4);
 * console.log(t.listSize); // 4
 * ```
 */
export type FixedSizeListType = DataTypeOf<typeof Type.FixedSizeList>;

/**
 * A variable-size list in the view layout: an offset and a size per list, so lists may share
 * or reorder child elements.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.ListViewType = types.listView(types.int32());
 * console.log(t.typeId); // 25
 * ```
 */
export type ListViewType = DataTypeOf<typeof Type.ListView>;

/**
 * A map: a list of non-null `struct<key, value>` entries (keys non-null).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.MapType = types.map(types.utf8(), types.int32());
 * console.log(t.child.name); // "entries"
 * ```
 */
export type MapType = DataTypeOf<typeof Type.Map>;

/**
 * A union: each value comes from one child, chosen by an 8-bit type code.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.UnionType = types.sparseUnion({ i: types.int32(), s: types.utf8() });
 * console.log(t.typeIds); // [ 0, 1 ]
 * ```
 */
export type UnionType = DataTypeOf<typeof Type.Union>;

/**
 * Run-end encoding: `runEnds` (int16/32/64, strictly increasing) ends each run of `values`.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.RunEndEncodedType = types.runEndEncoded(types.int32(), types.utf8());
 * console.log(t.children[0].name, t.children[1].name); // "run_ends" "values"
 * ```
 */
export type RunEndEncodedType = DataTypeOf<typeof Type.RunEndEncoded>;

/**
 * A calendar interval.
 *
 * @example
 * ```ts
 * import { IntervalUnit, types } from "@avila/arrow";
 * const t: types.IntervalType = types.interval(IntervalUnit.YEAR_MONTH);
 * console.log(t.unit); // 0
 * ```
 */
export type IntervalType = DataTypeOf<typeof Type.Interval>;

/**
 * Named child columns of equal length.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.StructType = types.struct({ a: types.int32() });
 * console.log(t.children[0].name); // "a"
 * ```
 */
export type StructType = DataTypeOf<typeof Type.Struct>;

/**
 * Dictionary-encoded values: integer indices into a dictionary column sent once.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * const t: types.DictionaryType = types.dictionary();
 * console.log(t.dictionary.typeId); // 5
 * ```
 */
export type DictionaryType = DataTypeOf<typeof Type.Dictionary>;

/**
 * The null type.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.nullType().typeId); // 1
 * ```
 */
export function nullType(): NullType {
  return { typeId: Type.Null };
}

/**
 * An integer type.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.int(16, false).bitWidth); // 16
 * ```
 */
export function int(bitWidth: 8 | 16 | 32 | 64 = 32, signed = true): IntType {
  return { typeId: Type.Int, bitWidth, signed };
}
/**
 * Signed 8-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.int8().signed); // true
 * ```
 */
export function int8(): IntType {
  return int(8, true);
}
/**
 * Signed 16-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.int16().bitWidth); // 16
 * ```
 */
export function int16(): IntType {
  return int(16, true);
}
/**
 * Signed 32-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.int32().bitWidth); // 32
 * ```
 */
export function int32(): IntType {
  return int(32, true);
}
/**
 * Signed 64-bit integers (values are `bigint`).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.int64().bitWidth); // 64
 * ```
 */
export function int64(): IntType {
  return int(64, true);
}
/**
 * Unsigned 8-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.uint8().signed); // false
 * ```
 */
export function uint8(): IntType {
  return int(8, false);
}
/**
 * Unsigned 16-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.uint16().signed); // false
 * ```
 */
export function uint16(): IntType {
  return int(16, false);
}
/**
 * Unsigned 32-bit integers.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.uint32().signed); // false
 * ```
 */
export function uint32(): IntType {
  return int(32, false);
}
/**
 * Unsigned 64-bit integers (values are `bigint`).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.uint64().bitWidth); // 64
 * ```
 */
export function uint64(): IntType {
  return int(64, false);
}
/**
 * Half-precision floats (stored as `Uint16Array`, read as numbers).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.float16().precision); // 0
 * ```
 */
export function float16(): FloatType {
  return { typeId: Type.Float, precision: Precision.HALF };
}
/**
 * Single-precision floats.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.float32().precision); // 1
 * ```
 */
export function float32(): FloatType {
  return { typeId: Type.Float, precision: Precision.SINGLE };
}
/**
 * Double-precision floats.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.float64().precision); // 2
 * ```
 */
export function float64(): FloatType {
  return { typeId: Type.Float, precision: Precision.DOUBLE };
}
/**
 * Booleans.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.bool().typeId); // 6
 * ```
 */
export function bool(): BoolType {
  return { typeId: Type.Bool };
}
/**
 * 128-bit decimals with `precision` digits (1..38; otherwise an `invalid` error, as pyarrow),
 * `scale` of them after the point.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.decimal128(10, 2).scale); // 2
 * ```
 */
export function decimal128(precision: number, scale = 0): DecimalType {
  return decimalType(128, precision, scale);
}

// The most digits each decimal width holds (Schema.fbs `Decimal`; pyarrow refuses more).
const MAX_DECIMAL_PRECISION = { 32: 9, 64: 18, 128: 38, 256: 76 } as const;

// One check for every width: a precision the width cannot hold would write files that
// pyarrow and our own reader refuse, and let values overflow their storage.
function decimalType(bitWidth: 32 | 64 | 128 | 256, precision: number, scale: number): DecimalType {
  const max = MAX_DECIMAL_PRECISION[bitWidth];
  if (!Number.isInteger(precision) || precision < 1 || precision > max) {
    throw new ArrowError(
      "invalid",
      `decimal${bitWidth} precision must be 1..${max}, not ${precision}`,
    );
  }
  if (!Number.isInteger(scale)) {
    throw new ArrowError("invalid", `decimal${bitWidth} scale must be an integer, not ${scale}`);
  }
  return { typeId: Type.Decimal, precision, scale, bitWidth };
}
/**
 * 32-bit decimals (precision 1..9; otherwise an `invalid` error, as pyarrow).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.decimal32(7, 2).bitWidth); // 32
 * ```
 */
export function decimal32(precision: number, scale = 0): DecimalType {
  return decimalType(32, precision, scale);
}
/**
 * 64-bit decimals (precision 1..18; otherwise an `invalid` error, as pyarrow).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.decimal64(15, 2).bitWidth); // 64
 * ```
 */
export function decimal64(precision: number, scale = 0): DecimalType {
  return decimalType(64, precision, scale);
}
/**
 * 256-bit decimals (precision 1..76; otherwise an `invalid` error, as pyarrow).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.decimal256(60, 10).bitWidth); // 256
 * ```
 */
export function decimal256(precision: number, scale = 0): DecimalType {
  return decimalType(256, precision, scale);
}
/**
 * Calendar intervals in `unit`.
 *
 * @example
 * ```ts
 * import { IntervalUnit, types } from "@avila/arrow";
 * console.log(types.typeToString(types.interval(IntervalUnit.DAY_TIME))); // "day_time_interval"
 * ```
 */
export function interval(unit: IntervalUnit = IntervalUnit.MONTH_DAY_NANO): IntervalType {
  return { typeId: Type.Interval, unit };
}
/**
 * UTF-8 strings in the view layout (held in memory like {@link utf8}; written as views).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.utf8View().typeId); // 24
 * ```
 */
export function utf8View(): Utf8Type {
  return { typeId: Type.Utf8View };
}
/**
 * Bytes in the view layout (held in memory like {@link binary}; written as views).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.binaryView().typeId); // 23
 * ```
 */
export function binaryView(): BinaryType {
  return { typeId: Type.BinaryView };
}
/**
 * UTF-8 strings with int32 offsets.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.utf8().typeId); // 5
 * ```
 */
export function utf8(): Utf8Type {
  return { typeId: Type.Utf8 };
}
/**
 * UTF-8 strings with int64 offsets.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.largeUtf8().typeId); // 20
 * ```
 */
export function largeUtf8(): Utf8Type {
  return { typeId: Type.LargeUtf8 };
}
/**
 * Variable-size bytes with int32 offsets.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.binary().typeId); // 4
 * ```
 */
export function binary(): BinaryType {
  return { typeId: Type.Binary };
}
/**
 * Variable-size bytes with int64 offsets.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.largeBinary().typeId); // 19
 * ```
 */
export function largeBinary(): BinaryType {
  return { typeId: Type.LargeBinary };
}
/**
 * Fixed-size bytes, `byteWidth` per value.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.fixedSizeBinary(16).byteWidth); // 16
 * ```
 */
export function fixedSizeBinary(byteWidth: number): FixedSizeBinaryType {
  return { typeId: Type.FixedSizeBinary, byteWidth };
}
/**
 * Days since the epoch, 32-bit.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.date32().unit); // 0
 * ```
 */
export function date32(): DateType {
  return { typeId: Type.Date, unit: DateUnit.DAY };
}
/**
 * Milliseconds since the epoch, 64-bit.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.date64().unit); // 1
 * ```
 */
export function date64(): DateType {
  return { typeId: Type.Date, unit: DateUnit.MILLISECOND };
}
/**
 * Time of day; 32-bit for SECOND/MILLISECOND, 64-bit for MICROSECOND/NANOSECOND.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * console.log(types.time(TimeUnit.MICROSECOND).bitWidth); // 64
 * ```
 */
export function time(unit: TimeUnit = TimeUnit.MILLISECOND): TimeType {
  return { typeId: Type.Time, unit, bitWidth: unit >= TimeUnit.MICROSECOND ? 64 : 32 };
}
/**
 * 64-bit instants in `unit` since the epoch, in `timezone` (null: zone-less).
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * console.log(types.timestamp(TimeUnit.MICROSECOND, "UTC").timezone); // "UTC"
 * ```
 */
export function timestamp(
  unit: TimeUnit = TimeUnit.MILLISECOND,
  timezone: string | null = null,
): TimestampType {
  return { typeId: Type.Timestamp, unit, timezone };
}
/**
 * 64-bit durations in `unit`.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * console.log(types.duration(TimeUnit.SECOND).unit); // 0
 * ```
 */
export function duration(unit: TimeUnit = TimeUnit.MILLISECOND): DurationType {
  return { typeId: Type.Duration, unit };
}

/**
 * Human-readable name of a type, e.g. `list<item: float64>`.
 *
 * @example
 * ```ts
 * import { TimeUnit, types } from "@avila/arrow";
 * console.log(types.typeToString(types.timestamp(TimeUnit.NANOSECOND, "UTC"))); // types.timestamp[ns, UTC]
 * ```
 */
export function typeToString(type: DataType): string {
  const units = ["s", "ms", "us", "ns"];
  switch (type.typeId) {
    case Type.Null:
      return "null";
    case Type.Int:
      return `${type.signed ? "int" : "uint"}${type.bitWidth}`;
    case Type.Float:
      return `float${[16, 32, 64][type.precision]}`;
    case Type.Bool:
      return "bool";
    case Type.Decimal:
      return `decimal${type.bitWidth}(${type.precision}, ${type.scale})`;
    case Type.Utf8:
      return "utf8";
    case Type.LargeUtf8:
      return "large_utf8";
    case Type.Utf8View:
      return "utf8_view";
    case Type.BinaryView:
      return "binary_view";
    case Type.Interval:
      return ["month_interval", "day_time_interval", "month_day_nano_interval"][type.unit];
    case Type.ListView:
      return `list_view<${type.child.name}: ${typeToString(type.child.type)}>`;
    case Type.LargeListView:
      return `large_list_view<${type.child.name}: ${typeToString(type.child.type)}>`;
    case Type.Map: {
      const [k, v] = (type.child.type as StructType).children;
      return `map<${typeToString(k.type)}, ${typeToString(v.type)}${
        type.keysSorted ? ", keys_sorted" : ""
      }>`;
    }
    case Type.Union:
      return `${type.mode === UnionMode.Dense ? "dense" : "sparse"}_union<${
        type.children.map((f, i) => `${f.name}: ${typeToString(f.type)}=${type.typeIds[i]}`)
          .join(", ")
      }>`;
    case Type.RunEndEncoded:
      return `run_end_encoded<run_ends: ${typeToString(type.children[0].type)}, values: ${
        typeToString(type.children[1].type)
      }>`;
    case Type.Binary:
      return "binary";
    case Type.LargeBinary:
      return "large_binary";
    case Type.FixedSizeBinary:
      return `fixed_size_binary[${type.byteWidth}]`;
    case Type.Date:
      return type.unit === DateUnit.DAY ? "date32" : "date64";
    case Type.Time:
      return `time${type.bitWidth}[${units[type.unit]}]`;
    case Type.Timestamp:
      return `timestamp[${units[type.unit]}${type.timezone ? `, ${type.timezone}` : ""}]`;
    case Type.Duration:
      return `duration[${units[type.unit]}]`;
    case Type.List:
      return `list<${type.child.name}: ${typeToString(type.child.type)}>`;
    case Type.LargeList:
      return `large_list<${type.child.name}: ${typeToString(type.child.type)}>`;
    case Type.FixedSizeList:
      return `fixed_size_list<${type.child.name}: ${
        typeToString(type.child.type)
      }>[${type.listSize}]`;
    case Type.Struct:
      return `struct<${type.children.map((f) => `${f.name}: ${typeToString(f.type)}`).join(", ")}>`;
    case Type.Dictionary:
      return `dictionary<values=${typeToString(type.dictionary)}, indices=${
        typeToString(type.indices)
      }${type.ordered ? ", ordered" : ""}>`;
  }
}

/**
 * Structural equality of two types (dictionary ids are ignored; child field names, nullability
 * and metadata are compared).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typesEqual(types.int32(), types.int32())); // true
 * ```
 */
export function typesEqual(a: DataType, b: DataType): boolean {
  if (a === b) return true;
  if (a.typeId !== b.typeId) return false;
  switch (a.typeId) {
    case Type.Int: {
      const t = b as IntType;
      return a.bitWidth === t.bitWidth && a.signed === t.signed;
    }
    case Type.Float:
      return a.precision === (b as FloatType).precision;
    case Type.Decimal: {
      const t = b as DecimalType;
      return a.precision === t.precision && a.scale === t.scale && a.bitWidth === t.bitWidth;
    }
    case Type.Interval:
      return a.unit === (b as IntervalType).unit;
    case Type.ListView:
    case Type.LargeListView:
      return a.child.equals((b as ListViewType).child);
    case Type.Map:
      return a.keysSorted === (b as MapType).keysSorted && a.child.equals((b as MapType).child);
    case Type.Union: {
      const t = b as UnionType;
      return a.mode === t.mode && a.children.length === t.children.length &&
        a.typeIds.every((id, i) => id === t.typeIds[i]) &&
        a.children.every((f, i) => f.equals(t.children[i]));
    }
    case Type.RunEndEncoded: {
      const t = b as RunEndEncodedType;
      return a.children[0].equals(t.children[0]) && a.children[1].equals(t.children[1]);
    }
    case Type.FixedSizeBinary:
      return a.byteWidth === (b as FixedSizeBinaryType).byteWidth;
    case Type.Date:
      return a.unit === (b as DateType).unit;
    case Type.Time:
      return a.unit === (b as TimeType).unit && a.bitWidth === (b as TimeType).bitWidth;
    case Type.Timestamp: {
      const t = b as TimestampType;
      return a.unit === t.unit && a.timezone === t.timezone;
    }
    case Type.Duration:
      return a.unit === (b as DurationType).unit;
    case Type.List:
    case Type.LargeList:
      return a.child.equals((b as ListType).child);
    case Type.FixedSizeList: {
      const t = b as FixedSizeListType;
      return a.listSize === t.listSize && a.child.equals(t.child);
    }
    case Type.Struct: {
      const t = b as StructType;
      return a.children.length === t.children.length &&
        a.children.every((f, i) => f.equals(t.children[i]));
    }
    case Type.Dictionary: {
      const t = b as DictionaryType;
      return a.ordered === t.ordered && typesEqual(a.indices, t.indices) &&
        typesEqual(a.dictionary, t.dictionary);
    }
    default:
      return true;
  }
}

function asField(child: DataType | Field, name: string): Field {
  return child instanceof Field ? child : new Field(name, child, true);
}

/**
 * A variable-size list of `child` (a type, wrapped as a nullable field named "item", or a field).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.list(types.float64()))); // types.list<item: types.float64>
 * ```
 */
export function list(child: DataType | Field): ListType {
  return { typeId: Type.List, child: asField(child, "item") };
}

/**
 * A variable-size list with int64 offsets (what polars writes).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.largeList(types.utf8()))); // large_list<item: types.utf8>
 * ```
 */
export function largeList(child: DataType | Field): ListType {
  return { typeId: Type.LargeList, child: asField(child, "item") };
}

/**
 * A list of exactly `listSize` elements of `child`.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.fixedSizeList(types.float32(), 4).listSize); // 4
 * ```
 */
export function fixedSizeList(child: DataType | Field, listSize: number): FixedSizeListType {
  if (!Number.isInteger(listSize) || listSize < 0) {
    throw new ArrowError("invalid", `fixed-size list size must be a non-negative integer`);
  }
  return { typeId: Type.FixedSizeList, child: asField(child, "item"), listSize };
}

/**
 * A struct of named children: an array of fields or an object mapping names to types.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.struct({ x: types.float64(), label: types.utf8() }).children.length); // 2
 * ```
 */
export function struct(children: readonly Field[] | Record<string, DataType>): StructType {
  const fields = Array.isArray(children)
    ? children as readonly Field[]
    : Object.entries(children).map(([name, t]) => new Field(name, t as DataType, true));
  return { typeId: Type.Struct, children: fields };
}

/**
 * Dictionary encoding of `valueType` values with `indexType` indices.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.dictionary(types.utf8(), types.int32()).indices.bitWidth); // 32
 * ```
 */
export function dictionary(
  valueType: DataType = { typeId: Type.Utf8 },
  indexType: IntType = int32(),
  id = 0,
  ordered = false,
): DictionaryType {
  return { typeId: Type.Dictionary, id, dictionary: valueType, indices: indexType, ordered };
}

/**
 * A variable-size list view of `child` with int32 offsets and sizes.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.listView(types.utf8()))); // list_view<item: types.utf8>
 * ```
 */
export function listView(child: DataType | Field): ListViewType {
  return { typeId: Type.ListView, child: asField(child, "item") };
}

/**
 * A variable-size list view of `child` with int64 offsets and sizes.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.largeListView(types.int8()))); // large_list_view<item: types.int8>
 * ```
 */
export function largeListView(child: DataType | Field): ListViewType {
  return { typeId: Type.LargeListView, child: asField(child, "item") };
}

/**
 * A map from `keyType` (non-null) to `valueType`, as a list of `entries: struct<key, value>`.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.map(types.utf8(), types.float64()))); // types.map<types.utf8, types.float64>
 * ```
 */
export function map(keyType: DataType, valueType: DataType, keysSorted = false): MapType {
  const entries = new Field(
    "entries",
    struct([new Field("key", keyType, false), new Field("value", valueType, true)]),
    false,
  );
  return { typeId: Type.Map, child: entries, keysSorted };
}

function unionOf(
  mode: UnionMode,
  children: readonly Field[] | Record<string, DataType>,
  typeIds?: readonly number[],
): UnionType {
  const fields = struct(children).children;
  const ids = typeIds ?? fields.map((_, i) => i);
  if (
    ids.length !== fields.length || fields.length > 128 ||
    ids.some((id) => !Number.isInteger(id) || id < 0 || id > 127) ||
    new Set(ids).size !== ids.length
  ) {
    throw new ArrowError(
      "invalid",
      "union type codes must be distinct integers 0..127, one per child",
    );
  }
  return { typeId: Type.Union, mode, typeIds: ids, children: fields };
}

/**
 * A sparse union of `children` (fields, or names mapped to types); `typeIds` default to 0..n-1.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.sparseUnion({ i: types.int32(), s: types.utf8() }))); // sparse_union<i: types.int32=0, s: types.utf8=1>
 * ```
 */
export function sparseUnion(
  children: readonly Field[] | Record<string, DataType>,
  typeIds?: readonly number[],
): UnionType {
  return unionOf(UnionMode.Sparse, children, typeIds);
}

/**
 * A dense union of `children` (fields, or names mapped to types); `typeIds` default to 0..n-1.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.denseUnion({ i: types.int32(), s: types.utf8() }))); // dense_union<i: types.int32=0, s: types.utf8=1>
 * ```
 */
export function denseUnion(
  children: readonly Field[] | Record<string, DataType>,
  typeIds?: readonly number[],
): UnionType {
  return unionOf(UnionMode.Dense, children, typeIds);
}

/**
 * Run-end encoding of `valueType` values with `runEndType` (int16, int32 or int64) run ends.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * console.log(types.typeToString(types.runEndEncoded(types.int32(), types.float64()))); // run_end_encoded<run_ends: types.int32, values: types.float64>
 * ```
 */
export function runEndEncoded(runEndType: IntType, valueType: DataType): RunEndEncodedType {
  if (!runEndType.signed || runEndType.bitWidth === 8) {
    throw new ArrowError("invalid", "run ends must be int16, int32 or int64");
  }
  return {
    typeId: Type.RunEndEncoded,
    children: [new Field("run_ends", runEndType, false), new Field("values", valueType, true)],
  };
}
