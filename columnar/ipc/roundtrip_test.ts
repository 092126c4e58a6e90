// Property tests: seeded random schemas (nested, every type, nulls) and data, random slices,
// every codec, stream/file/async framings; plus the zero-copy guarantees of writer and reader.
import assert from "node:assert/strict";
import {
  type DataType,
  ipcReadableStream,
  readIpcFile,
  readIpcStream,
  readIpcStreamAsync,
  RecordBatch,
  Schema,
  Type,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import type { NumberColumn } from "../column.ts";
import { ipcFileChunks } from "./write/file.ts";
import { ipcStreamChunks, ipcStreamChunksAsync } from "./write/stream.ts";
import {
  decimal128,
  dictionary,
  fixedSizeBinary,
  fixedSizeList,
  int32,
  list,
  struct,
  utf8,
} from "../types.ts";
import { assertBatchesEqual, everyType, randomBatch, rng } from "./_test_data.ts";

function randomType(r: () => number, depth: number): DataType {
  const leaves = Object.values(everyType()).filter((t) =>
    t.typeId !== Type.List && t.typeId !== Type.Struct && t.typeId !== Type.FixedSizeList
  );
  const k = Math.floor(r() * (depth < 3 ? 14 : 10));
  if (k < 10 || depth >= 3) {
    const t = leaves[Math.floor(r() * leaves.length)];
    if (t.typeId === Type.Decimal) return decimal128(1 + Math.floor(r() * 38), Math.floor(r() * 6));
    if (t.typeId === Type.FixedSizeBinary) return fixedSizeBinary(1 + Math.floor(r() * 9));
    return t;
  }
  if (k === 10 || k === 11) return list(randomType(r, depth + 1));
  if (k === 12) return fixedSizeList(randomType(r, depth + 1), 1 + Math.floor(r() * 4));
  const n = 1 + Math.floor(r() * 3);
  const children: Record<string, DataType> = {};
  for (let i = 0; i < n; i++) children[`f${i}`] = randomType(r, depth + 1);
  return struct(children);
}

function randomTypes(r: () => number): Record<string, DataType> {
  const n = 1 + Math.floor(r() * 6);
  const out: Record<string, DataType> = {};
  for (let i = 0; i < n; i++) out[`c${i}`] = randomType(r, 0);
  return out;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("property: random schemas and data round-trip through stream and file, any codec, any slice", () => {
  const r = rng(31337);
  for (let round = 0; round < 60; round++) {
    const types = randomTypes(r);
    const n = Math.floor(r() * 120);
    const batch = randomBatch(types, n, round + 1, { round: String(round) });
    const a = Math.floor(r() * (n + 1));
    const slice = batch.slice(a, Math.floor(r() * (n - a + 1)));
    const compression = ([undefined, "lz4", "zstd"] as const)[round % 3];
    const parts = [batch, slice, batch.slice(0, 0)];
    const s = readIpcStream(writeIpcStream(parts, { compression }));
    const f = readIpcFile(writeIpcFile(parts, { compression }));
    for (const result of [s, f]) {
      assert.ok(result.schema.equals(batch.schema));
      assert.equal(result.batches.length, 3);
      result.batches.forEach((b, i) => assertBatchesEqual(b, parts[i]));
    }
  }
});

Deno.test("property: the async reader matches the sync reader for any chunking", async () => {
  const r = rng(99);
  for (let round = 0; round < 20; round++) {
    const batch = randomBatch(randomTypes(r), 40, round + 100);
    const bytes = writeIpcStream([batch, batch.slice(5, 10)], {
      compression: round % 2 ? "lz4" : undefined,
    });
    const pieces: Uint8Array[] = [];
    for (let p = 0; p < bytes.length;) {
      const k = 1 + Math.floor(r() * 300);
      pieces.push(bytes.subarray(p, p + k));
      p += k;
    }
    const reader = readIpcStreamAsync(ReadableStream.from(pieces));
    const got: RecordBatch[] = [];
    for await (const b of reader) got.push(b);
    assert.ok((await reader.schema).equals(batch.schema));
    assert.equal(got.length, 2);
    assertBatchesEqual(got[0], batch);
    assertBatchesEqual(got[1], batch.slice(5, 10));
  }
});

Deno.test("streaming writers: async sources, ReadableStream output, empty streams with a schema", async () => {
  const batch = randomBatch({ s: utf8(), d: dictionary(utf8(), int32()) }, 30, 5);
  async function* source() {
    yield batch.slice(0, 10);
    await new Promise((r) => setTimeout(r, 1));
    yield batch.slice(10);
  }
  const chunks: Uint8Array[] = [];
  for await (const c of ipcStreamChunksAsync(source())) chunks.push(c);
  const joined = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
  const read = readIpcStream(joined).batches;
  assertBatchesEqual(read[0], batch.slice(0, 10));
  assertBatchesEqual(read[1], batch.slice(10));
  const viaStream = await collect(ipcReadableStream(source(), { compression: "zstd" }));
  assert.equal(readIpcStream(viaStream).batches.length, 2);
  const empty = readIpcStream(writeIpcStream([], { schema: batch.schema }));
  assert.equal(empty.batches.length, 0);
  assert.ok(empty.schema.equals(batch.schema));
  assert.equal(readIpcFile(writeIpcFile([], { schema: batch.schema })).batches.length, 0);
  assert.throws(() => writeIpcStream([]), /no batches/);
  const other = RecordBatch.fromColumns({ x: new Int32Array(1) });
  assert.throws(() => writeIpcStream([batch, other]), /same schema/);
});

Deno.test("a dictionary that changes between batches is re-sent in streams, refused in files", () => {
  const a = RecordBatch.fromColumns({ d: ["x", "y", "x"] }, { dictionary: 1 });
  const b = RecordBatch.tryNew(a.schema, [
    RecordBatch.fromColumns({ d: ["z", "z", "w"] }, { dictionary: 1 }).columns[0],
  ]);
  const { batches } = readIpcStream(writeIpcStream([a, b]));
  assert.deepEqual(batches.map((x) => x.column("d").toArray()), [["x", "y", "x"], ["z", "z", "w"]]);
  assert.throws(
    () => writeIpcFile([a, b]),
    (e: Error & { code?: string }) => e.code === "unsupported",
  );
  // the same dictionary column in both batches is written once and is fine in files
  assert.equal(readIpcFile(writeIpcFile([a, a.slice(1)])).batches[1].column("d").get(0), "y");
});

Deno.test("zero-copy: the writer yields the column buffers themselves, the reader views its input", () => {
  const n = 1 << 16;
  const t = new Float64Array(n).map((_, i) => i * 0.5);
  const v = new Int32Array(n).map((_, i) => i);
  const batch = RecordBatch.fromColumns({ t, v });
  assert.equal(batch.column("t").data.values, t); // fromColumns wraps, does not copy
  const chunks = [...ipcStreamChunks(batch)];
  assert.ok(chunks.some((c) => c.buffer === t.buffer && c.byteLength === t.byteLength));
  assert.ok(chunks.some((c) => c.buffer === v.buffer && c.byteLength === v.byteLength));
  const fileChunks = [...ipcFileChunks(batch.slice(8, 1000))];
  assert.ok(fileChunks.some((c) => c.buffer === t.buffer && c.byteOffset === 8 * 8));
  const bytes = writeIpcStream(batch);
  const read = readIpcStream(bytes).batches[0];
  assert.equal(read.column("t").data.values!.buffer, bytes.buffer);
  assert.deepEqual((read.column("t") as NumberColumn).values, t);
  // an input that is not 8-byte aligned is copied where needed, values stay correct
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  assert.deepEqual((readIpcStream(shifted).batches[0].column("t") as NumberColumn).values, t);
});

Deno.test("schema equality ignores nothing that matters: metadata and nullability are kept", () => {
  const batch = randomBatch(everyType(), 3, 1, { a: "1" });
  const read = readIpcStream(writeIpcStream(batch)).schema;
  assert.ok(read.equals(batch.schema));
  assert.ok(!read.equals(new Schema(batch.schema.fields)));
});
