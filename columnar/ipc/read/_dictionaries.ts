// Dictionaries grown by delta batches. A delta appends values to the dictionary already read;
// copying the whole dictionary at each delta made a stream of many one-value deltas cost
// quadratic time (a 40 MB body held the event loop for seconds). So dictionaries grow in place
// instead: storage with spare capacity, doubled when full, so a delta costs its own values;
// each delta's dictionary column is a view of the first `length` values of that storage (values
// already there never change, so earlier columns stay valid). Flat layouts (fixed-width values,
// utf8/binary with 32- or 64-bit offsets, views held as utf8/binary, fixed-size binary, bool,
// null) and the nested layouts built of them (lists, large lists, maps, fixed-size lists,
// structs) grow buffer by buffer: offsets rebased, validity bitmaps joined, children grown the
// same way; never through `get()`, which rounds int64, timestamps and durations past 2^53.
// Other layouts (unions, run-end encoded, list views, dictionaries inside a dictionary) are
// concatenated through a builder, bounded by the caller's work limit.
import { makeBuilder } from "../../builders/make.ts";
import {
  type Column,
  type ColumnData,
  INTERVAL_WORDS,
  makeColumn,
  type TypedArray,
} from "../../column.ts";
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

/** Whether `c` (its children too) can grow in place. */
function growable(c: Column): boolean {
  const d = c.data;
  if (d.dictionary !== null) return false;
  const t = d.type;
  if (fixedWidth(t) > 0 || variableWidth(t)) return true;
  switch (t.typeId) {
    case Type.Null:
    case Type.Bool:
      return true;
    case Type.List:
    case Type.LargeList:
    case Type.Map:
    case Type.FixedSizeList:
    case Type.Struct:
      return d.children.every(growable);
    default:
      return false;
  }
}

/** The storage of one growing dictionary (or of one child of it). */
class Growing {
  /** The column last made from this storage (a later replacement starts over). */
  column: Column | null = null;
  length = 0;
  nullCount = 0;
  /** Fixed width: `width` elements per value; variable width: bytes used. */
  used = 0;
  validity: Uint8Array | null = null;
  /** Values (fixed and variable width), bits (bool), or null. */
  values: TypedArray | null;
  /** Offsets of variable-width values and of lists and maps, or null. */
  offsets: Int32Array | BigInt64Array | null;
  readonly children: Growing[];
  readonly type: DataType;
  readonly width: number;
  readonly extension: ColumnData["extension"];

