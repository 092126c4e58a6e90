import { ConfigurationError } from "../../http/config_error.ts";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { Route, Server } from "../../server/mod.ts";
import { listenLocal } from "../../server/_test_util.ts";
import {
  breakerReadiness,
  BreakerRegistry,
  deadlineOf,
  loadShedder,
  loadShedding,
  timeout,
  waitingOnUpstream,
} from "./mod.ts";
import { HttpProblem } from "../../http/problem.ts";

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function honoWithProblems(): Hono {
  const app = new Hono();
  app.onError((err) =>
    err instanceof HttpProblem ? err.toResponse() : new Response("x", { status: 500 })
  );
  return app;
}

Deno.test("timeout: 503 with Retry-After and the handler's signal aborted when it overruns", async () => {
  const app = honoWithProblems();
  app.use(timeout({ ms: 30, retryAfter: 3 }));
  let seen: AbortSignal | undefined;
  const release = deferred();
  app.get("/slow", async (c) => {
    seen = deadlineOf(c)!.signal;
    await release.promise;
    return c.text("late");
  });
  app.get("/fast", (c) => c.text(`budget ${deadlineOf(c)!.budgetMs}`));
  const res = await app.request("/slow");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "3");
  const body = await res.json();
  assert.equal(body.timeoutMs, 30);
  assert.equal(seen?.aborted, true);
  assert.equal((seen?.reason as DOMException).name, "TimeoutError");
  release.resolve();
  const fast = await app.request("/fast");
  assert.equal(await fast.text(), "budget 30");
  // The test sanitizer fails this test if the fast request's timer were left running.
});

Deno.test("timeout: 504 while waiting on an upstream; per-route budgets, 0 disables", async () => {
  const app = honoWithProblems();
  app.use(timeout({ ms: 5000, routes: { "GET /up": 20, "/off/*": 0 } }));
  const never = deferred<Response>();
  app.get("/up", async (c) => {
    const res = await waitingOnUpstream(c, never.promise);
    return res;
  });
  app.get("/off/x", (c) => c.text(String(deadlineOf(c) === undefined)));
  app.post("/up", (c) => c.text(String(deadlineOf(c)!.budgetMs)));
  const res = await app.request("/up");
  assert.equal(res.status, 504);
  assert.equal(res.headers.get("retry-after"), null);
  assert.equal(await (await app.request("/off/x")).text(), "true");
  assert.equal(await (await app.request("/up", { method: "POST" })).text(), "5000");
  never.resolve(new Response("late"));
  assert.throws(() => timeout({ routes: { "bad key": 1 } }), ConfigurationError);
});

Deno.test("timeout: a handler error is still the handler's error, not a timeout", async () => {
  const app = honoWithProblems();
  app.use(timeout(1000));
  app.get("/", () => {
    throw new HttpProblem(418, { detail: "teapot" });
  });
  const res = await app.request("/");
  assert.equal(res.status, 418);
});

Deno.test("loadShedding: sheds above maxInFlight with 503 + Retry-After, exempts health, recovers", async () => {
  const shedder = loadShedder({ maxInFlight: 2, retryAfter: 7 });
  const app = new Server({ openapi: false })
    .withMiddleware(21, shedder.middleware)
    .route(
      "/hold",
      Route.get(async (c) => {
        await gates[Number(c.req.query("i"))].promise;
        return c.text("done");
      }),
    )
    .build();
  const gates = [deferred(), deferred()];
  await using srv = listenLocal(app);
  const held = [0, 1].map((i) => fetch(`${srv.url}/hold?i=${i}`));
  // Wait until both are admitted (no sleeps: poll the counter on the event loop).
  while (shedder.inFlight < 2) await new Promise((r) => setTimeout(r, 1));
  const shed = await fetch(`${srv.url}/hold?i=0`);
  assert.equal(shed.status, 503);
  assert.equal(shed.headers.get("retry-after"), "7");
  assert.equal((await shed.json()).title, "Overloaded");
  const health = await fetch(`${srv.url}/healthz`);
  assert.equal(health.status, 200, "health checks are never shed");
  await health.body?.cancel();
  const metrics = await (await fetch(`${srv.url}/metrics`)).text();
  assert.match(metrics, /avx_load_shedding_in_flight 2/);
  assert.match(metrics, /avx_load_shedding_shed_total 1/);
  gates[0].resolve();
  gates[1].resolve();
  for (const r of await Promise.all(held)) assert.equal(await r.text(), "done");
  assert.equal(shedder.inFlight, 0);
  gates[0] = deferred();
  gates[0].resolve();
  const again = await fetch(`${srv.url}/hold?i=0`);
  assert.equal(again.status, 200);
  await again.body?.cancel();
  assert.throws(() => loadShedding({ maxInFlight: 0 }), ConfigurationError);
});

