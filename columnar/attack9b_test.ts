// Hostile and edge-case input for the Arrow module, found by a fresh-eyes attack pass.
import assert from "node:assert/strict";
import {
  ArrowError,
  ArrowHttpError,
  arrowResponse,
  columnFromValues,
  makeBuilder,
  makeColumn,
  readArrowBody,
  readIpcFile,
  readIpcStream,
  readIpcStreamAsync,
  RecordBatch,
  TimeUnit,
  types as T,
  writeIpcFile,
  writeIpcStream,
} from "./mod.ts";
import { type DataType, Type } from "./types.ts";
import { python } from "./_test_python.ts";
import { arrowRequest, postArrow } from "./ipc/_test_data.ts";
import { readMessageAt } from "./ipc/read/message.ts";
import { resolveLimits } from "./ipc/limits.ts";
import { MessageHeader } from "./ipc/_format.ts";

function dictBatch(valueType: DataType, values: unknown[]): RecordBatch {
  const b = makeBuilder(T.dictionary(valueType, T.int32()));
  for (const v of values) b.append(v as never);
  return RecordBatch.fromColumns({ d: b.finish() });
}

// A delta dictionary batch is concatenated to the dictionary already read. Going through
// `get()` and a builder rounded nanosecond timestamps and large durations (get returns
// float milliseconds / numbers), so every row of the batches after the delta read a wrong value.
Deno.test("dictionary deltas keep values exact (ns timestamps, durations past 2^53, decimals)", async () => {
  const cases: [string, DataType, unknown[], unknown[]][] = [
    [
      "timestamp ns",
      T.timestamp(TimeUnit.NANOSECOND, "UTC"),
      [1700000000123456789n, null],
      [1700000000123456789n, null, 1700000000987654321n, -1n],
    ],
    [
      "duration ns",
      T.duration(TimeUnit.NANOSECOND),
      [9007199254740993n],
      [9007199254740993n, 9007199254740995n, -9007199254740995n],
    ],
    [
      "timestamp us",
      T.timestamp(TimeUnit.MICROSECOND),
      [1700000000123457n],
      [1700000000123457n, 2n ** 62n + 1n],
    ],
    [
      "decimal128",
      T.decimal128(38, 5),
      [12345678901234567890123456789n],
      [12345678901234567890123456789n, -(10n ** 37n) + 1n],
    ],
  ];
  for (const [name, type, first, second] of cases) {
    const bytes = writeIpcStream([dictBatch(type, first), dictBatch(type, second)]);
    for (const read of [readIpcStream(bytes), await readAsync(bytes)]) {
      const last = read.batches[1].columns[0];
      const dict = last.data.dictionary!;
      const raw: unknown[] = [];
      for (let i = 0; i < last.length; i++) {
        if (!last.isValid(i)) raw.push(null);
        else {
          const k = Number(last.data.values![last.data.offset + i]);
          raw.push(rawValue(dict.data, k));
        }
      }
      assert.deepEqual(raw, second.map((v) => v ?? null), name);
    }
  }
});

function rawValue(data: { type: DataType; values: unknown; offset: number }, k: number): unknown {
  const values = data.values as ArrayLike<number | bigint>;
  if (data.type.typeId === Type.Decimal) {
    // 4 little-endian 32-bit words, two's complement
    let v = 0n;
    for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(values[(data.offset + k) * 4 + w]);
    return BigInt.asIntN(128, v);
  }
  return values[data.offset + k];
}

async function readAsync(bytes: Uint8Array): Promise<{ batches: RecordBatch[] }> {
  const batches: RecordBatch[] = [];
  for await (const b of readIpcStreamAsync(ReadableStream.from([bytes]))) batches.push(b);
  return { batches };
}

