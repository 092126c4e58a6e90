import assert from "node:assert/strict";
import { Hono } from "hono";
import { validator } from "hono/validator";
import { launchChromium } from "../../tools/_test_chromium.ts";
import { Algorithm, compressSync, decompressSync } from "../../compress/mod.ts";
import { Route, Server, sse } from "../../server/mod.ts";
import { listenLocal, run } from "../../server/_test_util.ts";
import { compression, negotiateEncoding, parseAcceptEncoding } from "./mod.ts";

const rows = Array.from(
  { length: 400 },
  (_, i) => ({ id: i, detector: ["H1", "L1"][i % 2], strain: Math.sin(i) * 1e-21 }),
);
const ROWS_JSON = JSON.stringify(rows);
// The codecs return fresh buffers; fetch and Hono's c.body want Uint8Array<ArrayBuffer>.
const buf = (u: Uint8Array) => u as Uint8Array<ArrayBuffer>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("negotiation follows RFC 9110 §12.5.3", () => {
  const pref = ["zstd", "br", "gzip", "deflate"];
  const table: Array<[string | null, string | null]> = [
    [null, "identity"], // no header: identity
    ["", "identity"], // empty header: only identity is acceptable
    ["gzip, deflate, br, zstd", "zstd"], // ties go to the server's preference
    ["gzip;q=1.0, br;q=0.8", "gzip"],
    ["br;q=0.5, gzip;q=0.4", "br"],
    ["*", "zstd"],
    ["*;q=0.1, gzip", "gzip"],
    ["gzip;q=0, *", "zstd"],
    ["zstd;q=0, br;q=0, gzip;q=0, deflate;q=0", "identity"],
    ["identity;q=0", null],
    ["*;q=0", null],
    ["*;q=0, identity", "identity"],
    ["gzip;q=0.1, identity;q=0.9", "identity"],
    ["GZIP", "gzip"], // case-insensitive
    ["x-gzip", "gzip"],
    ["gzip;q=2", "identity"], // invalid q never wins
    ["compress, bogus", "identity"],
  ];
  for (const [header, want] of table) {
    assert.equal(negotiateEncoding(header, pref), want, String(header));
  }
  // lz4 and x-snappy-framed only for clients that name them.
  assert.equal(negotiateEncoding("*", ["lz4", "gzip"], ["lz4"]), "gzip");
  assert.equal(negotiateEncoding("lz4", ["zstd", "lz4"], ["lz4"]), "lz4");
  assert.deepEqual(parseAcceptEncoding("br;q=0.5 , gzip"), [{ coding: "br", q: 0.5 }, {
    coding: "gzip",
    q: 1,
  }]);
});

function app(options: Parameters<typeof compression>[0] = {}) {
  const a = new Hono();
  a.use(compression(options));
  a.get("/rows", (c) => c.json(rows));
  a.get("/tiny", (c) => c.json({ ok: true }));
  a.get("/text", (c) => c.text("x".repeat(5000)));
  a.get("/etag", (c) => c.json(rows, 200, { etag: '"v1"' }));
  a.get("/png", (c) => c.body(new Uint8Array(5000), 200, { "content-type": "image/png" }));
  a.get("/no-transform", (c) => c.json(rows, 200, { "cache-control": "no-transform" }));
  a.get(
    "/encoded",
    (c) =>
      c.body(buf(compressSync(new TextEncoder().encode(ROWS_JSON), Algorithm.Gzip)), 200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
      }),
  );
  a.get(
    "/arrow-lz4",
    (c) =>
      c.body(new Uint8Array(5000), 200, {
        "content-type": 'application/vnd.apache.arrow.stream; codecs="lz4"',
      }),
  );
  a.get(
    "/random",
    (c) =>
      c.body(crypto.getRandomValues(new Uint8Array(4096)), 200, {
        "content-type": "application/json",
      }),
  );
  a.get(
    "/manual",
    () => new Response(ROWS_JSON, { headers: { "content-type": "application/json" } }),
  );
  a.get("/empty", (c) => c.body(null, 204));
  a.post("/echo", async (c) => c.json({ got: await c.req.json() }));
  a.post("/len", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  return a;
}

