import assert from "node:assert/strict";
import { RecordBatch } from "../batch.ts";
import { applyExtension } from "../extension.ts";
import { makeColumn } from "../column.ts";
import { EXTENSION_METADATA_KEY, EXTENSION_NAME_KEY, Field } from "../schema.ts";
import { fixedSizeList, float32, float64, typeToString } from "../types.ts";
import { col } from "../expr/expr.ts";
import {
  Complex128Column,
  complex128Column,
  complex64Column,
  FixedShapeTensorColumn,
  fixedShapeTensorColumn,
  GeodesicColumn,
  geodesicColumn,
  QuaternionColumn,
  quaternionColumn,
  spinorColumn,
  tensor4dColumn,
} from "./columns.ts";
import { Complex128Array, Complex64Array } from "./complex.ts";
import { FixedShapeTensorArray } from "./fixed_shape_tensor.ts";
import { GeodesicArray } from "./geodesic.ts";
import { QuaternionArray } from "./quaternion.ts";
import { SpinorArray } from "./spinor.ts";
import { Tensor4dArray } from "./tensor4d.ts";
import { seeded, uniform } from "./_test_random.ts";

Deno.test("columns: each type becomes a fixed_size_list field with extension metadata, zero-copy", () => {
  const q = QuaternionArray.from([{ w: 1, x: 2, y: 3, z: 4 }, null, { w: 5, x: 6, y: 7, z: 8 }]);
  const batch = RecordBatch.fromColumns({
    q: quaternionColumn(q),
    c64: complex64Column(new Complex64Array(new Float32Array(6))),
    c128: complex128Column(new Complex128Array(new Float64Array(6))),
    s: spinorColumn(new SpinorArray(new Float64Array(12))),
    t4: tensor4dColumn(new Tensor4dArray(new Float64Array(12))),
    g: geodesicColumn(new GeodesicArray(new Float64Array(12), { metric: "kerr", M: 1, a: 0.5 })),
    m: fixedShapeTensorColumn(
      new FixedShapeTensorArray(new Float32Array(3 * 6), { shape: [2, 3], dimNames: ["r", "c"] }),
    ),
  });
  const f = batch.schema.fields;
  assert.deepEqual(f.map((x) => x.extensionName), [
    "avila.quaternion",
    "avila.complex64",
    "avila.complex128",
    "avila.spinor",
    "avila.tensor4d",
    "avila.geodesic",
    "arrow.fixed_shape_tensor",
  ]);
  assert.deepEqual(f.map((x) => typeToString(x.type)), [
    "fixed_size_list<item: float64>[4]",
    "fixed_size_list<item: float32>[2]",
    "fixed_size_list<item: float64>[2]",
    "fixed_size_list<item: float64>[4]",
    "fixed_size_list<item: float64>[4]",
    "fixed_size_list<item: float64>[4]",
    "fixed_size_list<item: float32>[6]",
  ]);
  assert.equal(f[5].metadata.get(EXTENSION_METADATA_KEY), '{"metric":"kerr","M":1,"a":0.5}');
  assert.deepEqual(JSON.parse(f[6].metadata.get(EXTENSION_METADATA_KEY)!), {
    shape: [2, 3],
    dim_names: ["r", "c"],
  });
  const qc = batch.column("q") as QuaternionColumn;
  assert.equal(qc.quaternions.values.buffer, q.values.buffer);
  assert.equal(qc.quaternions.values.byteOffset, q.values.byteOffset);
  assert.deepEqual([...qc], [{ w: 1, x: 2, y: 3, z: 4 }, null, { w: 5, x: 6, y: 7, z: 8 }]);
  assert.equal(qc.nullCount, 1);
});

Deno.test("columns: slices, take and filter keep the class and the right rows", () => {
  const rand = seeded(60);
  const n = 100;
  const q = new QuaternionArray(uniform(rand, n * 4));
  const batch = RecordBatch.fromColumns({
    i: new Float64Array(n).map((_, k) => k),
    q: quaternionColumn(q),
  });
  // offset 13 is not byte aligned: the validity and values must still line up
  const s = batch.slice(13, 50);
  const sq = s.column("q") as QuaternionColumn;
  assert.ok(sq instanceof QuaternionColumn);
  assert.equal(sq.quaternions.length, 50);
  assert.equal(sq.quaternions.values.buffer, q.values.buffer);
  assert.deepEqual(sq.get(0), q.get(13));
  const norms = sq.quaternions.norm();
  const f = s.filter(col("i").ge(40));
  const fq = f.column("q") as QuaternionColumn;
  assert.ok(fq instanceof QuaternionColumn);
  assert.equal(f.numRows, 23);
  const fn = fq.quaternions.norm();
  for (let k = 0; k < 23; k++) assert.equal(fn[k], norms[27 + k]);
  assert.equal(f.schema.fields[1].extensionName, "avila.quaternion");
});

Deno.test("columns: unaligned slice of a column with nulls re-bases the validity", () => {
  const items = Array.from({ length: 20 }, (_, k) => (k % 3 === 0 ? null : { re: k, im: -k }));
  const c = complex128Column(Complex128Array.from(items)).slice(5, 10) as Complex128Column;
  const arr = c.complex;
  for (let k = 0; k < 10; k++) assert.deepEqual(arr.get(k), items[5 + k]);
});

Deno.test("columns: the registry wraps storage columns read with extension field metadata", () => {
  const flat = new Float64Array([1, 2, 3, 4]);
  const child = makeColumn({
    type: float64(),
    length: 4,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: flat,
    offsets: null,
    children: [],
    dictionary: null,
  });
  const storage = makeColumn({
    type: fixedSizeList(float64(), 4),
    length: 1,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: null,
    offsets: null,
    children: [child],
    dictionary: null,
  });
  const field = (name: string, md = "") =>
    new Field("x", storage.type, true, {
      [EXTENSION_NAME_KEY]: name,
      [EXTENSION_METADATA_KEY]: md,
    });
  assert.ok(applyExtension(storage, field("avila.quaternion")) instanceof QuaternionColumn);
  assert.ok(
    applyExtension(storage, field("avila.geodesic", '{"metric":"minkowski"}')) instanceof
      GeodesicColumn,
  );
  // bad metadata or mismatched storage: left as plain storage, tagged with its extension name
  const bad = applyExtension(storage, field("avila.geodesic", "not json"));
  assert.ok(!(bad instanceof GeodesicColumn));
  assert.equal(bad.extension?.name, "avila.geodesic");
  assert.ok(!(applyExtension(storage, field("avila.complex128")) instanceof Complex128Column));
  assert.ok(
    applyExtension(storage, field("arrow.fixed_shape_tensor", '{"shape":[2,2]}')) instanceof
      FixedShapeTensorColumn,
  );
  assert.ok(
    !(applyExtension(storage, field("arrow.fixed_shape_tensor", '{"shape":[3]}')) instanceof
      FixedShapeTensorColumn),
  );
  const f32 = { ...storage.data, type: fixedSizeList(float32(), 4) };
  assert.ok(
    !(applyExtension(makeColumn(f32), field("avila.quaternion")) instanceof QuaternionColumn),
  );
});