// Every child of a sparse union has the union's length (Columnar format, "Sparse Union"). A
// shorter child was accepted: `get()` of the chosen child was right, but `take`/`filter`
// gathered the other children past their end and wrote the made-up values ("") back out.
Deno.test("a sparse union child shorter than the union is corrupt, not padded with made-up values", () => {
  const ints = makeBuilder(T.int32());
  for (const v of [1, 2, 3, 4]) ints.append(v);
  const strs = makeBuilder(T.utf8());
  strs.append("a");
  const union = makeColumn({
    type: T.sparseUnion({ i: T.int32(), s: T.utf8() }),
    length: 4,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: new Int8Array(4),
    offsets: null,
    children: [ints.finish(), strs.finish()],
    dictionary: null,
  });
  const bytes = writeIpcStream(RecordBatch.fromColumns({ u: union }));
  assert.throws(() => readIpcStream(bytes), (e) => {
    assert.ok(e instanceof ArrowError, String(e));
    assert.equal(e.code, "corrupt");
    return true;
  });
});

/** Position of `needle` in `hay` (the first one), failing the test when it is absent. */
function find(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  throw new Error("pattern not found in the IPC bytes");
}

/** An IPC stream whose list and binary columns have an offset past their child / data. */
function badOffsetBodies(): [string, Uint8Array<ArrayBuffer>][] {
  const out: [string, Uint8Array<ArrayBuffer>][] = [];
  const lists = RecordBatch.fromColumns({
    l: columnFromValues([[1, 2], [3], [], [4, 5, 6]], T.list(T.int32())),
  });
  const bins = RecordBatch.fromColumns({
    b: columnFromValues([new Uint8Array([1, 2]), new Uint8Array([3])], T.binary()),
  });
  for (
    const [name, batch, offsets] of [
      ["list", lists, [0, 2, 3, 3, 6]],
      ["binary", bins, [0, 2, 3]],
    ] as const
  ) {
    const bytes = writeIpcStream(batch).slice();
    const at = find(bytes, new Uint8Array(new Int32Array(offsets).buffer));
    new DataView(bytes.buffer).setInt32(at + 4, 99, true); // element 0 ends at 99
    out.push([name, bytes]);
  }
  return out;
}

// readArrowBody validates what it returns (UTF-8 included) so that a handler gets either good
// batches or a 400. Offsets of binary and list columns were left to be checked on first use: the
// handler then failed while answering, and `arrowResponse` (which streams) sent a 200 whose
// body broke off midway.
Deno.test("readArrowBody: corrupt list and binary offsets are a 400, before the handler", async () => {
  for (const [name, body] of badOffsetBodies()) {
    await assert.rejects(readArrowBody(arrowRequest(body)), (e) => {
      assert.ok(e instanceof ArrowHttpError, `${name}: ${e}`);
      assert.equal(e.status, 400, name);
      assert.equal(e.code, "corrupt", name);
      return true;
    });
  }
});

Deno.test("readArrowBody + arrowResponse over a socket: corrupt offsets are a 400 problem, not a broken 200", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      try {
        return await arrowResponse(req, (await readArrowBody(req)).batches);
      } catch (e) {
        if (!(e instanceof ArrowHttpError)) throw e;
        return Response.json({ status: e.status, detail: e.message }, {
          status: e.status,
          headers: { "content-type": "application/problem+json" },
        });
      }
    },
  );
  try {
    for (const [name, body] of badOffsetBodies()) {
      const res = await postArrow(`http://127.0.0.1:${server.addr.port}/`, body);
      const text = await res.text();
      assert.equal(res.status, 400, `${name}: ${text.slice(0, 200)}`);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
    }
  } finally {
    await server.shutdown();
  }
});

