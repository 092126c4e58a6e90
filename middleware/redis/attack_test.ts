// Attacks on the Redis stores' batching and key naming, against a real redis-server (and a real
// 3-master cluster): hostile keys, one key's script error in a shared call, large batches.
import assert from "node:assert/strict";
import { Hono } from "hono";
import { idempotency } from "../idempotency/idempotency.ts";
import type { BeginResult } from "../idempotency/store.ts";
import { RateLimitError, resolvePolicy } from "../rate_limit/policy.ts";
import { RedisCostLedger } from "./cost_ledger.ts";
import { RedisIdempotencyStore } from "./idempotency_store.ts";
import { RedisRateLimitStore } from "./rate_limit_store.ts";
import { connected, RedisCluster, RedisServer } from "./_test_redis.ts";

const usage = (tenant: string, route: string, at: number) => ({
  tenant,
  route,
  region: "eu",
  at,
  requests: 1,
  bytesIn: 1,
  bytesOut: 2,
  durationMicros: 3,
  status: 200,
  uncompressedBytesOut: 2,
});

Deno.test("rate limit: keys with lone surrogates are counted, each apart (no URIError)", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, clock: "caller" }));
  const p = resolvePolicy({ limit: 2, windowSeconds: 60 });
  // A tenant from a JSON claim can hold any UTF-16 string, lone surrogates included.
  const keys = ["\uD800", "\uD801", "\uFFFD", "a\uDC00b"];
  for (const k of keys) {
    const ds = await Promise.all([0, 1, 2].map(() => store.consume(k, p, 0, 1, 1)));
    assert.deepEqual(ds.map((d) => d.allowed), [true, true, false], JSON.stringify(k));
  }
});

Deno.test("cost ledger: a tenant with a lone surrogate is written, not retried forever", async () => {
  await using redis = await RedisServer.start();
  await using ledger = await connected(new RedisCostLedger({ url: redis.url, flushIntervalMs: 0 }));
  const at = Date.UTC(2026, 0, 1, 10);
  for (const tenant of ["\uD800", "\uD801"]) {
    ledger.record(usage(tenant, "/r", at));
  }
  await ledger.flush();
  assert.equal(ledger.bufferedRows, 0);
  const rows = await ledger.query({ tenant: "\uD801", from: at - 1, to: at + 3_600_000 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0].requests, 1);
});

Deno.test("rate limit: one key's script error fails that key only, not the others in its call", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(
    new RedisRateLimitStore({ url: redis.url, clock: "caller", prefix: "t" }),
  );
  const p = resolvePolicy({ limit: 3, windowSeconds: 60 });
  // A foreign value of another type under one key's name: GET fails with WRONGTYPE.
  const bad = `t:{${encodeURIComponent(p.id)}|bad}`;
  assert.equal(await redis.cli("HSET", bad, "x", "1"), "1");
  // Same event-loop turn: one script call carries both keys (bad first).
  const calls = [
    store.consume("bad", p, 0, 1, 1),
    ...Array.from({ length: 4 }, () => store.consume("good", p, 0, 1, 1)),
  ];
  const settled = await Promise.allSettled(calls);
  const first = settled[0];
  assert.equal(first.status, "rejected");
  assert.ok(first.reason instanceof RateLimitError);
  assert.equal(first.reason.code, "store_failure");
  const good = settled.slice(1).map((s) => s.status === "fulfilled" ? s.value.allowed : "failed");
  assert.deepEqual(good, [true, true, true, false]);
  // The good key's effects were applied once: the next call is refused, not a fourth admit.
  assert.equal((await store.consume("good", p, 0, 1, 1)).allowed, false);
  assert.equal(await redis.cli("TYPE", bad), "hash");
});

