import assert from "node:assert/strict";
import { issueApiKey, MemoryCostLedger, MemoryRateLimitStore } from "../middleware/mod.ts";
import { Route, Server } from "./mod.ts";
import { testApiKey } from "./_test_api_key.ts";
import { listenLocal } from "./_test_util.ts";

Deno.test("platform stack through Server: auth, rate limit, cost tracking and /usage over a socket", async () => {
  const { keyStore, key } = await testApiKey({ plan: "free" });
  const { key: adminKey } = await issueApiKey(keyStore, {
    tenant: "ops",
    scopes: ["admin"],
    plan: "pro",
    mode: "test",
  });
  const ledger = new MemoryCostLedger();
  let t = Date.UTC(2026, 10, 21, 12);
  const big = "x".repeat(4000);
  const app = new Server({ openapi: false })
    .route("/data", Route.get((c) => c.json({ big })))
    .withAuth({ keyStore })
    .withRateLimit({
      plans: { free: { limit: 3, windowSeconds: 60 }, pro: { limit: 100, windowSeconds: 60 } },
      store: new MemoryRateLimitStore(),
      now: () => t,
    })
    .withCostTracking({ ledger, now: () => t })
    .withUsageRoute({ ledger })
    .withCompression()
    .build();
  await using srv = await listenLocal(app);

  // Health stays open; data needs a key.
  assert.equal((await (await fetch(`${srv.url}/healthz`)).json()).status, "ok");
  const anon = await fetch(`${srv.url}/data`);
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get("www-authenticate") ?? "", /realm/);
  await anon.body?.cancel();

  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${srv.url}/data`, {
      headers: { "x-avl-api-key": key, "accept-encoding": "gzip" },
    });
    statuses.push(res.status);
    if (res.status === 200) {
      assert.equal((await res.json()).big.length, 4000); // fetch decoded the gzip body
      assert.ok(res.headers.get("ratelimit"));
    } else {
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.ok(Number(res.headers.get("retry-after")) > 0);
      await res.body?.cancel();
    }
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);

  // The ledger saw acme's requests, with compressed wire bytes well under the JSON size.
  await ledger.flush();
  const usage = await fetch(
    `${srv.url}/usage?tenant=acme&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z`,
    { headers: { "x-avl-api-key": adminKey } },
  );
  assert.equal(usage.status, 200);
  const report = await usage.json();
  const acme = report.tenants.find((r: { tenant: string }) => r.tenant === "acme");
  assert.equal(acme.totals.requests, 3); // the 429s stop before cost tracking (order 24 < 26)
  // Wire bytes after compression: far below the 3 x 4 KiB of JSON the handler produced.
  assert.ok(acme.totals.bytesOut > 0 && acme.totals.bytesOut < 1200, String(acme.totals.bytesOut));
  t += 61_000; // a new window admits acme again
  const forbidden = await fetch(`${srv.url}/usage?tenant=acme`, {
    headers: { "x-avl-api-key": key },
  });
  assert.equal(forbidden.status, 403); // acme lacks the admin scope
  await forbidden.body?.cancel();
  const again = await fetch(`${srv.url}/data`, { headers: { "x-avl-api-key": key } });
  assert.equal(again.status, 200);
  await again.body?.cancel();
});
