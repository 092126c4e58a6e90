import { ConfigurationError } from "../../http/config_error.ts";
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Principal } from "../../http/principal.ts";
import { compression } from "../compression/mod.ts";
import { Algorithm, compressSync } from "../../compress/mod.ts";
import { Route, Server } from "../../server/mod.ts";
import { errorHandler } from "../../server/_errors.ts";
import { AppRuntime, AVX_RUNTIME } from "../../http/runtime.ts";
import { costTracking, type CostTrackingOptions } from "./cost_tracking.ts";
import { KvCostLedger } from "./kv_ledger.ts";
import { type CostLedger, CostLedgerError, type CostRecord } from "./ledger.ts";
import { MemoryCostLedger } from "./memory_ledger.ts";
import { Prices } from "./prices.ts";
import { usageRoute } from "./usage_route.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 10, 12, 30);

const principal = (tenant: string, scopes: string[] = []): Principal => ({
  kind: "api-key",
  tenant,
  subject: "k1",
  scopes,
  plan: "pro",
});

const rows = Array.from({ length: 400 }, (_, i) => ({ id: i, name: `row ${i}`, ok: true }));

function app(options: CostTrackingOptions, inner?: (h: Hono) => void) {
  const h = new Hono();
  h.onError(errorHandler(() => {}));
  h.use(async (c, next) => {
    const t = c.req.header("x-tenant");
    const scopes = c.req.header("x-scopes")?.split(" ") ?? [];
    if (t) c.set("principal" as never, principal(t, scopes) as never);
    await next();
  });
  h.use(costTracking(options));
  inner?.(h);
  h.get("/", (c) => c.text("hello"));
  h.get("/items/:id", (c) => c.text(`item ${c.req.param("id")}`));
  h.get("/rows", (c) => c.json(rows));
  h.post("/upload", async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
  h.get(
    "/stream",
    () => new Response(ReadableStream.from([new Uint8Array(1000), new Uint8Array(2345)])),
  );
  h.route("/", usageRoute({ ledger: options.ledger, prices: options.prices, now: () => T0 }));
  return h;
}

async function sendMany(h: Hono, n: number) {
  const res = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        h.request(i % 2 ? "/" : "/items/7", {
          headers: { "x-tenant": i % 4 < 2 ? "acme" : "globex" },
        }),
    ),
  );
  await Promise.all(res.map((r) => r.arrayBuffer()));
}

function checkTotals(records: Awaited<ReturnType<CostLedger["query"]>>) {
  const by = (tenant: string, route: string) =>
    records.filter((r) => r.tenant === tenant && r.route === route);
  assert.deepEqual(by("acme", "/").map((r) => [r.requests, r.bytesOut]), [[250, 250 * 5]]);
  assert.deepEqual(by("acme", "/items/:id").map((r) => [r.requests, r.bytesOut]), [[250, 250 * 6]]);
  assert.deepEqual(by("globex", "/").map((r) => r.requests), [250]);
  assert.deepEqual(by("globex", "/items/:id").map((r) => r.requests), [250]);
  assert.equal(records.reduce((s, r) => s + r.requests, 0), 1000);
}

Deno.test("1000 parallel requests give exact totals in the memory ledger", async () => {
  const ledger = new MemoryCostLedger();
  const h = app({ ledger, now: () => T0 });
  await sendMany(h, 1000);
  checkTotals(await ledger.query({ from: T0 - HOUR, to: T0 + HOUR }));
});

