import assert from "node:assert/strict";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { Client, ClientError, type EndpointHealth, RegionRouter } from "./mod.ts";
import { delay, recordingSleep, resettingServer, seeded } from "./_test_servers.ts";

Deno.test("RegionRouter: preferred first, then lowest EWMA; open breakers and tried endpoints skipped", () => {
  let t = 0;
  const r = new RegionRouter([
    { region: "a", url: "http://a.example" },
    { region: "b", url: "http://b.example/api" },
    { region: "c", url: "http://c.example" },
  ], { alpha: 0.5, breaker: { failureThreshold: 1, openMs: 100, now: () => t } });
  const [a, b, c] = r.endpoints;
  assert.equal(b.url.href, "http://b.example/api/");
  assert.equal(r.pick(), a, "unmeasured: list order");
  r.observe(a, 100);
  r.observe(b, 20);
  r.observe(c, 50);
  assert.equal(r.pick(), b);
  r.observe(b, 200); // 20 → 110
  assert.equal(b.ewmaMs, 110);
  assert.equal(r.pick(), c);
  assert.equal(r.pick(new Set([c])), a);
  c.breaker.failure();
  assert.equal(r.pick(), a);
  a.breaker.failure();
  b.breaker.failure();
  assert.equal(r.pick(), undefined);
  t = 100;
  assert.ok(r.pick() !== undefined, "half-open endpoints are usable again");
  const pref = new RegionRouter([{ region: "a", url: "http://a" }, {
    region: "b",
    url: "http://b",
  }], {
    preferred: "b",
  });
  pref.observe(pref.endpoints[0], 1);
  pref.observe(pref.endpoints[1], 500);
  assert.equal(pref.pick()?.region, "b");
  assert.throws(() => new RegionRouter([]));
  assert.throws(() => new RegionRouter([{ region: "x", url: "file:///etc/passwd" }]));
});

/** Region `name` served on loopback: `/api/where` answers `{ region: name }`; `await using` stops it. */
function regionServer(name: string, behaviour: { fail?: boolean; slowMs?: number } = {}) {
  let hits = 0;
  let aborted = 0;
  const app = new Server({ openapi: false }).route(
    "/api/where",
    Route.get(async (c) => {
      hits++;
      if (behaviour.slowMs) {
        const signal = c.req.raw.signal;
        signal.addEventListener("abort", () => aborted++, { once: true });
        await delay(behaviour.slowMs, signal);
      }
      if (behaviour.fail) return c.text("down", 503);
      return c.json({ region: name });
    }),
  ).build();
  const server = listenLocal(app);
  return {
    endpoint: { region: name, url: server.url },
    hits: () => hits,
    aborted: () => aborted,
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  };
}

Deno.test("fails over to the next region on network errors and 5xx; open breakers are skipped", async () => {
  await using dead = resettingServer();
  await using sick = regionServer("us-east-1", { fail: true });
  await using good = regionServer("eu-west-1");
  const rec = recordingSleep();
  const client = Client.builder().endpoints([
    { region: "br-saopaulo-1", url: dead.url },
    sick.endpoint,
    good.endpoint,
  ]).region("br-saopaulo-1").retry({ attempts: 3, baseMs: 1 }).sleep(rec.sleep)
    .breaker({ failureThreshold: 2, openMs: 60_000 }).build();
  const first = await client.get("/api/where").send();
  assert.deepEqual(await first.json(), { region: "eu-west-1" });
  assert.equal(first.metrics.region, "eu-west-1");
  assert.equal(first.metrics.attempts, 3);
  const [sp, va, eu] = client.router!.endpoints;
  assert.deepEqual([sp.breaker.failures, va.breaker.failures, eu.breaker.failures], [1, 1, 0]);
  // One more failure opens the preferred region's breaker; from then on it is skipped.
  sp.breaker.failure();
  assert.equal(sp.breaker.state, "open");
  va.breaker.failure();
  const next = await client.get("/api/where").send();
  assert.deepEqual(await next.json(), { region: "eu-west-1" });
  assert.equal(next.metrics.attempts, 1);
  assert.equal(dead.accepted(), 1);
  assert.equal(sick.hits(), 1);
});

