import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import * as arrow from "apache-arrow";
import * as flechette from "@uwdata/flechette";
import lz4js from "lz4js";
import { RecordBatch } from "./batch.ts";
import { ArrowError } from "./errors.ts";
import { quaternionColumn } from "./extensions/columns.ts";
import { QuaternionArray } from "./extensions/quaternion.ts";
import {
  ArrowHttpError,
  arrowResponse,
  type ArrowResponseInit,
  negotiateArrow,
  readArrowBody,
} from "./http.ts";
import { writeIpcFile } from "./ipc/write/file.ts";
import { writeIpcStream } from "./ipc/write/stream.ts";
import { readIpcStream } from "./ipc/read/stream.ts";
import { type Column, makeColumn } from "./column.ts";
import { columnFromValues, TimeUnit, types as T } from "./mod.ts";
import { python } from "./_test_python.ts";
import { arrowRequest, oneRunColumn } from "./ipc/_test_data.ts";
import { Field, Schema } from "./schema.ts";
import { int32, int8, list, runEndEncoded } from "./types.ts";

// The reference readers decode compressed bodies only with registered codecs; register
// independent ones (lz4js, the runtime's zstd) so no avx code sits on the read side.
const zstdDecompress = (zlib as unknown as { zstdDecompressSync: (b: Uint8Array) => Uint8Array })
  .zstdDecompressSync;
const lz4Decode = (b: Uint8Array) => new Uint8Array(lz4js.decompress(b));
const zstdDecode = (b: Uint8Array) => new Uint8Array(zstdDecompress(b));
arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, { decode: lz4Decode });
arrow.compressionRegistry.set(arrow.CompressionType.ZSTD, { decode: zstdDecode });
flechette.setCompressionCodec(flechette.CompressionType.LZ4_FRAME, {
  encode: () => {
    throw new Error("decode only");
  },
  decode: lz4Decode,
});
flechette.setCompressionCodec(flechette.CompressionType.ZSTD, {
  encode: () => {
    throw new Error("decode only");
  },
  decode: zstdDecode,
});

const STREAM = "application/vnd.apache.arrow.stream";
const FILE = "application/vnd.apache.arrow.file";

Deno.test("negotiateArrow: Accept table", () => {
  const cases: [
    string | null,
    string | null,
    Pick<ArrowResponseInit, "compression" | "json" | "file">?,
  ][] = [
    [null, STREAM],
    ["", STREAM],
    ["*/*", STREAM],
    ["application/*", STREAM],
    [STREAM, STREAM],
    ["Application/Vnd.Apache.Arrow.Stream", STREAM],
    [`${STREAM}; codecs="zstd, lz4"`, `${STREAM}; codecs="zstd"`],
    [`${STREAM};codecs="lz4, zstd"`, `${STREAM}; codecs="lz4"`],
    [`${STREAM};codecs=lz4`, `${STREAM}; codecs="lz4"`],
    [`${STREAM}; codecs="snappy, zstd"`, `${STREAM}; codecs="zstd"`],
    [`${STREAM}; codecs="snappy"`, STREAM],
    [`${STREAM}; codecs="zstd, lz4"`, STREAM, { compression: [] }],
    [`${STREAM}; codecs="zstd, lz4"`, `${STREAM}; codecs="lz4"`, { compression: ["lz4"] }],
    // the comma inside the quoted codecs list does not split the header
    [`${STREAM}; codecs="zstd, lz4", application/json;q=0.1`, `${STREAM}; codecs="zstd"`],
    [FILE, FILE],
    ["application/json", "application/json"],
    ["text/html", null],
    ["application/json", null, { json: false }],
    [FILE, null, { file: false }],
    ["application/json, application/vnd.apache.arrow.stream;q=0.5", "application/json"],
    ["text/html, application/json;q=0.9", "application/json"],
    [`${STREAM};q=0, */*`, FILE],
    [`${STREAM};q=0, ${FILE};q=0, */*;q=0.3`, "application/json"],
    ["*/*;q=0", null],
    [`${STREAM};q=1.5`, null],
    ["garbage, ;;, /", null],
    [`${STREAM};q=0.2, ${FILE};q=0.2`, STREAM],
    [`${STREAM}; codecs="zstd";q=0.5, ${FILE};q=0.4`, `${STREAM}; codecs="zstd"`],
  ];
  for (const [accept, want, options] of cases) {
    assert.equal(negotiateArrow(accept, options)?.contentType ?? null, want, `Accept: ${accept}`);
  }
  const z = negotiateArrow(`${STREAM}; codecs="zstd"`)!;
  assert.deepEqual(z, {
    format: "stream",
    compression: "zstd",
    contentType: `${STREAM}; codecs="zstd"`,
  });
});

