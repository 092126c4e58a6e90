/**
 * Gathering rows by index (`take`) and by mask (`filter`), for every column layout. Values are
 * copied in their storage form (never through JS values), so nothing is lost or re-rounded.
 *
 * @module
 */

import { makeBuilder } from "./builders/make.ts";
import { type Column, type ColumnData, INTERVAL_WORDS, type TypedArray } from "./column.ts";
import { ArrowError } from "./errors.ts";
import type { RecordBatch } from "./batch.ts";
import { Type, UnionMode } from "./types.ts";

/** Row indices, as `RecordBatch.take` accepts them: an integer typed array or a number array. */
export type Indices = Parameters<RecordBatch["take"]>[0];

function rebuild(column: Column, data: ColumnData): Column {
  const ctor = column.constructor as new (data: ColumnData) => Column;
  return new ctor(data);
}

function takeValidity(c: Column, idx: Indices): { validity: Uint8Array | null; nulls: number } {
  const d = c.data;
  if (d.validity === null && c.type.typeId !== Type.Null) return { validity: null, nulls: 0 };
  const n = idx.length;
  const out = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (c.isValid(idx[i])) out[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { validity: null, nulls: 0 } : { validity: out, nulls };
}

function gather(src: TypedArray, offset: number, width: number, idx: Indices): TypedArray {
  const ctor = src.constructor as new (n: number) => TypedArray;
  const out = new ctor(idx.length * width);
  if (width === 1) {
    for (let i = 0; i < idx.length; i++) out[i] = src[offset + idx[i]];
  } else {
    for (let i = 0; i < idx.length; i++) {
      const s = (offset + idx[i]) * width;
      for (let k = 0; k < width; k++) out[i * width + k] = src[s + k];
    }
  }
  return out;
}

function ranges(
  c: Column,
  idx: Indices,
  start: (j: number) => number,
  end: (j: number) => number,
): { offsets: Int32Array; childIdx: Int32Array } {
  const d = c.data;
  const offsets = new Int32Array(idx.length + 1);
  let total = 0;
  for (let i = 0; i < idx.length; i++) {
    const j = d.offset + idx[i];
    total += end(j) - start(j);
    if (total > 0x7fffffff) throw new ArrowError("limit", "take result too large");
    offsets[i + 1] = total;
  }
  const childIdx = new Int32Array(total);
  for (let i = 0, p = 0; i < idx.length; i++) {
    const j = d.offset + idx[i];
    for (let k = start(j), e = end(j); k < e; k++) childIdx[p++] = k;
  }
  return { offsets, childIdx };
}

/**
 * The rows of `column` at `indices`, in that order (indices must be in range).
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * import { takeColumn } from "./take.ts";
 * console.log(takeColumn(columnFromValues(["a", "b", "c"]), [2, 0]).toArray()); // [ "c", "a" ]
 * ```
 */
export function takeColumn(column: Column, indices: Indices): Column {
  const n = column.length;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!(j >= 0 && j < n) || !Number.isInteger(j)) {
      throw new ArrowError("invalid", `row index ${j} out of range 0..${n}`);
    }
  }
  return takeUnchecked(column, indices);
}

