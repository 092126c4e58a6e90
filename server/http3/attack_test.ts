// Attacks on HTTP/3 composed with the rest of the server: what a real or hostile client does
// over QUIC must end as it does over TCP (same headers, same aborts, bounded shutdown), and never
// take the other requests of the connection down with it.
import assert from "node:assert/strict";
import { Route } from "../route.ts";
import { Server } from "../server.ts";
import { cat, h3Listen, h3Serve, headers, parse, RawH3, testCert } from "./_test_h3.ts";
import { Http3Connection } from "./_connection.ts";
import { H3 } from "./_errors.ts";
import type { QuicConn, QuicReceiveStream, QuicSendStream } from "./_quic.ts";
import { encodeFrame, FRAME } from "./_frames.ts";
import { type HeaderField, QpackEncoder } from "./qpack/mod.ts";

const GET: HeaderField[] = [
  [":method", "GET"],
  [":scheme", "https"],
  [":authority", "127.0.0.1"],
  [":path", "/"],
];
const at = (fields: HeaderField[], method: string, path: string): HeaderField[] =>
  fields.map(([n, v]) => [n, n === ":method" ? method : n === ":path" ? path : v]);

/** Resolves with `value` after `ms`: bounds a wait, never asserts on time. */
const after = <T>(ms: number, value: T) =>
  new Promise<T>((r) => {
    const t = setTimeout(() => r(value), ms);
    Deno.unrefTimer(t);
  });

/** A POST to /up whose DATA frame announces 1000 bytes and carries 10 (sent kept open: slowloris). */
const slowUpload = (): Uint8Array =>
  cat(headers(at(GET, "POST", "/up")), encodeFrame(FRAME.DATA, 1000), new Uint8Array(10));

/** The connection still answers a GET: the error stayed on its stream. Then closes it. */
async function stillOpen(c: RawH3, why: string): Promise<void> {
  assert.deepEqual(await parse(await c.request(headers(GET))), { status: 200, body: "ok /" });
  assert.equal(c.closeCode, undefined, why);
  c.close();
}

Deno.test("http3 attack: split cookie fields reach the app joined with '; ' (RFC 9114 4.2.1)", async () => {
  await using h3 = await h3Serve((req) => new Response(req.headers.get("cookie")));
  const c = await RawH3.connect(h3.port);
  const res = await parse(
    await c.request(headers([...GET, ["cookie", "a=1"], ["x-y", "z"], ["cookie", "b=2"]])),
  );
  c.close();
  assert.deepEqual(res, { status: 200, body: "a=1; b=2" });
});

Deno.test("http3 attack: 150 cookie crumbs are one field against maxHeaderFields", async () => {
  await using h3 = await h3Serve((req) => new Response(req.headers.get("cookie")));
  const c = await RawH3.connect(h3.port);
  const crumbs = Array.from({ length: 150 }, (_, i) => ["cookie", `c${i}=${i}`] as HeaderField);
  const res = await parse(await c.request(headers([...GET, ...crumbs])));
  c.close();
  assert.equal(res?.status, 200, res?.body);
  assert.equal(res?.body, crumbs.map(([, v]) => v).join("; "));
});

Deno.test("http3 attack: shutdown past its deadline closes stuck HTTP/3 connections", async () => {
  let handling!: () => void;
  const handled = new Promise<void>((r) => (handling = r));
  let aborted = false;
  const { server, port } = await h3Serve((req) => {
    req.signal.addEventListener("abort", () => (aborted = true));
    handling();
    return new Promise<Response>(() => {}); // a handler that never answers
  });
  const c = await RawH3.connect(port);
  const s = await c.conn.createBidirectionalStream();
  const w = s.writable.getWriter();
  await w.write(headers(GET));
  await w.close();
  await handled;
  assert.equal(await server.shutdown({ timeoutMs: 200 }), "deadline");
  const closed = await Promise.race([c.closed, after(5000, "open")]);
  const finished = await Promise.race([server.finished.then(() => "finished"), after(5000, "not")]);
  c.close();
  assert.equal(closed, H3.NO_ERROR, "the client sees the connection closed");
  assert.equal(finished, "finished", "the server stopped");
  assert.ok(aborted, "the stuck handler's request.signal aborted");
});

