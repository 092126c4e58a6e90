import assert from "node:assert/strict";
import type { Context } from "hono";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { parseTraceparent } from "../http/traceparent.ts";
import { Client, ClientError } from "./mod.ts";
import { delay, recordingSleep, resettingServer, seeded } from "./_test_servers.ts";

function echoApp() {
  return new Server({ openapi: false }).route(
    "/echo",
    Route.get((c) =>
      c.json({
        url: c.req.url,
        headers: Object.fromEntries(c.req.raw.headers),
      })
    ),
  ).build();
}

Deno.test("GET sends query, auth, request id, traceparent and reads JSON", async () => {
  await using srv = listenLocal(echoApp());
  const client = Client.builder().baseUrl(srv.url).avlAuth("avl_test_0123456789abcdef")
    .header("x-tenant", "lab-7").build();
  const res = await client.get("/echo").query([["limit", "1000"], ["q", "a b"]]).send();
  assert.equal(res.status, 200);
  assert.equal(res.ok, true);
  const body = await res.json<{ url: string; headers: Record<string, string> }>();
  const u = new URL(body.url);
  assert.equal(u.searchParams.get("limit"), "1000");
  assert.equal(u.searchParams.get("q"), "a b");
  assert.equal(body.headers["x-avl-api-key"], "avl_test_0123456789abcdef");
  assert.equal(body.headers["x-tenant"], "lab-7");
  assert.equal(body.headers["x-request-id"], res.requestId);
  const tp = parseTraceparent(body.headers["traceparent"]);
  assert.ok(tp);
  assert.equal(tp.traceId, res.traceId);
  assert.equal(res.metrics.attempts, 1);
  assert.ok(res.metrics.bytesReceived > 0);
  assert.equal(res.metrics.bytesReceived, res.metrics.bytesReceivedWire);
  assert.ok(res.metrics.totalMs !== null && res.metrics.totalMs >= 0);
  // readers may be called again (body cached)
  assert.equal((await res.text()).length, res.metrics.bytesReceived);
});

Deno.test("bad configuration gives ClientError invalid", () => {
  assert.throws(
    () => Client.builder().avlAuth("sk_live_123"),
    (e) => e instanceof ClientError && e.code === "invalid",
  );
  assert.throws(
    () => Client.builder().bearer("a b"),
    (e) => e instanceof ClientError && e.code === "invalid",
  );
  assert.throws(() => Client.builder().retry({ attempts: 0 }), (e) => e instanceof ClientError);
  assert.throws(() => Client.builder().timeout(-1), (e) => e instanceof ClientError);
  assert.throws(() => Client.builder().baseUrl("ftp://x").build(), (e) => e instanceof ClientError);
  assert.throws(
    () => Client.builder().endpoints([{ region: "a", url: "http://a" }]).region("b").build(),
    (e) => e instanceof ClientError && e.code === "invalid",
  );
});

Deno.test("relative URL without base URL rejects with invalid", async () => {
  const client = Client.builder().build();
  await assert.rejects(
    client.get("/x").send(),
    (e) => e instanceof ClientError && e.code === "invalid",
  );
});

Deno.test("503s are retried with full-jitter backoff; each attempt gets a new span, same trace", async () => {
  let calls = 0;
  const spans: string[] = [];
  const app = new Server({ openapi: false }).route(
    "/flaky",
    Route.get((c) => {
      spans.push(c.req.header("traceparent")!);
      return ++calls < 3 ? c.text("busy", 503) : c.json({ ok: true });
    }),
  ).build();
  await using srv = listenLocal(app);
  const rec = recordingSleep();
  const retried: number[] = [];
  const client = Client.builder().baseUrl(srv.url).retry({ attempts: 4, baseMs: 100, capMs: 1000 })
    .random(() => 0.5).sleep(rec.sleep)
    .hooks({ beforeRetry: (i) => void retried.push(i.attempt) }).build();
  const res = await client.get("/flaky").send();
  assert.equal(res.status, 200);
  assert.equal(res.metrics.attempts, 3);
  assert.equal(res.metrics.retries, 2);
  assert.deepEqual(rec.delays, [50, 100]); // 0.5 * 100 * 2^0, 0.5 * 100 * 2^1
  assert.deepEqual(retried, [0, 1]);
  const parsed = spans.map((s) => parseTraceparent(s)!);
  assert.equal(new Set(parsed.map((p) => p.traceId)).size, 1);
  assert.equal(new Set(parsed.map((p) => p.parentSpanId)).size, 3);
  assert.equal(parsed[0].traceId, res.traceId);
});

