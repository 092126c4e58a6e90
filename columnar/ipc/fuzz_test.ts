// Fuzz: thousands of mutated valid IPC streams and files (bit flips, truncation, insertion,
// absurd lengths, shuffled ranges) must only ever produce ArrowError, in bounded time, and
// whatever does decode must be readable end to end without any other exception.
import assert from "node:assert/strict";
import {
  ArrowError,
  type IpcReadResult,
  readIpcFile,
  readIpcStream,
  readIpcStreamAsync,
  RecordBatch,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import { dictionary, int32, utf8 } from "../types.ts";
import { everyType, randomBatch, rng } from "./_test_data.ts";
import { FlatBufferBuilder } from "./flatbuffers/builder.ts";
import { frameMessage } from "./write/message.ts";

function corpus(): { name: string; bytes: Uint8Array; file: boolean }[] {
  const types = everyType();
  const all = randomBatch(types, 12, 1, { "avila:instrument": "H1" });
  const small = randomBatch({ d: dictionary(utf8(), int32()), s: utf8(), l: types.list }, 9, 2);
  const nested = randomBatch({ st: types.struct, fl: types.fixed_list, dec: types.decimal }, 7, 3);
  const out: { name: string; bytes: Uint8Array; file: boolean }[] = [];
  for (const compression of [undefined, "lz4", "zstd"] as const) {
    out.push({
      name: `all/${compression}`,
      bytes: writeIpcStream(all, { compression }),
      file: false,
    });
    out.push({
      name: `small-file/${compression}`,
      bytes: writeIpcFile([small, small.slice(2, 5)], { compression }),
      file: true,
    });
  }
  out.push({ name: "nested", bytes: writeIpcStream([nested, nested.slice(1, 3)]), file: false });
  out.push({ name: "nested-file", bytes: writeIpcFile(nested), file: true });
  return out;
}

/** Reads and fully materializes (bounded rows), so lazy accessors are exercised too. */
function consume(r: IpcReadResult): number {
  let n = 0;
  for (const b of r.batches) {
    const rows = b.slice(0, 64).toRows();
    n += rows.length;
    for (const c of b.columns) n += c.nullCount;
  }
  return n;
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const int = (n: number) => Math.floor(r() * n);
  const b = src.slice();
  switch (int(6)) {
    case 0: { // flip a few bits
      const k = 1 + int(4);
      for (let i = 0; i < k; i++) b[int(b.length)] ^= 1 << int(8);
      return b;
    }
    case 1: // truncate
      return b.subarray(0, int(b.length));
    case 2: { // insert random bytes
      const at = int(b.length);
      const ins = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, at));
      out.set(ins, at);
      out.set(b.subarray(at), at + ins.length);
      return out;
    }
    case 3: { // absurd 32-bit value at an aligned position
      const at = int(b.length >> 2) << 2;
      const v = [0x7fffffff, 0xffffffff, 0x80000000, 0x10000, 1 << 30, 0][int(6)];
      new DataView(b.buffer).setUint32(Math.min(at, b.length - 4), v, true);
      return b;
    }
    case 4: { // absurd 64-bit value at an 8-aligned position
      const at = Math.min(int(b.length >> 3) << 3, b.length - 8);
      const v = [2n ** 62n, -1n, 2n ** 31n, 2n ** 53n + 1n, 1n << 40n][int(5)];
      new DataView(b.buffer).setBigInt64(at, v, true);
      return b;
    }
    default: { // copy one range over another
      const len = 1 + int(32);
      const from = int(Math.max(1, b.length - len));
      const to = int(Math.max(1, b.length - len));
      b.copyWithin(to, from, from + len);
      return b;
    }
  }
}

Deno.test("fuzz: mutated IPC streams and files only throw ArrowError", () => {
  const r = rng(20240611);
  const inputs = corpus();
  let errors = 0;
  let decoded = 0;
  const codes = new Map<string, number>();
  const rounds = 6000;
  for (let i = 0; i < rounds; i++) {
    const input = inputs[i % inputs.length];
    const bytes = mutate(input.bytes, r);
    try {
      consume(input.file ? readIpcFile(bytes) : readIpcStream(bytes));
      decoded++;
    } catch (e) {
      if (!(e instanceof ArrowError)) {
        throw new Error(`non-ArrowError on ${input.name} round ${i}: ${e}`, { cause: e });
      }
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      errors++;
    }
  }
  assert.equal(errors + decoded, rounds);
  // the mutations must actually reach the validation paths, not only the magic checks
  assert.ok((codes.get("corrupt") ?? 0) > rounds / 4, JSON.stringify([...codes]));
  assert.ok(decoded > 0);
});

