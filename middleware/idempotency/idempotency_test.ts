import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorHandler } from "../../server/_errors.ts";
import { timeout } from "../resilience/mod.ts";
import { Route } from "../../server/route.ts";
import { Server } from "../../server/server.ts";
import { idempotency, MemoryIdempotencyStore, parseIdempotencyKey } from "./mod.ts";

function app(opts: Parameters<typeof idempotency>[0] = {}) {
  const effects: unknown[] = [];
  let gate: { entered: () => void; opened: Promise<void> } | undefined;
  const h = new Hono();
  h.onError(errorHandler(() => {}));
  h.use(idempotency(opts));
  h.post("/orders", async (c) => {
    const body = await c.req.json();
    if (gate) {
      gate.entered();
      await gate.opened;
    }
    effects.push(body);
    return c.json({ order: effects.length, ...body }, 201, { "x-order": String(effects.length) });
  });
  h.patch("/fail", (c) => {
    effects.push("fail");
    return c.text("boom", 503);
  });
  h.post("/throw", () => {
    effects.push("throw");
    throw new Error("handler failed");
  });
  h.post("/big", (c) => {
    effects.push("big");
    return c.body(new Uint8Array(3000).fill(65), 200);
  });
  h.get("/orders", (c) => c.text("list"));
  /** Holds POST /orders runs in their handler until `open()`; `entered`: one is there. */
  const hold = () => {
    const entered = Promise.withResolvers<void>();
    const opened = Promise.withResolvers<void>();
    gate = { entered: entered.resolve, opened: opened.promise };
    return { entered: entered.promise, open: opened.resolve };
  };
  return { h, effects, hold };
}

const post = (key: string | null, body: unknown, extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    ...(key ? { "idempotency-key": key } : {}),
    ...extra,
  },
  body: JSON.stringify(body),
});

Deno.test("parseIdempotencyKey accepts sf-strings and bare tokens, rejects the rest", () => {
  assert.equal(parseIdempotencyKey('"abc-123"'), "abc-123");
  assert.equal(parseIdempotencyKey('"a\\"b"'), 'a"b');
  assert.equal(parseIdempotencyKey("bare-token"), "bare-token");
  assert.equal(parseIdempotencyKey('""'), null);
  assert.equal(parseIdempotencyKey('"abc'), null);
  assert.equal(parseIdempotencyKey('"abc"x'), null);
  assert.equal(parseIdempotencyKey('"a\\nb"'), null);
  assert.equal(parseIdempotencyKey("two words"), null);
  assert.equal(parseIdempotencyKey(`"${"k".repeat(256)}"`), null);
  assert.equal(parseIdempotencyKey(`"${"k".repeat(255)}"`), "k".repeat(255));
});

Deno.test("the first request runs, repeats replay status, headers and body", async () => {
  const { h, effects } = app();
  const a = await h.request("/orders", post('"k1"', { qty: 2 }));
  assert.equal(a.status, 201);
  assert.equal(a.headers.get("idempotent-replayed"), null);
  const aBody = await a.json();
  const b = await h.request("/orders", post('"k1"', { qty: 2 }));
  assert.equal(b.status, 201);
  assert.equal(b.headers.get("idempotent-replayed"), "true");
  assert.equal(b.headers.get("x-order"), "1");
  assert.deepEqual(await b.json(), aBody);
  assert.equal(effects.length, 1);
  // without a key, and for other methods, nothing is deduplicated
  await h.request("/orders", post(null, { qty: 2 }));
  await h.request("/orders", post(null, { qty: 2 }));
  assert.equal(effects.length, 3);
  assert.equal(await (await h.request("/orders")).text(), "list");
});

Deno.test("a key reused with a different body or path gets 422 problem", async () => {
  const { h, effects } = app();
  await h.request("/orders", post('"k2"', { qty: 2 }));
  const r = await h.request("/orders", post('"k2"', { qty: 3 }));
  assert.equal(r.status, 422);
  assert.equal(r.headers.get("content-type"), "application/problem+json");
  assert.equal((await r.json()).title, "Idempotency-Key reused");
  const q = await h.request("/orders?x=1", post('"k2"', { qty: 2 }));
  assert.equal(q.status, 422);
  assert.equal(effects.length, 1);
});

