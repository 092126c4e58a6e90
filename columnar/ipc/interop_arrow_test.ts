// Interop with the reference JS implementation, apache-arrow: our IPC read by it, its IPC read
// by us, for every type it supports, both formats, metadata, dictionaries, nulls and slices.
import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import {
  Field,
  readIpcFile,
  readIpcStream,
  RecordBatch,
  Schema,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import { makeColumn } from "../column.ts";
import { dictionary, fixedSizeList, float64, int32, utf8 } from "../types.ts";
import { assertColumnsEqual, everyType, randomBatch, randomColumn, rng } from "./_test_data.ts";

const toIpc = (t: arrow.Table, f: "stream" | "file") => arrow.tableToIPC(t, f);

for (const [name, type] of Object.entries(everyType())) {
  Deno.test(`apache-arrow reads our ${name} column and writes it back unchanged`, () => {
    const batch = randomBatch({ [name]: type }, 64, name.length * 7919);
    for (const format of ["stream", "file"] as const) {
      const bytes = format === "stream" ? writeIpcStream(batch) : writeIpcFile(batch);
      const table = arrow.tableFromIPC(bytes);
      assert.equal(table.numRows, 64);
      assert.equal(table.schema.fields[0].name, name);
      assert.equal(table.getChild(name)!.nullCount, batch.columns[0].nullCount);
      const back = format === "stream"
        ? readIpcStream(toIpc(table, "stream"))
        : readIpcFile(toIpc(table, "file"));
      assert.equal(back.batches.length, 1);
      assertColumnsEqual(back.batches[0].columns[0], batch.columns[0], name);
    }
  });
}

Deno.test("apache-arrow sees our values exactly (scalars, strings, lists, structs, dictionaries)", () => {
  const batch = RecordBatch.fromRows([
    { id: 1, name: "H1", tags: ["a", "b"], pos: { x: 1.5, ok: true }, big: 2n ** 60n },
    { id: 2, name: null, tags: [], pos: null, big: -5n },
    { id: 3.25, name: "ψ-Ł", tags: null, pos: { x: null, ok: false }, big: null },
  ], { dictionary: 1 });
  const t = arrow.tableFromIPC(writeIpcStream(batch));
  assert.deepEqual(t.getChild("id")!.toArray(), new Float64Array([1, 2, 3.25]));
  assert.deepEqual([...t.getChild("name")!], ["H1", null, "ψ-Ł"]);
  assert.ok(arrow.DataType.isDictionary(t.schema.fields[1].type));
  assert.deepEqual(t.getChild("tags")!.get(0)!.toArray(), ["a", "b"]);
  assert.equal(t.getChild("tags")!.get(1)!.length, 0);
  assert.equal(t.getChild("tags")!.get(2), null);
  assert.deepEqual(t.getChild("pos")!.get(0)!.toJSON(), { x: 1.5, ok: true });
  assert.equal(t.getChild("pos")!.get(1), null);
  assert.deepEqual([...t.getChild("big")!], [2n ** 60n, -5n, null]);
});

Deno.test("we read apache-arrow's own tables exactly", () => {
  const r = rng(5);
  const n = 1000;
  const f64 = Float64Array.from({ length: n }, () => r());
  const i32 = Int32Array.from({ length: n }, () => Math.floor(r() * 1e6));
  const words = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `w${i % 13}`));
  const t = arrow.tableFromArrays({ f64, i32, words });
  const dictTable = new arrow.Table({
    d: arrow.vectorFromArray(
      ["x", "y", "x", null],
      new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
    ),
  });
  for (const format of ["stream", "file"] as const) {
    const read = format === "stream" ? readIpcStream : readIpcFile;
    const { batches } = read(toIpc(t, format));
    const b = batches[0];
    assert.deepEqual(b.column("f64").toArray(), f64);
    assert.deepEqual(b.column("i32").toArray(), i32);
    assert.deepEqual(b.column("words").toArray(), words);
    assert.equal(b.column("words").nullCount, words.filter((w) => w === null).length);
    const d = read(toIpc(dictTable, format)).batches[0];
    assert.deepEqual(d.column("d").toArray(), ["x", "y", "x", null]);
  }
});

Deno.test("schema, field and extension metadata survive apache-arrow both ways", () => {
  const quats = randomColumn(fixedSizeList(float64(), 4), 10, rng(9), 0);
  const schema = new Schema([
    new Field("q", quats.type, false, {
      "ARROW:extension:name": "avila.quaternion",
      "ARROW:extension:metadata": '{"order":"wxyz"}',
    }),
    new Field("n", int32(), true, { unit: "counts" }),
  ], { "avila:instrument": "LIGO Hanford", "avila:sampleRate": "16384" });
  const batch = RecordBatch.tryNew(schema, [quats, randomColumn(int32(), 10, rng(1))]);
  const t = arrow.tableFromIPC(writeIpcStream(batch));
  assert.equal(t.schema.metadata.get("avila:instrument"), "LIGO Hanford");
  assert.equal(t.schema.fields[0].metadata.get("ARROW:extension:name"), "avila.quaternion");
  assert.equal(t.schema.fields[0].nullable, false);
  assert.equal(t.schema.fields[1].metadata.get("unit"), "counts");
  const back = readIpcStream(toIpc(t, "stream"));
  assert.equal(back.schema.metadata.get("avila:sampleRate"), "16384");
  assert.equal(back.schema.fields[0].extensionName, "avila.quaternion");
  assert.equal(back.batches[0].columns[0].extension?.metadata, '{"order":"wxyz"}');
  // avila.quaternion is registered by columnar/extensions: compare its storage
  assertColumnsEqual(makeColumn(back.batches[0].columns[0].data), quats, "q");
});

Deno.test("slices and several batches with a shared dictionary reach apache-arrow intact", () => {
  const batch = randomBatch(
    { s: utf8(), d: dictionary(utf8(), int32()), l: everyType().list, st: everyType().struct },
    100,
    77,
  );
  const parts = [batch.slice(3, 40), batch.slice(43, 1), batch.slice(50)];
  const t = arrow.tableFromIPC(writeIpcStream(parts));
  assert.equal(t.batches.length, 3);
  assert.equal(t.numRows, 40 + 1 + 50);
  const back = readIpcFile(toIpc(t, "file"));
  assert.equal(back.batches.length, 3);
  back.batches.forEach((b, i) => {
    b.columns.forEach((c, k) => assertColumnsEqual(c, parts[i].columns[k], b.schema.names[k]));
  });
});
