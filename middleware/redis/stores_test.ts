// RedisKeyStore, RedisIdempotencyStore and RedisCostLedger against one real redis-server.
import assert from "node:assert/strict";
import { AuthError } from "../auth/errors.ts";
import { issueApiKey } from "../auth/key_store.ts";
import { MemoryKeyStore } from "../auth/stores/memory.ts";
import { CostLedgerError, type CostRecord } from "../cost/ledger.ts";
import { MemoryCostLedger } from "../cost/memory_ledger.ts";
import { IdempotencyStoreError } from "../idempotency/store.ts";
import { RedisCostLedger } from "./cost_ledger.ts";
import { RedisIdempotencyStore } from "./idempotency_store.ts";
import { RedisKeyStore } from "./key_store.ts";
import { RedisStoreError } from "./_connection.ts";
import { commandCalls, connected, RedisServer } from "./_test_redis.ts";

const rec = (tenant: string, route: string, at: number, bytesOut: number): CostRecord => ({
  tenant,
  route,
  region: "eu{1}:x", // text that must not move a hash tag
  status: 200,
  at,
  requests: 1,
  bytesIn: 3,
  bytesOut,
  durationMicros: 7,
  uncompressedBytesOut: null,
});

Deno.test("Redis stores on one server: keys, idempotency, usage; typed failures while it is down", async (t) => {
  const redis = await RedisServer.start();
  const keys = new RedisKeyStore({ url: redis.url, timeoutMs: 500 });
  const idem = new RedisIdempotencyStore({ url: redis.url, timeoutMs: 500, maxBodyBytes: 64 });
  const ledger = new RedisCostLedger({
    url: redis.url,
    timeoutMs: 500,
    flushIntervalMs: 0,
    maxBufferedRows: 3,
  });
  try {
    await Promise.all([keys.connect(), idem.connect(), ledger.connect()]);

    await t.step("key store behaves as the memory store", async () => {
      const memory = new MemoryKeyStore();
      for (const store of [memory, keys]) {
        const a = await issueApiKey(store, {
          tenant: "t{1}",
          scopes: ["x"],
          plan: "p",
          mode: "test",
        });
        const b = await issueApiKey(store, { tenant: "t{1}", scopes: [], plan: "p", mode: "live" });
        assert.equal((await store.findByHash(a.record.hash))?.id, a.record.id);
        assert.equal(await store.findByHash("0".repeat(64)), null);
        assert.equal(await store.findByHash("not a digest"), null);
        assert.deepEqual(
          (await store.listByTenant("t{1}")).map((r) => r.id),
          [a.record.id, b.record.id].sort(),
        );
        // Moving a key to another tenant and digest updates both indexes.
        await store.put({ ...a.record, tenant: "other", hash: "f".repeat(64) });
        assert.equal(await store.findByHash(a.record.hash), null);
        assert.equal((await store.findByHash("f".repeat(64)))?.tenant, "other");
        assert.deepEqual((await store.listByTenant("t{1}")).map((r) => r.id), [b.record.id]);
        if (store === keys) {
          // A digest used by another id is refused (as KvKeyStore does).
          await assert.rejects(
            store.put({ ...b.record, hash: "f".repeat(64) }),
            (e) => e instanceof AuthError && e.code === "invalid_argument",
          );
        }
        assert.equal(await store.revoke(b.record.id, 5), true);
        assert.equal(await store.revoke(b.record.id, 9), true);
        assert.equal((await store.findById(b.record.id))?.revokedAt, 5);
        assert.equal(await store.revoke("key_missing", 1), false);
        assert.equal(await store.delete(a.record.id), true);
        assert.equal(await store.delete(a.record.id), false);
        assert.deepEqual(await store.listByTenant("other"), []);
      }
    });

    await t.step(
      "idempotency: one winner, replay with binary body, size limit, release, refresh",
      async () => {
        const racers = await Promise.all(
          Array.from({ length: 20 }, () => idem.begin("k1", "fp", 1000, 60_000)),
        );
        assert.equal(racers.filter((r) => r.outcome === "started").length, 1);
        const body = new Uint8Array([0, 255, 1, 254, 10, 13]);
        await idem.complete(
          "k1",
          "fp",
          {
            status: 201,
            headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"]],
            body,
            bodyOmitted: false,
          },
          1000,
          60_000,
        );
        const again = await idem.begin("k1", "fp", 2000, 60_000);
        assert.ok(again.outcome === "existing" && again.record.state === "done");
        assert.deepEqual(again.record.response.body, body);
        assert.deepEqual(again.record.response.headers, [["set-cookie", "a=1"], [
          "set-cookie",
          "b=2",
        ]]);
        // Over maxBodyBytes: remembered without its body.
        await idem.begin("k2", "fp", 0, 60_000);
        await idem.complete(
          "k2",
          "fp",
          {
            status: 200,
            headers: [],
            body: new Uint8Array(65),
            bodyOmitted: false,
          },
          0,
          60_000,
        );
        const big = await idem.begin("k2", "fp", 0, 60_000);
        assert.ok(big.outcome === "existing" && big.record.state === "done");
        assert.equal(big.record.response.body, null);
        assert.equal(big.record.response.bodyOmitted, true);
        // release frees only an in-flight key.
        await idem.release("k2");
        assert.equal((await idem.begin("k2", "fp", 0, 60_000)).outcome, "existing");
        assert.equal((await idem.begin("k3", "fp", 0, 60_000)).outcome, "started");
        await idem.release("k3");
        assert.equal((await idem.begin("k3", "fp", 0, 60_000)).outcome, "started");
        // Locks expire in Redis (PX); refresh extends only the holder's lock.
        await idem.begin("k4", "fp", 0, 200);
        await idem.refresh("k4", "other", 0, 60_000);
        assert.ok(Number(await redis.cli("PTTL", "avx%3Aidem:{k4}")) <= 200);
        await idem.refresh("k4", "fp", 0, 60_000);
        assert.ok(Number(await redis.cli("PTTL", "avx%3Aidem:{k4}")) > 200);
      },
    );

    await t.step(
      "usage: sums as the memory ledger, buffered and bounded while Redis is down",
      async () => {
        const memory = new MemoryCostLedger();
        const day = Date.UTC(2026, 0, 1);
        const records = [
          rec("acme", "/a", day, 10),
          rec("acme", "/a", day + 1, 20),
          rec("acme", "/b", day + 3_600_000, 5),
          rec("other}x", "/a", day, 1),
        ];
        for (const r of records) {
          memory.record(r);
          ledger.record(r);
        }
        await ledger.flush();
        const q = { from: day, to: day + 86_400_000 };
        assert.deepEqual(await ledger.query(q), await memory.query(q));
        assert.deepEqual(
          await ledger.query({ ...q, tenant: "acme" }),
          await memory.query({ ...q, tenant: "acme" }),
        );

        await redis.stop();
        await assert.rejects(
          Promise.resolve(keys.findByHash("a".repeat(64))),
          (e) => e instanceof AuthError && e.code === "auth_unavailable" && e.status === 503,
        );
        await assert.rejects(
          Promise.resolve(idem.begin("k9", "fp", 0, 1000)),
          (e) =>
            e instanceof IdempotencyStoreError && e.code === "store_unavailable" &&
            e.cause instanceof RedisStoreError,
        );
        ledger.record(rec("acme", "/a", day, 100));
        ledger.record(rec("acme", "/c", day, 1));
        ledger.record(rec("acme", "/d", day, 1));
        await assert.rejects(
          ledger.flush(),
          (e) => e instanceof CostLedgerError && e.code === "flush_failed",
        );
        ledger.record(rec("acme", "/e", day, 1)); // a fourth row: over maxBufferedRows
        // Rows of the batches kept for retry count too: a new record adds a row, dropped.
        ledger.record(rec("acme", "/a", day, 1));
        assert.equal(ledger.dropped, 2);
        assert.equal(ledger.bufferedRows, 3);

        await redis.restart();
        await ledger.connect();
        await ledger.flush();
        await ledger.flush(); // nothing twice
        const rows = await ledger.query({ ...q, tenant: "acme" });
        assert.deepEqual(
          rows.map((r) => [r.route, r.requests, r.bytesOut]),
          [["/a", 1, 100], ["/c", 1, 1], ["/d", 1, 1]], // the restarted Redis was empty
        );
      },
    );

    await t.step(
      "usage: records arriving during a flush queue one more flush, not one each",
      async () => {
        await using steady = await connected(
          new RedisCostLedger({ url: redis.url, flushIntervalMs: 0, maxPendingRecords: 5 }),
        );
        let flushes = 0;
        const flush = steady.flush.bind(steady);
        steady.flush = () => (flushes++, flush());
        const record = () => steady.record(rec("steady", "/s", Date.UTC(2026, 0, 1), 1));
        for (let i = 0; i < 5; i++) record(); // the 5th starts a flush
        for (let i = 0; i < 3; i++) await Promise.resolve(); // it cuts its batch, then waits on Redis
        for (let i = 0; i < 20; i++) record(); // pending passes 5 again while it is in flight
        // The one in flight and one more for the records after its cut (else they would wait
        // for a record that may never come), not one per record.
        assert.equal(flushes, 2);
        await flush();
        const rows = await steady.query({ tenant: "steady", from: 0, to: 2 ** 50 });
        assert.equal(rows[0].requests, 25);
      },
    );
    await t.step(
      "usage: a flush of many tenants is one SADD; markers per tenant, not per batch",
      async () => {
        await using many = await connected(
          new RedisCostLedger({ url: redis.url, flushIntervalMs: 0 }),
        );
        const at = Date.UTC(2026, 0, 2);
        const before = await commandCalls(redis, "sadd");
        for (let i = 0; i < 40; i++) many.record(rec(`m${i}`, "/m", at, 1));
        await many.flush();
        assert.equal(await commandCalls(redis, "sadd") - before, 1);
        for (let i = 0; i < 5; i++) {
          many.record(rec("m0", "/m", at, 1));
          await many.flush();
        }
        // The tenant's keys: its bucket index, one bucket hash and one marker.
        const keys = (await redis.cli("KEYS", "*{m0}*")).split("\n").filter(Boolean);
        assert.equal(keys.length, 3, keys.join(" "));
        const rows = await many.query({ tenant: "m0", from: 0, to: 2 ** 50 });
        assert.equal(rows[0].requests, 6);
      },
    );
  } finally {
    await Promise.all([keys.close(), idem.close(), ledger.close().catch(() => {})]);
    await redis.dispose();
  }
});
