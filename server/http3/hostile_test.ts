// Hostile HTTP/3 input over a raw QUIC client: each case ends in the RFC's error (a
// CONNECTION_CLOSE code, or a problem response where the RFC's stream error cannot carry a code
// through Deno's QUIC API), and the server keeps serving other connections.
import assert from "node:assert/strict";
import { cat, h3Serve, type H3TestServer, headers, parse, RawH3 } from "./_test_h3.ts";
import { encodeFrame, FRAME } from "./_frames.ts";
import { encodeVarint } from "./_varint.ts";
import { H3 } from "./_errors.ts";
import type { HeaderField } from "./qpack/mod.ts";

const GET: HeaderField[] = [
  [":method", "GET"],
  [":scheme", "https"],
  [":authority", "127.0.0.1"],
  [":path", "/"],
];

const POST = GET.map(([n, v]) => [n, n === ":method" ? "POST" : v] as HeaderField);

/** Answers `ok <path>`, after reading a POST's body. */
function start(http3: Parameters<typeof h3Serve>[1] = true): Promise<H3TestServer> {
  return h3Serve(async (req) => {
    if (req.method === "POST") await req.arrayBuffer();
    return new Response(`ok ${new URL(req.url).pathname}`);
  }, http3);
}

/** A GET on a fresh connection still works. */
async function stillServes(port: number): Promise<void> {
  const c = await RawH3.connect(port);
  const res = await parse(await c.request(headers(GET)));
  c.close();
  assert.deepEqual(res, { status: 200, body: "ok /" });
}

async function closesWith(port: number, code: number, act: (c: RawH3) => Promise<unknown>) {
  const c = await RawH3.connect(port);
  await act(c).catch(() => {});
  assert.equal(await c.closed, code, `expected close code 0x${code.toString(16)}`);
}

Deno.test("http3 hostile: frame and stream errors close the connection with the RFC's code", async () => {
  // Capacity 0 stated: the dynamic-table reference below must fail, not wait for inserts.
  await using h3 = await start({ qpackMaxTableCapacity: 0 });
  await closesWith(
    h3.port,
    H3.FRAME_UNEXPECTED,
    (c) => c.request(encodeFrame(FRAME.DATA, new Uint8Array(4))),
  );
  await closesWith(
    h3.port,
    H3.FRAME_UNEXPECTED,
    (c) => c.request(cat(headers(POST), encodeFrame(FRAME.SETTINGS, new Uint8Array(0)))),
  );
  await closesWith(
    h3.port,
    H3.FRAME_UNEXPECTED,
    (c) => c.control(encodeFrame(0x06, new Uint8Array(8))),
  ); // HTTP/2 PING on the control stream
  await closesWith(
    h3.port,
    H3.STREAM_CREATION_ERROR,
    (c) => c.uni(new Uint8Array([0x00, 0x04, 0x00])),
  );
  await closesWith(h3.port, H3.STREAM_CREATION_ERROR, (c) => c.uni(new Uint8Array([0x01, 0x00])));
  await closesWith(h3.port, H3.FRAME_UNEXPECTED, (c) => c.control(encodeFrame(FRAME.SETTINGS, 0)));
  const noSettings = async (bytes: Uint8Array, code: number) => {
    const c = await RawH3.connect(h3.port, false);
    await c.uni(bytes, true).catch(() => {});
    assert.equal(await c.closed, code);
  };
  await noSettings(
    cat(new Uint8Array([0x00]), encodeFrame(FRAME.GOAWAY, encodeVarint(0))),
    H3.MISSING_SETTINGS,
  );
  await noSettings(new Uint8Array([0x00, 0x04, 0x00]), H3.CLOSED_CRITICAL_STREAM);
  await noSettings(new Uint8Array([0x00, 0x04, 0x05, 0x06]), H3.FRAME_ERROR); // truncated
  await noSettings(new Uint8Array([0x00, 0x04, 0x04, 0x02, 0x00, 0x06, 0x00]), H3.SETTINGS_ERROR);
  // A dynamic-table reference while we advertise capacity 0.
  await closesWith(
    h3.port,
    H3.QPACK_DECOMPRESSION_FAILED,
    (c) => c.request(encodeFrame(FRAME.HEADERS, new Uint8Array([0x02, 0x00, 0x80]))),
  );
  await stillServes(h3.port);
});

Deno.test("http3 hostile: unknown streams and frames are ignored, malformed requests get 400", async () => {
  await using h3 = await start();
  const c = await RawH3.connect(h3.port);
  await c.uni(cat(encodeVarint(0x21), new Uint8Array(100))); // reserved stream type
  await c.uni(cat(encodeVarint(0x1f * 3 + 0x21), encodeFrame(0x21, new Uint8Array(5))));
  // Reserved frame types before HEADERS, between DATA frames and on the control stream.
  const res = await parse(
    await c.request(cat(encodeFrame(0x21, new Uint8Array(9)), headers(GET))),
  );
  assert.deepEqual(res, { status: 200, body: "ok /" });
  for (
    const [fields, what] of [
      [GET.filter(([n]) => n !== ":path"), "missing :path"],
      [[...GET, ["X-Upper", "1"]], "upper-case name"],
      [[["x-a", "1"], ...GET], "pseudo-header after a field"],
      [[...GET, [":status", "200"]], "response pseudo-header"],
      [[...GET, ["connection", "close"]], "connection-specific field"],
      [[...GET, [":method", "GET"]], "duplicate pseudo-header"],
      [[...GET, ["x-bad", "a\nb"]], "newline in a value"],
    ] as [HeaderField[], string][]
  ) {
    const r = await parse(await c.request(headers(fields)));
    assert.equal(r?.status, 400, what);
    assert.equal(JSON.parse(r!.body).code, "h3_message_error", what);
  }
  assert.equal(c.closeCode, undefined, "stream errors keep the connection");
  c.close();
  await stillServes(h3.port);
});

