// Run under Node by middleware/redis/node_test.ts (bundled with `deno bundle`): the Redis rate
// limit store and cost ledger on the node-redis client over node:net.
// Usage: node node_stores.mjs <redis url>; prints one JSON line.
import process from "node:process";
import { resolvePolicy } from "../../rate_limit/policy.ts";
import { RedisCostLedger, RedisRateLimitStore } from "../mod.ts";

const url = process.argv[2];
const store = new RedisRateLimitStore({ url });
const ledger = new RedisCostLedger({ url, flushIntervalMs: 0, granularity: "day" });
await Promise.all([store.connect(), ledger.connect()]);
const policy = resolvePolicy({ name: "node", limit: 100, windowSeconds: 3600 });
const decisions = await Promise.all(
  Array.from({ length: 150 }, () => store.consume("shared", policy, Date.now(), 1, 1)),
);
for (let i = 0; i < 10; i++) {
  ledger.record({
    tenant: "node",
    route: "/n",
    region: "default",
    status: 200,
    at: Date.UTC(2026, 0, 1),
    requests: 1,
    bytesIn: 0,
    bytesOut: 5,
    durationMicros: 1,
    uncompressedBytesOut: 5,
  });
}
await ledger.close();
await store.close();
console.log(JSON.stringify({
  runtime: typeof (globalThis as { Deno?: unknown }).Deno === "undefined" ? "node" : "deno",
  allowed: decisions.filter((d) => d.allowed).length,
}));