Deno.test("non-retryable statuses and exhausted retries return the response with a typed error", async () => {
  const app = new Server({ openapi: false })
    .route(
      "/missing",
      Route.get(() =>
        Response.json(
          { type: "about:blank", title: "Not Found", status: 404, detail: "no detector X1" },
          { status: 404, headers: { "content-type": "application/problem+json" } },
        )
      ),
    )
    .route("/down", Route.get((c) => c.text("down", 503)))
    .build();
  await using srv = listenLocal(app);
  const rec = recordingSleep();
  const client = Client.builder().baseUrl(srv.url).retry({ attempts: 3, baseMs: 1 })
    .sleep(rec.sleep).build();
  const res = await client.get("/missing").send();
  assert.equal(res.status, 404);
  assert.equal(res.metrics.attempts, 1);
  const err = await res.error();
  assert.ok(err instanceof ClientError);
  assert.equal(err.code, "http");
  assert.equal(err.status, 404);
  assert.equal(err.problem?.detail, "no detector X1");
  await assert.rejects(res.throwIfError(), (e) => e instanceof ClientError && e.status === 404);
  const down = await client.get("/down").send();
  assert.equal(down.status, 503);
  assert.equal(down.metrics.attempts, 3);
  assert.equal(await down.text(), "down");
  const stats = client.stats();
  assert.equal(stats.requests, 2);
  assert.equal(stats.attempts, 4);
  assert.equal(stats.retries, 2);
  assert.equal(stats.failures, 2);
});

Deno.test("Retry-After (seconds and HTTP-date) and RateLimit reset set the wait", async () => {
  let n = 0;
  const app = new Server({ openapi: false })
    .route(
      "/ra",
      Route.get((
        c,
      ) => (n++ % 2 === 0 ? c.text("slow down", 429, { "retry-after": "2" }) : c.text("ok"))),
    )
    .route(
      "/rl",
      Route.get((
        c,
      ) => (n++ % 2 === 0 ? c.text("quota", 429, { ratelimit: '"burst";r=0;t=3' }) : c.text("ok"))),
    )
    .route(
      "/date",
      Route.get((
        c,
      ) => (n++ % 2 === 0
        ? c.text("x", 503, { "retry-after": new Date(Date.now() + 4000).toUTCString() })
        : c.text("ok"))
      ),
    )
    .route("/far", Route.get((c) => c.text("later", 503, { "retry-after": "3600" })))
    .build();
  await using srv = listenLocal(app);
  const rec = recordingSleep();
  const client = Client.builder().baseUrl(srv.url).retry({ attempts: 3 }).sleep(rec.sleep).build();
  assert.equal((await client.get("/ra").send()).status, 200);
  assert.equal((await client.get("/rl").send()).status, 200);
  assert.equal((await client.get("/date").send()).status, 200);
  assert.equal(rec.delays[0], 2000);
  assert.equal(rec.delays[1], 3000);
  assert.ok(rec.delays[2] > 2000 && rec.delays[2] <= 4000, `date delay ${rec.delays[2]}`);
  // A wait past the deadline (or past maxServerDelayMs) is not taken: the 503 comes back.
  const far = await client.get("/far").deadline(5000).send();
  assert.equal(far.status, 503);
  assert.equal(far.metrics.attempts, 1);
  assert.equal(rec.delays.length, 3);
  await far.bytes();
});

