import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Principal } from "../../http/principal.ts";
import { errorHandler } from "../../server/_errors.ts";
import { KvRateLimitStore } from "./kv_store.ts";
import { MemoryRateLimitStore } from "./memory_store.ts";
import { RateLimitError, type ResolvedPolicy } from "./policy.ts";
import { QUOTA_EXCEEDED_TYPE, rateLimit, type RateLimitOptions } from "./rate_limit.ts";
import type { RateLimitDecision, RateLimitStore } from "./store.ts";

const principal = (tenant: string, plan = "free", subject = "u1"): Principal => ({
  kind: "api-key",
  tenant,
  subject,
  scopes: [],
  plan,
});

/** An app whose requests carry the principal named by `x-tenant` / `x-plan` (test input). */
function app(options: RateLimitOptions) {
  const h = new Hono();
  h.onError(errorHandler(() => {}));
  h.use(async (c, next) => {
    const t = c.req.header("x-tenant");
    if (t) c.set("principal" as never, principal(t, c.req.header("x-plan") ?? "free") as never);
    await next();
  });
  h.use(rateLimit(options));
  h.get("/", (c) => c.text("ok"));
  h.get("/search", (c) => c.text("found"));
  h.get("/items/:id", (c) => c.text(c.req.param("id")));
  h.get("/big", (c) => c.body(new Uint8Array(3000)));
  h.get(
    "/stream",
    () => new Response(ReadableStream.from([new Uint8Array(700), new Uint8Array(800)])),
  );
  return h;
}

const peer = (ip: string) => ({ remoteAddr: { hostname: ip, port: 1, transport: "tcp" } });

async function statuses(
  h: Hono,
  n: number,
  path = "/",
  headers: Record<string, string> = {},
  ip = "192.0.2.1",
): Promise<number[]> {
  const res = await Promise.all(
    Array.from({ length: n }, () => h.request(path, { headers }, peer(ip))),
  );
  await Promise.all(res.map((r) => r.body?.cancel()));
  return res.map((r) => r.status);
}

const count = (s: number[], code: number) => s.filter((x) => x === code).length;

Deno.test("headers follow draft-ietf-httpapi-ratelimit-headers; 429 is a quota-exceeded problem", async () => {
  let now = 1_000_000;
  const h = app({ policy: { limit: 3, windowSeconds: 60 }, now: () => now });
  const a = await h.request("/", {}, peer("192.0.2.1"));
  assert.equal(a.status, 200);
  assert.equal(a.headers.get("ratelimit-policy"), '"default";q=3;w=60');
  assert.equal(a.headers.get("ratelimit"), '"default";r=2;t=20');
  await h.request("/", {}, peer("192.0.2.1"));
  await h.request("/", {}, peer("192.0.2.1"));
  const denied = await h.request("/", {}, peer("192.0.2.1"));
  assert.equal(denied.status, 429);
  assert.equal(denied.headers.get("content-type"), "application/problem+json");
  assert.equal(denied.headers.get("retry-after"), "20");
  assert.equal(denied.headers.get("ratelimit"), '"default";r=0;t=20');
  const body = await denied.json();
  assert.equal(body.type, QUOTA_EXCEEDED_TYPE);
  assert.deepEqual(body["violated-policies"], ["default"]);
  assert.equal(body["retry-after"], 20);
  assert.match(body.detail, /retry in 20 s/);
  // Another IP has its own counter; time heals.
  assert.equal((await h.request("/", {}, peer("192.0.2.2"))).status, 200);
  now += 20_000;
  assert.equal((await h.request("/", {}, peer("192.0.2.1"))).status, 200);
});

Deno.test("1000 parallel requests against one limit admit exactly the limit (memory)", async () => {
  for (const algorithm of ["gcra", "sliding-window"] as const) {
    const h = app({ policy: { limit: 137, windowSeconds: 60, algorithm }, now: () => 5_000 });
    const s = await statuses(h, 1000, "/", { "x-tenant": "acme" });
    assert.equal(count(s, 200), 137, algorithm);
    assert.equal(count(s, 429), 863, algorithm);
  }
});