function sampleBatch(offset: number, n: number): RecordBatch {
  const q = new QuaternionArray(new Float64Array(n * 4).map((_, i) => offset + i / 4));
  return RecordBatch.fromColumns({
    t: new Float64Array(n).map((_, i) => offset + i),
    detector: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : ["H1", "L1"][i % 2])),
    q: quaternionColumn(q),
  }, { metadata: { instrument: "LIGO Hanford" } });
}

async function withServer(
  handler: (req: Request) => Promise<Response>,
  body: (base: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    await body(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("arrowResponse over a real socket, read back by apache-arrow and flechette", async () => {
  const batches = [sampleBatch(0, 1000), sampleBatch(1000, 500)];
  async function* produce() {
    for (const b of batches) {
      await new Promise((r) => setTimeout(r, 1));
      yield b;
    }
  }
  await withServer((req) => {
    const async = new URL(req.url).pathname === "/async";
    return arrowResponse(req, async ? produce() : batches);
  }, async (base) => {
    for (const path of ["/sync", "/async"]) {
      for (
        const [accept, contentType] of [
          [STREAM, STREAM],
          [`${STREAM}; codecs="zstd"`, `${STREAM}; codecs="zstd"`],
          [`${STREAM}; codecs="lz4"`, `${STREAM}; codecs="lz4"`],
          [FILE, FILE],
        ]
      ) {
        const res = await fetch(base + path, { headers: { accept } });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), contentType);
        assert.match(res.headers.get("vary") ?? "", /accept/i);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const a = arrow.tableFromIPC(bytes);
        assert.equal(a.numRows, 1500);
        assert.equal(a.getChild("t")!.get(1234), 1234);
        assert.equal(a.getChild("detector")!.get(5), null);
        assert.equal(a.getChild("detector")!.get(3), "L1");
        const aq = a.schema.fields.find((f) => f.name === "q")!;
        assert.equal(aq.metadata.get("ARROW:extension:name"), "avila.quaternion");
        assert.equal(a.schema.metadata.get("instrument"), "LIGO Hanford");
        assert.deepEqual(Array.from(a.getChild("q")!.get(1001)!), [1001, 1001.25, 1001.5, 1001.75]);
        const f = flechette.tableFromIPC(bytes);
        assert.equal(f.numRows, 1500);
        assert.equal(f.getChild("t").at(1499), 1499);
        const fq = f.schema.fields.find((x) => x.name === "q")!;
        assert.equal(fq.metadata?.get("ARROW:extension:name"), "avila.quaternion");
        assert.deepEqual(Array.from(f.getChild("q").at(2) as Float64Array), [2, 2.25, 2.5, 2.75]);
      }
      const json = await fetch(base + path, { headers: { accept: "application/json" } });
      assert.equal(json.headers.get("content-type"), "application/json");
      const rows = await json.json();
      assert.equal(rows.length, 1500);
      assert.deepEqual(rows[1], { t: 1, detector: "L1", q: { w: 1, x: 1.25, y: 1.5, z: 1.75 } });
      const refused = await fetch(base + path, { headers: { accept: "text/csv" } });
      assert.equal(refused.status, 406);
      assert.equal(refused.headers.get("content-type"), "application/problem+json");
      const p = await refused.json();
      assert.equal(p.status, 406);
      assert.equal(p.title, "Not Acceptable");
      assert.match(p.detail, /vnd\.apache\.arrow\.stream/);
    }
  });
});

Deno.test("arrowResponse: the IPC stream body arrives in several chunks (not concatenated)", async () => {
  const res = await arrowResponse(new Request("http://x/"), [
    sampleBatch(0, 10),
    sampleBatch(10, 10),
  ]);
  const reader = res.body!.getReader();
  let chunks = 0;
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    chunks++;
  }
  assert.ok(chunks > 4, `${chunks} chunks`);
});