Deno.test("fuzz: a stream read as a file and a file read as a stream fail cleanly", () => {
  for (const input of corpus()) {
    try {
      consume(input.file ? readIpcStream(input.bytes) : readIpcFile(input.bytes));
    } catch (e) {
      assert.ok(e instanceof ArrowError, String(e));
    }
  }
});

Deno.test("fuzz: the async reader over split chunks only throws ArrowError", async () => {
  const r = rng(77);
  const inputs = corpus().filter((c) => !c.file);
  for (let i = 0; i < 300; i++) {
    const bytes = mutate(inputs[i % inputs.length].bytes, r);
    const pieces: Uint8Array[] = [];
    for (let p = 0; p < bytes.length;) {
      const n = 1 + Math.floor(r() * 200);
      pieces.push(bytes.subarray(p, p + n));
      p += n;
    }
    try {
      for await (const b of readIpcStreamAsync(ReadableStream.from(pieces))) b.slice(0, 8).toRows();
    } catch (e) {
      assert.ok(e instanceof ArrowError, `round ${i}: ${e}`);
    }
  }
});

Deno.test("hostile headers: absurd lengths are limit or corrupt errors before any allocation", () => {
  const huge = new Uint8Array(16);
  const v = new DataView(huge.buffer);
  v.setUint32(0, 0xffffffff, true);
  v.setInt32(4, 0x7ffffff0, true);
  assert.throws(() => readIpcStream(huge), (e) => e instanceof ArrowError && e.code === "limit");
  v.setInt32(4, -8, true);
  assert.throws(() => readIpcStream(huge), (e) => e instanceof ArrowError && e.code === "corrupt");
  v.setInt32(4, 1024, true);
  assert.throws(() => readIpcStream(huge), (e) => e instanceof ArrowError && e.code === "corrupt");
  const ok = writeIpcStream(randomBatch({ s: utf8() }, 5, 1));
  assert.throws(
    () => readIpcStream(ok, { limits: { maxRows: 4 } }),
    (e) => e instanceof ArrowError && e.code === "limit",
  );
  assert.throws(
    () => readIpcStream(ok, { limits: { maxMetadataSize: 16 } }),
    (e) => e instanceof ArrowError && e.code === "limit",
  );
  // decompression bombs: the budget covers all buffers of a message together
  const wide = RecordBatch.fromColumns({
    a: new Float64Array(50_000),
    b: new Float64Array(50_000),
    c: new Float64Array(50_000),
  });
  const packed = writeIpcStream(wide, { compression: "zstd" });
  assert.ok(packed.length < 10_000);
  assert.equal(
    readIpcStream(packed, { limits: { maxDecompressedSize: 1_200_000 } }).batches.length,
    1,
  );
  assert.throws(
    () => readIpcStream(packed, { limits: { maxDecompressedSize: 1_000_000 } }),
    (e) => e instanceof ArrowError && e.code === "limit",
  );
});

Deno.test("hostile schema: shared flatbuffer tables describing a huge tree hit the budget", () => {
  // Each level is one Field table whose children vector lists the level below 1000 times:
  // 4 levels describe 10^12 fields in a few kilobytes.
  const b = new FlatBufferBuilder();
  let child = 0;
  for (let level = 0; level < 4; level++) {
    const kids = child ? b.createOffsetVector(new Array(1000).fill(child)) : 0;
    const name = b.createString(`level${level}`);
    b.startTable(0);
    const structType = b.endTable();
    b.startTable(7);
    b.addOffset(0, name);
    b.addInt8(2, 13, null);
    b.addOffset(3, structType);
    b.addOffset(5, kids);
    child = b.endTable();
  }
  const fields = b.createOffsetVector([child]);
  b.startTable(4);
  b.addOffset(1, fields);
  const schema = b.endTable();
  const bytes = frameMessage(b, 1, schema, 0);
  assert.throws(() => readIpcStream(bytes), (e) => e instanceof ArrowError && e.code === "limit");
});