// `get()` of a decimal is its unscaled integer, so the JSON rows fallback of arrowResponse sent
// 123.45 as 12345 (and a 31-digit decimal as a string of its unscaled digits): a JSON client read
// values 10^scale times too large. Decimals now leave as their exact text, nested ones too.
Deno.test("arrowResponse JSON rows: decimals are their exact decimal text, nested ones too", async () => {
  const dec = T.decimal128(38, 2);
  const batch = RecordBatch.fromColumns({
    price: columnFromValues(["123.45", "-0.01", null, "123456789012345678901234567890.12"], dec),
    small: columnFromValues(["1.5", "0", "-2.25", null], T.decimal32(5, 2)),
    wide: columnFromValues(["-100", "0", "1200", null], T.decimal256(40, -2)),
    list: columnFromValues([["1.10", null], [], null, ["-9.99"]], T.list(dec)),
    rec: columnFromValues(
      [{ p: "0.05", n: 1 }, { p: null, n: 2 }, null, { p: "7.00", n: 3 }],
      T.struct({ p: dec, n: T.int32() }),
    ),
    plain: columnFromValues([1n, 2n ** 60n, null, -3n], T.int64()),
  });
  const req = new Request("http://x/", { headers: { accept: "application/json" } });
  const rows = await (await arrowResponse(req, batch)).json();
  assert.deepEqual(rows, [
    {
      price: "123.45",
      small: "1.50",
      wide: "-100",
      list: ["1.10", null],
      rec: { p: "0.05", n: 1 },
      plain: 1,
    },
    {
      price: "-0.01",
      small: "0.00",
      wide: "0",
      list: [],
      rec: { p: null, n: 2 },
      plain: "1152921504606846976",
    },
    { price: null, small: "-2.25", wide: "1200", list: null, rec: null, plain: null },
    {
      price: "123456789012345678901234567890.12",
      small: null,
      wide: null,
      list: ["-9.99"],
      rec: { p: "7.00", n: 3 },
      plain: -3,
    },
  ]);
});

/** `n` one-row batches, batch `i` pointing at value `i` of a dictionary that grows by one each. */
function growingDictionaryStream(
  n: number,
  type: DataType,
  value: (i: number) => unknown,
): Uint8Array {
  const b = makeBuilder(type);
  for (let i = 0; i < n; i++) b.append(value(i) as never);
  const dict = b.finish();
  const batches: RecordBatch[] = [];
  for (let i = 0; i < n; i++) {
    const d = makeColumn({
      type: T.dictionary(type, T.int32()),
      length: 1,
      offset: 0,
      nullCount: 0,
      validity: null,
      values: new Int32Array([i]),
      offsets: null,
      children: [],
      dictionary: dict.slice(0, i + 1),
    });
    batches.push(RecordBatch.fromColumns({ d }));
  }
  return writeIpcStream(batches); // a delta of one value per batch
}

// Each delta copied the whole dictionary read so far: 12 000 one-value deltas are 72 million
// copies, which the reader refused ("dictionary deltas too large") after seconds of work, and a
// 40 MB body of them held readArrowBody for 8.6 s on this machine (0.47 s now). Flat dictionaries
// now grow in place, so a delta costs its own values and such a stream reads.
Deno.test("many small dictionary deltas cost their own values, not the dictionary each time", () => {
  const n = 12_000;
  for (
    const [type, value] of [
      [T.utf8(), (i: number): unknown => `v${i}`],
      [T.int64(), (i: number): unknown => BigInt(i) * 3n],
    ] as const
  ) {
    const { batches } = readIpcStream(growingDictionaryStream(n, type, value));
    assert.equal(batches.length, n);
    for (const i of [0, 1, 7, 4096, n - 1]) {
      const c = batches[i].columns[0];
      assert.equal(c.get(0), value(i));
      assert.equal(c.data.dictionary!.length, i + 1);
    }
    // the dictionary of an early batch is not changed by later deltas
    assert.deepEqual([...batches[2].columns[0].data.dictionary!], [0, 1, 2].map((i) => value(i)));
  }
});

