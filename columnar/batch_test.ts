import assert from "node:assert/strict";
import {
  ArrowError,
  columnFromValues,
  Field,
  makeBuilder,
  readIpcStream,
  RecordBatch,
  registerExtensionType,
  Schema,
  TimeUnit,
  unregisterExtensionType,
  writeIpcStream,
} from "./mod.ts";
import { DecimalBuilder } from "./builders/decimal.ts";
import { TemporalBuilder } from "./builders/temporal.ts";
import { utf8Column } from "./builders/utf8.ts";
import {
  BigIntColumn,
  type DecimalColumn,
  FixedSizeListColumn,
  float16ToNumber,
  numberToFloat16,
  type TemporalColumn,
} from "./column.ts";
import { inferType } from "./infer.ts";
import {
  date32,
  decimal128,
  dictionary,
  fixedSizeList,
  float16,
  float64,
  int32,
  int64,
  list,
  struct,
  timestamp,
  typeToString,
  utf8,
} from "./types.ts";

const isArrowError = (code: string) => (e: unknown) => e instanceof ArrowError && e.code === code;

Deno.test("fromColumns wraps typed arrays without copying and converts JS arrays", () => {
  const t = new Float64Array([0, 0.5, 1]);
  const n = new BigInt64Array([1n, 2n, 3n]);
  const b = RecordBatch.fromColumns({ t, n, s: ["a", null, "ç"], ok: [true, false, null] });
  assert.equal(b.column("t").data.values, t);
  assert.equal(b.column("n").data.values, n);
  assert.ok(b.column("n") instanceof BigIntColumn);
  assert.deepEqual(b.schema.fields.map((f) => typeToString(f.type)), [
    "float64",
    "int64",
    "utf8",
    "bool",
  ]);
  assert.deepEqual(b.row(1), { t: 0.5, n: 2n, s: null, ok: false });
  assert.equal(b.column("s").nullCount, 1);
  t[1] = 9; // a view, not a copy
  assert.equal(b.column("t").get(1), 9);
});

Deno.test("fromRows infers numbers, bigints, strings, booleans, dates, lists, structs, nulls", () => {
  const rows = [
    { x: 1, big: 1n, s: "a", b: true, d: new Date(0), l: [1, 2], o: { p: 1, q: "x" }, z: null },
    {
      x: 2.5,
      big: null,
      s: null,
      b: false,
      d: new Date(1000),
      l: [],
      o: { p: null },
      z: undefined,
    },
    { x: null, s: "c", l: null, o: null },
  ];
  const b = RecordBatch.fromRows(rows);
  assert.deepEqual(b.schema.fields.map((f) => `${f.name}:${typeToString(f.type)}`), [
    "x:float64",
    "big:int64",
    "s:utf8",
    "b:bool",
    "d:timestamp[ms, UTC]",
    "l:list<item: float64>",
    "o:struct<p: float64, q: utf8>",
    "z:null",
  ]);
  assert.deepEqual(b.toRows(), [
    { x: 1, big: 1n, s: "a", b: true, d: 0, l: [1, 2], o: { p: 1, q: "x" }, z: null },
    { x: 2.5, big: null, s: null, b: false, d: 1000, l: [], o: { p: null, q: null }, z: null },
    { x: null, big: null, s: "c", b: null, d: null, l: null, o: null, z: null },
  ]);
  assert.throws(() => RecordBatch.fromRows([{ a: 1 }, { a: "x" }]), isArrowError("invalid"));
  assert.throws(
    () => RecordBatch.fromRows([1 as unknown as Record<string, unknown>]),
    isArrowError("invalid"),
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => RecordBatch.fromRows([cyclic]), isArrowError("limit"));
});

Deno.test("fromRows dictionary-encodes repetitive strings when asked", () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ det: ["H1", "L1", "V1"][i % 3] }));
  const b = RecordBatch.fromRows(rows, { dictionary: 0.5 });
  assert.equal(typeToString(b.schema.fields[0].type), "dictionary<values=utf8, indices=int32>");
  assert.equal(b.column("det").data.dictionary!.length, 3);
  assert.deepEqual(b.toRows(), rows);
  const unique = Array.from({ length: 10 }, (_, i) => ({ id: `u${i}` }));
  assert.equal(
    typeToString(RecordBatch.fromRows(unique, { dictionary: 0.5 }).schema.fields[0].type),
    "utf8",
  );
});