async function get(a: Hono, path: string, ae: string | null, method = "GET") {
  const res = await a.request(path, {
    method,
    headers: ae === null ? {} : { "accept-encoding": ae },
  });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Every content coding the middleware speaks, with its algorithm. */
const CODINGS = [
  ["zstd", Algorithm.Zstd],
  ["br", Algorithm.Brotli],
  ["gzip", Algorithm.Gzip],
  ["deflate", Algorithm.Deflate],
  ["lz4", Algorithm.Lz4],
  ["x-snappy-framed", Algorithm.Snappy],
] as const;

Deno.test("responses: every coding decodes to the original, with exact Content-Length, Vary and weak ETag", async () => {
  const a = app();
  for (const [coding, alg] of CODINGS) {
    for (const path of ["/rows", "/manual"]) {
      const { res, bytes } = await get(a, path, coding);
      assert.equal(res.headers.get("content-encoding"), coding, `${path} ${coding}`);
      assert.equal(res.headers.get("content-length"), String(bytes.length));
      assert.match(res.headers.get("vary")!, /Accept-Encoding/);
      assert.ok(bytes.length < ROWS_JSON.length / 2);
      assert.equal(new TextDecoder().decode(decompressSync(bytes, alg)), ROWS_JSON);
    }
  }
  const { res } = await get(a, "/etag", "gzip");
  assert.equal(res.headers.get("etag"), 'W/"v1"');
});

Deno.test("responses that must pass untouched", async () => {
  const a = app();
  const untouched: Array<[string, string, string?]> = [
    ["/tiny", "gzip"], // under the 1 KiB threshold
    ["/png", "gzip"], // incompressible type
    ["/no-transform", "gzip"],
    ["/arrow-lz4", "zstd"], // Arrow with IPC body compression
    ["/rows", "identity"],
    ["/empty", "gzip"],
    ["/random", "zstd"], // compression would not pay
    ["/rows", "gzip", "HEAD"],
  ];
  for (const [path, ae, method] of untouched) {
    const { res } = await get(a, path, ae, method);
    assert.equal(res.headers.get("content-encoding"), null, `${method ?? "GET"} ${path}`);
  }
  const { res, bytes } = await get(a, "/encoded", "zstd, gzip");
  assert.equal(res.headers.get("content-encoding"), "gzip", "already encoded stays as it is");
  assert.equal(new TextDecoder().decode(decompressSync(bytes, Algorithm.Gzip)), ROWS_JSON);
  // ... for a client that accepts its coding; any other gets it decoded, coded as it accepts.
  for (const [ae, coding, algorithm] of [["zstd", "zstd", Algorithm.Zstd], [null, null]] as const) {
    const { res, bytes } = await get(a, "/encoded", ae);
    assert.equal(res.headers.get("content-encoding"), coding, `${ae}`);
    const plain = algorithm === undefined ? bytes : decompressSync(bytes, algorithm);
    assert.equal(new TextDecoder().decode(plain), ROWS_JSON, `${ae}`);
  }
  const refused = await get(a, "/rows", "identity;q=0, gzip;q=0");
  assert.equal(refused.res.status, 406);
  assert.equal(refused.res.headers.get("content-type"), "application/problem+json");
});

Deno.test("a large body gets the faster level and still round-trips", async () => {
  const a = app({ largeBodyBytes: 10_000 });
  const big = await get(a, "/rows", "zstd");
  const normal = await get(app(), "/rows", "zstd");
  assert.equal(new TextDecoder().decode(decompressSync(big.bytes, Algorithm.Zstd)), ROWS_JSON);
  assert.equal(new TextDecoder().decode(decompressSync(normal.bytes, Algorithm.Zstd)), ROWS_JSON);
});

Deno.test("request bodies: every coding is decoded before the handler; unknown codings are 415", async () => {
  const a = app();
  const body = new TextEncoder().encode(JSON.stringify({ rows }));
  for (const [coding, alg] of CODINGS) {
    const res = await a.request("/echo", {
      method: "POST",
      body: buf(compressSync(body, alg)),
      headers: { "content-encoding": coding, "content-type": "application/json" },
    });
    assert.equal(res.status, 200, coding);
    assert.deepEqual((await res.json()).got.rows.length, rows.length);
  }
  // Two codings, applied gzip first then zstd: undone in reverse.
  const twice = compressSync(compressSync(body, Algorithm.Gzip), Algorithm.Zstd);
  const res2 = await a.request("/len", {
    method: "POST",
    body: buf(twice),
    headers: { "content-encoding": "gzip, zstd" },
  });
  assert.deepEqual(await res2.json(), { bytes: body.length });

  const unknown = await a.request("/len", {
    method: "POST",
    body: "x",
    headers: { "content-encoding": "compress" },
  });
  assert.equal(unknown.status, 415);
  assert.match(unknown.headers.get("accept-encoding")!, /zstd/);
  assert.equal(unknown.headers.get("content-type"), "application/problem+json");
});

Deno.test("over a real socket: a decompression bomb is refused quickly and the server keeps serving", async () => {
  const server = new Server({ logError: () => {} })
    .route(
      "/len",
      Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })),
    )
    .route("/rows", Route.get((c) => c.json(rows)))
    .withCompression()
    .build();
  await using srv = listenLocal(server);
  const bomb = compressSync(new Uint8Array(200 * 1024 * 1024), Algorithm.Zstd); // 200 MiB of zeros
  assert.ok(bomb.length < 64 * 1024);
  const started = performance.now();
  const res = await fetch(srv.url + "/len", {
    method: "POST",
    body: buf(bomb),
    headers: { "content-encoding": "zstd" },
  });
  const elapsed = performance.now() - started;
  assert.equal(res.status, 413);
  const p = await res.json();
  assert.equal(p.status, 413);
  assert.ok(elapsed < 5000, `refused in ${elapsed.toFixed(0)} ms`);
  // A ratio bomb under the size limit: 5 MiB of zeros (ratio far over 100x).
  const ratio = await fetch(srv.url + "/len", {
    method: "POST",
    body: buf(compressSync(new Uint8Array(5 * 1024 * 1024), Algorithm.Gzip)),
    headers: { "content-encoding": "gzip" },
  });
  assert.equal(ratio.status, 413);
  assert.match((await ratio.json()).detail, /expands/);
  // Corrupt data is a 400, not a 500.
  const corrupt = await fetch(srv.url + "/len", {
    method: "POST",
    body: new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5]),
    headers: { "content-encoding": "zstd" },
  });
  assert.equal(corrupt.status, 400);
  await corrupt.body?.cancel();
  const ok = await fetch(srv.url + "/rows", { headers: { "accept-encoding": "gzip" } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), rows); // Deno's fetch decodes gzip
});