Deno.test("rate limit: 3,000 keys in one turn, each decided exactly (batches of many keys)", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisRateLimitStore({ url: redis.url, timeoutMs: 5000 }));
  const p = resolvePolicy({ limit: 2, windowSeconds: 3600, algorithm: "sliding-window" });
  const n = 3000;
  const calls = [];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < n; i++) calls.push(store.consume(`k${i}`, p, 0, 1, 1));
  }
  const ds = await Promise.all(calls);
  assert.equal(ds.filter((d) => d.allowed).length, 2 * n);
  for (let i = 0; i < n; i++) assert.equal(ds[2 * n + i].allowed, false, `k${i}`);
});

Deno.test("rate limit on a cluster: hostile keys (hash tags, binary, very long) stay exact", async () => {
  await using cluster = await RedisCluster.start();
  await using store = await connected(
    new RedisRateLimitStore({ url: cluster.urls, timeoutMs: 3000 }),
  );
  const p = resolvePolicy({ limit: 3, windowSeconds: 3600 });
  const keys = [
    "{a}",
    "}{",
    "{}",
    "a}b{c",
    "{a}x",
    "\x00\x01\xff",
    "\u00e9".repeat(1024),
    "\uD83D\uDE00",
    "\uDE00",
  ];
  const calls = keys.flatMap((k) => [0, 1, 2, 3, 4].map(() => store.consume(k, p, 0, 1, 1)));
  const ds = await Promise.all(calls);
  for (let i = 0; i < keys.length; i++) {
    assert.equal(ds.slice(i * 5, i * 5 + 5).filter((d) => d.allowed).length, 3, `key ${i}`);
  }
});

Deno.test("cost ledger: /usage over all tenants returns lone-surrogate tenants and routes intact", async () => {
  await using redis = await RedisServer.start();
  await using ledger = await connected(new RedisCostLedger({ url: redis.url, flushIntervalMs: 0 }));
  const at = Date.UTC(2026, 0, 1, 10);
  ledger.record(usage("\uDC00", "/r\uD800", at));
  ledger.record(usage("acme", "/a%b", at));
  await ledger.flush();
  const rows = await ledger.query({ from: at - 1, to: at + 3_600_000 });
  assert.deepEqual(rows.map((r) => [r.tenant, r.route, r.requests]), [
    ["acme", "/a%b", 1],
    ["\uDC00", "/r\uD800", 1],
  ]);
});

Deno.test("cost ledger: a flush whose reply is late (timed out) is not applied twice on retry", async () => {
  await using redis = await RedisServer.start();
  await using ledger = await connected(
    new RedisCostLedger({ url: redis.url, flushIntervalMs: 0, timeoutMs: 100 }),
  );
  const at = Date.UTC(2026, 0, 1, 10);
  // Warm up (tenant index and script loaded), then hold writes past the time budget.
  ledger.record(usage("acme", "/", at));
  await ledger.flush();
  ledger.record(usage("acme", "/", at));
  await redis.cli("CLIENT", "PAUSE", "1000", "WRITE");
  await assert.rejects(ledger.flush());
  assert.equal(ledger.bufferedRows, 1); // still held: its outcome is unknown
  // The paused script runs once the pause ends; the retry must be a no-op.
  for (let i = 0; i < 100 && ledger.bufferedRows > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    await ledger.flush().catch(() => {});
  }
  assert.equal(ledger.bufferedRows, 0);
  const rows = await ledger.query({ tenant: "acme", from: at - 1, to: at + 3_600_000 });
  assert.equal(rows[0].requests, 2);
});

Deno.test("rate limit: a batch that times out fails every check in it, and is applied once", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(
    new RedisRateLimitStore({ url: redis.url, clock: "caller", timeoutMs: 100 }),
  );
  const p = resolvePolicy({ limit: 10, windowSeconds: 3600 });
  await store.consume("warm", p, 0, 1, 1); // script loaded: the batch below is one EVALSHA
  await redis.cli("CLIENT", "PAUSE", "1000", "WRITE");
  const settled = await Promise.allSettled(
    Array.from({ length: 5 }, () => store.consume("k", p, 0, 1, 1)),
  );
  // Every check of the call fails alike (failureMode then admits or refuses them all).
  for (const s of settled) {
    assert.equal(s.status, "rejected");
    assert.ok(s.reason instanceof RateLimitError && s.reason.code === "store_failure");
  }
  // The late call ran once when the pause ended (5 of 10 used, in Redis): the store never
  // resends it, so the key is charged once, not twice (0 left) or not at all (10 left).
  let d;
  for (let i = 0; i < 100; i++) {
    d = await store.consume("k", p, 0, 0, 1).catch(() => undefined);
    if (d !== undefined) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(d?.remaining, 5);
});