Deno.test("1000 parallel requests against one limit admit exactly the limit (KV)", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const h = app({
      policy: { limit: 250, windowSeconds: 60 },
      store: new KvRateLimitStore(kv),
      now: () => 7_000,
    });
    const s = await statuses(h, 1000, "/", { "x-tenant": "acme" });
    assert.equal(count(s, 200), 250);
    assert.equal(count(s, 429), 750);
  } finally {
    kv.close();
  }
});

Deno.test("per-plan limits and key by tenant (anonymous callers by IP)", async () => {
  const h = app({
    plans: { free: { limit: 2, windowSeconds: 60 }, pro: { limit: 5, windowSeconds: 60 } },
    policy: { name: "anon", limit: 1, windowSeconds: 60 },
    now: () => 0,
  });
  assert.equal(count(await statuses(h, 10, "/", { "x-tenant": "a", "x-plan": "free" }), 200), 2);
  assert.equal(count(await statuses(h, 10, "/", { "x-tenant": "b", "x-plan": "pro" }), 200), 5);
  // Same tenant from other IPs shares the tenant's counter.
  assert.equal(
    count(await statuses(h, 3, "/", { "x-tenant": "a", "x-plan": "free" }, "198.51.100.1"), 200),
    0,
  );
  // Unknown plan falls back to `policy`; anonymous callers are counted per IP.
  assert.equal(count(await statuses(h, 3, "/", { "x-tenant": "c", "x-plan": "gold" }), 200), 1);
  assert.equal(count(await statuses(h, 3, "/", {}, "198.51.100.7"), 200), 1);
  assert.equal(count(await statuses(h, 3, "/", {}, "198.51.100.8"), 200), 1);
  const r = await h.request(
    "/",
    { headers: { "x-tenant": "d", "x-plan": "pro" } },
    peer("1.1.1.1"),
  );
  // An unnamed plan policy is named after its plan; a named one keeps its name.
  assert.equal(r.headers.get("ratelimit-policy"), '"pro";q=5;w=60');
  const named = app({ plans: { pro: { name: "gold", limit: 5, windowSeconds: 60 } } });
  const g = await named.request(
    "/",
    { headers: { "x-tenant": "e", "x-plan": "pro" } },
    peer("1.1.1.1"),
  );
  assert.equal(g.headers.get("ratelimit-policy"), '"gold";q=5;w=60');
});

Deno.test("per-route limits count separately from the global policy and from each other", async () => {
  const h = app({
    policy: { limit: 100, windowSeconds: 60 },
    limits: {
      "/search": { name: "search", limit: 2, windowSeconds: 60 },
      "/items/:id": { plans: { pro: { name: "items", limit: 4, windowSeconds: 60 } } },
    },
    now: () => 0,
  });
  const t = { "x-tenant": "acme", "x-plan": "free" };
  assert.equal(count(await statuses(h, 5, "/search", t), 200), 2);
  const s = await h.request("/search", { headers: t }, peer("1.1.1.1"));
  assert.equal((await s.json())["violated-policies"][0], "search");
  // /items/:id for free tenants: the global policy (separate route counter, 100).
  assert.equal(count(await statuses(h, 7, "/items/1", t), 200), 7);
  const pro = { "x-tenant": "big", "x-plan": "pro" };
  assert.equal(count(await statuses(h, 3, "/items/1", pro), 200), 3);
  assert.equal(count(await statuses(h, 3, "/items/2", pro), 200), 1); // one pattern, one counter
  // The global counter of acme saw only the 7 /items requests: 93 left.
  const root = await h.request("/", { headers: t }, peer("1.1.1.1"));
  assert.equal(root.headers.get("ratelimit"), '"default";r=92;t=5');
});

Deno.test("cost-weighted requests and several policies at once", async () => {
  const h = app({
    limits: {
      "/search": [
        { name: "burst", limit: 10, windowSeconds: 1, cost: 4 },
        { name: "daily", limit: 12, windowSeconds: 86400, cost: 4 },
      ],
    },
    policy: { limit: 100, windowSeconds: 60 },
    now: () => 0,
  });
  const t = { "x-tenant": "acme" };
  const a = await h.request("/search", { headers: t }, peer("1.1.1.1"));
  assert.equal(a.headers.get("ratelimit-policy"), '"burst";q=10;w=1, "daily";q=12;w=86400');
  assert.equal(a.headers.get("ratelimit"), '"burst";r=6;t=1, "daily";r=8;t=28800');
  assert.equal((await h.request("/search", { headers: t }, peer("1.1.1.1"))).status, 200);
  const c = await h.request("/search", { headers: t }, peer("1.1.1.1"));
  assert.equal(c.status, 429); // burst has 2 left, a request costs 4
  assert.deepEqual((await c.json())["violated-policies"], ["burst"]);
});

