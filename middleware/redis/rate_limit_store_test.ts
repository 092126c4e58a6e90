import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorHandler } from "../../server/_errors.ts";
import { MemoryRateLimitStore } from "../rate_limit/memory_store.ts";
import { RateLimitError, resolvePolicy } from "../rate_limit/policy.ts";
import { rateLimit, type RateLimitOptions } from "../rate_limit/rate_limit.ts";
import { RedisRateLimitStore } from "./rate_limit_store.ts";
import { commandCalls, connected, RedisCluster, RedisServer } from "./_test_redis.ts";

const peer = { remoteAddr: { hostname: "192.0.2.1", port: 1, transport: "tcp" } };

function app(options: RateLimitOptions): Hono {
  const h = new Hono();
  h.onError(errorHandler(() => {}));
  h.use(rateLimit(options));
  h.get("/", (c) => c.text("ok"));
  h.get("/big", (c) => c.body(new Uint8Array(3000)));
  return h;
}

async function statuses(h: Hono, n: number, path = "/"): Promise<number[]> {
  const res = await Promise.all(Array.from({ length: n }, () => h.request(path, {}, peer)));
  await Promise.all(res.map((r) => r.body?.cancel()));
  return res.map((r) => r.status);
}

const count = (s: number[], code: number) => s.filter((x) => x === code).length;

// A tiny deterministic generator (mulberry32).
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("Redis store decides exactly as the memory store on random sequences (both algorithms)", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, clock: "caller" }));
  const policies = [
    resolvePolicy({ limit: 7, windowSeconds: 60 }),
    resolvePolicy({ limit: 10, windowSeconds: 10, burst: 3 }),
    resolvePolicy({ limit: 5, windowSeconds: 2, algorithm: "sliding-window" }),
    resolvePolicy({ name: "b", limit: 4000, windowSeconds: 60, unit: "content-bytes" }),
    resolvePolicy({
      name: "w",
      limit: 12,
      windowSeconds: 3,
      algorithm: "sliding-window",
      cost: 4,
    }),
  ];
  const random = rng(23);
  for (const p of policies) {
    const memory = new MemoryRateLimitStore();
    let now = 1_765_000_000_000 + Math.floor(random() * 1000);
    for (let i = 0; i < 150; i++) {
      now += Math.floor(random() * 700);
      const bytes = p.unit === "content-bytes";
      // content-bytes: a check (need 1, cost 0), then a charge of some bytes (need 0).
      const cost = bytes ? (random() < 0.5 ? 0 : Math.floor(random() * 900)) : p.cost;
      const need = bytes ? (cost === 0 ? 1 : 0) : p.cost;
      const want = memory.consume("k", p, now, cost, need);
      const got = await store.consume("k", p, now, cost, need);
      assert.deepEqual(got, want, `${p.id} step ${i} at ${now}`);
    }
    // Concurrent checks of one key (sent together in one script call) decide as if in order.
    now += 5000;
    const costs = Array.from({ length: 40 }, () => 1 + Math.floor(random() * 3));
    const need = (c: number) => (p.unit === "content-bytes" ? 1 : c);
    const cost = (c: number) => (p.unit === "content-bytes" ? 0 : c);
    const wants = costs.map((c) => memory.consume("k", p, now, cost(c), need(c)));
    const gots = await Promise.all(
      costs.map((c) => store.consume("k", p, now, cost(c), need(c))),
    );
    assert.deepEqual(gots, wants, `${p.id} concurrent`);
  }
});

Deno.test("Redis store: 1000 concurrent requests against 100 admit exactly 100, at most one EVALSHA each", async () => {
  await using redis = await RedisServer.start();
  // This test is about exactness, not the timeout path: with the default 1 s per call, a loaded
  // CI machine timed calls out, and the default open failure mode admitted those requests.
  await using store = await connected(
    new RedisRateLimitStore({ url: redis.url, timeoutMs: 30_000 }),
  );
  for (const algorithm of ["gcra", "sliding-window"] as const) {
    const h = app({
      policy: { name: algorithm, limit: 100, windowSeconds: 3600, algorithm },
      store,
    });
    const before = await commandCalls(redis, "evalsha");
    const s = await statuses(h, 1000);
    assert.equal(count(s, 200), 100, algorithm);
    assert.equal(count(s, 429), 900, algorithm);
    // At most one round trip per check: concurrent checks of one key share a script call.
    const calls = await commandCalls(redis, "evalsha") - before;
    assert.ok(calls >= 1 && calls <= 1000, `${algorithm}: ${calls} calls`);
  }
  // Weighted costs and content-bytes quotas through the middleware.
  const bytes = app({
    policy: { name: "bytes", limit: 4000, windowSeconds: 60, unit: "content-bytes" },
    store,
    key: () => "bytes-tenant",
  });
  const a = await bytes.request("/big", {}, peer);
  assert.equal(a.headers.get("ratelimit"), '"bytes";r=4000;t=0');
  await a.arrayBuffer();
  const b = await bytes.request("/big", {}, peer);
  await b.arrayBuffer();
  assert.equal(b.status, 200);
  // Charges are written after the response: wait for them before the next check.
  let third: Response | undefined;
  for (let i = 0; i < 100; i++) {
    third = await bytes.request("/", {}, peer);
    await third.body?.cancel();
    if (third.status === 429) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(third!.status, 429); // 6000 of 4000 bytes spent
});

Deno.test("Redis store down: typed store_failure at once; failureMode open/closed; back after restart", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, timeoutMs: 500 }));
  const errors: unknown[] = [];
  const open = app({
    policy: { limit: 10, windowSeconds: 60 },
    store,
    onStoreError: (e) => errors.push(e),
  });
  const closed = app({ policy: { limit: 10, windowSeconds: 60 }, store, failureMode: "closed" });
  assert.equal((await statuses(open, 1))[0], 200);
  await redis.stop();
  const p = resolvePolicy({ limit: 1, windowSeconds: 1 });
  await assert.rejects(
    Promise.resolve(store.consume("k", p, 0, 1, 1)),
    (e) => e instanceof RateLimitError && e.code === "store_failure",
  );
  assert.equal((await statuses(open, 1))[0], 200);
  assert.ok(errors.length >= 1 && errors.every((e) => e instanceof RateLimitError));
  const down = await closed.request("/", {}, peer);
  assert.equal(down.status, 503);
  assert.equal((await down.json()).code, "rate_limit_unavailable");
  assert.equal((await store.readiness()).ok, false);
  await redis.restart();
  // Reconnects by itself (bounded wait: the backoff is capped at 1 s).
  let ok = false;
  for (let i = 0; i < 300 && !ok; i++) {
    ok = (await store.readiness()).ok;
    if (!ok) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(ok, "reconnected");
  assert.equal((await statuses(closed, 1))[0], 200);
});