/** The lock of a hold `begin` started. */
const lockOf = (r: BeginResult) => r.outcome === "started" ? r.lock : undefined;

Deno.test("idempotency: a hold whose lock lapsed does not release the next holder's key", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisIdempotencyStore({ url: redis.url }));
  const a = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(a.outcome, "started");
  // A's lock is lost while its handler runs (failover, eviction, a restart without data).
  await redis.cli("FLUSHALL");
  const b = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(b.outcome, "started");
  // A's handler fails (5xx): the middleware releases A's hold, not B's.
  await store.release("k", lockOf(a));
  const c = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(c.outcome, "existing", "a third run would start while B still runs");
  // B's own refresh keeps its lock, and B's release frees the key.
  await store.refresh("k", "fp", Date.now(), 60_000);
  await store.release("k", lockOf(b));
  assert.equal((await store.begin("k", "fp", Date.now(), 60_000)).outcome, "started");
});

Deno.test("idempotency: a hold whose lock lapsed does not overwrite the next holder's record", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisIdempotencyStore({ url: redis.url }));
  // The hold finishes: a 201 with `text`, stored under its own lock.
  const finish = (hold: BeginResult, text: string) =>
    store.complete(
      "k",
      "fp",
      {
        status: 201,
        headers: [["content-type", "text/plain"]],
        body: new TextEncoder().encode(text),
        bodyOmitted: false,
      },
      Date.now(),
      60_000,
      lockOf(hold),
    );
  const a = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(a.outcome, "started");
  await redis.cli("FLUSHALL"); // A's lock is lost while its handler runs
  const b = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(b.outcome, "started");
  // A finishes late: its record must not replace B's hold (B still runs; its answer decides).
  await finish(a, "from A");
  const c = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(c.outcome, "existing");
  assert.equal(
    c.outcome === "existing" && c.record.state,
    "in_flight",
    "A's late answer replaced B's hold",
  );
  // B's own completion is stored.
  await finish(b, "from B");
  const d = await store.begin("k", "fp", Date.now(), 60_000);
  assert.equal(d.outcome === "existing" && d.record.state, "done");
  assert.equal(
    d.outcome === "existing" && d.record.state === "done" &&
      new TextDecoder().decode(d.record.response.body!),
    "from B",
  );
});

Deno.test("idempotency middleware: a failing first run whose lock lapsed leaves the second held", async () => {
  await using redis = await RedisServer.start();
  await using store = await connected(new RedisIdempotencyStore({ url: redis.url }));
  let runs = 0;
  const gates: Array<() => void> = [];
  const h = new Hono();
  h.use(idempotency({ store }));
  h.post("/pay", async (c) => {
    const n = ++runs;
    if (n <= 2) await new Promise<void>((r) => gates.push(r)); // a third run never waits
    return n === 1 ? c.text("boom", 500) : c.text("paid", 201);
  });
  const post = () =>
    h.request("/pay", { method: "POST", headers: { "idempotency-key": "k1" }, body: "x" });
  const first = post();
  for (let i = 0; i < 200 && runs < 1; i++) await new Promise((r) => setTimeout(r, 5));
  await redis.cli("FLUSHALL"); // the first run's lock is lost
  const second = post();
  for (let i = 0; i < 200 && runs < 2; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(runs, 2);
  gates[0](); // the first run fails: it releases its own hold only
  assert.equal((await first).status, 500);
  const third = await post();
  assert.equal(third.status, 409, "the second run still holds the key");
  await third.body?.cancel();
  assert.equal(runs, 2);
  gates[1]();
  assert.equal((await second).status, 201);
});