Deno.test("1000 parallel requests give exact totals in the KV ledger, across batched flushes and a restart", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const kv = await Deno.openKv(path);
  try {
    const ledger = new KvCostLedger(kv, { maxPendingRecords: 64, flushIntervalMs: 0 });
    const h = app({ ledger, now: () => T0 });
    await sendMany(h, 1000);
    // Pending records are visible before the final flush, and nothing was counted twice.
    checkTotals(await ledger.query({ from: T0 - HOUR, to: T0 + HOUR }));
    await ledger.close();
    assert.equal(ledger.pendingRecords, 0);
    // Restart: a new ledger on a new handle of the same file sees the sums.
    const kv2 = await Deno.openKv(path);
    try {
      const again = new KvCostLedger(kv2);
      checkTotals(await again.query({ from: T0 - HOUR, to: T0 + HOUR }));
      checkTotals(await again.query({ from: T0 - HOUR, to: T0 + HOUR, tenant: undefined }));
      const acme = await again.query({ from: T0 - HOUR, to: T0 + HOUR, tenant: "acme" });
      assert.deepEqual(new Set(acme.map((r) => r.tenant)), new Set(["acme"]));
      // A second writer adds into the same totals.
      again.record(record({ tenant: "acme", route: "/", at: T0 }));
      await again.close();
      const after = await new KvCostLedger(kv).query({
        from: T0 - HOUR,
        to: T0 + HOUR,
        tenant: "acme",
      });
      assert.equal(after.find((r) => r.route === "/")?.requests, 251);
    } finally {
      kv2.close();
    }
  } finally {
    kv.close();
    await Deno.remove(path).catch(() => {});
  }
});

function record(p: Partial<CostRecord>): CostRecord {
  return {
    tenant: "t",
    route: "/",
    region: "default",
    status: 200,
    at: T0,
    requests: 1,
    bytesIn: 0,
    bytesOut: 10,
    durationMicros: 100,
    uncompressedBytesOut: 10,
    ...p,
  };
}