  /** Empty storage shaped as `c`. */
  constructor(c: Column) {
    const d = c.data;
    const t = d.type;
    this.type = t;
    this.width = fixedWidth(t);
    this.extension = d.extension ?? null;
    this.values = this.width > 0
      ? new (d.values!.constructor as Ctor)(0)
      : variableWidth(t) || t.typeId === Type.Bool
      ? new Uint8Array(0)
      : null;
    const listLike = variableWidth(t) || t.typeId === Type.List || t.typeId === Type.LargeList ||
      t.typeId === Type.Map;
    const large = t.typeId === Type.LargeUtf8 || t.typeId === Type.LargeBinary ||
      t.typeId === Type.LargeList;
    this.offsets = !listLike ? null : large ? new BigInt64Array(1) : new Int32Array(1);
    this.children = d.children.map((child) => new Growing(child));
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

/**
 * Appends offsets [d.offset, d.offset + n] of `c` to `g`, rebased to start at `base` (the
 * bytes or child values `g` holds), and returns the range [from, to) they cover in `c`.
 */
function appendOffsets(
  g: Growing,
  c: Column,
  base: number,
  budget: OutputBudget | null,
): [number, number] {
  const d = c.data;
  const n = c.length;
  const at = g.length;
  const src = d.offsets!; // runs a pending offsets check first
  const from = Number(src[d.offset]), to = Number(src[d.offset + n]);
  const large = g.offsets instanceof BigInt64Array;
  if (!large && base + (to - from) > 0x7fffffff) {
    throw new ArrowError("limit", "dictionary deltas take 32-bit offsets past 2 GiB");
  }
  g.offsets = grown(g.offsets!, at + n + 1, budget);
  const o = g.offsets;
  if (large) {
    const shift = BigInt(base - from);
    for (let k = 1; k <= n; k++) o[at + k] = (src[d.offset + k] as bigint) + shift;
  } else {
    const shift = base - from;
    for (let k = 1; k <= n; k++) o[at + k] = Number(src[d.offset + k]) + shift;
  }
  return [from, to];
}

/** Appends every value of `c` to `g` (in storage form). */
function append(g: Growing, c: Column, budget: OutputBudget | null): void {
  const d = c.data;
  const n = c.length;
  const at = g.length;
  const t = g.type.typeId;
  if (g.width > 0) {
    const w = g.width;
    g.values = grown(g.values!, (at + n) * w, budget);
    g.values.set(d.values!.subarray(d.offset * w, (d.offset + n) * w) as never, at * w);
    g.used = (at + n) * w;
  } else if (variableWidth(g.type)) {
    const [from, to] = appendOffsets(g, c, g.used, budget);
    g.values = grown(g.values!, g.used + (to - from), budget);
    g.values.set((d.values as Uint8Array).subarray(from, to) as never, g.used);
    g.used += to - from;
  } else if (t === Type.Bool) {
    const bits = grown(g.values as Uint8Array, Math.ceil((at + n) / 8), budget);
    const src = d.values as Uint8Array;
    for (let i = 0, k = d.offset, j = at; i < n; i++, k++, j++) {
      if ((src[k >> 3] >> (k & 7)) & 1) bits[j >> 3] |= 1 << (j & 7);
    }
    g.values = bits;
  } else if (t === Type.List || t === Type.LargeList || t === Type.Map) {
    const child = g.children[0];
    const [from, to] = appendOffsets(g, c, child.length, budget);
    append(child, d.children[0].slice(from, to - from), budget);
  } else if (t === Type.FixedSizeList) {
    const size = (g.type as { listSize: number }).listSize;
    append(g.children[0], d.children[0].slice(d.offset * size, n * size), budget);
  } else if (t === Type.Struct) {
    g.children.forEach((child, k) => append(child, d.children[k].slice(d.offset, n), budget));
  }
  if (t === Type.Null) {
    g.nullCount += n;
    g.length = at + n;
    return;
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
      if (c.isValid(i)) v[j >> 3] |= 1 << (j & 7);
      else g.nullCount++;
    }
  }
  g.length = at + n;
}

/** The column of the first `g.length` values of `g` (views, no copy). */
function snapshot(g: Growing): Column {
  const t = g.type.typeId;
  const column = makeColumn({
    type: g.type,
    length: g.length,
    offset: 0,
    nullCount: g.nullCount,
    validity: g.validity === null ? null : g.validity.subarray(0, Math.ceil(g.length / 8)),
    values: g.values === null
      ? null
      : t === Type.Bool
      ? g.values.subarray(0, Math.ceil(g.length / 8))
      : g.values.subarray(0, g.used),
    offsets: g.offsets === null ? null : g.offsets.subarray(0, g.length + 1),
    children: g.children.map(snapshot),
    dictionary: null,
    extension: g.extension,
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
    if (!growable(prev) || !growable(delta)) {
      budget?.charge(columnBytes(prev) + columnBytes(delta), "dictionary delta");
      const builder = makeBuilder(prev.type);
      for (let i = 0; i < prev.length; i++) builder.append(prev.get(i));
      for (let i = 0; i < delta.length; i++) builder.append(delta.get(i));
      return { column: builder.finish(), work: prev.length + delta.length };
    }
    let g = this.#growing.get(id);
    let work = delta.length;
    if (g === undefined || g.column !== prev) {
      // first delta after a (new) dictionary: start from a copy of it
      g = new Growing(prev);
      append(g, prev, budget);
      this.#growing.set(id, g);
      work += prev.length;
    }
    append(g, delta, budget);
    return { column: snapshot(g), work };
  }
}
