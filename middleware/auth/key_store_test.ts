import assert from "node:assert/strict";
import { hashApiKey } from "./api_key.ts";
import { AuthError } from "./errors.ts";
import { type ApiKeyRecord, issueApiKey, type KeyStore } from "./key_store.ts";
import { KvKeyStore } from "./stores/kv.ts";
import { MemoryKeyStore } from "./stores/memory.ts";

const T0 = 1_700_000_000_000;

async function roundTrip(store: KeyStore): Promise<void> {
  const { key, record } = await issueApiKey(store, {
    tenant: "acme",
    scopes: ["data:read", "data:write"],
    plan: "pro",
    mode: "live",
    residency: { regions: ["br-"], reason: "LGPD" },
    name: "CI",
    expiresAt: T0 + 86_400_000,
    now: () => T0,
  });
  assert.equal(record.hash, await hashApiKey(key));
  assert.equal(record.createdAt, T0);
  assert.equal(record.revokedAt, null);
  // The plaintext key appears nowhere in the record.
  assert.ok(!JSON.stringify(record).includes(key.slice(9)));

  const byHash = await store.findByHash(record.hash);
  assert.deepEqual(byHash, record);
  assert.deepEqual(await store.findById(record.id), record);
  assert.equal(await store.findByHash(await hashApiKey(key + "x")), null);
  assert.equal(await store.findById("key_nope"), null);

  const other = await issueApiKey(store, {
    tenant: "acme",
    scopes: [],
    plan: "free",
    mode: "test",
  });
  await issueApiKey(store, { tenant: "globex", scopes: [], plan: "free", mode: "test" });
  const ids = (await store.listByTenant("acme")).map((r) => r.id);
  assert.deepEqual(ids, [record.id, other.record.id].sort());

  assert.equal(await store.revoke(record.id, T0 + 5), true);
  assert.equal((await store.findByHash(record.hash))?.revokedAt, T0 + 5);
  // Revoking again keeps the first time.
  assert.equal(await store.revoke(record.id, T0 + 99), true);
  assert.equal((await store.findById(record.id))?.revokedAt, T0 + 5);
  assert.equal(await store.revoke("key_nope", T0), false);

  // Moving a key to another tenant updates the tenant index.
  await store.put({ ...other.record, tenant: "globex" });
  assert.deepEqual((await store.listByTenant("acme")).map((r) => r.id), [record.id]);
  assert.equal((await store.listByTenant("globex")).length, 2);

  assert.equal(await store.delete(record.id), true);
  assert.equal(await store.delete(record.id), false);
  assert.equal(await store.findByHash(record.hash), null);
  assert.equal(await store.findById(record.id), null);
  assert.deepEqual(await store.listByTenant("acme"), []);

  // Invalid records are refused with a typed error naming the field.
  const bad: Array<[Partial<ApiKeyRecord>, string]> = [
    [{ hash: "abc" }, "hash"],
    [{ tenant: "" }, "tenant"],
    [{ scopes: ["has space"] }, "scopes"],
    [{ mode: "prod" as "live" }, "mode"],
    [{ expiresAt: Number.NaN }, "expiresAt"],
    [{ id: "bad id" }, "id"],
  ];
  for (const [patch, field] of bad) {
    await assert.rejects(
      () => store.put({ ...other.record, ...patch }),
      (e) => e instanceof AuthError && e.code === "invalid_argument" && e.message.endsWith(field),
    );
  }
}

Deno.test("MemoryKeyStore round trip: issue, find by hash and id, list, revoke, delete", async () => {
  const store = new MemoryKeyStore();
  await roundTrip(store);
  assert.equal(store.size, 2);
});

Deno.test("KvKeyStore round trip with Deno.openKv(':memory:')", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await roundTrip(new KvKeyStore(kv));
    // A prefix isolates stores sharing one database.
    const a = new KvKeyStore(kv, ["tenant-a"]);
    const b = new KvKeyStore(kv, ["tenant-b"]);
    const { record } = await issueApiKey(a, {
      tenant: "t",
      scopes: [],
      plan: "free",
      mode: "test",
    });
    assert.equal(await b.findByHash(record.hash), null);
    assert.equal((await a.findByHash(record.hash))?.id, record.id);
  } finally {
    kv.close();
  }
});

Deno.test("KvKeyStore: two handles on one database see each other's keys and revocations", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/keys.sqlite`;
  const kv1 = await Deno.openKv(path);
  const kv2 = await Deno.openKv(path);
  try {
    const s1 = new KvKeyStore(kv1);
    const s2 = new KvKeyStore(kv2);
    const { record } = await issueApiKey(s1, {
      tenant: "acme",
      scopes: [],
      plan: "free",
      mode: "live",
    });
    assert.equal((await s2.findByHash(record.hash))?.tenant, "acme");
    assert.equal(await s2.revoke(record.id, T0), true);
    assert.equal((await s1.findByHash(record.hash))?.revokedAt, T0);
    // Concurrent revocations from both handles settle on one consistent record.
    const r2 = (await issueApiKey(s1, { tenant: "acme", scopes: [], plan: "free", mode: "live" }))
      .record;
    const results = await Promise.all([s1.revoke(r2.id, T0 + 1), s2.revoke(r2.id, T0 + 2)]);
    assert.deepEqual(results, [true, true]);
    const revokedAt = (await s1.findById(r2.id))?.revokedAt;
    assert.ok(revokedAt === T0 + 1 || revokedAt === T0 + 2);
  } finally {
    kv1.close();
    kv2.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KvKeyStore: a corrupt stored record is a typed 503 error, never a principal", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvKeyStore(kv, ["k"]);
    const hash = "a".repeat(64);
    await kv.set(["k", "by_hash", hash], { id: "key_x", hash, tenant: 42 });
    await assert.rejects(
      () => store.findByHash(hash),
      (e) => e instanceof AuthError && e.code === "auth_unavailable" && e.status === 503,
    );
    assert.equal(await store.findByHash("short"), null);
    // A digest already used by another key id is refused.
    const { record } = await issueApiKey(store, {
      tenant: "t",
      scopes: [],
      plan: "free",
      mode: "test",
    });
    await assert.rejects(
      () => store.put({ ...record, id: "key_other" }),
      (e) => e instanceof AuthError && e.code === "invalid_argument",
    );
  } finally {
    kv.close();
  }
});