Deno.test("a concurrent duplicate gets 409 with Retry-After while the first is in flight", async () => {
  const { h, effects, hold } = app();
  const held = hold();
  const first = h.request("/orders", post('"k3"', { qty: 1 }));
  await held.entered;
  const dup = await h.request("/orders", post('"k3"', { qty: 1 }));
  assert.equal(dup.status, 409);
  assert.equal(dup.headers.get("retry-after"), "1");
  held.open();
  assert.equal((await first).status, 201);
  const after = await h.request("/orders", post('"k3"', { qty: 1 }));
  assert.equal(after.headers.get("idempotent-replayed"), "true");
  assert.equal(effects.length, 1);
});

Deno.test("5xx responses and thrown errors release the key; a retry runs again", async () => {
  const { h, effects } = app();
  const init = { method: "PATCH", headers: { "idempotency-key": '"k4"' }, body: "x" };
  assert.equal((await h.request("/fail", init)).status, 503);
  assert.equal((await h.request("/fail", init)).status, 503);
  assert.equal(effects.length, 2);
  const t = { method: "POST", headers: { "idempotency-key": '"k5"' }, body: "x" };
  assert.equal((await h.request("/throw", t)).status, 500);
  assert.equal((await h.request("/throw", t)).status, 500);
  assert.equal(effects.length, 4);
  const stored = app({ storeServerErrors: true });
  await stored.h.request("/fail", init);
  const replayed = await stored.h.request("/fail", init);
  assert.equal(replayed.headers.get("idempotent-replayed"), "true");
  assert.equal(await replayed.text(), "boom");
  assert.equal(stored.effects.length, 1);
});

Deno.test("bad, missing (when required) and oversized requests get problems", async () => {
  const { h, effects } = app({ required: true, maxRequestBytes: 100 });
  const bad = await h.request("/orders", post('"unterminated', { qty: 1 }));
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).title, "Invalid Idempotency-Key");
  const missing = await h.request("/orders", post(null, { qty: 1 }));
  assert.equal(missing.status, 400);
  const big = await h.request("/orders", post('"k6"', { blob: "x".repeat(200) }));
  assert.equal(big.status, 413);
  assert.equal(effects.length, 0);
});

Deno.test("keys are scoped per caller and expire after the TTL (injected clock)", async () => {
  let t = 1_000;
  const { h, effects } = app({ ttlMs: 5_000, now: () => t });
  await h.request("/orders", post('"same"', { q: 1 }, { "x-avl-api-key": "avl_test_aaaaaaaaaa" }));
  const other = await h.request(
    "/orders",
    post('"same"', { q: 1 }, { "x-avl-api-key": "avl_test_bbbbbbbbbb" }),
  );
  assert.equal(other.headers.get("idempotent-replayed"), null);
  assert.equal(effects.length, 2);
  t += 4_999;
  const replay = await h.request(
    "/orders",
    post('"same"', { q: 1 }, { "x-avl-api-key": "avl_test_aaaaaaaaaa" }),
  );
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  t += 2;
  const expired = await h.request(
    "/orders",
    post('"same"', { q: 1 }, { "x-avl-api-key": "avl_test_aaaaaaaaaa" }),
  );
  assert.equal(expired.headers.get("idempotent-replayed"), null);
  assert.equal(effects.length, 3);
});

Deno.test("responses over maxResponseBytes pass through and replay without body", async () => {
  const { h, effects } = app({ maxResponseBytes: 1024 });
  const init = { method: "POST", headers: { "idempotency-key": '"k7"' }, body: "" };
  const first = await h.request("/big", init);
  assert.equal((await first.arrayBuffer()).byteLength, 3000);
  const again = await h.request("/big", init);
  assert.equal(again.status, 200);
  assert.equal(again.headers.get("idempotent-body-omitted"), "true");
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  assert.equal(effects.length, 1);
});

