// The client over a bad network, against real servers on loopback: an open circuit waits for
// its probe within the deadline, a 409 "in progress" is retried after its Retry-After, a body
// cut on the network is fetched again for replayable requests, and a caller's idempotency key
// makes an application's own re-send safe.

import assert from "node:assert/strict";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { idempotency } from "../middleware/idempotency/mod.ts";
import { Client, ClientError } from "./mod.ts";
import { flakyProxy } from "./_test_flaky_proxy.ts";

/** A write endpoint behind `idempotency()` that counts runs per key. */
function ordersApp(options: { gate?: () => Promise<void>; started?: () => void } = {}) {
  const runs = new Map<string, number>();
  const app = new Server({ openapi: false })
    .use("/orders", idempotency())
    .route(
      "/orders",
      Route.post(async (c) => {
        const { ref } = await c.req.json<{ ref: string }>();
        options.started?.();
        await options.gate?.();
        const k = c.req.header("idempotency-key") ?? "-";
        runs.set(k, (runs.get(k) ?? 0) + 1);
        // A body long enough to be cut in the middle.
        return c.json({ ref, note: "x".repeat(2000) }, 201);
      }),
    )
    .build();
  return { app, runs };
}

Deno.test("an open circuit mid-retry waits for its half-open probe instead of failing", async () => {
  let calls = 0;
  const client = Client.builder().baseUrl("http://origin.test")
    .retry({ attempts: 6, baseMs: 1, capMs: 2 })
    .breaker({ failureThreshold: 2, openMs: 30 })
    .fetch(() => {
      // The first three attempts never reach the server; then it answers.
      if (++calls <= 3) return Promise.reject(new TypeError("connection reset (injected)"));
      return Promise.resolve(Response.json({ ok: true }, { status: 201 }));
    })
    .build();
  const breaker = client.router!.endpoints[0].breaker;
  const res = await client.put("/v1/items/7").json({ n: 1 }).send();
  assert.equal(res.status, 201);
  assert.equal(res.metrics.attempts, 4, "two failures, a failed probe, a good probe");
  assert.equal(calls, 4);
  assert.equal(breaker.state, "closed");
  await res.bytes();
});

Deno.test("with every endpoint open, a request waits for the first probe within its deadline", async () => {
  await using a = listenLocal(
    new Server({ openapi: false }).route("/where", Route.get((c) => c.text("a"))).build(),
  );
  await using b = listenLocal(
    new Server({ openapi: false }).route("/where", Route.get((c) => c.text("b"))).build(),
  );
  const client = Client.builder()
    .endpoints([{ region: "a", url: a.url }, { region: "b", url: b.url }])
    .breaker({ failureThreshold: 1, openMs: 20 })
    .build();
  const [ea, eb] = client.router!.endpoints;
  ea.breaker.failure();
  eb.breaker.failure();
  const res = await client.get("/where").send();
  assert.equal(res.status, 200);
  assert.ok(["a", "b"].includes(await res.text()));
  // When the probe would come after the deadline, it fails at once without sending.
  const strict = Client.builder()
    .endpoints([{ region: "a", url: a.url }, { region: "b", url: b.url }])
    .breaker({ failureThreshold: 1, openMs: 60_000 })
    .build();
  for (const e of strict.router!.endpoints) e.breaker.failure();
  await assert.rejects(
    strict.get("/where").deadline(5_000).send(),
    (e) => e instanceof ClientError && e.code === "circuit_open" && e.attempts === 0,
  );
});

Deno.test("a 409 'in progress' from the idempotency layer is retried after its Retry-After", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  let started!: () => void;
  const running = new Promise<void>((r) => started = r);
  const { app, runs } = ordersApp({ gate: () => gate, started: () => started() });
  await using srv = listenLocal(app);
  let first = true;
  const statuses: number[] = [];
  const client = Client.builder().baseUrl(srv.url).idempotent()
    .retry({ baseMs: 1, capMs: 2 })
    .fetch(async (input, init) => {
      const pending = fetch(input, init);
      if (!first) return pending;
      first = false;
      // The first answer is lost once the handler runs (the server holds the key meanwhile).
      pending.then((r) => r.body?.cancel(), () => {});
      await running;
      throw new TypeError("connection lost after the server started (injected)");
    })
    .hooks({
      beforeRetry: ({ response }) => {
        if (response) statuses.push(response.status);
        // The handler finishes once the client has seen the 409.
        if (response?.status === 409) release();
      },
    })
    .build();
  const res = await client.post("/orders").json({ ref: "o-1" }).send();
  assert.equal(res.status, 201);
  assert.deepEqual(statuses, [409]);
  assert.equal(res.headers.get("idempotent-replayed"), "true");
  assert.equal((await res.json<{ ref: string }>()).ref, "o-1");
  assert.deepEqual([...runs.values()], [1]);
  assert.equal(res.metrics.attempts, 3);
});