Deno.test("tryNew checks column count, lengths, types and nullability", () => {
  const schema = new Schema([new Field("a", int32(), false), new Field("b", utf8())]);
  const a = columnFromValues(new Int32Array([1, 2]));
  const b = columnFromValues(["x", "y"]);
  assert.equal(RecordBatch.tryNew(schema, [a, b]).numRows, 2);
  assert.throws(() => RecordBatch.tryNew(schema, [a]), isArrowError("invalid"));
  assert.throws(
    () => RecordBatch.tryNew(schema, [a, columnFromValues(["x"])]),
    isArrowError("invalid"),
  );
  assert.throws(() => RecordBatch.tryNew(schema, [b, b]), isArrowError("invalid"));
  const withNull = columnFromValues([1, null], int32());
  assert.throws(() => RecordBatch.tryNew(schema, [withNull, b]), isArrowError("invalid"));
  assert.throws(
    () => columnFromValues(new Float32Array(2), int32()),
    isArrowError("invalid"),
  );
  // typed arrays and JS arrays are accepted and built with the field types
  const raw = RecordBatch.tryNew(schema, [new Int32Array([5, 6]), ["p", null]]);
  assert.deepEqual(raw.toRows(), [{ a: 5, b: "p" }, { a: 6, b: null }]);
  assert.throws(
    () => RecordBatch.tryNew(schema, [new Float64Array(2), ["p", "q"]]),
    isArrowError("invalid"),
  );
  assert.throws(() => RecordBatch.tryNew(schema, [[1, "x"], ["p", "q"]]), isArrowError("invalid"));
});

Deno.test("slice and select are zero-copy views; take and filter gather rows", () => {
  const b = RecordBatch.fromRows(
    Array.from(
      { length: 20 },
      (_, i) => ({ i, s: `s${i}`, l: i % 4 ? [i, i + 1] : null, o: { k: i } }),
    ),
  );
  const s = b.slice(5, 3);
  assert.equal(s.numRows, 3);
  assert.equal(s.column("i").data.values, b.column("i").data.values);
  assert.deepEqual(s.toRows().map((r) => r.s), ["s5", "s6", "s7"]);
  assert.deepEqual(b.slice(18, 100).numRows, 2);
  assert.deepEqual(b.slice(-5, 2).numRows, 2);
  const p = b.select(["s", "i"]);
  assert.deepEqual(p.schema.names, ["s", "i"]);
  assert.equal(p.column("i"), b.column("i"));
  assert.throws(() => b.select(["nope"]), isArrowError("invalid"));
  assert.throws(() => b.column("nope"), isArrowError("invalid"));
  const t = b.take([19, 0, 4]);
  assert.deepEqual(t.toRows(), [b.row(19), b.row(0), b.row(4)]);
  assert.throws(() => b.take([20]), isArrowError("invalid"));
  const mask = new Uint8Array(20).map((_, i) => (i % 5 === 0 ? 1 : 0));
  assert.deepEqual(b.filter(mask).toRows().map((r) => r.i), [0, 5, 10, 15]);
  const predicate = {
    evaluate: (x: RecordBatch) => Uint8Array.from(x.column<number>("i"), (v) => (v! > 17 ? 1 : 0)),
  };
  assert.deepEqual(b.filter(predicate).toRows().map((r) => r.i), [18, 19]);
  // slices of slices, take of slices
  assert.deepEqual(b.slice(4).slice(2, 2).take([1]).row(0), b.row(7));
  assert.throws(() => b.filter(new Uint8Array(3)), isArrowError("invalid"));
});

Deno.test("builders: every type appends values and nulls and rejects the wrong kind", () => {
  const cases: [ReturnType<typeof int32>, unknown[], unknown][] = [
    [int32(), [1, null, -3], "x"],
    [int64(), [1n, 2, null], 1.5],
    [float64(), [0.1, null], "1"],
    [utf8(), ["é", null, ""], 3],
  ] as never;
  for (const [type, values, bad] of cases) {
    const b = makeBuilder(type);
    for (const v of values) b.append(v);
    const c = b.finish();
    assert.equal(c.length, values.length);
    assert.equal(c.nullCount, values.filter((v) => v === null).length);
    assert.throws(() => makeBuilder(type).append(bad), isArrowError("invalid"));
  }
  const l = makeBuilder(list(fixedSizeList(float64(), 2)));
  l.append([[1, 2], null, [3, 4]]);
  l.append(null);
  assert.deepEqual(l.finish().toArray(), [[[1, 2], null, [3, 4]], null]);
  assert.throws(
    () => makeBuilder(fixedSizeList(float64(), 2)).append([1]),
    isArrowError("invalid"),
  );
  const st = makeBuilder(struct({ a: int32(), b: list(utf8()) }));
  st.append({ a: 1, b: ["x"] });
  st.append(null);
  assert.deepEqual(st.finish().toArray(), [{ a: 1, b: ["x"] }, null]);
  const d = makeBuilder(dictionary(utf8(), int32()));
  ["a", "b", "a", null, "a"].forEach((v) => d.append(v));
  const dc = d.finish();
  assert.deepEqual(dc.toArray(), ["a", "b", "a", null, "a"]);
  assert.equal(dc.data.dictionary!.length, 2);
});

