// Dictionaries grown by delta batches. A delta appends values to the dictionary already read;
// copying the whole dictionary at each delta made a stream of many one-value deltas cost
// quadratic time (a 40 MB body held the event loop for seconds). Flat layouts (fixed-width
// values, utf8/binary with 32- or 64-bit offsets, views held as utf8/binary, fixed-size binary)
// grow in place instead: storage with spare capacity, doubled when full, so a delta costs its own
// values; each delta's dictionary column is a view of the first `length` values of that storage
// (values already there never change, so earlier columns stay valid). Nested layouts (lists,
// maps, fixed-size lists, structs of any of these) are concatenated buffer by buffer (offsets
// rebased, validity joined, children recursively), never through `get()`, which rounds int64,
// timestamps and durations past 2^53; the copy is bounded by the caller's work limit. Only
// the layouts without such a join (unions, run-end encoded, list views, nested dictionaries)
// still go through a builder.
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

/** The validity bitmap of `parts` one after the other, or null when none has a null. */
function joinValidity(parts: readonly Column[], length: number): Uint8Array | null {
  if (parts.every((p) => p.nullCount === 0)) return null;
  const out = new Uint8Array(Math.ceil(length / 8));
  let j = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, j++) if (p.isValid(i)) out[j >> 3] |= 1 << (j & 7);
  }
  return out;
}

/** The bool values of `parts` (bitmaps at the parts' offsets) one after the other. */
function joinBits(parts: readonly Column[], length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / 8));
  let j = 0;
  for (const p of parts) {
    const bits = p.data.values as Uint8Array;
    for (let i = 0, k = p.data.offset; i < p.length; i++, j++, k++) {
      if ((bits[k >> 3] >> (k & 7)) & 1) out[j >> 3] |= 1 << (j & 7);
    }
  }
  return out;
}

/**
 * The offsets of `parts` one after the other, each part rebased to start where the previous
 * ended, and the [start, end) ranges the parts' offsets cover (in their own values/children).
 */
function joinOffsets(
  parts: readonly Column[],
  length: number,
): { offsets: Int32Array | BigInt64Array; ranges: [number, number][] } {
  const large = parts[0].data.offsets instanceof BigInt64Array;
  const out = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  const ranges: [number, number][] = [];
  let at = 0, base = 0;
  for (const p of parts) {
    const src = p.data.offsets!; // runs a pending offsets check first
    const off = p.data.offset;
    const from = Number(src[off]), to = Number(src[off + p.length]);
    if (!large && base + (to - from) > 0x7fffffff) {
      throw new ArrowError("limit", "dictionary deltas take 32-bit offsets past 2 GiB");
    }
    if (large) {
      const shift = BigInt(base - from);
      for (let k = 1; k <= p.length; k++) out[at + k] = (src[off + k] as bigint) + shift;
    } else {
      const shift = base - from;
      for (let k = 1; k <= p.length; k++) out[at + k] = Number(src[off + k]) + shift;
    }
    ranges.push([from, to]);
    at += p.length;
    base += to - from;
  }
  return { offsets: out, ranges };
}

/**
 * `parts` one after the other, built from their stored buffers (exact for every value), or
 * null for a layout this does not join.
 */
function joinColumns(parts: readonly Column[]): Column | null {
  const type = parts[0].type;
  if (parts.some((p) => p.data.dictionary !== null)) return null;
  let length = 0;
  for (const p of parts) length += p.length;
  let values: TypedArray | null = null;
  let offsets: Int32Array | BigInt64Array | null = null;
  const children: Column[] = [];
  const w = fixedWidth(type);
  if (w > 0) {
    const src = parts[0].data.values!;
    const out = new (src.constructor as Ctor)(length * w);
    let at = 0;
    for (const p of parts) {
      const d = p.data;
      out.set(d.values!.subarray(d.offset * w, (d.offset + p.length) * w) as never, at);
      at += p.length * w;
    }
    values = out;
  } else if (variableWidth(type)) {
    const joined = joinOffsets(parts, length);
    offsets = joined.offsets;
    let bytes = 0;
    for (const [from, to] of joined.ranges) bytes += to - from;
    const out = new Uint8Array(bytes);
    let at = 0;
    parts.forEach((p, k) => {
      const [from, to] = joined.ranges[k];
      out.set((p.data.values as Uint8Array).subarray(from, to), at);
      at += to - from;
    });
    values = out;
  } else {
    switch (type.typeId) {
      case Type.Null:
        break;
      case Type.Bool:
        values = joinBits(parts, length);
        break;
      case Type.List:
      case Type.LargeList:
      case Type.Map: {
        const joined = joinOffsets(parts, length);
        offsets = joined.offsets;
        const child = joinColumns(
          parts.map((p, k) => {
            const [from, to] = joined.ranges[k];
            return p.data.children[0].slice(from, to - from);
          }),
        );
        if (child === null) return null;
        children.push(child);
        break;
      }
      case Type.FixedSizeList: {
        const n = type.listSize;
        const child = joinColumns(
          parts.map((p) => p.data.children[0].slice(p.data.offset * n, p.length * n)),
        );
        if (child === null) return null;
        children.push(child);
        break;
      }
      case Type.Struct:
        for (let k = 0; k < type.children.length; k++) {
          const child = joinColumns(
            parts.map((p) => p.data.children[k].slice(p.data.offset, p.length)),
          );
          if (child === null) return null;
          children.push(child);
        }
        break;
      default:
        return null;
    }
  }
  const validity = type.typeId === Type.Null ? null : joinValidity(parts, length);
  let nullCount = 0;
  if (type.typeId === Type.Null) nullCount = length;
  else if (validity !== null) { for (const p of parts) nullCount += p.nullCount; }
  return makeColumn({
    type,
    length,
    offset: 0,
    nullCount,
    validity,
    values,
    offsets,
    children,
    dictionary: null,
    extension: parts[0].data.extension ?? null,
  });
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
      const joined = joinColumns([prev, delta]);
      if (joined !== null) return { column: joined, work: prev.length + delta.length };
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