Deno.test("a failed KV flush keeps its records and the next flush writes them", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let failures = 2;
    // The real database behind a handle whose first commits fail (an injected outage).
    const flaky = new Proxy(kv, {
      get(target, prop) {
        if (prop === "atomic") {
          return () => {
            const op = target.atomic();
            if (failures-- > 0) {
              return { sum: () => ({}), commit: () => Promise.reject(new Error("unavailable")) };
            }
            return op;
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const errors: unknown[] = [];
    const ledger = new KvCostLedger(flaky, { flushIntervalMs: 0, onError: (e) => errors.push(e) });
    for (let i = 0; i < 5; i++) ledger.record(record({ bytesOut: 7 }));
    await assert.rejects(
      ledger.flush(),
      (e) => e instanceof CostLedgerError && e.code === "flush_failed",
    );
    ledger.record(record({ bytesOut: 7 }));
    await assert.rejects(ledger.flush(), CostLedgerError);
    await ledger.flush();
    const rows = await new KvCostLedger(kv).query({ from: 0, to: T0 + HOUR });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].requests, 6);
    assert.equal(rows[0].bytesOut, 42);
    // Malformed records are dropped and counted, never written.
    ledger.record(record({ bytesOut: -1 }));
    ledger.record(record({ tenant: "x".repeat(300) }));
    assert.equal(ledger.dropped, 2);
    await ledger.close();
  } finally {
    kv.close();
  }
});

Deno.test("KV down: records past maxPendingRecords queue one background flush, not one each", async () => {
  const kv = await Deno.openKv(":memory:");
  kv.close(); // every commit fails from now on: an outage
  const errors: unknown[] = [];
  const ledger = new KvCostLedger(kv, {
    flushIntervalMs: 0,
    maxPendingRecords: 5,
    onError: (e) => errors.push(e),
  });
  // The 5th record starts a background flush; the 20 after it arrive before it has run.
  for (let i = 0; i < 25; i++) ledger.record(record({}));
  // Runs after every background flush queued so far: each has failed and told onError.
  await assert.rejects(ledger.flush(), CostLedgerError);
  assert.equal(errors.length, 1, `${errors.length} background flushes for one outage`);
  assert.ok(errors[0] instanceof CostLedgerError && errors[0].code === "flush_failed");
  await assert.rejects(ledger.close(), CostLedgerError);
});

Deno.test("compressed responses count the wire bytes (compression inside)", async () => {
  const seen: CostRecord[] = [];
  const ledger = new MemoryCostLedger();
  const h = app(
    { ledger, now: () => T0, onRecord: (r) => seen.push(r) },
    (h) => h.use(compression()),
  );
  const res = await h.request("/rows", { headers: { "accept-encoding": "gzip", "x-tenant": "a" } });
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const wire = (await res.arrayBuffer()).byteLength;
  const plain = new TextEncoder().encode(JSON.stringify(rows)).byteLength;
  assert.equal(seen.length, 1);
  assert.equal(seen[0].bytesOut, wire);
  assert.ok(wire < plain / 3, `${wire} vs ${plain}`);
  assert.equal(seen[0].uncompressedBytesOut, null);
  // Identity: uncompressed equals wire.
  const id = await h.request("/rows", { headers: { "x-tenant": "a" } });
  assert.equal((await id.arrayBuffer()).byteLength, plain);
  assert.equal(seen[1].bytesOut, plain);
  assert.equal(seen[1].uncompressedBytesOut, plain);
});

Deno.test("streamed bodies are counted when the stream ends; cancelled ones when cancelled", async () => {
  const seen: CostRecord[] = [];
  let t = T0;
  const h = app({
    ledger: new MemoryCostLedger(),
    now: () => t,
    onRecord: (r) => seen.push(r),
    costHeader: true,
    prices: { perMillionRequests: 1, egressPerGB: 1 },
  });
  const res = await h.request("/stream");
  assert.equal(res.headers.get("avl-cost"), "usd=0.000001; bytes=streamed");
  assert.equal(seen.length, 0); // nothing final before the body is sent
  t += 2.5;
  assert.equal((await res.arrayBuffer()).byteLength, 3345);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].bytesOut, 3345);
  assert.equal(seen[0].durationMicros, 2500);
  assert.equal(seen[0].tenant, "anonymous");
  assert.equal(seen[0].route, "/stream");

  const cancelled = await h.request("/stream");
  const reader = cancelled.body!.getReader();
  const first = await reader.read();
  await reader.cancel();
  assert.equal(seen.length, 2);
  assert.equal(seen[1].bytesOut, first.value!.byteLength);

  // Declared lengths: the header has the full price (1 request + 5 bytes at $1/GB).
  const fixed = await h.request("/");
  assert.equal(fixed.headers.get("avl-cost"), "usd=0.000001005; bytes=5");
  // Uploads without Content-Length are counted as read.
  const body = ReadableStream.from([new Uint8Array(300)]);
  const up = await h.request("/upload", { method: "POST", body, duplex: "half" } as RequestInit);
  assert.equal(await up.text(), "300");
  assert.equal(seen.at(-1)!.bytesIn, 300);
});

Deno.test("prices: exact decimal sums, per-region egress, bad prices rejected", () => {
  const p = new Prices({
    egressPerGB: { default: 0.09, "br-saopaulo-1": 0.15 },
    perMillionRequests: 0.5,
  });
  let sum = 0n;
  for (let i = 0; i < 100_000; i++) {
    sum += p.cost({ requests: 1, bytesIn: 0, bytesOut: 0, durationMicros: 0 }, "x");
  }
  assert.equal(Prices.usd(sum * 10n), "0.5"); // a million requests, exactly
  const gb = { requests: 0, bytesIn: 0, bytesOut: 1e9, durationMicros: 0 };
  assert.equal(Prices.usd(p.cost(gb, "br-saopaulo-1")), "0.15");
  assert.equal(Prices.usd(p.cost(gb, "us-east-1")), "0.09");
  assert.equal(Prices.usd(p.cost({ ...gb, bytesOut: 1 }, "us-east-1")), "0.00000000009");
  assert.throws(() => new Prices({ egressPerGB: -1 }), ConfigurationError);
  assert.throws(() => new Prices({ perSecond: { default: Number.NaN } }), ConfigurationError);
});