Deno.test("http3 attack: a dynamic-table entry referenced past the size limit is 431, not a close", async () => {
  await using h3 = await h3Serve((req) => new Response(`ok ${new URL(req.url).pathname}`));
  const c = await RawH3.connect(h3.port);
  // Encoder stream (RFC 9204 4.3): Set Dynamic Table Capacity 4096, then Insert with Literal
  // Name "x-a" with a 3000-byte value: one entry of 3035 bytes.
  await c.uni(cat(
    new Uint8Array([0x02, 0x3f, 0xe1, 0x1f, 0x43]),
    new TextEncoder().encode("x-a"),
    new Uint8Array([0x7f, 0xb9, 0x16]),
    new Uint8Array(3000).fill(0x76),
  ));
  // Required Insert Count 1 (encoded 2), Base 1, GET's static lines, then the entry 11 times:
  // 36 bytes on the wire that decode to over 33 KB, past the 32 KiB limit.
  const section = cat(
    new Uint8Array([0x02, 0x00]),
    new QpackEncoder().encode(GET).subarray(2),
    new Uint8Array(11).fill(0x80),
  );
  const res = await parse(await c.request(encodeFrame(FRAME.HEADERS, section)));
  assert.equal(res?.status, 431);
  assert.equal(JSON.parse(res!.body).code, "header_too_large");
  await stillOpen(c, "a stream error keeps the connection");
});

Deno.test("http3 attack: a slow upload past bodyTimeoutMs is answered; the connection lives", async () => {
  const { cert, key } = await testCert();
  const running = new Server({ bodyTimeoutMs: 300 })
    .route("/up", Route.post(async (c) => c.json({ n: (await c.req.arrayBuffer()).byteLength })))
    .route("/", Route.get((c) => c.text("ok /")))
    .build()
    .listen(h3Listen({ cert, key }));
  try {
    const c = await RawH3.connect(running.address.port);
    const slow = await parse(await c.request(slowUpload(), true));
    assert.equal(slow?.status, 408);
    await stillOpen(c, "the server's own cancel is no frame error");
  } finally {
    await running.shutdown();
  }
});

Deno.test("http3 attack: a handler answering while its body read is pending keeps the connection", async () => {
  await using h3 = await h3Serve(async (req) => {
    if (req.method === "GET") return new Response("ok /");
    const r = req.body!.getReader();
    await r.read();
    r.read().catch(() => {}); // still pending when the response goes out
    return new Response("early");
  });
  const c = await RawH3.connect(h3.port);
  const early = await parse(await c.request(slowUpload(), true));
  assert.deepEqual(early, { status: 200, body: "early" });
  await stillOpen(c, "the server's own cancel is no frame error");
});

/** A send stream that counts the writes handed to it; after `free` of them it stops taking more. */
function stalledSendStream(id: bigint, free: number): QuicSendStream & { writes: number } {
  let calls = 0;
  const stream = new WritableStream<Uint8Array>({
    write: () => (++calls <= free ? undefined : new Promise<void>(() => {})),
  });
  const out = Object.assign(stream, { id, writes: 0 });
  const getWriter = stream.getWriter.bind(stream);
  out.getWriter = () => {
    const w = getWriter();
    const write = w.write.bind(w);
    w.write = (chunk?: Uint8Array) => {
      out.writes++;
      return write(chunk);
    };
    return w;
  };
  return out;
}