Deno.test("arrowResponse: JSON rows encode bigints, bytes and non-finite numbers", async () => {
  const batch = RecordBatch.fromRows([
    { id: 2n ** 60n, small: 5n, raw: new Uint8Array([104, 105]), x: NaN },
  ]);
  const res = await arrowResponse(
    new Request("http://x/", { headers: { accept: "application/json" } }),
    batch,
    {
      headers: { "cache-control": "no-store" },
    },
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.deepEqual(await res.json(), [{
    id: "1152921504606846976",
    small: 5,
    raw: "aGk=",
    x: "NaN",
  }]);
});

Deno.test("readArrowBody: stream and file bodies; 415, 413 and 400 as typed errors", async () => {
  const batch = sampleBatch(0, 100);
  await withServer(async (req) => {
    try {
      const body = await readArrowBody(req, { maxBytes: 64 * 1024 });
      return Response.json({
        format: body.format,
        rows: body.batches.reduce((s, b) => s + b.numRows, 0),
      });
    } catch (e) {
      if (e instanceof ArrowHttpError) {
        return Response.json({ code: e.code }, { status: e.status });
      }
      throw e;
    }
  }, async (base) => {
    const post = (body: BodyInit | Uint8Array, type: string) =>
      fetch(base, { method: "POST", body: body as BodyInit, headers: { "content-type": type } });
    let r = await post(writeIpcStream(batch, { compression: "lz4" }), STREAM);
    assert.deepEqual(await r.json(), { format: "stream", rows: 100 });
    r = await post(writeIpcFile(batch), `${FILE}; charset=binary`);
    assert.deepEqual(await r.json(), { format: "file", rows: 100 });
    r = await post("[]", "application/json");
    assert.equal(r.status, 415);
    assert.deepEqual(await r.json(), { code: "unsupported" });
    r = await post(new Uint8Array(100 * 1024), STREAM);
    assert.equal(r.status, 413);
    await r.body?.cancel();
    // no Content-Length: the limit is enforced while reading
    const big = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(16 * 1024));
        c.close();
      },
    });
    r = await post(big, STREAM);
    assert.equal(r.status, 413);
    await r.body?.cancel();
    const bytes = writeIpcStream(batch);
    r = await post(bytes.subarray(0, bytes.length - 40), STREAM);
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { code: "corrupt" });
  });
  const err = await readArrowBody(new Request("http://x/", { method: "POST", body: "x" })).catch((
    e,
  ) => e);
  assert.ok(err instanceof ArrowHttpError && err instanceof ArrowError && err.status === 415);
});

Deno.test("readArrowBody: values cheap on the wire are bounded by the body size (413)", async () => {
  const MAX = 2 ** 31 - 1;
  const ree = writeIpcStream(RecordBatch.fromColumns({ x: oneRunColumn(MAX) }));
  assert.ok(ree.length < 600, `${ree.length} bytes`);
  // a plain read holds them (nothing is allocated per value), bounded only when asked
  assert.equal(readIpcStream(ree).batches[0].numRows, MAX);
  assert.throws(
    () => readIpcStream(ree, { limits: { maxValues: 1000 } }),
    (e: unknown) => e instanceof ArrowError && e.code === "limit" && /maxValues/.test(e.message),
  );
  const bodies = {
    ree,
    // nested: a struct of one row whose child is a run of 2^31 - 1 values behind a list
    nested: writeIpcStream(
      RecordBatch.fromColumns({
        s: makeColumn({
          type: list(new Field("item", runEndEncoded(int32(), int8()), true)),
          length: 1,
          offset: 0,
          nullCount: 0,
          validity: null,
          values: null,
          offsets: Int32Array.of(0, MAX),
          children: [oneRunColumn(MAX)],
          dictionary: null,
        }),
      }),
    ),
    // no columns at all: rows cost nothing
    empty: writeIpcStream(RecordBatch.tryNew(new Schema([]), [], 50_000_000)),
  };
  for (const [name, bytes] of Object.entries(bodies)) {
    await assert.rejects(
      () => readArrowBody(arrowRequest(bytes)),
      (e: unknown) =>
        e instanceof ArrowHttpError && e.status === 413 && e.code === "limit" &&
        /maxValues/.test(e.message),
      name,
    );
  }
  // honest bodies pass: 4 Mi booleans (one bit each) with 4 Mi int8s, and a small run
  const n = 4 * 2 ** 20;
  const plain = writeIpcStream(
    RecordBatch.fromColumns({ b: new Array(n).fill(true), i: new Int8Array(n) }),
  );
  assert.equal((await readArrowBody(arrowRequest(plain))).batches[0].numRows, n);
  const small = writeIpcStream(RecordBatch.fromColumns({ x: oneRunColumn(100_000) }));
  assert.equal((await readArrowBody(arrowRequest(small))).batches[0].numRows, 100_000);
  // and the bound can be raised per route
  const raised = await readArrowBody(arrowRequest(ree), { limits: { maxValues: Infinity } });
  assert.equal(raised.batches[0].numRows, MAX);
});