// The Columnar format wants a dense union's offsets into each child in increasing order.
// `take` gathered the offsets and kept the children, so any reordering (sort, sample, top-k)
// gave a union pyarrow's full validation refuses ("non-monotonic offset"). Its children are now
// gathered too, in the order the rows are taken.
Deno.test("take on a dense union keeps each child's offsets increasing (pyarrow validates it)", async () => {
  const b = makeBuilder(T.denseUnion({ i: T.int32(), s: T.utf8() }));
  const values = [1, "a", 2, "bb", 3, "c", null, 4];
  for (const v of values) b.append(v as never);
  const batch = RecordBatch.fromColumns({ u: b.finish() });
  const idx = [7, 0, 3, 1, 4, 4, 6, 2];
  const taken = batch.slice(0, 8).take(idx);
  assert.deepEqual(taken.toRows().map((r) => r.u), idx.map((i) => values[i]));
  const offsets = taken.columns[0].data.offsets!;
  const codes = taken.columns[0].data.values!;
  const last = new Map<number, number>();
  for (let i = 0; i < taken.numRows; i++) {
    const k = Number(codes[i]);
    assert.ok((last.get(k) ?? -1) < Number(offsets[i]), `child ${k} offset at row ${i}`);
    last.set(k, Number(offsets[i]));
  }
  const out = await python(
    `import sys, json, pyarrow as pa
t = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all()
t.validate(full=True)
print(json.dumps(t.column("u").to_pylist()))`,
    writeIpcStream(taken),
  );
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out)), idx.map((i) => values[i]));
});

/** `bytes` with the isDelta flag of dictionary batch message `which` (0-based) cleared. */
function clearDeltaFlag(bytes: Uint8Array, which: number, start: number, end: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  let pos = start, seen = 0;
  for (;;) {
    const m = readMessageAt(out, view, pos, end, resolveLimits());
    if (m === null) throw new Error("dictionary batch not found");
    if (m.headerType === MessageHeader.DictionaryBatch && seen++ === which) {
      assert.equal(m.header.bool(2, false), true, "the message is a delta");
      const table = pos + 8 + m.header.pos; // after the continuation marker and the length
      const vtable = table - view.getInt32(table, true);
      const field = view.getUint16(vtable + 4 + 2 * 2, true); // slot 2: isDelta
      out[table + field] = 0;
      return out;
    }
    pos = m.next;
  }
}

// The file format cannot replace a dictionary (Columnar format, "IPC File Format"): its
// dictionaries are all read before any batch, so every batch would see the last one. pyarrow
// refuses such a file; the reader applied the replacement to every batch, so the first batch's
// "a" read as "b".
Deno.test("an IPC file that replaces a dictionary is corrupt, not read with the last dictionary", async () => {
  const dict = columnFromValues(["a", "b"], T.utf8());
  const batch = (n: number) =>
    RecordBatch.fromColumns({
      d: makeColumn({
        type: T.dictionary(T.utf8(), T.int32()),
        length: 1,
        offset: 0,
        nullCount: 0,
        validity: null,
        values: new Int32Array([0]),
        offsets: null,
        children: [],
        dictionary: dict.slice(0, n),
      }),
    });
  const file = writeIpcFile([batch(1), batch(2)]); // ["a"], then a delta ["b"]
  assert.deepEqual(readIpcFile(file).batches.map((b) => b.toRows()[0].d), ["a", "a"]);
  const replaced = clearDeltaFlag(file, 1, 8, file.length - 10);
  const refused = await python(
    `import sys, pyarrow as pa
try:
    pa.ipc.open_file(pa.py_buffer(sys.stdin.buffer.read())).read_all()
    print("read")
except Exception as e:
    print("refused")`,
    replaced,
  );
  assert.equal(new TextDecoder().decode(refused).trim(), "refused");
  assert.throws(() => readIpcFile(replaced), (e) => {
    assert.ok(e instanceof ArrowError, String(e));
    assert.equal(e.code, "corrupt");
    return true;
  });
  // a stream may replace a dictionary: the same messages read as a stream keep both values
  const stream = clearDeltaFlag(writeIpcStream([batch(1), batch(2)]), 1, 0, Infinity);
  assert.deepEqual(readIpcStream(stream).batches.map((b) => b.toRows()[0].d), ["a", "b"]);
});
