import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as flechette from "@uwdata/flechette";
import { RecordBatch } from "../batch.ts";
import { readIpcFile } from "../ipc/read/file.ts";
import { readIpcStream } from "../ipc/read/stream.ts";
import { writeIpcFile } from "../ipc/write/file.ts";
import { writeIpcStream } from "../ipc/write/stream.ts";
import {
  type Complex128Column,
  complex128Column,
  Complex64Column,
  complex64Column,
  type FixedShapeTensorColumn,
  fixedShapeTensorColumn,
  type GeodesicColumn,
  geodesicColumn,
  QuaternionColumn,
  quaternionColumn,
  type SpinorColumn,
  spinorColumn,
  type Tensor4dColumn,
  tensor4dColumn,
} from "./columns.ts";
import { Complex128Array, Complex64Array } from "./complex.ts";
import { FixedShapeTensorArray } from "./fixed_shape_tensor.ts";
import { GeodesicArray } from "./geodesic.ts";
import { QuaternionArray } from "./quaternion.ts";
import { SpinorArray } from "./spinor.ts";
import { Tensor4dArray } from "./tensor4d.ts";
import { seeded, uniform } from "./_test_random.ts";

const N = 257;
const rand = seeded(77);
const withNulls = (n: number) => {
  const v = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
  for (let i = 0; i < n; i += 7) v[i >> 3] &= ~(1 << (i & 7));
  return v;
};
const metric = { metric: "schwarzschild", M: 1.989e30 };
const arrays = {
  q: new QuaternionArray(uniform(rand, N * 4), withNulls(N)),
  c64: new Complex64Array(Float32Array.from(uniform(rand, N * 2))),
  c128: new Complex128Array(uniform(rand, N * 2), withNulls(N)),
  s: new SpinorArray(uniform(rand, N * 4)),
  t4: new Tensor4dArray(uniform(rand, N * 4)),
  g: new GeodesicArray(uniform(rand, N * 4), metric),
  m: new FixedShapeTensorArray(uniform(rand, N * 6), { shape: [2, 3], dimNames: ["i", "j"] }),
};
const batch = RecordBatch.fromColumns({
  q: quaternionColumn(arrays.q),
  c64: complex64Column(arrays.c64),
  c128: complex128Column(arrays.c128),
  s: spinorColumn(arrays.s),
  t4: tensor4dColumn(arrays.t4),
  g: geodesicColumn(arrays.g),
  m: fixedShapeTensorColumn(arrays.m),
});
const NAMES = {
  q: "avila.quaternion",
  c64: "avila.complex64",
  c128: "avila.complex128",
  s: "avila.spinor",
  t4: "avila.tensor4d",
  g: "avila.geodesic",
  m: "arrow.fixed_shape_tensor",
};
const WIDTHS = { q: 4, c64: 2, c128: 2, s: 4, t4: 4, g: 4, m: 6 };

Deno.test("extensions: IPC round trip (stream/file, none/lz4/zstd) gives the typed columns back", () => {
  for (const compression of [undefined, "lz4", "zstd"] as const) {
    for (const format of ["stream", "file"] as const) {
      const bytes = format === "stream"
        ? writeIpcStream(batch, { compression })
        : writeIpcFile(batch, { compression });
      const back = (format === "stream" ? readIpcStream(bytes) : readIpcFile(bytes)).batches[0];
      const q = back.column("q");
      assert.ok(q instanceof QuaternionColumn, `${format} ${compression}`);
      assert.deepEqual(q.quaternions.values, arrays.q.values);
      assert.deepEqual([...q].map((x) => x === null), [...arrays.q].map((x) => x === null));
      assert.ok(back.column("c64") instanceof Complex64Column);
      assert.deepEqual((back.column("c64") as Complex64Column).complex.values, arrays.c64.values);
      assert.deepEqual([...(back.column("c128") as Complex128Column)], [...arrays.c128]);
      assert.deepEqual((back.column("s") as SpinorColumn).spinors.values, arrays.s.values);
      assert.deepEqual((back.column("t4") as Tensor4dColumn).tensors.values, arrays.t4.values);
      const g = (back.column("g") as GeodesicColumn).geodesic;
      assert.deepEqual(g.metric, metric);
      assert.deepEqual(g.values, arrays.g.values);
      const m = (back.column("m") as FixedShapeTensorColumn).tensors;
      assert.deepEqual(m.shape, [2, 3]);
      assert.deepEqual(m.dimNames, ["i", "j"]);
      assert.equal(m.value(100, 1, 2), arrays.m.value(100, 1, 2));
    }
  }
});

Deno.test("extensions: apache-arrow and flechette read plain storage with the metadata kept", () => {
  for (const bytes of [writeIpcStream(batch), writeIpcFile(batch)]) {
    const a = arrow.tableFromIPC(bytes);
    const f = flechette.tableFromIPC(bytes);
    for (const [key, name] of Object.entries(NAMES)) {
      const af = a.schema.fields.find((x) => x.name === key)!;
      assert.equal(af.metadata.get("ARROW:extension:name"), name);
      assert.ok(arrow.DataType.isFixedSizeList(af.type));
      assert.equal(af.type.listSize, WIDTHS[key as keyof typeof WIDTHS]);
      const ff = f.schema.fields.find((x) => x.name === key)!;
      assert.equal(ff.metadata?.get("ARROW:extension:name"), name);
    }
    assert.equal(
      a.schema.fields.find((x) => x.name === "g")!.metadata.get("ARROW:extension:metadata"),
      JSON.stringify(metric),
    );
    assert.deepEqual(
      JSON.parse(
        f.schema.fields.find((x) => x.name === "m")!.metadata!.get("ARROW:extension:metadata")!,
      ),
      { shape: [2, 3], dim_names: ["i", "j"] },
    );
    // values: row 8 of the quaternion column (valid) and row 7 (null)
    assert.deepEqual(
      Array.from(a.getChild("q")!.get(8)!),
      Array.from(arrays.q.values.subarray(32, 36)),
    );
    assert.equal(a.getChild("q")!.get(7), null);
    assert.equal(f.getChild("q").at(7), null);
    assert.deepEqual(
      Array.from(f.getChild("c64").at(3) as Float32Array),
      Array.from(arrays.c64.values.subarray(6, 8)),
    );
  }
});

Deno.test("extensions: columns written by apache-arrow with extension metadata are wrapped on read", () => {
  // apache-arrow builds fixed_size_list<float64>[4] storage with our metadata
  const flat = uniform(rand, 40);
  const child = arrow.makeData({ type: new arrow.Float64(), length: 40, data: flat });
  const listType = new arrow.FixedSizeList(4, new arrow.Field("item", new arrow.Float64(), true));
  const data = arrow.makeData({ type: listType, length: 10, nullCount: 0, child });
  const field = new arrow.Field(
    "q",
    listType,
    true,
    new Map([["ARROW:extension:name", "avila.quaternion"]]),
  );
  const table = new arrow.Table(
    new arrow.Schema([field]),
    new arrow.RecordBatch(
      new arrow.Schema([field]),
      arrow.makeData({ type: new arrow.Struct([field]), length: 10, children: [data] }),
    ),
  );
  const bytes = arrow.tableToIPC(table, "stream");
  const back = readIpcStream(bytes).batches[0].column("q");
  assert.ok(back instanceof QuaternionColumn);
  assert.deepEqual(back.quaternions.values, flat);
  const norms = back.quaternions.norm();
  assert.equal(norms[3], Math.hypot(...flat.subarray(12, 16)));
});
