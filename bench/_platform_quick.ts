/**
 * Quick platform-stack benchmark (not part of `deno task bench`): bare Hono vs Hono with API-key
 * auth + rateLimit + costTracking (memory stores), in process through `app.fetch` (no sockets,
 * so the middleware cost is not hidden by network noise). Cases run interleaved and the best of
 * 5 rounds is kept, so a busy machine skews all of them alike.
 *
 *   deno run -A bench/_platform_quick.ts
 */
import { Hono } from "hono";
import { auth, generateApiKey, MemoryKeyStore } from "../middleware/auth/mod.ts";
import { costTracking, MemoryCostLedger } from "../middleware/cost/mod.ts";
import { MemoryRateLimitStore, rateLimit } from "../middleware/rate_limit/mod.ts";

const rows = { items: [{ id: 1, name: "a" }, { id: 2, name: "b" }] };

const bare = new Hono();
bare.get("/items", (c) => c.json(rows));

const { key, id, hash } = await generateApiKey({ mode: "live" });
const keyStore = new MemoryKeyStore();
await keyStore.put({
  id,
  hash,
  tenant: "acme",
  scopes: ["data:read"],
  plan: "pro",
  mode: "live",
  createdAt: Date.now(),
  expiresAt: null,
  revokedAt: null,
});
const ledger = new MemoryCostLedger();
const stack = new Hono();
stack.use(auth({ keyStore, methods: ["api-key"] }));
stack.use(rateLimit({
  plans: { pro: { limit: 36_000_000, windowSeconds: 3600 } },
  store: new MemoryRateLimitStore(),
}));
stack.use(costTracking({ ledger, prices: { perMillionRequests: 0.5, egressPerGB: 0.09 } }));
stack.get("/items", (c) => c.json(rows));

const env = { remoteAddr: { hostname: "127.0.0.1", port: 1, transport: "tcp" } };
const headers = { "x-avl-api-key": key };

async function round(
  app: Hono,
  n: number,
  withKey: boolean,
): Promise<{ rps: number; p50: number; p99: number }> {
  const lat = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const req = new Request("http://localhost/items", withKey ? { headers } : undefined);
    const res = await app.fetch(req, env);
    await res.arrayBuffer();
    lat[i] = performance.now() - s;
  }
  const total = performance.now() - t0;
  lat.sort();
  return { rps: n / (total / 1000), p50: lat[Math.floor(n * 0.5)], p99: lat[Math.floor(n * 0.99)] };
}

const check = await stack.fetch(new Request("http://localhost/items", { headers }), env);
if (check.status !== 200 || !check.headers.get("ratelimit")) {
  throw new Error(`stack misconfigured: ${check.status} ${await check.text()}`);
}
await check.arrayBuffer();

const N = 20_000;
const best = {
  bare: { rps: 0, p50: Infinity, p99: Infinity },
  stack: { rps: 0, p50: Infinity, p99: Infinity },
};
for (let r = 0; r < 5; r++) {
  for (const [name, app, withKey] of [["bare", bare, false], ["stack", stack, true]] as const) {
    const m = await round(app, N, withKey);
    const b = best[name];
    if (m.rps > b.rps) best[name] = m;
  }
}
const fmt = (m: { rps: number; p50: number; p99: number }) =>
  `${Math.round(m.rps).toLocaleString("en")} req/s, p50 ${(m.p50 * 1000).toFixed(1)} µs, p99 ${
    (m.p99 * 1000).toFixed(1)
  } µs`;
console.log(`bare Hono:                          ${fmt(best.bare)}`);
console.log(`auth + rateLimit + costTracking:    ${fmt(best.stack)}`);
console.log(
  `ratio: ${(best.stack.rps / best.bare.rps).toFixed(2)}x, p99 delta ${
    ((best.stack.p99 - best.bare.p99) * 1000).toFixed(1)
  } µs`,
);
const rows0 = await ledger.query({ from: 0, to: Date.now() + 3_600_000 });
console.log(`ledger requests: ${rows0.reduce((s, r) => s + r.requests, 0)}`);