Deno.test("MemoryIdempotencyStore is bounded: evicts oldest finished, refuses when all in flight", () => {
  const s = new MemoryIdempotencyStore({ maxEntries: 3, maxBytes: 100 });
  const res = (n: number) => ({
    status: 200,
    headers: [],
    body: new Uint8Array(n),
    bodyOmitted: false,
  });
  for (const k of ["a", "b", "c"]) {
    assert.equal(s.begin(k, "f", 0, 1000).outcome, "started");
    s.complete(k, "f", res(10), 0, 10_000);
  }
  assert.equal(s.size, 3);
  assert.equal(s.begin("d", "f", 1, 1000).outcome, "started"); // evicts "a"
  assert.equal(s.begin("a", "f", 1, 1000).outcome, "started");
  assert.equal(s.size, 3);
  // body too large for the byte budget: kept without the body
  s.complete("d", "f", res(500), 1, 10_000);
  const d = s.begin("d", "f", 2, 1000);
  assert.ok(d.outcome === "existing" && d.record.state === "done" && d.record.response.bodyOmitted);
  // fill with in-flight keys
  const full = new MemoryIdempotencyStore({ maxEntries: 2 });
  full.begin("x", "f", 0, 1000);
  full.begin("y", "f", 0, 1000);
  assert.throws(
    () => full.begin("z", "f", 0, 1000),
    (e) => (e as { code?: string }).code === "store_full",
  );
  // an expired lock frees the key
  assert.equal(full.begin("x", "g", 1000, 1000).outcome, "started");
  full.release("x");
  assert.equal(full.size, 1);
});

Deno.test("memory store: the owner holding the most records gives one up first", () => {
  const s = new MemoryIdempotencyStore({ maxEntries: 4 });
  const done = { status: 201, headers: [], body: null, bodyOmitted: false };
  const put = (k: string, owner: string, at: number) => {
    assert.equal(s.begin(k, "f", at, 1000, owner).outcome, "started");
    s.complete(k, "f", done, at, 100_000);
  };
  put("alice-1", "alice", 0);
  put("bob-1", "bob", 1);
  for (let i = 0; i < 10; i++) put(`mallory-${i}`, "mallory", 2 + i);
  // Mallory's flood evicted Mallory's own oldest records, never Alice's or Bob's.
  for (const k of ["alice-1", "bob-1", "mallory-8", "mallory-9"]) {
    assert.equal(s.begin(k, "f", 20, 1000).outcome, "existing", k);
  }
  // When the largest owner holds only in-flight keys, the next largest gives one up.
  const t = new MemoryIdempotencyStore({ maxEntries: 3 });
  t.begin("a", "f", 0, 1000, "a");
  t.complete("a", "f", done, 0, 100_000);
  t.begin("m1", "f", 0, 1000, "m");
  t.begin("m2", "f", 0, 1000, "m");
  assert.equal(t.begin("m3", "f", 1, 1000, "m").outcome, "started");
  t.release("m1");
  assert.equal(t.begin("a", "f", 2, 1000, "a").outcome, "started"); // "a" was evicted
});

Deno.test("a full store answers 503 problem", async () => {
  const { h, hold } = app({ store: new MemoryIdempotencyStore({ maxEntries: 1 }) });
  const held = hold();
  const first = h.request("/orders", post('"s1"', { q: 1 }));
  await held.entered;
  const second = await h.request("/orders", post('"s2"', { q: 1 }));
  assert.equal(second.status, 503);
  held.open();
  assert.equal((await first).status, 201);
});

Deno.test("parseIdempotencyKey never throws and only returns printable keys of 1..255", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 3000; i++) {
    let v = "";
    const len = Math.floor(rnd() * 300);
    for (let j = 0; j < len; j++) {
      v += String.fromCharCode(rnd() < 0.9 ? 32 + Math.floor(rnd() * 95) : Math.floor(rnd() * 256));
    }
    const k = parseIdempotencyKey(v);
    if (k !== null) {
      assert.ok(k.length >= 1 && k.length <= 255 && /^[\x20-\x7e]+$/.test(k), JSON.stringify(v));
    }
  }
});

// --- with a timeout that answers before the handler finishes ---

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Repeats `send` while it answers 409 "in progress" (bounded). */
async function untilDone(send: () => Response | Promise<Response>): Promise<Response> {
  for (let i = 0; i < 400; i++) {
    const r = await send();
    if (r.status !== 409) return r;
    await r.body?.cancel();
    await sleep(5);
  }
  throw new Error("still in progress");
}