Deno.test("content-bytes quotas charge the response bytes after the response", async () => {
  const h = app({
    policy: { name: "bytes", limit: 4000, windowSeconds: 60, unit: "content-bytes" },
    now: () => 0,
  });
  const t = { "x-tenant": "acme" };
  const a = await h.request("/big", { headers: t }, peer("1.1.1.1"));
  assert.equal(a.status, 200);
  assert.equal(a.headers.get("ratelimit-policy"), '"bytes";q=4000;qu="content-bytes";w=60');
  assert.equal(a.headers.get("ratelimit"), '"bytes";r=4000;t=0'); // checked before the charge
  await a.arrayBuffer();
  // Streamed: charged when the stream ends (1500 bytes).
  const s = await h.request("/stream", { headers: t }, peer("1.1.1.1"));
  assert.equal(s.headers.get("ratelimit"), '"bytes";r=1000;t=45');
  assert.equal((await s.arrayBuffer()).byteLength, 1500);
  // 4500 of 4000 spent: overdrawn, refused until the debt is repaid.
  const d = await h.request("/", { headers: t }, peer("1.1.1.1"));
  assert.equal(d.status, 429);
  assert.equal(d.headers.get("retry-after"), "8"); // 500 bytes of debt + 1 at 66.7 bytes/s
});

class FailingStore implements RateLimitStore {
  calls = 0;
  consume(_k: string, _p: ResolvedPolicy): RateLimitDecision {
    this.calls++;
    throw new RateLimitError("store_failure", "backend down");
  }
}

Deno.test("a store that throws: fail-open passes without headers, fail-closed answers 503", async () => {
  const errors: unknown[] = [];
  const open = app({
    policy: { limit: 1, windowSeconds: 60 },
    store: new FailingStore(),
    onStoreError: (e) => errors.push(e),
  });
  const a = await open.request("/", {}, peer("1.1.1.1"));
  assert.equal(a.status, 200);
  assert.equal(a.headers.get("ratelimit"), null);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof RateLimitError);

  const closed = app({
    policy: { limit: 1, windowSeconds: 60 },
    store: new FailingStore(),
    failureMode: "closed",
  });
  const b = await closed.request("/", {}, peer("1.1.1.1"));
  assert.equal(b.status, 503);
  assert.equal(b.headers.get("retry-after"), "1");
  assert.equal(b.headers.get("content-type"), "application/problem+json");

  // KV closed under the store: a typed failure, handled by the failure mode.
  const kv = await Deno.openKv(":memory:");
  kv.close();
  const k = app({
    policy: { limit: 1, windowSeconds: 60 },
    store: new KvRateLimitStore(kv),
    failureMode: "closed",
  });
  assert.equal((await k.request("/", {}, peer("1.1.1.1"))).status, 503);
});

Deno.test("custom keys, long keys, IPv6 /64 grouping and bad options", async () => {
  const h = app({ policy: { limit: 1, windowSeconds: 60 }, key: (c) => c.req.header("x-k") });
  assert.equal((await h.request("/", { headers: { "x-k": "a" } }, peer("1.1.1.1"))).status, 200);
  assert.equal((await h.request("/", { headers: { "x-k": "a" } }, peer("2.2.2.2"))).status, 429);
  assert.equal((await h.request("/", { headers: { "x-k": "b" } }, peer("1.1.1.1"))).status, 200);
  // No key: unlimited, no headers.
  const free = await h.request("/", {}, peer("1.1.1.1"));
  assert.equal(free.status, 200);
  assert.equal(free.headers.get("ratelimit"), null);
  assert.equal(
    (await h.request("/", { headers: { "x-k": "k".repeat(2000) } }, peer("1.1.1.1"))).status,
    400,
  );

  const v6 = app({ policy: { limit: 1, windowSeconds: 60 }, by: "ip" });
  assert.equal((await v6.request("/", {}, peer("2001:db8:1:2::1"))).status, 200);
  assert.equal((await v6.request("/", {}, peer("2001:db8:1:2:ffff::9"))).status, 429);
  assert.equal((await v6.request("/", {}, peer("2001:db8:1:3::1"))).status, 200);

  assert.throws(() => rateLimit({}), RateLimitError);
  assert.throws(() => rateLimit({ policy: [] }), RateLimitError);
  assert.throws(
    () => rateLimit({ policy: [{ limit: 1, windowSeconds: 1 }, { limit: 2, windowSeconds: 1 }] }),
    RateLimitError,
  );
  assert.throws(() => rateLimit({ policy: { limit: 1, windowSeconds: 1 }, ipv6Prefix: 0 }));
  assert.throws(() =>
    rateLimit({ policy: { limit: 1, windowSeconds: 1 }, clientIp: { trustedProxies: ["x"] } })
  );
});