Deno.test("compression() on plain Hono: broken request bodies are typed problems, none logged", async () => {
  // No app.onError: Hono's default handler, which logs and answers a bare 500 for any error
  // that is not an HTTPException. Two readers: the handler itself, and a validator that
  // swallows the read error ("Malformed JSON").
  const a = new Hono();
  a.use(compression({ maxOutputSize: 1024 * 1024 }));
  a.post("/len", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  a.post(
    "/json",
    validator("json", (v) => v as number[]),
    (c) => c.json({ n: c.req.valid("json").length }),
  );
  const logged: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const bomb = compressSync(new Uint8Array(64 * 1024 * 1024).fill(0x20), Algorithm.Gzip);
    const json = new TextEncoder().encode(
      JSON.stringify(Array.from({ length: 4096 }, (_, i) => i)),
    );
    const gzipped = compressSync(json, Algorithm.Gzip);
    const cases: Array<[string, Uint8Array, string, number, string]> = [
      ["bomb", bomb, "gzip", 413, "body_too_large"],
      // Incompressible-ish numbers (ratio under 100x), over the decoded limit.
      [
        "oversized",
        compressSync(
          new TextEncoder().encode(
            JSON.stringify(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 100_003)),
          ),
          Algorithm.Zstd,
        ),
        "zstd",
        413,
        "body_too_large",
      ],
      [
        "truncated",
        gzipped.subarray(0, gzipped.length - 6), // cut inside the trailer
        "gzip",
        400,
        "body_coding_invalid",
      ],
      [
        "corrupt",
        new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5]),
        "zstd",
        400,
        "body_coding_invalid",
      ],
    ];
    for (const path of ["/len", "/json"]) {
      for (const [name, body, coding, status, code] of cases) {
        const res = await a.request(path, {
          method: "POST",
          body: buf(body),
          headers: { "content-encoding": coding, "content-type": "application/json" },
        });
        const text = await res.text();
        assert.equal(res.status, status, `${path} ${name}: ${text}`);
        assert.equal(
          res.headers.get("content-type"),
          "application/problem+json",
          `${path} ${name}`,
        );
        assert.equal(JSON.parse(text).code, code, `${path} ${name}`);
      }
      const ok = await a.request(path, {
        method: "POST",
        body: buf(compressSync(json, Algorithm.Gzip)),
        headers: { "content-encoding": "gzip", "content-type": "application/json" },
      });
      assert.equal(ok.status, 200, path);
      await ok.body?.cancel();
    }
  } finally {
    console.error = consoleError;
  }
  assert.deepEqual(logged, []);
});