Deno.test("loadShedding: a handler waiting on a slow request body is not counted", async () => {
  const shedder = loadShedder({ maxInFlight: 1 });
  const app = honoWithProblems();
  app.use(shedder.middleware);
  const entered = deferred();
  app.post("/up", async (c) => {
    entered.resolve();
    return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
  });
  app.post("/work", (c) => c.text("done"));
  app.get("/", (c) => c.text("ok"));
  const hold = deferred();
  const working = deferred();
  app.post("/busy", async (c) => {
    working.resolve();
    await hold.promise;
    return c.text("busy");
  });
  // A client that sends its body only when told to.
  let send!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (ctl) => void (send = ctl) });
  const upload = app.request("/up", { method: "POST", body, duplex: "half" } as RequestInit);
  await entered.promise;
  // The handler is now waiting on the client: let its read start (bounded).
  for (let i = 0; i < 50 && shedder.receiving !== 1; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.equal(shedder.receiving, 1);
  assert.equal(shedder.inFlight, 0);
  for (const init of [{}, { method: "POST", body: "x" }]) {
    const res = await app.request(Object.keys(init).length ? "/work" : "/", init);
    assert.equal(res.status, 200, "served while the upload waits on its client");
    await res.body?.cancel();
  }
  assert.equal(shedder.shed, 0);
  send.enqueue(new Uint8Array(10));
  send.close();
  const res = await upload;
  assert.deepEqual(await res.json(), { bytes: 10 });
  assert.equal(shedder.inFlight, 0);
  assert.equal(shedder.receiving, 0);
  // A handler at work (not waiting on its body) still counts.
  const busy = app.request("/busy", { method: "POST", body: "x" });
  await working.promise;
  const shed = await app.request("/");
  assert.equal(shed.status, 503);
  await shed.body?.cancel();
  hold.resolve();
  await (await busy).body?.cancel();
});

Deno.test("breakerReadiness: /readyz fails when every breaker is open; `any` fails on one", async () => {
  let t = 0;
  const breakers = new BreakerRegistry({ failureThreshold: 1, openMs: 1000, now: () => t });
  const changes: string[] = [];
  const named = new BreakerRegistry({ failureThreshold: 1 }, {
    onStateChange: (n, f, to) => changes.push(`${n}:${f}->${to}`),
  });
  named.get("x").failure();
  assert.deepEqual(changes, ["x:closed->open"]);
  const app = new Server({ openapi: false })
    .readiness("regions", breakerReadiness(breakers))
    .readiness("strict", breakerReadiness(breakers, { failWhen: "any" }))
    .build();
  breakers.get("a").success();
  breakers.get("b").failure();
  breakers.exportMetrics(app.metrics);
  let res = await app.request("/readyz");
  assert.equal(res.status, 503);
  let body = await res.json();
  assert.equal(body.checks.regions.ok, true);
  assert.equal(body.checks.regions.detail, "open circuit: b");
  assert.equal(body.checks.strict.ok, false);
  breakers.get("a").failure();
  body = await (await app.request("/readyz")).json();
  assert.equal(body.checks.regions.ok, false);
  const metrics = await (await app.request("/metrics")).text();
  assert.match(metrics, /avx_circuit_breaker_state\{name="a",state="open"\} 1/);
  t = 1000; // both half-open: probing counts as not open
  res = await app.request("/readyz");
  assert.equal(res.status, 200);
  await res.body?.cancel();
});