Deno.test("after a timeout's 503 the key stays held until the handler's own outcome: a 201 is replayed, a failure releases", async () => {
  // The deadline is far above a replay's work: under a loaded test run a 20 ms deadline could
  // also cut off the replay itself (a 503 where the test expects the stored 201).
  const gate = Promise.withResolvers<void>();
  let runs = 0;
  const server = new Server({ logError: () => {} })
    .route(
      "/w",
      Route.post(async (c) => {
        await c.req.text();
        await gate.promise;
        runs++;
        return c.json({ run: runs }, 201, { "x-run": String(runs) });
      }),
    )
    .withTimeouts(250)
    .withIdempotency();
  const app = server.build();
  const send = () =>
    app.request("/w", { method: "POST", headers: { "idempotency-key": '"t1"' }, body: "x" });
  const first = await send();
  assert.equal(first.status, 503);
  await first.body?.cancel();
  const during = await send();
  assert.equal(during.status, 409);
  assert.equal(during.headers.get("retry-after"), "1");
  await during.body?.cancel();
  gate.resolve();
  const replay = await untilDone(send);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  assert.equal(replay.headers.get("x-run"), "1");
  assert.deepEqual(await replay.json(), { run: 1 });
  assert.equal(runs, 1);
  {
    // A handler that fails after the 503 releases the key: the retry runs.
    const gate = Promise.withResolvers<void>();
    let runs = 0;
    const app = new Server({ logError: () => {} })
      .route(
        "/w",
        Route.post(async () => {
          runs++;
          if (runs === 1) {
            await gate.promise;
            throw new Error("the write failed");
          }
          return new Response("ok", { status: 201 });
        }),
      )
      .withTimeouts(250)
      .withIdempotency()
      .build();
    const send = () =>
      app.request("/w", { method: "POST", headers: { "idempotency-key": '"t2"' }, body: "x" });
    assert.equal((await send()).status, 503);
    gate.resolve();
    const retry = await untilDone(send);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get("idempotent-replayed"), null);
    assert.equal(runs, 2);
  }
});

Deno.test("plain Hono: an outcome nothing recorded keeps the key held, in either order", async () => {
  for (const order of ["timeout outside", "timeout inside"]) {
    const gate = Promise.withResolvers<void>();
    const done = Promise.withResolvers<void>();
    let runs = 0;
    const h = new Hono();
    h.onError(errorHandler(() => {}));
    if (order === "timeout outside") h.use(timeout(20), idempotency());
    else h.use(idempotency(), timeout(20));
    h.post("/w", async (c) => {
      await gate.promise;
      runs++;
      done.resolve();
      return c.text("made", 201);
    });
    const send = () =>
      h.request("/w", { method: "POST", headers: { "idempotency-key": '"t3"' }, body: "x" });
    assert.equal((await send()).status, 503, order);
    gate.resolve();
    await done.promise;
    await sleep(20);
    const retry = await send();
    assert.equal(retry.status, 409, order);
    await retry.body?.cancel();
    assert.equal(runs, 1, order);
  }
});

Deno.test("a handler running longer than lockMs keeps its key (the lock is renewed)", async () => {
  let t = 1_000;
  const inner = new MemoryIdempotencyStore();
  let renewed!: () => void;
  let renewal = new Promise<void>((r) => (renewed = r));
  const store = {
    begin: inner.begin.bind(inner),
    complete: inner.complete.bind(inner),
    release: inner.release.bind(inner),
    refresh(key: string, fp: string, nowMs: number, lockMs: number) {
      inner.refresh(key, fp, nowMs, lockMs);
      renewed();
    },
  };
  const { h, effects, hold } = app({ store, lockMs: 300, now: () => t });
  const held = hold();
  const first = h.request("/orders", post('"long"', { qty: 1 }));
  // The clock moves 200 ms per renewal: five renewals take it past 3 lock lengths.
  for (let i = 0; i < 5; i++) {
    const next = await Promise.race([renewal.then(() => true), sleep(5_000).then(() => false)]);
    assert.ok(next, "the lock was renewed");
    renewal = new Promise<void>((r) => (renewed = r));
    t += 200;
  }
  const dup = await h.request("/orders", post('"long"', { qty: 1 }));
  assert.equal(dup.status, 409);
  held.open();
  assert.equal((await first).status, 201);
  assert.equal(effects.length, 1);
});

