// The Redis stores under the real `node` binary: bundled with `deno bundle`, run against a real
// redis-server, sharing state with the same stores in Deno.
import assert from "node:assert/strict";
import { resolvePolicy } from "../rate_limit/policy.ts";
import { RedisCostLedger } from "./cost_ledger.ts";
import { RedisRateLimitStore } from "./rate_limit_store.ts";
import { RedisServer } from "./_test_redis.ts";
import { bundle } from "../../examples/_bundle.ts";

Deno.test("node: RedisRateLimitStore and RedisCostLedger run under Node and share Deno's state", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx-redis-node-" });
  const redis = await RedisServer.start();
  const store = new RedisRateLimitStore({ url: redis.url });
  const ledger = new RedisCostLedger({ url: redis.url, granularity: "day", flushIntervalMs: 0 });
  try {
    const out = `${dir}/node_stores.mjs`;
    await bundle(new URL("./testdata/node_stores.ts", import.meta.url), out, "deno", {
      minify: false,
    });
    // CommonJS parts of the bundle call require() for Node's builtins: give the module one.
    const code = await Deno.readTextFile(out);
    await Deno.writeTextFile(
      out,
      'import { createRequire as __avxRequire } from "node:module";\n' +
        "const require = __avxRequire(import.meta.url);\n" + code,
    );
    const run = await new Deno.Command("node", {
      args: [out, redis.url],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(run.stdout);
    assert.ok(run.success, text + new TextDecoder().decode(run.stderr));
    assert.deepEqual(JSON.parse(text.trim().split("\n").pop()!), { runtime: "node", allowed: 100 });
    // Deno sees the counter Node spent, and the usage Node wrote.
    await Promise.all([store.connect(), ledger.connect()]);
    const policy = resolvePolicy({ name: "node", limit: 100, windowSeconds: 3600 });
    assert.equal((await store.consume("shared", policy, Date.now(), 1, 1)).allowed, false);
    const rows = await ledger.query({ tenant: "node", from: 0, to: 2 ** 50 });
    assert.deepEqual(rows.map((r) => [r.route, r.requests, r.bytesOut]), [["/n", 10, 50]]);
  } finally {
    await store.close();
    await ledger.close();
    await redis.dispose();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