Deno.test("streams: a paused stream is flushed so the client is not stalled; SSE flushes per event", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const server = new Server()
    .route(
      "/stream",
      Route.get(() => {
        const enc = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async start(ctl) {
            ctl.enqueue(enc.encode("first:" + "a".repeat(2000) + "\n"));
            await gate; // the client must see "first" before this is released
            ctl.enqueue(enc.encode("second\n"));
            ctl.close();
          },
        });
        return new Response(body, { headers: { "content-type": "text/plain" } });
      }),
    )
    .route(
      "/events",
      Route.get((c) =>
        sse(c, async (s) => {
          await s.send({ id: 1, data: "one ".repeat(400) });
          await gate;
          await s.send({ id: 2, data: "two" });
        }, { heartbeatMs: 0 })
      ),
    )
    .withCompression()
    .build();
  await using srv = listenLocal(server);
  for (const path of ["/stream", "/events"]) {
    const res = await fetch(srv.url + path, { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.headers.get("content-encoding"), "gzip", path);
    assert.equal(res.headers.get("content-length"), null);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/first|one/.test(text)) {
      const r = await Promise.race([reader.read(), sleep(3000).then(() => null)]);
      assert.ok(r !== null, `${path}: the first part was held back by the encoder`);
      text += r.value ?? "";
    }
    release();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      text += r.value;
    }
    assert.match(text, /second|two/);
  }
});

Deno.test("streams: a source that is never idle still gets its first bytes out early", async () => {
  // Every pull has the next chunk at once, so reads resolve in microtasks: the encoder must hand
  // the event loop back after its first flush, or the whole body is compressed (and all other
  // requests wait) before the client sees a byte.
  const CHUNKS = 400; // 400 × 64 KiB = 25 MiB of text
  let pulled = 0;
  const server = new Server()
    .route(
      "/busy",
      Route.get(() => {
        const chunk = new TextEncoder().encode("level=info msg=ok n=1\n".repeat(2979));
        const body = new ReadableStream<Uint8Array>({
          pull(ctl) {
            if (pulled === CHUNKS) return ctl.close();
            pulled++;
            ctl.enqueue(chunk.slice());
          },
        });
        return new Response(body, { headers: { "content-type": "text/plain" } });
      }),
    )
    .withCompression()
    .build();
  await using srv = listenLocal(server);
  for (const coding of ["zstd", "gzip"]) {
    pulled = 0;
    const res = await fetch(srv.url + "/busy", { headers: { "accept-encoding": coding } });
    assert.equal(res.headers.get("content-encoding"), coding);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(!first.done && first.value.byteLength > 0);
    const pulledAtFirstByte = pulled;
    assert.ok(
      pulledAtFirstByte < CHUNKS / 2,
      `${coding}: ${pulledAtFirstByte} of ${CHUNKS} chunks compressed before the first byte`,
    );
    let total = first.value.byteLength;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      total += r.value.byteLength;
    }
    assert.equal(pulled, CHUNKS);
    assert.ok(total > 0);
  }
});