Deno.test("memory store stays bounded: sweeps expired entries, then evicts the oldest", () => {
  const store = new MemoryRateLimitStore({ maxKeys: 100 });
  const p = { ...rateLimitPolicy(1, 1) };
  for (let i = 0; i < 100; i++) store.consume(`k${i}`, p, 0, 1, 1);
  assert.equal(store.size, 100);
  store.consume("fresh", p, 5_000, 1, 1); // all expired by now: swept
  assert.equal(store.size, 1);
  for (let i = 0; i < 500; i++) store.consume(`n${i}`, p, 5_000, 1, 1);
  assert.equal(store.size, 100);
  assert.equal(store.consume("n499", p, 5_000, 1, 1).allowed, false); // newest kept
});

function rateLimitPolicy(limit: number, windowSeconds: number): ResolvedPolicy {
  return {
    name: "p",
    limit,
    windowSeconds,
    windowMs: windowSeconds * 1000,
    algorithm: "gcra",
    burst: limit,
    unit: "requests",
    cost: 1,
    id: `p|${limit}|${windowSeconds}`,
    policyItem: `"p";q=${limit};w=${windowSeconds}`,
  };
}

Deno.test("over real sockets: two instances sharing one KV file enforce one limit; XFF rules", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const kvA = await Deno.openKv(path);
  const kvB = await Deno.openKv(path);
  const storeErrors: unknown[] = [];
  const mk = (kv: Deno.Kv) =>
    app({
      policy: { limit: 120, windowSeconds: 3600 },
      store: new KvRateLimitStore(kv),
      by: "ip",
      clientIp: { trustedProxies: ["10.0.0.0/8"] }, // loopback is NOT trusted
      onStoreError: (e) => storeErrors.push(e),
    });
  const a = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, mk(kvA).fetch);
  const b = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, mk(kvB).fetch);
  try {
    const urls = [a, b].map((s) => `http://127.0.0.1:${(s.addr as Deno.NetAddr).port}/`);
    const res = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        fetch(urls[i % 2], {
          // Forged: every request claims a different client; the untrusted peer is used instead.
          headers: { "x-forwarded-for": `203.0.113.${i % 250}` },
        }).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        })),
    );
    assert.equal(count(res, 200), 120);
    assert.equal(count(res, 429), 180);
    assert.deepEqual(storeErrors, []);
  } finally {
    await a.shutdown();
    await b.shutdown();
    kvA.close();
    kvB.close();
    await Deno.remove(path).catch(() => {});
  }
});

Deno.test("over a real socket: a trusted proxy's X-Forwarded-For is honoured", async () => {
  const h = app({
    policy: { limit: 1, windowSeconds: 3600 },
    by: "ip",
    clientIp: { trustedProxies: ["loopback"] },
  });
  const s = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, h.fetch);
  try {
    const url = `http://127.0.0.1:${(s.addr as Deno.NetAddr).port}/`;
    const get = async (xff: string) => {
      const r = await fetch(url, { headers: { "x-forwarded-for": xff } });
      await r.body?.cancel();
      return r.status;
    };
    assert.equal(await get("198.51.100.1"), 200);
    assert.equal(await get("198.51.100.1"), 429);
    assert.equal(await get("198.51.100.2"), 200);
    assert.equal(await get("9.9.9.9, 198.51.100.2"), 429); // forged left entry ignored
  } finally {
    await s.shutdown();
  }
});