Deno.test("utf8Column: bulk encoding gives the same bytes and offsets as the builder", () => {
  const strings = ["", "ascii", "ünï", "𝄞 clef", "\ud800 lone", null, "x".repeat(100)];
  const many = Array.from({ length: 50_000 }, (_, i) => strings[i % strings.length]);
  const bulk = utf8Column(many);
  const b = makeBuilder(utf8());
  for (const s of many) b.append(s);
  const built = b.finish();
  assert.deepEqual(bulk.data.offsets, built.data.offsets);
  assert.deepEqual(bulk.data.values, built.data.values);
  assert.equal(bulk.get(3), "𝄞 clef");
  assert.equal(bulk.get(4), "\ufffd lone");
  assert.equal(bulk.nullCount, many.filter((s) => s === null).length);
  // short strings take the direct-copy path; same bytes again
  const short = Array.from(
    { length: 5000 },
    (_, i) => ["a", "é", null, "𝄞", "\udc00", "xy"][i % 6],
  );
  const b2 = makeBuilder(utf8());
  for (const s of short) b2.append(s);
  const viaBuilder = b2.finish();
  const direct = utf8Column(short);
  assert.deepEqual(direct.data.offsets, viaBuilder.data.offsets);
  assert.deepEqual(direct.data.values, viaBuilder.data.values);
  assert.deepEqual(direct.toArray().slice(0, 6), ["a", "é", null, "𝄞", "\ufffd", "xy"]);
});

Deno.test("float16 conversion round-trips halves and rounds to nearest even", () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = float16ToNumber(h);
    if (Number.isNaN(v)) continue;
    assert.equal(numberToFloat16(v), h, `half 0x${h.toString(16)}`);
  }
  assert.equal(float16ToNumber(numberToFloat16(1 + 2 ** -11)), 1); // tie → even
  assert.equal(float16ToNumber(numberToFloat16(65520)), Infinity);
  const c = columnFromValues([1.5, null, -2], float16());
  assert.deepEqual(c.toArray(), [1.5, null, -2]);
});

Deno.test("decimal128 and temporal values keep their exact storage", () => {
  const d = new DecimalBuilder(decimal128(38, 4));
  d.append("-12345678901234567890.1234");
  d.append(5n);
  d.append(1.5);
  const dc = d.finish() as DecimalColumn;
  assert.equal(dc.getString(0), "-12345678901234567890.1234");
  assert.equal(dc.get(1), 5n);
  assert.equal(dc.getString(2), "1.5000");
  assert.throws(
    () => new DecimalBuilder(decimal128(10, 1)).append("1.25"),
    isArrowError("invalid"),
  );
  const ts = new TemporalBuilder(timestamp(TimeUnit.NANOSECOND, "UTC"));
  ts.append(1_700_000_000_123_456_789n);
  ts.append(new Date(1000));
  const tc = ts.finish() as TemporalColumn;
  assert.equal(tc.data.values![0], 1_700_000_000_123_456_789n);
  assert.equal(tc.get(1), 1000);
  assert.equal(tc.getDate(1)!.getTime(), 1000);
  const dates = columnFromValues(new Int32Array([0, 19000]), date32());
  assert.equal(dates.get(1), 19000 * 86_400_000);
});

Deno.test("extension registry wraps matching columns on read and keeps storage otherwise", () => {
  class Vec2Column extends FixedSizeListColumn<number> {
    norm(i: number): number {
      const [x, y] = this.get(i) as number[];
      return Math.hypot(x, y);
    }
  }
  registerExtensionType({
    name: "test.vec2",
    accepts: (t) => t.typeId === fixedSizeList(float64(), 2).typeId,
    wrap: (data) => new Vec2Column(data),
  });
  try {
    const storage = makeBuilder(fixedSizeList(float64(), 2));
    storage.append([3, 4]);
    const col = storage.finish();
    const schema = new Schema([
      new Field("v", col.type, true, { "ARROW:extension:name": "test.vec2" }),
      new Field("w", col.type, true, { "ARROW:extension:name": "test.unknown" }),
    ]);
    const back = readIpcStream(writeIpcStream(RecordBatch.tryNew(schema, [col, col]))).batches[0];
    const v = back.column("v");
    assert.ok(v instanceof Vec2Column);
    assert.equal(v.norm(0), 5);
    assert.equal(v.slice(0, 1) instanceof Vec2Column, true);
    assert.ok(!(back.column("w") instanceof Vec2Column));
    assert.equal(back.column("w").extension?.name, "test.unknown");
    // fromColumns carries the extension identity into the field metadata
    const again = RecordBatch.fromColumns({ v });
    assert.equal(again.schema.fields[0].extensionName, "test.vec2");
  } finally {
    unregisterExtensionType("test.vec2");
  }
});

Deno.test("inferType reports nested shapes", () => {
  assert.equal(typeToString(inferType([[{ a: 1n }], null])), "list<item: struct<a: int64>>");
  assert.equal(typeToString(inferType([new Float32Array(2)])), "list<item: float32>");
  assert.equal(typeToString(inferType([null, undefined])), "null");
});