Deno.test("real clients: curl --compressed and Deno fetch read zstd, br and gzip responses", async () => {
  const server = new Server().route("/rows", Route.get((c) => c.json(rows))).withCompression()
    .build();
  await using srv = listenLocal(server);
  for (const coding of ["zstd", "br", "gzip"]) {
    const out = await run("curl", [
      "-s",
      "--compressed",
      "-H",
      `accept-encoding: ${coding}`,
      "-D",
      "-",
      srv.url + "/rows",
    ]);
    assert.equal(out.code, 0, out.stderr);
    const text = new TextDecoder().decode(out.stdout);
    const split = text.indexOf("\r\n\r\n");
    assert.match(text.slice(0, split).toLowerCase(), new RegExp(`content-encoding: ${coding}`));
    assert.deepEqual(JSON.parse(text.slice(split + 4)), rows, coding);
  }
  for (const coding of ["br", "gzip"]) {
    const res = await fetch(srv.url + "/rows", { headers: { "accept-encoding": coding } });
    assert.equal(res.headers.get("content-encoding"), coding);
    assert.deepEqual(await res.json(), rows);
  }
  // Deno's fetch does not decode zstd: read the raw body and decode it with ours.
  const z = await fetch(srv.url + "/rows", { headers: { "accept-encoding": "zstd" } });
  assert.deepEqual(
    JSON.parse(
      new TextDecoder().decode(
        decompressSync(new Uint8Array(await z.arrayBuffer()), Algorithm.Zstd),
      ),
    ),
    rows,
  );
});

Deno.test("real browser: headless Chromium fetches zstd, br and gzip responses and reads them", async () => {
  const sent: Record<string, string | null> = {};
  const only = (coding: "zstd" | "br" | "gzip") => compression({ encodings: [coding] });
  const server = new Server()
    .use(async (c, next) => {
      await next();
      sent[c.req.path] = c.res.headers.get("content-encoding");
    })
    .route("/", Route.get((c) => c.html("<!doctype html><title>t</title><body>ready</body>")))
    .route("/zstd/rows", Route.get(only("zstd"), (c) => c.json(rows)))
    .route("/br/rows", Route.get(only("br"), (c) => c.json(rows)))
    .route("/gzip/rows", Route.get(only("gzip"), (c) => c.json(rows)))
    .build();
  await using srv = listenLocal(server);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(srv.url + "/");
    const result = await page.evaluate(async () => {
      const out: Record<string, { n: number; sum: number; acceptEncoding: string }> = {};
      for (const c of ["zstd", "br", "gzip"]) {
        const data = await (await fetch(`/${c}/rows`)).json();
        out[c] = {
          n: data.length,
          sum: data.reduce((a: number, r: { id: number }) => a + r.id, 0),
          acceptEncoding: "",
        };
      }
      return out;
    });
    for (const c of ["zstd", "br", "gzip"]) {
      assert.equal(sent[`/${c}/rows`], c, `the server sent ${c} to Chromium`);
      assert.equal(result[c].n, rows.length);
      assert.equal(result[c].sum, rows.reduce((a, r) => a + r.id, 0));
    }
  } finally {
    await browser.close();
  }
});