Deno.test("Redis Cluster (3 masters): every counter on one slot, exact across slots", async () => {
  await using cluster = await RedisCluster.start();
  await using store = await connected(
    new RedisRateLimitStore({ url: cluster.urls, timeoutMs: 2000 }),
  );
  const p = resolvePolicy({ limit: 20, windowSeconds: 3600, algorithm: "sliding-window" });
  // 30 keys spread over the three masters; 30 concurrent calls each against a limit of 20.
  const keys = Array.from({ length: 30 }, (_, i) => `tenant-${i}`);
  const calls = keys.flatMap((k) => Array.from({ length: 30 }, () => store.consume(k, p, 0, 1, 1)));
  const ds = await Promise.all(calls);
  for (let i = 0; i < keys.length; i++) {
    assert.equal(ds.slice(i * 30, i * 30 + 30).filter((d) => d.allowed).length, 20, keys[i]);
  }
  const perNode = await Promise.all(cluster.nodes.map((n) => n.cli("DBSIZE")));
  assert.equal(perNode.map(Number).reduce((a, b) => a + b, 0), 30);
  assert.ok(perNode.filter((n) => Number(n) > 0).length >= 2, `spread: ${perNode}`);
});

Deno.test("Redis store: concurrent checks of one hot key share script calls, decided in order", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, clock: "caller" }));
  const p = resolvePolicy({ limit: 150, windowSeconds: 60 });
  await store.consume("warm", p, 0, 1, 1); // loads the script
  const memory = new MemoryRateLimitStore();
  const now = 1_765_000_000_000;
  const wants = Array.from({ length: 200 }, () => memory.consume("hot", p, now, 1, 1));
  const before = await commandCalls(redis, "evalsha");
  const gots = await Promise.all(
    Array.from({ length: 200 }, () => store.consume("hot", p, now, 1, 1)),
  );
  const calls = await commandCalls(redis, "evalsha") - before;
  assert.deepEqual(gots, wants);
  // A few calls go at once; the rest wait for one of them and then go together.
  assert.ok(calls <= 8, `${calls} script calls for 200 checks of one key`);
});

Deno.test("Redis store: concurrent checks of many keys share script calls, each key in order", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, clock: "caller" }));
  const gcra = resolvePolicy({ limit: 3, windowSeconds: 60 });
  const window = resolvePolicy({ limit: 2, windowSeconds: 60, algorithm: "sliding-window" });
  await store.consume("warm", gcra, 0, 1, 1); // loads the script
  const memory = new MemoryRateLimitStore();
  const now = 1_765_000_000_000;
  // 50 keys, 4 checks each, interleaved, under two policies.
  const checks = Array.from({ length: 200 }, (_, i) => ({
    key: `k${i % 50}`,
    policy: i % 2 === 0 ? gcra : window,
  }));
  const wants = checks.map((c) => memory.consume(c.key, c.policy, now, 1, 1));
  const before = await commandCalls(redis, "evalsha");
  const gots = await Promise.all(checks.map((c) => store.consume(c.key, c.policy, now, 1, 1)));
  const calls = await commandCalls(redis, "evalsha") - before;
  assert.deepEqual(gots, wants);
  assert.ok(calls <= 8, `${calls} script calls for 200 checks of 50 keys`);
});

Deno.test("Redis store: the checks made in one event-loop turn go in one script call", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url }));
  const p = resolvePolicy({ limit: 10, windowSeconds: 60 });
  await store.consume("warm", p, 0, 1, 1); // loads the script
  const before = await commandCalls(redis, "evalsha");
  const ds = await Promise.all(
    Array.from({ length: 12 }, (_, i) => store.consume(`key-${i % 6}`, p, 0, 1, 1)),
  );
  assert.equal(await commandCalls(redis, "evalsha") - before, 1);
  assert.deepEqual(ds.map((d) => d.remaining), [...Array(6).fill(9), ...Array(6).fill(8)]);
  // A lone check still goes on its own, at once.
  assert.equal((await store.consume("lone", p, 0, 1, 1)).remaining, 9);
  assert.equal(await commandCalls(redis, "evalsha") - before, 2);
});