// Timestamps in JSON rows are their exact text: the same instant pyarrow's cast to string gives
// (which writes a space where RFC 3339 has `T`), for every unit, zoned (`Z`) and not, on values
// from year 1 to 9999 with every digit of the fraction used, and around the epoch.
Deno.test("arrowResponse JSON rows: timestamps match pyarrow's text in every unit", async () => {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const batch: Record<string, Column> = {};
  const names: string[] = [];
  for (
    const unit of [TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND]
  ) {
    const per = [1n, 1000n, 1000000n, 1000000000n][unit];
    // timestamp[ns] covers 1677..2262 only
    const [lo, hi] = unit === TimeUnit.NANOSECOND ? [-9.2e9, 9.2e9] : [-62135596800, 253402300799];
    const values: bigint[] = [0n, -1n, 1n, per, -per];
    for (let i = 0; i < 200; i++) {
      const secs = BigInt(Math.floor(lo + next() * (hi - lo)));
      values.push(secs * per + BigInt(Math.floor(next() * Number(per))));
    }
    for (const tz of [null, "UTC"]) {
      const name = `u${unit}${tz ? "z" : ""}`;
      names.push(name);
      batch[name] = columnFromValues(values, T.timestamp(unit, tz));
    }
  }
  const b = RecordBatch.fromColumns(batch);
  const req = new Request("http://x/", { headers: { accept: "application/json" } });
  const rows = await (await arrowResponse(req, b)).json() as Record<string, string>[];
  const ours = names.map((n) => rows.map((r) => r[n]));
  const out = await python(
    `import sys, json, pyarrow as pa, pyarrow.compute as pc
t = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all()
print(json.dumps([[s.replace(" ", "T") for s in pc.cast(c, pa.string()).to_pylist()] for c in t.columns]))`,
    writeIpcStream(b),
  );
  assert.deepEqual(ours, JSON.parse(new TextDecoder().decode(out)));
});

// Past year 9999 (where pyarrow's text stops) the year is ISO 8601 expanded, as `toISOString`.
Deno.test("arrowResponse JSON rows: timestamps at the ends of int64 are exact text", async () => {
  const ends = new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n)]);
  const b = RecordBatch.fromColumns({
    s: columnFromValues(ends, T.timestamp(TimeUnit.SECOND)),
    ms: columnFromValues(ends, T.timestamp(TimeUnit.MILLISECOND, "UTC")),
  });
  const req = new Request("http://x/", { headers: { accept: "application/json" } });
  assert.deepEqual(await (await arrowResponse(req, b)).json(), [
    { s: "+292277026596-12-04T15:30:07", ms: "+292278994-08-17T07:12:55.807Z" },
    { s: "-292277022657-01-27T08:29:52", ms: "-292275055-05-16T16:47:04.192Z" },
  ]);
});

// Schema.fbs: a timezone that is null or empty means zone-naive (pyarrow reads "" as no zone).
Deno.test("arrowResponse JSON rows: an empty timezone is a wall-clock time (no Z)", async () => {
  const b = RecordBatch.fromColumns({
    t: columnFromValues([0n, -1n, null], T.timestamp(TimeUnit.MILLISECOND, "")),
  });
  const req = new Request("http://x/", { headers: { accept: "application/json" } });
  assert.deepEqual(await (await arrowResponse(req, b)).json(), [
    { t: "1970-01-01T00:00:00.000" },
    { t: "1969-12-31T23:59:59.999" },
    { t: null },
  ]);
});