function takeUnchecked(c: Column, idx: Indices): Column {
  const d = c.data;
  const t = d.type;
  const { validity, nulls } = takeValidity(c, idx);
  const base = {
    ...d,
    length: idx.length,
    offset: 0,
    nullCount: t.typeId === Type.Null ? idx.length : nulls,
    validity: t.typeId === Type.Null ? null : validity,
  };
  switch (t.typeId) {
    case Type.Null:
      return rebuild(c, base);
    case Type.Bool: {
      const out = new Uint8Array(Math.ceil(idx.length / 8));
      const src = d.values as Uint8Array;
      for (let i = 0; i < idx.length; i++) {
        const j = d.offset + idx[i];
        if ((src[j >> 3] >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
      }
      return rebuild(c, { ...base, values: out });
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.Dictionary:
      return rebuild(c, { ...base, values: gather(d.values!, d.offset, 1, idx) });
    case Type.Decimal:
      return rebuild(c, { ...base, values: gather(d.values!, d.offset, t.bitWidth >> 5, idx) });
    case Type.Interval:
      return rebuild(c, {
        ...base,
        values: gather(d.values!, d.offset, INTERVAL_WORDS[t.unit], idx),
      });
    case Type.FixedSizeBinary:
      return rebuild(c, { ...base, values: gather(d.values!, d.offset, t.byteWidth, idx) });
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView: {
      const o = d.offsets!;
      const { offsets, childIdx } = ranges(c, idx, (j) => Number(o[j]), (j) => Number(o[j + 1]));
      const src = d.values as Uint8Array;
      const bytes = new Uint8Array(childIdx.length);
      for (let i = 0, p = 0; i < idx.length; i++) {
        const j = d.offset + idx[i];
        const s = Number(o[j]);
        const e = Number(o[j + 1]);
        bytes.set(src.subarray(s, e), p);
        p += e - s;
      }
      const large = t.typeId === Type.LargeUtf8 || t.typeId === Type.LargeBinary;
      return rebuild(c, {
        ...base,
        values: bytes,
        offsets: large ? BigInt64Array.from(offsets, BigInt) : offsets,
      });
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const o = d.offsets!;
      const { offsets, childIdx } = ranges(c, idx, (j) => Number(o[j]), (j) => Number(o[j + 1]));
      return rebuild(c, {
        ...base,
        offsets: t.typeId === Type.LargeList ? BigInt64Array.from(offsets, BigInt) : offsets,
        children: [takeUnchecked(d.children[0], childIdx)],
      });
    }
    case Type.FixedSizeList: {
      const size = t.listSize;
      const { childIdx } = ranges(c, idx, (j) => j * size, (j) => (j + 1) * size);
      return rebuild(c, { ...base, children: [takeUnchecked(d.children[0], childIdx)] });
    }
    case Type.Struct: {
      const shifted = new Int32Array(idx.length);
      for (let i = 0; i < idx.length; i++) shifted[i] = d.offset + idx[i];
      return rebuild(c, { ...base, children: d.children.map((ch) => takeUnchecked(ch, shifted)) });
    }
    case Type.ListView:
    case Type.LargeListView: {
      const o = d.offsets!;
      const s = d.values!;
      const { offsets, childIdx } = ranges(
        c,
        idx,
        (j) => Number(o[j]),
        (j) => Number(o[j]) + Number(s[j]),
      );
      const starts = offsets.subarray(0, idx.length);
      const sizes = new Int32Array(idx.length);
      for (let i = 0; i < idx.length; i++) sizes[i] = offsets[i + 1] - offsets[i];
      const large = t.typeId === Type.LargeListView;
      return rebuild(c, {
        ...base,
        offsets: large ? BigInt64Array.from(starts, BigInt) : starts,
        values: large ? BigInt64Array.from(sizes, BigInt) : sizes,
        children: [takeUnchecked(d.children[0], childIdx)],
      });
    }
    case Type.Union: {
      const codes = gather(d.values!, d.offset, 1, idx);
      if (t.mode === UnionMode.Dense) {
        // Each child's offsets must increase (Columnar format, dense union): the children are
        // gathered in the order the rows are taken, and each row points at its own copy.
        const childOf = new Int8Array(128);
        t.typeIds.forEach((id, k) => (childOf[id] = k));
        const picks: number[][] = t.children.map(() => []);
        const offsets = new Int32Array(idx.length);
        for (let i = 0; i < idx.length; i++) {
          const list = picks[childOf[codes[i] as number]];
          offsets[i] = list.length;
          list.push(d.offsets![d.offset + idx[i]] as number);
        }
        return rebuild(c, {
          ...base,
          values: codes,
          offsets,
          children: d.children.map((ch, k) => takeUnchecked(ch, picks[k])),
        });
      }
      const shifted = new Int32Array(idx.length);
      for (let i = 0; i < idx.length; i++) shifted[i] = d.offset + idx[i];
      return rebuild(c, {
        ...base,
        values: codes,
        children: d.children.map((ch) => takeUnchecked(ch, shifted)),
      });
    }
    case Type.RunEndEncoded: {
      // runs are rebuilt from the taken values: their boundaries move anyway
      const b = makeBuilder(t);
      for (let i = 0; i < idx.length; i++) b.append(c.get(idx[i]));
      return rebuild(c, b.finish().data);
    }
  }
}

/**
 * Indices of the set entries of a byte mask (non-zero = keep), e.g. from a filter expression.
 *
 * @example
 * ```ts
 * import { maskToIndices } from "./take.ts";
 * console.log(maskToIndices(new Uint8Array([1, 0, 1]))); // Int32Array(2) [ 0, 2 ]
 * ```
 */
export function maskToIndices(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const out = new Int32Array(count);
  for (let i = 0, p = 0; i < mask.length; i++) if (mask[i] !== 0) out[p++] = i;
  return out;
}