Deno.test("keys are scoped by the authenticated principal, not the credential's header text", async () => {
  let runs = 0;
  const h = new Hono();
  h.onError(errorHandler(() => {}));
  // Stands in for auth: any credential of "alice" is principal acme/alice.
  h.use(async (c, next) => {
    const who = (c.req.header("x-avl-api-key") ?? c.req.header("authorization") ?? "")
      .includes("alice");
    if (who) c.set("principal" as never, { tenant: "acme", subject: "alice" } as never);
    await next();
  });
  h.use(idempotency());
  h.post("/w", (c) => c.text(`run ${++runs}`, 201));
  const send = (headers: Record<string, string>) =>
    h.request("/w", { method: "POST", headers: { ...headers, "idempotency-key": "k" } });
  const styles: Record<string, string>[] = [
    { "x-avl-api-key": "avl_alice" },
    { authorization: "ApiKey avl_alice" },
    { authorization: "Bearer avl_alice" },
    { authorization: "apikey avl_alice" },
  ];
  for (const headers of styles) {
    assert.equal(await (await send(headers)).text(), "run 1");
  }
  // No principal: the raw credential scopes the key.
  assert.equal(await (await send({ "x-avl-api-key": "avl_bob" })).text(), "run 2");
  assert.equal(await (await send({ authorization: "ApiKey avl_bob" })).text(), "run 3");
  assert.equal(await (await send({ authorization: "ApiKey avl_bob" })).text(), "run 3");
  assert.equal(await (await send({})).text(), "run 4");
  assert.equal(runs, 4);
});

Deno.test("a chunked body past maxRequestBytes is refused while it arrives, not buffered whole", async () => {
  const app = new Hono();
  app.onError(errorHandler(() => {}));
  app.use(idempotency({ maxRequestBytes: 1024 }));
  app.post("/w", async (c) => c.json({ n: (await c.req.arrayBuffer()).byteLength }, 201));
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024);
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (++pulled > 1024) ctl.close(); // 64 MiB at most
      else ctl.enqueue(chunk);
    },
  });
  const res = await app.request("/w", {
    method: "POST",
    headers: { "idempotency-key": '"big"' },
    body,
    duplex: "half",
  } as RequestInit);
  assert.equal(res.status, 413);
  assert.equal((await res.json()).code, "body_too_large");
  assert.ok(pulled < 8, `read ${pulled} chunks of 64 KiB for a 1 KiB limit`);
});

Deno.test("a store that cannot be reached: 503 before the handler; a failed complete keeps the answer and the lock", async () => {
  const { IdempotencyStoreError } = await import("./store.ts");
  const inner = new MemoryIdempotencyStore();
  let down = false;
  let completeFails = false;
  const store = {
    begin: (k: string, f: string, n: number, l: number) => {
      if (down) throw new IdempotencyStoreError("store_unavailable", "backend down");
      return inner.begin(k, f, n, l);
    },
    complete: (...a: Parameters<MemoryIdempotencyStore["complete"]>) => {
      if (completeFails) {
        return Promise.reject(new IdempotencyStoreError("store_unavailable", "backend down"));
      }
      return inner.complete(...a);
    },
    release: (k: string) => inner.release(k),
  };
  const { h, effects } = app({ store });
  down = true;
  const refused = await h.request("/orders", post('"k-down"', { qty: 1 }));
  assert.equal(refused.status, 503);
  const problem = await refused.json();
  assert.equal(problem.code, "idempotency_unavailable");
  assert.match(problem.detail, /unavailable/);
  assert.equal(effects.length, 0);

  down = false;
  completeFails = true;
  const ran = await h.request("/orders", post('"k-lost"', { qty: 2 }));
  assert.equal(ran.status, 201); // the handler's own answer, not a 500
  assert.equal((await ran.json()).qty, 2);
  completeFails = false;
  // The key stays held: a retry is told to wait, it does not run the handler again.
  const retry = await h.request("/orders", post('"k-lost"', { qty: 2 }));
  assert.equal(retry.status, 409);
  await retry.body?.cancel();
  assert.equal(effects.length, 1);
});