Deno.test("prometheus counters: registered once per registry, labelled by route/status/region", async () => {
  const runtime = new AppRuntime();
  const ledger = new MemoryCostLedger();
  const h = new Hono();
  h.use(costTracking({ ledger, region: "br-saopaulo-1", prices: { perMillionRequests: 1 } }));
  h.use(costTracking({ ledger: new MemoryCostLedger() })); // a second one on the same registry
  h.get("/a", (c) => c.text("abc"));
  const env = { [AVX_RUNTIME]: runtime };
  for (let i = 0; i < 3; i++) await (await h.request("/a", {}, env)).arrayBuffer();
  const text = runtime.metrics.render();
  assert.match(
    text,
    /avx_cost_requests_total\{route="\/a",status="200",region="br-saopaulo-1"\} 3/,
  );
  assert.match(text, /avx_cost_requests_total\{route="\/a",status="200",region="default"\} 3/);
  assert.match(text, /avx_cost_bytes_out_total\{route="\/a",region="br-saopaulo-1"\} 9/);
  assert.match(text, /avx_cost_usd_total\{route="\/a",region="br-saopaulo-1"\} 0.000003/);
  assert.doesNotMatch(text, /tenant=/);
});

Deno.test("/usage: admin scope, ranges, totals and exact costs", async () => {
  const ledger = new MemoryCostLedger({ granularity: "hour" });
  const h = app({ ledger, now: () => T0, prices: { egressPerGB: 0.09, perMillionRequests: 0.5 } });
  for (let i = 0; i < 4; i++) {
    await (await h.request("/", { headers: { "x-tenant": "acme" } })).text();
  }
  ledger.record(record({ tenant: "acme", at: T0 - 2 * HOUR, bytesOut: 1e9, requests: 2 }));
  ledger.record(record({ tenant: "globex", at: T0 }));
  const get = (q: string, scopes = "admin") =>
    h.request(`/usage${q}`, { headers: { "x-tenant": "ops", "x-scopes": scopes } });

  assert.equal((await h.request("/usage")).status, 401);
  const denied = await get("", "data:read");
  assert.equal(denied.status, 403);
  await denied.body?.cancel();
  for (
    const bad of [
      "?from=yesterday",
      "?from=2025-02-30",
      "?from=2025-03-10&to=2025-03-10",
      "?from=2025-03-11&to=2025-03-10",
      "?from=2020-01-01&to=2025-01-01",
      "?from=2025-03-10T10:00:00&to=2025-03-11", // no offset: ambiguous
      `?tenant=${"x".repeat(300)}`,
    ]
  ) {
    const r = await get(bad);
    assert.equal(r.status, 400, bad);
    assert.equal(r.headers.get("content-type"), "application/problem+json");
    await r.body?.cancel();
  }

  const all = await (await get("?from=2025-03-10&to=2025-03-11")).json();
  assert.equal(all.granularity, "hour");
  // The unauthenticated 401 above counts too (problem responses carry their exact length, so
  // they are recorded at once, unread).
  assert.deepEqual(all.tenants.map((t: { tenant: string }) => t.tenant), [
    "acme",
    "anonymous",
    "globex",
    "ops",
  ]);
  const acme = all.tenants[0];
  assert.equal(acme.totals.requests, 6);
  assert.equal(acme.totals.bytesOut, 4 * 5 + 1e9);
  // 1 GB at 0.09 + 6 requests at 0.5/M + 20 bytes egress.
  assert.equal(acme.totals.costUsd, "0.0900030018");
  assert.deepEqual(acme.buckets.map((b: { start: string }) => b.start), [
    "2025-03-10T10:00:00.000Z",
    "2025-03-10T12:00:00.000Z",
  ]);
  const one = await (await get("?tenant=globex&from=2025-03-10T12:15:00Z&to=2025-03-10T13:00:00Z"))
    .json();
  assert.deepEqual(one.tenants.map((t: { tenant: string }) => t.tenant), ["globex"]);
  assert.equal(one.tenants[0].totals.requests, 1);
  // Default range: the last 24 hours before the injected clock; the admin's own /usage calls
  // are usage too.
  const recent = await (await get("")).json();
  assert.deepEqual(recent.tenants.map((t: { tenant: string }) => t.tenant), [
    "acme",
    "anonymous",
    "globex",
    "ops",
  ]);
  assert.ok(recent.tenants[3].totals.requests >= 8);
});

