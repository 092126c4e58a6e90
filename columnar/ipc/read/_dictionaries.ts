// Dictionaries grown by delta batches. A delta appends values to the dictionary already read;
// copying the whole dictionary at each delta made a stream of many one-value deltas cost
// quadratic time (a 40 MB body held the event loop for seconds). Flat layouts (fixed-width
// values, utf8/binary with 32- or 64-bit offsets, views held as utf8/binary, fixed-size binary)
// grow in place instead: storage with spare capacity, doubled when full, so a delta costs its own
// values; each delta's dictionary column is a view of the first `length` values of that storage
// (values already there never change, so earlier columns stay valid). Other layouts are
// concatenated through a builder, bounded by the caller's work limit.
import { makeBuilder } from "../../builders/make.ts";
import { type Column, INTERVAL_WORDS, makeColumn, type TypedArray } from "../../column.ts";
import { ArrowError } from "../../errors.ts";
import { type DataType, Type } from "../../types.ts";
import type { OutputBudget } from "../limits.ts";
import { columnBytes } from "./_utf8.ts";

/** Storage words per element of the fixed-width layouts, or 0 for the others. */
function fixedWidth(type: DataType): number {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return 1;
    case Type.Decimal:
      return type.bitWidth >> 5;
    case Type.Interval:
      return INTERVAL_WORDS[type.unit];
    case Type.FixedSizeBinary:
      return type.byteWidth; // bytes
    default:
      return 0;
  }
}

function variableWidth(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return true;
    default:
      return false;
  }
}

type Ctor = new (n: number) => TypedArray;

/** The storage of one growing dictionary. */
class Growing {
  /** The column last made from this storage (a later replacement starts over). */
  column: Column | null = null;
  length = 0;
  nullCount = 0;
  /** Fixed width: `width` elements per value; variable width: bytes used. */
  used = 0;
  validity: Uint8Array | null = null;
  values: TypedArray;
  offsets: Int32Array | BigInt64Array | null;
  readonly width: number;

  constructor(
    readonly type: DataType,
    values: TypedArray,
    offsets: Int32Array | BigInt64Array | null,
  ) {
    this.width = fixedWidth(type);
    this.values = values;
    this.offsets = offsets;
  }
}

function grown<T extends TypedArray>(a: T, need: number, budget: OutputBudget | null): T {
  if (need <= a.length) return a;
  const n = Math.max(need, 2 * a.length, 64);
  budget?.charge(n * a.BYTES_PER_ELEMENT, "dictionary delta");
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a as never);
  return out;
}

function isValid(c: Column, i: number): boolean {
  return c.isValid(i);
}

/** Appends every value of `c` to `g` (in storage form). */
function append(g: Growing, c: Column, budget: OutputBudget | null): void {
  const d = c.data;
  const n = c.length;
  const at = g.length;
  if (g.width > 0) {
    const w = g.width;
    g.values = grown(g.values, (at + n) * w, budget);
    g.values.set(d.values!.subarray(d.offset * w, (d.offset + n) * w) as never, at * w);
    g.used = (at + n) * w;
  } else {
    const src = d.offsets!; // runs a pending offsets check first
    const from = Number(src[d.offset]), to = Number(src[d.offset + n]);
    const bytes = d.values as Uint8Array;
    const large = g.offsets instanceof BigInt64Array;
    if (!large && g.used + (to - from) > 0x7fffffff) {
      throw new ArrowError("limit", "dictionary deltas take 32-bit offsets past 2 GiB");
    }
    g.values = grown(g.values, g.used + (to - from), budget);
    g.values.set(bytes.subarray(from, to) as never, g.used);
    g.offsets = grown(g.offsets!, at + n + 1, budget);
    const o = g.offsets;
    if (large) {
      const shift = BigInt(g.used - from);
      for (let k = 1; k <= n; k++) o[at + k] = (src[d.offset + k] as bigint) + shift;
    } else {
      const shift = g.used - from;
      for (let k = 1; k <= n; k++) o[at + k] = Number(src[d.offset + k]) + shift;
    }
    g.used += to - from;
  }
  if (c.nullCount > 0 && g.validity === null) {
    g.validity = grown(new Uint8Array(0), Math.ceil((at + n) / 8), budget);
    for (let i = 0; i < at; i++) g.validity[i >> 3] |= 1 << (i & 7);
  }
  if (g.validity !== null) {
    g.validity = grown(g.validity, Math.ceil((at + n) / 8), budget);
    const v = g.validity;
    for (let i = 0; i < n; i++) {
      const j = at + i;
      if (isValid(c, i)) v[j >> 3] |= 1 << (j & 7);
      else g.nullCount++;
    }
  }
  g.length = at + n;
}

/** The column of the first `g.length` values of `g` (views, no copy). */
function snapshot(g: Growing): Column {
  const variable = g.offsets !== null;
  const column = makeColumn({
    type: g.type,
    length: g.length,
    offset: 0,
    nullCount: g.nullCount,
    validity: g.validity === null ? null : g.validity.subarray(0, Math.ceil(g.length / 8)),
    values: g.values.subarray(0, g.used),
    offsets: variable ? g.offsets!.subarray(0, g.length + 1) : null,
    children: [],
    dictionary: null,
  });
  g.column = column;
  return column;
}

/**
 * The dictionaries of one read that deltas have grown, by id. `concat` returns `prev` followed by
 * `delta`, charging what it allocates to `budget`; `work` says how many values it copied (the
 * caller bounds their total).
 */
export class DictionaryDeltas {
  #growing = new Map<number, Growing>();

  /** `prev` (the dictionary `id` holds) followed by `delta`, and the values copied doing it. */
  concat(
    id: number,
    prev: Column,
    delta: Column,
    budget: OutputBudget | null,
  ): { column: Column; work: number } {
    const type = prev.type;
    const flat = fixedWidth(type) > 0 || variableWidth(type);
    if (!flat) {
      budget?.charge(columnBytes(prev) + columnBytes(delta), "dictionary delta");
      const builder = makeBuilder(type);
      for (let i = 0; i < prev.length; i++) builder.append(prev.get(i));
      for (let i = 0; i < delta.length; i++) builder.append(delta.get(i));
      return { column: builder.finish(), work: prev.length + delta.length };
    }
    let g = this.#growing.get(id);
    let work = delta.length;
    if (g === undefined || g.column !== prev) {
      // first delta after a (new) dictionary: start from a copy of it
      const values = prev.data.values!;
      const bytes = fixedWidth(type) > 0;
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      g = new Growing(
        type,
        new (values.constructor as Ctor)(0),
        bytes ? null : large ? new BigInt64Array(1) : new Int32Array(1),
      );
      append(g, prev, budget);
      this.#growing.set(id, g);
      work += prev.length;
    }
    append(g, delta, budget);
    return { column: snapshot(g), work };
  }
}