Deno.test("an open breaker fails at once only when its probe comes after the deadline", async () => {
  await using dead = resettingServer();
  let t = 0;
  const rec = recordingSleep(2);
  const client = Client.builder().baseUrl(dead.url).retry({ attempts: 2, baseMs: 1 })
    .breaker({ failureThreshold: 2, openMs: 1000 }).clock(() => t).sleep(rec.sleep).build();
  await assert.rejects(
    client.get("/x").send(),
    (e) => e instanceof ClientError && e.code === "network",
  );
  // Open for 1000 ms more: a request whose deadline ends sooner fails at once, sending nothing.
  await assert.rejects(
    client.get("/x").deadline(500).send(),
    (e) => e instanceof ClientError && e.code === "circuit_open",
  );
  assert.equal(dead.accepted(), 2);
  // Within the deadline the request waits for the half-open probe, and is the probe.
  const before = rec.delays.length;
  const waiting = client.get("/x").attempts(1).send();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(dead.accepted(), 2);
  const waits = rec.delays.slice(before);
  assert.ok(waits.length > 0 && waits.every((d) => d === 1000), `${waits}`);
  t = 1000;
  await assert.rejects(waiting, (e) => e instanceof ClientError && e.code === "network");
  assert.equal(dead.accepted(), 3);
});

Deno.test("EWMA latency steers requests to the faster region when none is preferred", async () => {
  await using slow = regionServer("slow", { slowMs: 60 });
  await using fast = regionServer("fast");
  const client = Client.builder().endpoints([slow.endpoint, fast.endpoint]).build();
  const first = await client.get("/api/where").send();
  assert.equal(first.metrics.region, "slow"); // unmeasured: list order
  await first.bytes();
  for (let i = 0; i < 5; i++) {
    const r = await client.get("/api/where").send();
    assert.equal(r.metrics.region, "fast");
    await r.bytes();
  }
  const [s, f] = client.router!.endpoints;
  assert.ok(s.ewmaMs! > f.ewmaMs!);
});

Deno.test("hedged GET: a slow primary is raced by another region, the loser is aborted", async () => {
  await using slow = regionServer("primary", { slowMs: 1500 });
  await using fast = regionServer("secondary");
  const client = Client.builder().endpoints([slow.endpoint, fast.endpoint]).region("primary")
    .hedge(40).build();
  const res = await client.get("/api/where").send();
  assert.deepEqual(await res.json(), { region: "secondary" });
  assert.equal(res.metrics.hedges, 1);
  assert.equal(res.metrics.attempts, 2);
  assert.equal(res.metrics.region, "secondary");
  // The server notices the abort when the connection closes; allow it a moment under load.
  for (let i = 0; i < 100 && slow.aborted() === 0; i++) await delay(10);
  assert.equal(slow.aborted(), 1, "the losing attempt was aborted");
  assert.equal(client.stats().hedges, 1);
  // an answer before the hedge delay means no hedge
  const quick = await client.get("/api/where").hedge(5000).send();
  await quick.bytes();
  assert.equal(quick.metrics.hedges, 0);
});

Deno.test("RegionRouter.pick matches the documented choice on random states", () => {
  const rng = seeded(2024);
  // The documented rule, written plainly: usable endpoints; untried ones if any; the preferred
  // region among them, else the lowest EWMA (unmeasured as 0), earlier endpoint on ties.
  const reference = (
    r: RegionRouter,
    preferred: string | undefined,
    exclude: Set<EndpointHealth>,
  ) => {
    const usable = r.endpoints.filter((e) => e.breaker.allows());
    if (usable.length === 0) return undefined;
    const fresh = usable.filter((e) => !exclude.has(e));
    const pool = fresh.length > 0 ? fresh : usable;
    const p = pool.find((e) => e.region === preferred);
    if (p) return p;
    return pool.reduce((best, e) => ((e.ewmaMs ?? 0) < (best.ewmaMs ?? 0) ? e : best));
  };
  for (let round = 0; round < 500; round++) {
    const n = 1 + Math.floor(rng() * 5);
    const list = Array.from({ length: n }, (_, i) => ({
      region: `r${Math.floor(rng() * 3)}-${i % 2}`,
      url: `http://h${i}.example`,
    }));
    const preferred = rng() < 0.5 ? list[Math.floor(rng() * n)].region : undefined;
    const r = new RegionRouter(list, {
      ...(preferred !== undefined ? { preferred } : {}),
      breaker: { failureThreshold: 1 },
    });
    const exclude = new Set<EndpointHealth>();
    for (const e of r.endpoints) {
      const x = rng();
      if (x < 0.25) e.breaker.failure(); // open
      else if (x < 0.8) r.observe(e, Math.floor(rng() * 4) * 10); // ties are likely
      if (rng() < 0.4) exclude.add(e);
    }
    assert.equal(r.pick(exclude), reference(r, preferred, exclude), `round ${round}`);
    assert.equal(r.pick(), reference(r, preferred, new Set()), `round ${round} (no exclusions)`);
  }
});