Deno.test("http3 attack: an encoder-stream flood to a client that stops reading queues no writes", async () => {
  // A client that never grants flow control on our QPACK decoder stream, while it floods its
  // encoder stream with inserts: each one calls for an Insert Count Increment. Over the fake
  // connection below (Deno's client grants credit on its own), count what is queued for it.
  const sent: (QuicSendStream & { writes: number })[] = [];
  let lastPulled!: () => void;
  const allPulled = new Promise<void>((r) => (lastPulled = r));
  const uni = (id: bigint, chunks: Uint8Array[], onEnd?: () => void): QuicReceiveStream => {
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else onEnd?.(); // never closes: a closed critical stream is a connection error
      },
    }, { highWaterMark: 0 });
    return Object.assign(stream, { id });
  };
  const inserts = Array.from({ length: 2000 }, () => new Uint8Array([0x41, 0x61, 0x01, 0x62]));
  const conn: QuicConn = {
    close() {},
    remoteAddr: { transport: "udp", hostname: "127.0.0.1", port: 1 },
    closed: new Promise(() => {}),
    createUnidirectionalStream: () => {
      const s = stalledSendStream(BigInt(3 + 4 * sent.length), 1);
      sent.push(s);
      return Promise.resolve(s);
    },
    incomingBidirectionalStreams: new ReadableStream(),
    incomingUnidirectionalStreams: ReadableStream.from([
      uni(2n, [new Uint8Array([0x00, 0x04, 0x00])]),
      // Set Dynamic Table Capacity 4096, then "a: b" inserted 2000 times (one chunk each).
      uni(6n, [new Uint8Array([0x02, 0x3f, 0xe1, 0x1f]), ...inserts], lastPulled),
    ]),
  };
  const c = new Http3Connection(conn, () => new Response("unused"), {
    maxFieldSectionSize: 32 * 1024,
    maxHeaderFields: 100,
    headersTimeoutMs: 10_000,
    qpackMaxTableCapacity: 4096,
    qpackBlockedStreams: 16,
  });
  void c.run();
  await allPulled;
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
  const decoderStream = sent[1];
  assert.ok(decoderStream !== undefined, "the decoder stream was opened");
  // Its type byte, the first increment (stalled), then at most one more write waiting for it.
  assert.ok(decoderStream.writes <= 3, `${decoderStream.writes} writes queued`);
  c.close();
});

Deno.test("http3 attack: a request target the app could misread is malformed (400)", async () => {
  await using h3 = await h3Serve((req) => new Response(req.url));
  const c = await RawH3.connect(h3.port);
  const target = (scheme: string, authority: string, path: string): HeaderField[] => [
    [":method", "GET"],
    [":scheme", scheme],
    [":authority", authority],
    [":path", path],
  ];
  for (
    const [fields, what] of [
      // The authority must not end inside the URL: the app would route /admin, not /public.
      [target("https", "127.0.0.1/admin#", "/public"), "path in :authority"],
      [target("https", "127.0.0.1?", "/public"), "query in :authority"],
      [target("https", "user:pw@127.0.0.1", "/"), "userinfo (RFC 9114 4.3.1)"],
      [
        [...GET.filter(([n]) => n !== ":authority"), ["host", "127.0.0.1/x#"]],
        "bad host without :authority",
      ],
      [target("http", "127.0.0.1", "/"), "http over QUIC (always TLS)"],
      [target("foo", "127.0.0.1", "/"), "a non-HTTP scheme"],
      [target("https", "127.0.0.1", "/a b"), "space in :path"],
      [target("https", "127.0.0.1", "/a\x7f"), "DEL in :path"],
    ] as [HeaderField[], string][]
  ) {
    const r = await parse(await c.request(headers(fields)));
    assert.equal(r?.status, 400, `${what}: ${r?.body}`);
    assert.equal(JSON.parse(r!.body).code, "h3_message_error", what);
  }
  const ok = await parse(await c.request(headers(target("https", "127.0.0.1:443", "/a?b=c"))));
  assert.deepEqual(ok, { status: 200, body: "https://127.0.0.1/a?b=c" });
  const v6 = await parse(await c.request(headers(target("https", "[::1]:8443", "/"))));
  assert.deepEqual(v6, { status: 200, body: "https://[::1]:8443/" });
  c.close();
});
