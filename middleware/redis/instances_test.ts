// Three server processes (deno run of testdata/instance.ts) sharing one real redis-server.
import assert from "node:assert/strict";
import { issueApiKey } from "../auth/key_store.ts";
import { RedisCostLedger } from "./cost_ledger.ts";
import { RedisKeyStore } from "./key_store.ts";
import { RedisServer } from "./_test_redis.ts";
import { type ServerProcess, spawnServer } from "../../examples/_process.ts";

const fixture = new URL("./testdata/instance.ts", import.meta.url).pathname;

/** One server process of testdata/instance.ts; it prints "READY <port>" once listening. */
function startInstance(url: string, failureMode: "open" | "closed"): Promise<ServerProcess> {
  return spawnServer(Deno.execPath(), ["run", "-A", fixture, url, failureMode], {
    listenLine: (line) => {
      const port = /^READY (\d+)$/.exec(line)?.[1];
      return port === undefined ? undefined : `http://127.0.0.1:${port}`;
    },
  });
}

/** A request that must finish (any status) well within the stores' 300 ms budget + handler. */
async function call(url: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
}

async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const res = await call(url, init);
  await res.body?.cancel();
  return res.status;
}

Deno.test("three instances on one Redis: exact limits, one idempotent run, revocation at once, exact usage, outage", async () => {
  const redis = await RedisServer.start();
  const admin = new RedisKeyStore({ url: redis.url });
  // Reads what the instances wrote; never records anything itself.
  const reader = new RedisCostLedger({ url: redis.url, granularity: "day", flushIntervalMs: 0 });
  const instances: ServerProcess[] = [];
  try {
    await admin.connect();
    instances.push(
      ...await Promise.all([
        startInstance(redis.url, "open"),
        startInstance(redis.url, "closed"),
        startInstance(redis.url, "open"),
      ]),
    );
    const [a, b, c] = instances;
    const { key, record } = await issueApiKey(admin, {
      tenant: "acme",
      scopes: ["admin"],
      plan: "pro",
      mode: "test",
    });
    const auth = { headers: { "x-avl-api-key": key } };

    // 1,000 concurrent requests across the three against a limit of 100, for both algorithms.
    for (const path of ["/gcra", "/sw"]) {
      const s = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => statusOf(instances[i % 3].url + path, auth)),
      );
      assert.deepEqual(s.filter((x) => x !== 200 && x !== 429), [], path);
      assert.equal(s.filter((x) => x === 200).length, 100, path);
      assert.equal(s.filter((x) => x === 429).length, 900, path);
    }

    // The same idempotency key sent to two instances at once runs the handler once.
    const order = (i: ServerProcess) =>
      call(i.url + "/anon/orders", {
        method: "POST",
        headers: { "idempotency-key": '"order-1"', "content-type": "application/json" },
        body: '{"qty":1}',
      });
    const both = await Promise.all([order(a), order(b)]);
    const codes = both.map((r) => r.status).sort();
    await Promise.all(both.map((r) => r.body?.cancel()));
    assert.ok(codes.includes(201), `codes ${codes}`);
    assert.ok(codes.every((x) => x === 201 || x === 409), `codes ${codes}`);
    const runs = await Promise.all(
      instances.map(async (i) => (await (await call(i.url + "/anon/runs")).json()).runs as number),
    );
    assert.equal(runs.reduce((x, y) => x + y, 0), 1);
    // A later retry on the third instance replays the stored response.
    const replay = await order(c);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    await replay.body?.cancel();

    // A key revoked through one instance is refused by the others at once.
    assert.equal(await statusOf(c.url + "/gcra", auth), 429); // authenticated (and limited)
    const revoked = await call(`${b.url}/anon/revoke/${record.id}`, { method: "POST" });
    assert.deepEqual(await revoked.json(), { revoked: true });
    assert.equal(await statusOf(c.url + "/gcra", auth), 401);
    assert.equal(await statusOf(a.url + "/gcra", auth), 401);

    // Usage sums across instances are exact: 100 pings on each, read back through the ledger
    // (what /usage reads) and through /usage itself.
    const { key: adminKey } = await issueApiKey(admin, {
      tenant: "ops",
      scopes: ["admin"],
      plan: "pro",
      mode: "test",
    });
    await Promise.all(
      instances.flatMap((i) => Array.from({ length: 100 }, () => statusOf(i.url + "/anon/ping"))),
    );
    for (const i of instances) {
      assert.equal(await statusOf(i.url + "/anon/flush", { method: "POST" }), 200);
    }
    assert.equal(await pings(reader), 300);
    const usage = await call(`${a.url}/usage?tenant=anonymous`, {
      headers: { "x-avl-api-key": adminKey },
    });
    assert.equal(usage.status, 200);
    assert.ok((await usage.json()).tenants[0].totals.requests >= 300);

    // Redis stops under load: no crash, no hang, failure modes honoured; then it comes back.
    const load = Promise.all(
      Array.from({ length: 90 }, (_, n) => statusOf(instances[n % 3].url + "/anon/ping")),
    );
    await redis.stop();
    const during = await load;
    assert.ok(during.every((s) => s === 200 || s === 503), `statuses ${during}`);
    assert.equal(await statusOf(a.url + "/anon/ping"), 200); // rate limit fails open
    const closed = await call(b.url + "/anon/ping"); // fails closed
    assert.equal(closed.status, 503);
    assert.equal((await closed.json()).code, "rate_limit_unavailable");
    const authDown = await call(a.url + "/gcra", { headers: { "x-avl-api-key": adminKey } });
    assert.equal(authDown.status, 503);
    assert.equal((await authDown.json()).code, "auth_unavailable");
    const write = await call(a.url + "/anon/orders", {
      method: "POST",
      headers: { "idempotency-key": '"order-2"' },
      body: "{}",
    });
    assert.equal(write.status, 503);
    assert.equal((await write.json()).code, "idempotency_unavailable");
    const ready = await call(a.url + "/readyz");
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).checks.rateLimitStore.ok, false);
    // Usage recorded on instance C while Redis is down stays buffered (its flush fails).
    for (let n = 0; n < 25; n++) assert.equal(await statusOf(c.url + "/anon/ping"), 200);
    assert.equal(await statusOf(c.url + "/anon/flush", { method: "POST" }), 503);
    const onC = during.filter((s, n) => n % 3 === 2 && s === 200).length + 25;

    await redis.restart(); // empty: no persistence
    let up = false;
    for (let n = 0; n < 300 && !up; n++) {
      up = (await statusOf(c.url + "/readyz")) === 200;
      if (!up) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(up, "instances reconnected without a restart");
    assert.equal(await statusOf(c.url + "/anon/flush", { method: "POST" }), 200);
    await reader.connect();
    assert.equal(await pings(reader), onC, "buffered usage arrived, exactly once");
    // Every instance still serves.
    for (const i of instances) assert.equal(await statusOf(i.url + "/anon/ping"), 200);
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    await admin.close();
    await reader.close();
    await redis.dispose();
  }
});

/** Requests to /anon/ping summed in Redis, read through the ledger. */
async function pings(reader: RedisCostLedger): Promise<number> {
  const rows = await reader.query({ tenant: "anonymous", from: 0, to: 2 ** 50 });
  return rows.filter((r) => r.route === "/anon/ping").reduce((n, r) => n + r.requests, 0);
}
