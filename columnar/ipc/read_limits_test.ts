import assert from "node:assert/strict";
import {
  ArrowError,
  makeBuilder,
  readArrowBody,
  readIpcFile,
  readIpcStream,
  readIpcStreamAsync,
  RecordBatch,
  Schema,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import { type Column, makeColumn } from "../column.ts";
import { type DataType, dictionary, int32, list, utf8, utf8View } from "../types.ts";
import { Field } from "../schema.ts";
import { arrowRequest } from "./_test_data.ts";

const KiB = 1024;

// four lz4 batches of 8192 zero float64s: 64 KiB each decoded, a few hundred bytes on the wire
function zeros(compression: "lz4" | "zstd" = "lz4"): { stream: Uint8Array; file: Uint8Array } {
  const b = RecordBatch.fromColumns({ x: new Float64Array(8192) });
  const batches = [b, b, b, b];
  return {
    stream: writeIpcStream(batches, { compression }),
    file: writeIpcFile(batches, { compression }),
  };
}

function assertLimit(fn: () => unknown): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ArrowError, String(e));
    assert.equal(e.code, "limit");
    assert.match(e.message, /maxOutputSize/);
    return true;
  });
}

Deno.test("maxOutputSize bounds all messages of one read together, not each message", async () => {
  for (const compression of ["lz4", "zstd"] as const) {
    const { stream, file } = zeros(compression);
    // every message is far under the per-message limit; together they are past the budget
    const limits = { maxDecompressedSize: 100 * KiB, maxOutputSize: 200 * KiB };
    assertLimit(() => readIpcStream(stream, { limits }));
    assertLimit(() => readIpcFile(file, { limits }));
    await assert.rejects(async () => {
      for await (
        const _ of readIpcStreamAsync(ReadableStream.from([stream]), { limits })
      ) { /* drain */ }
    }, (e) => e instanceof ArrowError && e.code === "limit");
    // enough budget (the buffers and the batches' objects): everything reads
    const ok = { maxDecompressedSize: 100 * KiB, maxOutputSize: 260 * KiB };
    assert.equal(readIpcStream(stream, { limits: ok }).batches.length, 4);
    assert.equal(readIpcFile(file, { limits: ok }).batches.length, 4);
  }
});

Deno.test("maxOutputSize: uncompressed aligned input is used in place, only its objects cost", () => {
  const b = RecordBatch.fromColumns({ x: new Float64Array(8192) });
  const bytes = writeIpcStream([b, b, b, b]);
  assert.equal(readIpcStream(bytes, { limits: { maxOutputSize: 2 * KiB } }).batches.length, 4);
  // the same stream at an odd address is copied to realign it, and that is charged
  const odd = new Uint8Array(bytes.length + 1).subarray(1);
  odd.set(bytes);
  assertLimit(() => readIpcStream(odd, { limits: { maxOutputSize: 100 * KiB } }));
});

// Empty batches cost nothing on the budget: 300 000 of them (55 MB) took 250 MB of heap (about
// 90 bytes per batch and 385 per column, for the objects that hold them) and 3 s through
// readArrowBody. Each batch and column now charges its objects to maxOutputSize.
Deno.test("maxOutputSize counts the objects of many empty batches", async () => {
  const empty = RecordBatch.fromColumns({ a: new Int32Array(0), b: new Float64Array(0) });
  const bytes = writeIpcStream(Array.from({ length: 2000 }, () => empty)); // 370 KB
  // 2000 * (96 + 2 * 384) bytes of objects: 1.7 MB, no buffer at all
  const limits = { maxOutputSize: 1024 * KiB };
  assertLimit(() => readIpcStream(bytes, { limits }));
  await assert.rejects(async () => {
    for await (const _ of readIpcStreamAsync(ReadableStream.from([bytes]), { limits })) {
      /* drain */
    }
  }, (e) => e instanceof ArrowError && e.code === "limit");
  assert.equal(
    readIpcStream(bytes, { limits: { maxOutputSize: 2 * 1024 * KiB } }).batches.length,
    2000,
  );
});

function utf8Column(bytes: number[], offsets: number[], validity: number[] | null = null) {
  return makeColumn({
    type: utf8(),
    length: offsets.length - 1,
    offset: 0,
    nullCount: validity === null ? 0 : validity.filter((v) => v === 0).length,
    validity: validity === null
      ? null
      : Uint8Array.of(validity.reduce((acc, v, i) => acc | (v << i), 0)),
    values: Uint8Array.from(bytes),
    offsets: Int32Array.from(offsets),
    children: [],
    dictionary: null,
  });
}

/** A list column of one row holding the single element of `child`. */
function listOfOne(type: DataType, child: Column): Column {
  return makeColumn({
    type,
    length: 1,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: null,
    offsets: Int32Array.of(0, 1),
    children: [child],
    dictionary: null,
  });
}

function batchOf(column: ReturnType<typeof utf8Column>): RecordBatch {
  return RecordBatch.fromColumns({ s: column });
}