Deno.test("compressed uploads count the wire bytes, also when the server decodes them first", async () => {
  // Server.withCompression decodes request bodies before the middleware runs (no
  // Content-Length left on the decoded request): bytesIn must still be the wire size.
  const seen: CostRecord[] = [];
  const ledger = new MemoryCostLedger();
  const built = new Server()
    .route(
      "/up",
      Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })),
    )
    .withCostTracking({ ledger, now: () => T0, onRecord: (r) => seen.push(r) })
    .withCompression()
    .build();
  const plain = new TextEncoder().encode(JSON.stringify(rows).repeat(20));
  const wire = compressSync(plain, Algorithm.Zstd);
  // Chunked (no Content-Length), as a streaming client sends it.
  const body = ReadableStream.from([wire.subarray(0, 100), wire.subarray(100)]);
  const res = await built.fetch(
    new Request("http://x/up", {
      method: "POST",
      headers: { "content-encoding": "zstd" },
      body,
      duplex: "half",
    } as RequestInit),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { bytes: plain.byteLength });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].bytesIn, wire.byteLength);
  // With a declared length, that length.
  const res2 = await built.fetch(
    new Request("http://x/up", {
      method: "POST",
      headers: { "content-encoding": "zstd", "content-length": String(wire.byteLength) },
      body: wire as Uint8Array<ArrayBuffer>,
    }),
  );
  assert.equal(res2.status, 200);
  await res2.body?.cancel();
  assert.equal(seen[1].bytesIn, wire.byteLength);
});

Deno.test("records that arrive while a full batch is written get a flush of their own", async () => {
  // With the timer off, a batch is written only when `maxPendingRecords` are pending. Records that
  // filled the next batch while the first was being written asked for a flush, were told one was
  // under way (it had already cut its batch), and waited for a record that might never come.
  const kv = await Deno.openKv(":memory:");
  try {
    const commits: Array<PromiseWithResolvers<void>> = [];
    const entered: Array<PromiseWithResolvers<void>> = [];
    for (let i = 0; i < 2; i++) {
      (commits.push(Promise.withResolvers()), entered.push(Promise.withResolvers()));
    }
    let n = 0;
    // The real database behind a handle whose commits wait for the test (a slow store).
    const slow = new Proxy(kv, {
      get(target, prop) {
        if (prop === "atomic") {
          return () => {
            const op = target.atomic();
            const i = n++;
            return {
              sum(...a: Parameters<Deno.AtomicOperation["sum"]>) {
                op.sum(...a);
                return this;
              },
              async commit() {
                entered[i]?.resolve();
                await commits[i]?.promise;
                return op.commit();
              },
            };
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const ledger = new KvCostLedger(slow, { flushIntervalMs: 0, maxPendingRecords: 2 });
    ledger.record(record({ bytesOut: 1 }));
    ledger.record(record({ bytesOut: 1 })); // a full batch: written in the background
    await entered[0].promise;
    ledger.record(record({ bytesOut: 5 }));
    ledger.record(record({ bytesOut: 5 })); // the next full batch, while the first is written
    commits[0].resolve();
    commits[1].resolve();
    const second = await Promise.race([
      entered[1].promise.then(() => true),
      new Promise<false>((r) => setTimeout(r, 2_000, false)),
    ]);
    assert.ok(second, "the second full batch was never written");
    await ledger.close();
    const rows = await new KvCostLedger(kv).query({ from: 0, to: T0 + HOUR });
    assert.equal(rows[0].bytesOut, 12);
  } finally {
    kv.close();
  }
});
