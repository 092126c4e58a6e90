// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
import { issueApiKey } from "../middleware/auth/mod.ts";
import {
  type CostGranularity,
  type CostLedger,
  type CostRecord,
  KvCostLedger,
  MemoryCostLedger,
  type UsageQuery,
  type UsageRow,
} from "../middleware/cost/mod.ts";
import { Route } from "./route.ts";
import { startStack } from "./_test_stack.ts";

Deno.test("composition: the full stack serves an authenticated read and write", async () => {
  const stack = await startStack();
  try {
    const h = { "x-avl-api-key": stack.apiKey };
    const r = await fetch(`${stack.url}/api/data`, {
      headers: { ...h, "accept-encoding": "gzip" },
    });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).rows.length, 128);
    const w = await fetch(`${stack.url}/api/items`, {
      method: "POST",
      headers: { ...h, "idempotency-key": "k1" },
      body: "hello",
    });
    assert.equal(w.status, 201);
    assert.deepEqual(await w.json(), { bytes: 5 });
    const anon = await fetch(`${stack.url}/api/data`);
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

// --- auth ---

// --- idempotency, timeouts ---

/** POSTs until the answer is not 409 "in progress", waiting the server's Retry-After between. */
async function postUntilDone(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await fetch(url, init);
    if (r.status !== 409) return r;
    const wait = Number(r.headers.get("retry-after") ?? "1");
    await r.body?.cancel();
    await new Promise((ok) => setTimeout(ok, Math.min(1_000, Math.max(50, wait * 1000))));
  }
  throw new Error("still in progress after 20 attempts");
}

Deno.test("composition: a write that outlives its timeout runs once; retries replay its 201", async () => {
  // Timeout 100 ms, handler 400 ms: every first attempt gets the timeout's 503 while the handler
  // keeps running. The key stays held (409 + Retry-After) until the handler's own outcome is
  // known, and that outcome (201), not the 503, is what the retry replays.
  const stack = await startStack({ timeoutMs: 100 });
  try {
    const keys = Array.from({ length: 20 }, (_, i) => `w-${i}`);
    const init = (key: string): RequestInit => ({
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "idempotency-key": key },
      body: `{"write":"${key}"}`,
    });
    const url = `${stack.url}/api/slow?ms=400`;
    const first = await Promise.all(keys.map(async (k) => {
      const r = await fetch(url, init(k));
      await r.body?.cancel();
      return r.status;
    }));
    assert.deepEqual(first, keys.map(() => 503));
    const retried = await Promise.all(keys.map(async (k) => {
      const r = await postUntilDone(url, init(k));
      return {
        status: r.status,
        replayed: r.headers.get("idempotent-replayed"),
        body: await r.json(),
      };
    }));
    for (const r of retried) {
      assert.deepEqual(r, { status: 201, replayed: "true", body: { done: true } });
    }
    assert.deepEqual(keys.map((k) => stack.runs.get(k)), keys.map(() => 1));
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: one caller's key is one key whichever header carries its credential", async () => {
  const stack = await startStack();
  try {
    const { key: otherKey } = await issueApiKey(stack.keys, {
      tenant: "other",
      scopes: ["data:write"],
      plan: "pro",
      mode: "test",
    });
    const send = (credential: Record<string, string>) =>
      fetch(`${stack.url}/api/items`, {
        method: "POST",
        headers: { ...credential, "idempotency-key": "same-key" },
        body: '{"qty":1}',
      });
    const styles: Record<string, string>[] = [
      { "x-avl-api-key": stack.apiKey },
      { authorization: `ApiKey ${stack.apiKey}` },
      { authorization: `Bearer ${stack.apiKey}` },
      { authorization: `apikey ${stack.apiKey}` },
    ];
    const seen = [];
    for (const h of styles) {
      const r = await send(h);
      seen.push([r.status, r.headers.get("idempotent-replayed"), await r.json()]);
    }
    assert.deepEqual(seen, [
      [201, null, { bytes: 9 }],
      [201, "true", { bytes: 9 }],
      [201, "true", { bytes: 9 }],
      [201, "true", { bytes: 9 }],
    ]);
    assert.equal(stack.runs.get("same-key"), 1);
    // Another caller's same key is its own.
    const other = await send({ "x-avl-api-key": otherKey });
    assert.equal(other.status, 201);
    assert.equal(other.headers.get("idempotent-replayed"), null);
    await other.body?.cancel();
    assert.equal(stack.runs.get("same-key"), 2);
  } finally {
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

/** A ledger that counts the records it gets after `close()`: those a durable ledger loses. */
class ClosingLedgerSpy implements CostLedger {
  readonly granularity: CostGranularity;
  closedAt = -1;
  recorded = 0;
  afterClose = 0;
  constructor(readonly inner: CostLedger) {
    this.granularity = inner.granularity;
  }
  record(r: CostRecord): void {
    this.recorded++;
    if (this.closedAt >= 0) this.afterClose++;
    this.inner.record(r);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  query(q: UsageQuery): Promise<UsageRow[]> {
    return this.inner.query(q);
  }
  close(): Promise<void> {
    if (this.closedAt < 0) this.closedAt = this.recorded;
    return this.inner.close();
  }
}

Deno.test("composition: requests that finish during the shutdown drain are all billed", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    for (const kind of ["kv", "memory"]) {
      const inner = kind === "kv"
        ? new KvCostLedger(kv, { prefix: ["drain"], flushIntervalMs: 60_000 })
        : new MemoryCostLedger();
      const ledger = new ClosingLedgerSpy(inner);
      let entered = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const stack = await startStack({
        costLedger: ledger,
        routes: (s) =>
          s.route(
            "/api/gated",
            Route.post(async (c) => {
              await c.req.arrayBuffer();
              entered++;
              await gate;
              return c.json({ ok: true }, 201);
            }),
          ),
      });
      const h = { "x-avl-api-key": stack.apiKey };
      // Usage before the shutdown, then 50 requests still running when it starts.
      for (let i = 0; i < 5; i++) {
        await (await fetch(`${stack.url}/api/data`, { headers: h })).body?.cancel();
      }
      const inflight = Array.from(
        { length: 50 },
        () =>
          fetch(`${stack.url}/api/gated`, { method: "POST", headers: h, body: "x" }).then(
            async (r) => {
              await r.body?.cancel();
              return r.status;
            },
          ),
      );
      for (let i = 0; i < 500 && entered < 50; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(entered, 50, kind);
      const closing = stack.close();
      release();
      assert.deepEqual(await Promise.all(inflight), inflight.map(() => 201), kind);
      await closing;
      assert.equal(ledger.recorded, 55, kind);
      assert.equal(ledger.afterClose, 0, `${kind}: records that came after the ledger closed`);
      // What is durable: a fresh view of the store (the KV ledger's own query adds pending ones).
      const durable = kind === "kv" ? new KvCostLedger(kv, { prefix: ["drain"] }) : inner;
      const rows = await durable.query({ tenant: "acme", from: 0, to: Date.now() + 86_400_000 });
      assert.equal(rows.reduce((n, r) => n + r.requests, 0), 55, kind);
      assert.deepEqual(stack.errors, [], kind);
    }
  } finally {
    kv.close();
  }
});

// --- request bodies, load shedding ---

// --- responses, runtimes ---