Deno.test("http3 hostile: header limits (431) and a client that never finishes its headers (408)", async () => {
  await using h3 = await start({ headersTimeoutMs: 300, maxHeaderFields: 20 });
  const c = await RawH3.connect(h3.port);
  const many = await parse(
    await c.request(headers([
      ...GET,
      ...Array.from({ length: 30 }, (_, i) => [`x-${i}`, "v"] as HeaderField),
    ])),
  );
  assert.equal(many?.status, 431);
  const big = await parse(await c.request(headers([...GET, ["x-big", "v".repeat(40_000)]])));
  assert.equal(big?.status, 431);
  assert.equal(JSON.parse(big!.body).code, "header_too_large");
  // HEADERS announced, only half sent, stream left open.
  const full = headers(GET);
  const slow = await parse(await c.request(full.subarray(0, full.length >> 1), true));
  assert.equal(slow?.status, 408);
  assert.equal(JSON.parse(slow!.body).code, "request_header_timeout");
  c.close();
  await stillServes(h3.port);
});

/** xorshift32: a fixed sequence, so a failure replays. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

Deno.test("http3 hostile: mutated request streams end in a response or an RFC close code", async () => {
  await using h3 = await start();
  const allowed = new Set<number>([...Object.values(H3)].filter((c) => c !== H3.INTERNAL_ERROR));
  const valid = cat(
    headers([...POST, [
      "content-length",
      "5",
    ]]),
    encodeFrame(FRAME.DATA, new TextEncoder().encode("hello")),
  );
  const random = rng(0x9e3779b9);
  const c = await RawH3.connect(h3.port);
  let conn = c;
  for (let i = 0; i < 200; i++) {
    const m = valid.slice();
    const flips = 1 + Math.floor(random() * 3);
    for (let k = 0; k < flips; k++) {
      m[Math.floor(random() * m.length)] = Math.floor(random() * 256);
    }
    const bytes = random() < 0.3 ? m.subarray(0, Math.floor(random() * m.length)) : m;
    await conn.request(bytes);
    if (
      conn.closeCode !== undefined ||
      await Promise.race([conn.closed, Promise.resolve(-2)]) !== -2
    ) {
      const code = await conn.closed;
      assert.ok(allowed.has(code), `iteration ${i}: close code 0x${code.toString(16)}`);
      conn = await RawH3.connect(h3.port);
    }
  }
  conn.close();
  await stillServes(h3.port);
});

Deno.test("http3 hostile: stalled streams past the stream limit; other connections still served", async () => {
  await using h3 = await start({ maxConcurrentStreams: 20, headersTimeoutMs: 500 });
  const c = await RawH3.connect(h3.port);
  const full = headers(GET);
  const half = full.subarray(0, full.length >> 1);
  // The transport parameter lets this client open 20 request streams, no more.
  const stalled: Promise<Uint8Array>[] = [];
  let refused = 0;
  for (let i = 0; i < 30; i++) {
    try {
      const s = await c.conn.createBidirectionalStream();
      const w = s.writable.getWriter();
      await w.write(half);
      stalled.push((async () => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of s.readable) chunks.push(chunk);
        return new Uint8Array(await new Blob(chunks.map((x) => x.slice())).arrayBuffer());
      })());
    } catch {
      refused++;
    }
  }
  assert.equal(stalled.length, 20);
  assert.equal(refused, 10);
  // Meanwhile another connection is served.
  await stillServes(h3.port);
  // Each stalled stream ends with 408 once its headers are overdue.
  for (const bytes of await Promise.all(stalled)) assert.equal((await parse(bytes))?.status, 408);
  c.close();
});

Deno.test("http3 hostile: mutated control streams end only in RFC close codes", async () => {
  await using h3 = await start();
  const allowed = new Set<number>([...Object.values(H3)].filter((c) => c !== H3.INTERNAL_ERROR));
  const valid = cat(
    new Uint8Array([0x00]),
    encodeFrame(FRAME.SETTINGS, new Uint8Array([0x06, 0x44, 0x00, 0x21, 0x01])),
    encodeFrame(0x21, new Uint8Array(3)),
    encodeFrame(FRAME.MAX_PUSH_ID, encodeVarint(8)),
    encodeFrame(FRAME.GOAWAY, encodeVarint(0)),
  );
  const random = rng(0x1234567);
  for (let i = 0; i < 40; i++) {
    const m = valid.slice();
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
      m[1 + Math.floor(random() * (m.length - 1))] = Math.floor(random() * 256);
    }
    const c = await RawH3.connect(h3.port, false);
    await c.uni(m).catch(() => {});
    // A GET on the same connection: served, or the connection was closed with an RFC code.
    const res = await Promise.race([c.request(headers(GET)), c.closed]);
    const code = typeof res === "number" ? res : c.closeCode;
    if (code !== undefined) {
      assert.ok(allowed.has(code), `iteration ${i}: close code 0x${code.toString(16)}`);
    }
    c.close();
  }
  await stillServes(h3.port);
});