Deno.test("already coded: a small coded c.body reaches a client that cannot read it decoded", async () => {
  // A pre-compressed payload is small by nature (1 KiB of JSON codes to a few bytes): a coded
  // c.body under the threshold left as it was, with its zstd, for a gzip-only client.
  const json = JSON.stringify({ a: "x".repeat(3000) });
  const coded = compressSync(new TextEncoder().encode(json), Algorithm.Zstd) as Uint8Array<
    ArrayBuffer
  >;
  assert.ok(coded.byteLength < 1024);
  const app = new Hono();
  app.use(compression());
  app.get(
    "/",
    (c) => c.body(coded, 200, { "content-type": "application/json", "content-encoding": "zstd" }),
  );
  for (const acceptEncoding of ["gzip", "identity"]) {
    const res = await app.request("/", { headers: { "accept-encoding": acceptEncoding } });
    const got = res.headers.get("content-encoding");
    assert.ok(got === null || got === acceptEncoding, `${acceptEncoding}: ${got}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = got === "gzip" ? decompressSync(bytes, Algorithm.Gzip) : bytes;
    assert.equal(new TextDecoder().decode(text), json);
  }
});

/** An app behind compression() whose GET answers 400 JSON rows stored zstd-coded (ETag "v1"). */
function codedAnswerApp(): { app: Hono; coded: Uint8Array<ArrayBuffer> } {
  const json = JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ i })));
  const coded = compressSync(new TextEncoder().encode(json), Algorithm.Zstd) as Uint8Array<
    ArrayBuffer
  >;
  const app = new Hono();
  app.use(compression());
  app.get("/", () =>
    new Response(coded, {
      headers: {
        "content-type": "application/json",
        "content-encoding": "zstd",
        "content-length": String(coded.byteLength),
        etag: '"v1"',
      },
    }));
  return { app, coded };
}

Deno.test("already coded: the answer varies on Accept-Encoding, so it says so and its ETag is weak", async () => {
  // Whether the stored zstd bytes leave as they are or decoded depends on Accept-Encoding: a shared
  // cache without `Vary` would hand the zstd answer to a client that cannot read it (RFC 9110
  // §12.5.5), and two representations must not share one strong ETag (§8.8.1).
  const { app } = codedAnswerApp();
  for (const acceptEncoding of ["zstd", "identity", "gzip"]) {
    const res = await app.request("/", { headers: { "accept-encoding": acceptEncoding } });
    await res.body?.cancel();
    assert.match(res.headers.get("vary") ?? "", /accept-encoding/i, acceptEncoding);
    if (res.headers.get("content-encoding") !== "zstd") {
      assert.match(res.headers.get("etag") ?? "", /^W\//, acceptEncoding);
    }
  }
});

Deno.test("already coded: HEAD names the coding a GET would send, not the stored one", async () => {
  // RFC 9110 §9.3.2: HEAD's header fields are those of a GET. A GET from a gzip-only or identity
  // client gets the stored zstd body decoded; its HEAD said `Content-Encoding: zstd` and the
  // coded length.
  const { app, coded } = codedAnswerApp();
  for (const acceptEncoding of ["zstd", "identity", "gzip"]) {
    const head = await app.request("/", {
      method: "HEAD",
      headers: { "accept-encoding": acceptEncoding },
    });
    await head.body?.cancel();
    const get = await app.request("/", { headers: { "accept-encoding": acceptEncoding } });
    await get.body?.cancel();
    assert.match(head.headers.get("vary") ?? "", /accept-encoding/i, acceptEncoding);
    if (acceptEncoding === "zstd") {
      assert.equal(head.headers.get("content-encoding"), "zstd");
      assert.equal(head.headers.get("content-length"), String(coded.byteLength));
      assert.equal(head.headers.get("etag"), '"v1"');
    } else {
      // GET may code it again (gzip) where HEAD cannot know the size: HEAD omits the length and
      // never names a coding the client refused.
      assert.notEqual(head.headers.get("content-encoding"), "zstd", acceptEncoding);
      assert.equal(head.headers.get("content-length"), null, acceptEncoding);
      assert.equal(head.headers.get("etag"), get.headers.get("etag"), acceptEncoding);
    }
  }
});

Deno.test("already coded: an answer that fails to decode for the client is a logged 500, not the request's 400", async () => {
  // The server's own answer is broken (a proxied upstream's truncated gzip): the request had no
  // body, yet its failure read as `400 body_coding_invalid` ("request body could not be decoded")
  // and was not logged, as if the client had sent it.
  const json = new TextEncoder().encode(JSON.stringify(rows));
  const broken = compressSync(json, Algorithm.Gzip).slice(0, 40);
  broken[12] ^= 0xff;
  const logged: unknown[] = [];
  const server = new Server({ logError: (e) => void logged.push(e) })
    .route(
      "/broken",
      Route.get(() =>
        new Response(buf(broken), {
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        })
      ),
    )
    .withCompression()
    .build();
  await using srv = listenLocal(server);
  const res = await fetch(srv.url + "/broken", { headers: { "accept-encoding": "br" } });
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.equal((await res.json()).code, "internal_error");
  assert.equal(logged.length, 1);
});