Deno.test("POST is not retried without an idempotency key; with .idempotent() the key is reused", async () => {
  const keys: Array<string | undefined> = [];
  const app = new Server({ openapi: false }).route(
    "/orders",
    Route.post(async (c) => {
      await c.req.text();
      keys.push(c.req.header("idempotency-key"));
      return c.text("busy", 503);
    }),
  ).build();
  await using srv = listenLocal(app);
  const rec = recordingSleep();
  const client = Client.builder().baseUrl(srv.url).retry({ attempts: 3 }).sleep(rec.sleep).build();
  const plain = await client.post("/orders").json({ n: 1 }).send();
  assert.equal(plain.status, 503);
  assert.equal(plain.metrics.attempts, 1);
  assert.deepEqual(keys, [undefined]);
  const keyed = await client.post("/orders").json({ n: 1 }).idempotent().send();
  assert.equal(keyed.metrics.attempts, 3);
  assert.equal(keys.length, 4);
  assert.match(keys[1]!, /^"[0-9a-f-]{36}"$/);
  assert.equal(keys[1], keys[2]);
  assert.equal(keys[2], keys[3]);
  assert.equal(keyed.idempotencyKey, keys[1]);
  const again = await client.post("/orders").json({ n: 1 }).idempotent().attempts(1).send();
  assert.notEqual(again.idempotencyKey, keyed.idempotencyKey);
  await Promise.all([plain.bytes(), keyed.bytes(), again.bytes()]);
});

Deno.test("connection resets are network errors, retried, then thrown as ClientError network", async () => {
  await using reset = resettingServer();
  const rec = recordingSleep();
  const client = Client.builder().baseUrl(reset.url).retry({ attempts: 3, baseMs: 1 })
    .sleep(rec.sleep).breaker(false).build();
  await assert.rejects(client.get("/x").send(), (e) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.code, "network");
    assert.equal(e.attempts, 3);
    return true;
  });
  assert.equal(reset.accepted(), 3);
});

Deno.test("a slow attempt times out and the next one answers", async () => {
  let calls = 0;
  const app = new Server({ openapi: false }).route(
    "/slow-once",
    Route.get(async (c) => {
      if (calls++ === 0) await delay(3000, c.req.raw.signal);
      return c.text("fast");
    }),
  ).build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).timeout(150).retry({ baseMs: 1 }).build();
  const res = await client.get("/slow-once").send();
  assert.equal(await res.text(), "fast");
  assert.equal(res.metrics.attempts, 2);
});

Deno.test("the total deadline bounds every attempt and wait; caller abort is immediate", async () => {
  const app = new Server({ openapi: false }).route(
    "/never",
    Route.get(async (c) => {
      await delay(5000, c.req.raw.signal);
      return c.text("late");
    }),
  ).build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).timeout(100).deadline(350)
    .retry({ attempts: 10, baseMs: 1, capMs: 5 }).build();
  await assert.rejects(client.get("/never").send(), (e) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.code, "deadline");
    assert.ok(e.attempts! >= 2 && e.attempts! <= 5, `attempts ${e.attempts}`);
    return true;
  });
  const ctrl = new AbortController();
  const p = client.get("/never").timeout(null).deadline(null).signal(ctrl.signal).send();
  setTimeout(() => ctrl.abort(), 50);
  await assert.rejects(p, (e) => e instanceof ClientError && e.code === "aborted");
  // abort during a backoff wait
  const ctrl2 = new AbortController();
  const slowSleep = Client.builder().baseUrl(srv.url).timeout(20).retry({
    attempts: 5,
    baseMs: 10_000,
    capMs: 10_000,
  })
    .random(() => 1).build();
  const p2 = slowSleep.get("/never").signal(ctrl2.signal).send();
  setTimeout(() => ctrl2.abort(), 100);
  await assert.rejects(p2, (e) => e instanceof ClientError && e.code === "aborted");
  await assert.rejects(
    client.get("/never").signal(AbortSignal.abort()).send(),
    (e) => e instanceof ClientError && e.code === "aborted",
  );
});