Deno.test("validateUtf8 refuses malformed strings; off by default", async () => {
  const cases: Array<[string, number[]]> = [
    ["lone continuation", [0x61, 0x80]],
    ["overlong slash", [0xc0, 0xaf]],
    ["overlong 3-byte", [0xe0, 0x80, 0xaf]],
    ["surrogate", [0xed, 0xa0, 0x80]],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["truncated", [0xe2, 0x82]],
    ["0xff", [0xff]],
  ];
  for (const [what, bytes] of cases) {
    const stream = writeIpcStream(batchOf(utf8Column(bytes, [0, bytes.length])));
    assert.equal(readIpcStream(stream).batches.length, 1, what); // default: not checked
    assert.throws(
      () => readIpcStream(stream, { validateUtf8: true }),
      (e) => e instanceof ArrowError && e.code === "corrupt" && /UTF-8/.test(e.message),
      what,
    );
  }
  // "é" split across two rows: the bytes together are valid, each row is not
  const split = writeIpcStream(batchOf(utf8Column([0xc3, 0xa9], [0, 1, 2])));
  assert.throws(() => readIpcStream(split, { validateUtf8: true }), ArrowError);
  // a null row's bytes are not a value, and valid text of every width passes
  const text = new TextEncoder().encode("aé€😀");
  const ok = utf8Column([0xff, ...text], [0, 1, 1 + text.length], [0, 1]);
  assert.equal(
    readIpcStream(writeIpcStream(batchOf(ok)), { validateUtf8: true }).batches.length,
    1,
  );
  // nested (list<utf8>) and dictionary strings, through the file and async readers too
  const nested = listOfOne(list(utf8()), utf8Column([0xc0, 0xaf], [0, 2]));
  const nb = RecordBatch.tryNew(
    new Schema([new Field("l", list(utf8()), true)]),
    [nested],
    1,
  );
  assert.throws(() => readIpcFile(writeIpcFile(nb), { validateUtf8: true }), ArrowError);
  await assert.rejects(async () => {
    for await (
      const _ of readIpcStreamAsync(ReadableStream.from([writeIpcStream(nb)]), {
        validateUtf8: true,
      })
    ) {
      // drain
    }
  }, ArrowError);
  const db = makeBuilder(dictionary(utf8(), int32()));
  for (const v of ["a", "é", "a"]) db.append(v);
  const dict = RecordBatch.fromColumns({ d: db.finish() });
  assert.equal(readIpcStream(writeIpcStream(dict), { validateUtf8: true }).batches.length, 1);
});

Deno.test("validateUtf8 checks utf8 view strings (inline and in data buffers), plain and nested", async () => {
  const view = (bytes: number[], offsets: number[]) =>
    makeColumn({ ...utf8Column(bytes, offsets).data, type: utf8View() });
  // a short (inline) bad view, and a long one stored in a variadic data buffer
  const long = new TextEncoder().encode("a valid prefix, then ");
  for (const bytes of [[0xc0, 0xaf], [...long, 0xed, 0xa0, 0x80]]) {
    const plain = writeIpcStream(RecordBatch.fromColumns({ s: view(bytes, [0, bytes.length]) }));
    assert.equal(readIpcStream(plain).batches.length, 1); // default: not checked
    assert.throws(
      () => readIpcStream(plain, { validateUtf8: true }),
      (e) => e instanceof ArrowError && e.code === "corrupt" && /UTF-8/.test(e.message),
    );
    await assert.rejects(readArrowBody(arrowRequest(plain)), (e) => {
      assert.equal((e as { status: number }).status, 400);
      assert.equal((e as ArrowError).code, "corrupt");
      return true;
    });
    const type = list(utf8View());
    const nested = listOfOne(type, view(bytes, [0, bytes.length]));
    const nb = RecordBatch.tryNew(new Schema([new Field("l", type, true)]), [nested], 1);
    assert.throws(() => readIpcFile(writeIpcFile(nb), { validateUtf8: true }), ArrowError);
  }
  // valid views pass
  const text = new TextEncoder().encode("aé€😀 and a long enough tail");
  const ok = RecordBatch.fromColumns({ s: view([...text], [0, 3, text.length]) });
  assert.equal(readIpcStream(writeIpcStream(ok), { validateUtf8: true }).batches.length, 1);
});

Deno.test("readArrowBody validates UTF-8 and bounds decoding by default (400 / 413)", async () => {
  const bad = writeIpcStream(batchOf(utf8Column([0xc0, 0xaf], [0, 2])));
  await assert.rejects(readArrowBody(arrowRequest(bad)), (e) => {
    assert.equal((e as { status: number }).status, 400);
    assert.equal((e as ArrowError).code, "corrupt");
    return true;
  });
  // opting out restores the plain reader's behaviour
  assert.equal((await readArrowBody(arrowRequest(bad), { validateUtf8: false })).batches.length, 1);
  // 4 x 8 MiB of zeros in a small body: past 16 MiB + 16 x the body
  const z = RecordBatch.fromColumns({ x: new Float64Array(2 ** 20) });
  const bomb = writeIpcStream([z, z, z, z], { compression: "lz4" });
  await assert.rejects(readArrowBody(arrowRequest(bomb)), (e) => {
    assert.equal((e as { status: number }).status, 413);
    assert.equal((e as ArrowError).code, "limit");
    return true;
  });
  // 4 Mi values in a 130 KB body are past the default maxValues too (1 Mi + 32 per byte)
  const raised = await readArrowBody(arrowRequest(bomb), {
    limits: { maxOutputSize: 64 * 2 ** 20, maxValues: 2 ** 23 },
  });
  assert.equal(raised.batches.length, 4);
});
