// Interop with @uwdata/flechette, including body compression: flechette is given independent
// LZ4 (lz4js) and ZSTD (node:zlib) codecs, so compressed buffers cross implementations.
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import * as fl from "@uwdata/flechette";
import lz4js from "lz4js";
import {
  columnFromValues,
  type DataType,
  Field,
  type IpcCompression,
  readIpcFile,
  readIpcStream,
  RecordBatch,
  Schema,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import {
  binaryView,
  denseUnion,
  int32,
  largeListView,
  listView,
  map,
  runEndEncoded,
  sparseUnion,
  utf8,
  utf8View,
} from "../types.ts";
import { assertColumnsEqual, everyType, randomBatch } from "./_test_data.ts";

type Zstd = (b: Uint8Array) => Uint8Array;
const z = zlib as unknown as { zstdCompressSync: Zstd; zstdDecompressSync: Zstd };

fl.setCompressionCodec(fl.CompressionType.LZ4_FRAME, {
  encode: (b: Uint8Array) => Uint8Array.from(lz4js.compress(b)),
  decode: (b: Uint8Array) => Uint8Array.from(lz4js.decompress(b)),
});
fl.setCompressionCodec(fl.CompressionType.ZSTD, {
  encode: (b: Uint8Array) => new Uint8Array(z.zstdCompressSync(b)),
  decode: (b: Uint8Array) => new Uint8Array(z.zstdDecompressSync(b)),
});

const codecs: [IpcCompression | undefined, fl.CompressionType_ | undefined][] = [
  [undefined, undefined],
  ["lz4", fl.CompressionType.LZ4_FRAME],
  ["zstd", fl.CompressionType.ZSTD],
];

for (const [compression, codec] of codecs) {
  const label = compression ?? "uncompressed";
  Deno.test(`flechette reads our ${label} streams and files of every type, and we read its`, () => {
    const types = everyType();
    const batch = randomBatch(types, 300, 4242, { "avila:observatory": "Virgo" });
    for (const format of ["stream", "file"] as const) {
      const bytes = format === "stream"
        ? writeIpcStream(batch, { compression })
        : writeIpcFile(batch, { compression });
      const table = fl.tableFromIPC(bytes);
      assert.equal(table.numRows, 300);
      assert.deepEqual(table.schema.fields.map((f) => f.name), batch.schema.names);
      assert.equal(table.schema.metadata?.get("avila:observatory"), "Virgo");
      const back = (format === "stream" ? readIpcStream : readIpcFile)(
        fl.tableToIPC(table, { format, codec })!,
      );
      const b = back.batches[0];
      batch.schema.names.forEach((name, i) =>
        assertColumnsEqual(b.columns[i], batch.columns[i], name)
      );
      assert.equal(b.schema.field("int64")!.metadata.get("test:type"), "int64");
    }
  });
}

Deno.test("flechette sees our values exactly", () => {
  const batch = RecordBatch.fromColumns({
    t: new Float64Array([0, 0.25, 0.5]),
    n: new Int32Array([7, -8, 9]),
    s: ["alpha", null, "γ"],
    b: [true, null, false],
  });
  for (const compression of [undefined, "lz4", "zstd"] as const) {
    const t = fl.tableFromIPC(writeIpcStream(batch, { compression }));
    assert.deepEqual(t.getChild("t").toArray(), new Float64Array([0, 0.25, 0.5]));
    assert.deepEqual(t.getChild("n").toArray(), new Int32Array([7, -8, 9]));
    assert.deepEqual(t.getChild("s").toArray(), ["alpha", null, "γ"]);
    assert.deepEqual(t.getChild("b").toArray(), [true, null, false]);
  }
});

Deno.test("we read flechette's own compressed output (built by flechette from JS values)", () => {
  const values = Array.from({ length: 5000 }, (_, i) => (i % 10 === 0 ? null : i * 0.5));
  const words = Array.from({ length: 5000 }, (_, i) => `row-${i % 50}`);
  const table = fl.tableFromArrays({ v: values, w: words });
  for (const [, codec] of codecs) {
    const { batches } = readIpcStream(fl.tableToIPC(table, { format: "stream", codec })!);
    const rows = batches.flatMap((b) => b.toRows());
    assert.equal(rows.length, 5000);
    rows.forEach((r, i) => {
      assert.equal(r.v, values[i]);
      assert.equal(r.w, words[i]);
    });
  }
});

Deno.test("compression really shrinks repetitive buffers and falls back to raw (-1) otherwise", () => {
  const n = 100_000;
  const steady = RecordBatch.fromColumns({ x: new Float64Array(n).fill(1) });
  const plain = writeIpcStream(steady);
  assert.ok(writeIpcStream(steady, { compression: "lz4" }).length < plain.length / 20);
  assert.ok(writeIpcStream(steady, { compression: "zstd" }).length < plain.length / 20);
  const noise = new Uint8Array(4096);
  crypto.getRandomValues(noise);
  const random = RecordBatch.fromColumns({ x: noise });
  const packed = writeIpcStream(random, { compression: "lz4" });
  // stored raw behind a -1 prefix: 8 body bytes plus the BodyCompression table (< 40 bytes of
  // metadata), never expanded by the codec
  assert.ok(packed.length <= writeIpcStream(random).length + 48);
  assert.deepEqual(readIpcStream(packed).batches[0].column("x").toArray(), noise);
  assert.deepEqual(fl.tableFromIPC(packed).getChild("x").toArray(), noise);
});

Deno.test("flechette reads our views, list views, unions, maps and run-end encoded columns", () => {
  const cols: Record<string, [DataType, unknown[]]> = {
    sv: [utf8View(), ["a", null, "a string longer than twelve bytes", ""]],
    bv: [binaryView(), [new Uint8Array([1]), null, new Uint8Array(20).fill(9), new Uint8Array(0)]],
    lv: [listView(int32()), [[1, 2], null, [], [3]]],
    llv: [largeListView(utf8()), [["x"], [], null, ["y", null]]],
    su: [sparseUnion({ i: int32(), s: utf8() }), [1, "a", null, "b"]],
    du: [denseUnion({ i: int32(), s: utf8() }), ["a", 2, null, 3]],
    m: [map(utf8(), int32()), [{ a: 1 }, null, {}, [["b", null], ["b", 2]]]],
    ree: [runEndEncoded(int32(), utf8()), ["x", "x", null, "y"]],
  };
  const batch = RecordBatch.tryNew(
    new Schema(Object.entries(cols).map(([name, [t]]) => new Field(name, t, true))),
    Object.values(cols).map(([t, values]) => columnFromValues(values, t)),
    4,
  );
  for (const b of [batch, batch.slice(1, 3)]) {
    for (const compression of [undefined, "lz4", "zstd"] as const) {
      for (const bytes of [writeIpcStream(b, { compression }), writeIpcFile(b, { compression })]) {
        const t = fl.tableFromIPC(bytes);
        for (const name of Object.keys(cols)) {
          const got = Array.from(
            t.getChild(name).toArray() as ArrayLike<unknown>,
            (v) => ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v,
          );
          const want = Array.from(
            b.column(name),
            (v) => (v instanceof Uint8Array ? Array.from(v) : v),
          );
          assert.deepEqual(got, want, `${name} ${compression}`);
        }
      }
    }
  }
});