Deno.test("a body cut on the network is fetched again for a keyed write, never run twice", async () => {
  const { app, runs } = ordersApp();
  await using srv = listenLocal(app);
  await using proxy = flakyProxy({
    target: srv.url,
    seed: 1,
    script: ["cut", "cut", "pass", "cut"],
  });
  const client = Client.builder().baseUrl(proxy.url).idempotent().retry({ baseMs: 1, capMs: 2 })
    .build();
  const res = await client.post("/orders").json({ ref: "o-2" }).send();
  assert.equal(res.status, 201);
  const body = await res.json<{ ref: string; note: string }>();
  assert.equal(body.ref, "o-2");
  assert.equal(body.note.length, 2000);
  assert.equal(res.metrics.attempts, 3, "two cut bodies, then a whole one");
  assert.equal(res.raw.headers.get("idempotent-replayed"), "true");
  assert.deepEqual([...runs.values()], [1]);
  assert.deepEqual(proxy.fates, { drop: 0, lose: 0, cut: 2, delay: 0, pass: 1 });

  // A write without a key is never sent again: the cut body is a network error.
  const plain = await client.post("/orders").idempotent(false).json({ ref: "o-3" }).send();
  assert.equal(plain.status, 201);
  await plain.bytes().then(
    () => assert.fail("the body was cut"),
    (e) => assert.ok(e instanceof ClientError && e.code === "network", String(e)),
  );
  assert.equal(plain.metrics.attempts, 1);
  assert.equal(proxy.fates.cut, 3);
});

Deno.test("a body cut on the network is fetched again for a GET; a stream taken is not", async () => {
  let served = 0;
  const app = new Server({ openapi: false })
    .route("/data", Route.get((c) => (served++, c.text("y".repeat(4000)))))
    .build();
  await using srv = listenLocal(app);
  await using proxy = flakyProxy({ target: srv.url, seed: 2, script: ["cut", "pass", "cut"] });
  const client = Client.builder().baseUrl(proxy.url).retry({ baseMs: 1, capMs: 2 }).build();
  const res = await client.get("/data").send();
  assert.equal((await res.text()).length, 4000);
  assert.equal(res.metrics.attempts, 2);
  assert.equal(served, 2);
  // Streamed bodies hand bytes out as they come: a cut is the caller's error to see.
  const streamed = await client.get("/data").send();
  await assert.rejects(new Response(streamed.body).arrayBuffer());
  assert.equal(streamed.metrics.attempts, 1);
});

Deno.test("idempotent(key): the application's own re-send of a failed write reuses its key", async () => {
  const { app, runs } = ordersApp();
  await using srv = listenLocal(app);
  // Every answer of the first send is lost after the server ran; the application gives up...
  await using proxy = flakyProxy({ target: srv.url, seed: 3, script: ["lose", "lose"] });
  const client = Client.builder().baseUrl(proxy.url).retry({ attempts: 2, baseMs: 1 }).build();
  const key = "order-2026-12-07-0001";
  await assert.rejects(
    client.post("/orders").json({ ref: "o-4" }).idempotent(key).send(),
    (e) => e instanceof ClientError && e.code === "network",
  );
  // ...and sends the same write again later, with the same key: answered from the record.
  const res = await client.post("/orders").json({ ref: "o-4" }).idempotent(key).send();
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("idempotent-replayed"), "true");
  assert.equal(res.idempotencyKey, `"${key}"`);
  assert.deepEqual([...runs.entries()], [[`"${key}"`, 1]]);
  await res.bytes();
  assert.throws(() => client.post("/orders").idempotent(""), (e) => e instanceof ClientError);
  assert.throws(() => client.post("/orders").idempotent("é"), (e) => e instanceof ClientError);
  // Quotes and backslashes are escaped in the sf-string, which the server parses back.
  const direct = Client.builder().baseUrl(srv.url).build();
  const odd = await direct.post("/orders").json({ ref: "o-5" }).idempotent('a"b\\c').send();
  assert.equal(odd.status, 201);
  await odd.bytes();
  assert.equal(runs.get('"a\\"b\\\\c"'), 1);
});