Deno.test("with 30% transient faults every idempotent request succeeds within its deadline", async () => {
  const serverRng = seeded(42);
  const clientRng = seeded(7);
  let served = 0;
  const handler = (c: Context) => {
    served++;
    const r = serverRng();
    if (r < 0.1) return c.text("unavailable", 503);
    if (r < 0.15) return c.text("bad gateway", 502);
    return c.json({ id: c.req.param("id"), method: c.req.method });
  };
  const app = new Server({ openapi: false })
    .route("/data/:id", Route.get(handler).put(handler).delete(handler))
    .build();
  await using srv = listenLocal(app);
  let injected = 0;
  const client = Client.builder().baseUrl(srv.url)
    .retry({ attempts: 10, baseMs: 1, capMs: 8 })
    .deadline(5000).breaker(false).random(clientRng)
    .fetch((input, init) => {
      // 15% of attempts fail before reaching the server, like a reset connection.
      if (clientRng() < 0.15) {
        injected++;
        return Promise.reject(new TypeError("connection reset by peer (injected)"));
      }
      return fetch(input, init);
    })
    .build();
  const ids = Array.from({ length: 120 }, (_, i) => i);
  const methods = ["GET", "PUT", "DELETE"];
  const results = await Promise.all(ids.map(async (i) => {
    const m = methods[i % 3];
    const res = await client.request(m, `/data/${i}`).send();
    return { i, m, status: res.status, body: await res.json<{ id: string; method: string }>() };
  }));
  for (const r of results) {
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { id: String(r.i), method: r.m });
  }
  const s = client.stats();
  assert.ok(injected > 5, `injected ${injected}`);
  assert.ok(s.retries > 10, `retries ${s.retries}`);
  assert.equal(s.attempts, served + injected);
});

Deno.test("stream bodies are buffered for retries up to maxReplayBytes, else sent once", async () => {
  let calls = 0;
  const sizes: number[] = [];
  const app = new Server({ openapi: false }).route(
    "/put",
    Route.put(async (c) => {
      sizes.push((await c.req.arrayBuffer()).byteLength);
      return ++calls % 2 === 1 ? c.text("busy", 503) : c.text("stored");
    }),
  ).build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).retry({ baseMs: 1 }).maxReplayBytes(64 * 1024)
    .build();
  const chunk = new Uint8Array(16 * 1024).fill(7);
  const small = await client.put("/put").body(ReadableStream.from([chunk, chunk])).send();
  assert.equal(await small.text(), "stored");
  assert.equal(small.metrics.attempts, 2);
  assert.equal(small.metrics.bytesSent, 2 * 32 * 1024);
  const big = await client.put("/put").body(ReadableStream.from(Array(6).fill(chunk))).send();
  assert.equal(big.status, 503);
  assert.equal(big.metrics.attempts, 1);
  assert.equal(big.metrics.bytesSent, 6 * 16 * 1024);
  assert.deepEqual(sizes, [32768, 32768, 98304]);
  await big.bytes();
});

Deno.test("body limit gives body_too_large; bad JSON gives decode", async () => {
  const app = new Server({ openapi: false })
    .route("/big", Route.get((c) => c.text("x".repeat(5000))))
    .route(
      "/chunked",
      Route.get(() =>
        new Response(ReadableStream.from([new Uint8Array(3000), new Uint8Array(3000)]))
      ),
    )
    .route("/notjson", Route.get((c) => c.text("{nope")))
    .build();
  await using srv = listenLocal(app);
  const client = Client.builder().baseUrl(srv.url).maxOutputSize(4096).build();
  const big = await client.get("/big").send();
  await assert.rejects(big.text(), (e) => e instanceof ClientError && e.code === "body_too_large");
  const chunked = await client.get("/chunked").send();
  await assert.rejects(
    chunked.bytes(),
    (e) => e instanceof ClientError && e.code === "body_too_large",
  );
  const bad = await client.get("/notjson").send();
  await assert.rejects(bad.json(), (e) => e instanceof ClientError && e.code === "decode");
});

Deno.test("hooks can rewrite requests and responses; client.fetch returns a standard Response", async () => {
  await using srv = listenLocal(echoApp());
  const client = Client.builder().baseUrl(srv.url).hooks({
    beforeRequest: (req) => {
      req.headers.set("x-hooked", "yes");
    },
    afterResponse: (res) => new Response(res.body, { status: 299, headers: res.headers }),
  }).build();
  const res = await client.get("/echo").send();
  assert.equal(res.status, 299);
  const body = await res.json<{ headers: Record<string, string> }>();
  assert.equal(body.headers["x-hooked"], "yes");
  const plain = await client.fetch(`${srv.url}/echo`, { headers: { "x-a": "1" } });
  assert.ok(plain instanceof Response);
  assert.equal((await plain.json()).headers["x-a"], "1");
});
