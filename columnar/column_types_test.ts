// The column classes, builders and take() of decimal32/64/256, intervals, views, list views,
// map, unions and run-end encoded columns (IPC round trips are in ipc/interop_pyarrow_test.ts).
import assert from "node:assert/strict";
import {
  ArrowError,
  type Column,
  columnFromValues,
  IntervalUnit,
  makeBuilder,
  readIpcStream,
  RecordBatch,
  writeIpcStream,
} from "./mod.ts";
import { makeColumn } from "./column.ts";
import { UnionBuilder } from "./builders/union.ts";
import type { DecimalColumn, RunEndEncodedColumn, UnionColumn } from "./column.ts";
import { takeColumn } from "./take.ts";
import {
  decimal256,
  decimal32,
  decimal64,
  denseUnion,
  float64,
  int32,
  int64,
  interval,
  listView,
  map,
  runEndEncoded,
  sparseUnion,
  typeName,
  utf8,
  utf8View,
} from "./types.ts";

function values(c: Column): unknown[] {
  return Array.from(c);
}

Deno.test("decimal32/64/256: sign and width at the edges, text with the scale", () => {
  const d32 = columnFromValues([-1n, 999_999_999n, -999_999_999n, null], decimal32(9, 2));
  assert.deepEqual(values(d32), [-1n, 999_999_999n, -999_999_999n, null]);
  assert.equal((d32 as DecimalColumn).getString(0), "-0.01");
  const big = -(10n ** 75n) + 1n;
  const d256 = columnFromValues([big, 1n], decimal256(76, 0));
  assert.deepEqual(values(d256), [big, 1n]);
  assert.throws(() => columnFromValues([2n ** 63n], decimal64(18, 0)), ArrowError);
  assert.deepEqual(values(takeColumn(d256, [1, 0])), [1n, big]);
});

Deno.test("intervals: each unit's value shape, int32/int64 ranges checked", () => {
  const mdn = interval(IntervalUnit.MONTH_DAY_NANO);
  const v = { months: -1, days: 2, nanoseconds: -(2n ** 63n) };
  assert.deepEqual(values(columnFromValues([v, null], mdn)), [v, null]);
  const dt = columnFromValues([{ days: 1, milliseconds: -5 }], interval(IntervalUnit.DAY_TIME));
  assert.deepEqual(dt.get(0), { days: 1, milliseconds: -5 });
  assert.deepEqual(values(columnFromValues([3, null], interval(IntervalUnit.YEAR_MONTH))), [
    3,
    null,
  ]);
  assert.throws(() => columnFromValues([2 ** 31], interval(IntervalUnit.YEAR_MONTH)), ArrowError);
  assert.throws(
    () => columnFromValues([{ months: 0, days: 0, nanoseconds: 2n ** 63n }], mdn),
    ArrowError,
  );
});

Deno.test("list views: overlapping and out-of-order views, slices, take", () => {
  const child = columnFromValues([1, 2, 3, 4], int32());
  const c = makeColumn({
    type: listView(int32()),
    length: 3,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: new Int32Array([2, 4, 1]), // sizes
    offsets: new Int32Array([2, 0, 1]),
    children: [child],
    dictionary: null,
  });
  assert.deepEqual(values(c), [[3, 4], [1, 2, 3, 4], [2]]);
  assert.deepEqual(values(takeColumn(c, [2, 0])), [[2], [3, 4]]);
  const b = RecordBatch.fromColumns({ l: c.slice(1) });
  assert.deepEqual(values(readIpcStream(writeIpcStream(b)).batches[0].column("l")), [
    [1, 2, 3, 4],
    [2],
  ]);
});

Deno.test("map: Map, pairs and objects in; pairs out; null keys refused", () => {
  const c = columnFromValues(
    [new Map([["a", 1]]), [["b", null], ["b", 2]], { c: 3 }, null],
    map(utf8(), int32()),
  );
  assert.deepEqual(values(c), [[["a", 1]], [["b", null], ["b", 2]], [["c", 3]], null]);
  assert.deepEqual(values(takeColumn(c, [2, 1])), [[["c", 3]], [["b", null], ["b", 2]]]);
  assert.throws(() => columnFromValues([[[null, 1]]], map(utf8(), int32())), ArrowError);
});

Deno.test("unions: values go to the child of their kind, or the one named; take", () => {
  for (
    const t of [
      sparseUnion({ i: int64(), f: float64(), s: utf8() }),
      denseUnion({ i: int64(), f: float64(), s: utf8() }, [3, 7, 9]),
    ]
  ) {
    const b = new UnionBuilder(t);
    for (const v of [1n, 2.5, "x", null]) b.append(v);
    b.appendChild(1, 4); // an integral number, but into the float child
    const c = b.finish() as UnionColumn;
    assert.deepEqual(values(c), [1n, 2.5, "x", null, 4]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => c.childIndex(i)), [0, 1, 2, 0, 1]);
    assert.equal(c.nullCount, 0);
    assert.deepEqual(values(takeColumn(c, [4, 2, 0])), [4, "x", 1n]);
    assert.deepEqual(values(takeColumn(c.slice(1), [0])), [2.5]);
    assert.throws(() => b.append(true), ArrowError);
  }
});

Deno.test("run-end encoded: runs from equal neighbours, slices over sliced children", () => {
  const t = runEndEncoded(int32(), utf8());
  const c = columnFromValues(["a", "a", null, null, "b"], t) as RunEndEncodedColumn;
  assert.deepEqual(values(c.runEnds), [2, 4, 5]);
  assert.deepEqual(values(c.slice(1, 3)), ["a", null, null]);
  assert.deepEqual(values(takeColumn(c, [4, 0, 1])), ["b", "a", "a"]);
  const z = columnFromValues([0, -0, NaN, NaN], runEndEncoded(int32(), float64()));
  assert.deepEqual(values((z as RunEndEncodedColumn).runEnds), [1, 2, 4]);
  assert.ok(Object.is(z.get(1), -0));
  // children that are themselves slices (offset 1): run ends are read from their offset
  const ends = columnFromValues([9, 2, 3, 5], int32()).slice(1);
  const vals = columnFromValues(["x", "a", "b", "c"], utf8()).slice(1);
  const r = makeColumn({
    type: t,
    length: 5,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: null,
    offsets: null,
    children: [ends, vals],
    dictionary: null,
  });
  assert.deepEqual(values(r), ["a", "a", "b", "c", "c"]);
  const b = RecordBatch.fromColumns({ r: r.slice(1, 3) });
  assert.deepEqual(values(readIpcStream(writeIpcStream(b)).batches[0].column("r")), [
    "a",
    "b",
    "c",
  ]);
});

Deno.test("views: builders and take keep the view type", () => {
  const c = columnFromValues(["a", null, "longer than twelve"], utf8View());
  assert.equal(c.type.typeId, utf8View().typeId);
  assert.deepEqual(values(takeColumn(c, [2, 1])), ["longer than twelve", null]);
  assert.equal(makeBuilder(utf8View()).type.typeId, 24);
  assert.equal(typeName(22), "run-end encoded");
});
