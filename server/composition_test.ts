// The full recommended stack (server/_test_stack.ts) attacked over a real socket by independent
// clients. Each scenario is a defect found by attacking the stack from outside; each section is
// owned by the area it exercises.

import assert from "node:assert/strict";
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
import { CompactSign, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { FAILING_MODES, hostileJwks } from "../middleware/auth/_test_jwks_server.ts";
import { generateApiKey, issueApiKey } from "../middleware/auth/mod.ts";
import { ConfigurationError } from "../http/config_error.ts";
import { gzipSync as nodeGzip } from "node:zlib";
import { createRoute, z } from "@hono/zod-openapi";
import { Client, ClientError } from "../client/mod.ts";
import { BAD_NETWORK, flakyProxy } from "../client/_test_flaky_proxy.ts";
import { startStack, withStack } from "./_test_stack.ts";
import { run } from "./_test_util.ts";
import { proxy } from "hono/proxy";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../middleware/idempotency/mod.ts";

Deno.test("composition: the full stack serves an authenticated read and write", async () => {
  await withStack({}, async (stack) => {
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
  });
});

// --- auth ---

/** GET `path` with no credentials (or with `headers`); the status, body consumed. */
async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.body?.cancel();
  return res.status;
}

Deno.test("auth: withAuth leaves open only the endpoints the server serves (openapi: false)", async () => {
  await withStack({
    server: { openapi: false, metrics: false },
    routes: (s) =>
      s.route("/docs", Route.get((c) => c.text("user docs")))
        .route("/metrics", Route.get((c) => c.text("user metrics"))),
  }, async (stack) => {
    // The server serves no Swagger UI and no metrics: the user's routes there need credentials.
    assert.equal(await statusOf(`${stack.url}/docs`), 401);
    assert.equal(await statusOf(`${stack.url}/metrics`), 401);
    assert.equal(await statusOf(`${stack.url}/openapi.json`), 401);
    const h = { "x-avl-api-key": stack.apiKey };
    const docs = await fetch(`${stack.url}/docs`, { headers: h });
    assert.equal(await docs.text(), "user docs");
    // Health stays open, to GET only.
    assert.equal(await statusOf(`${stack.url}/healthz`), 200);
    assert.equal(await statusOf(`${stack.url}/healthz`, { method: "POST" }), 401);
  });
});

Deno.test("auth: withAuth opens custom OpenAPI and docs paths, not the defaults", async () => {
  await withStack({
    server: { openapi: { path: "/spec/v1.json", docsPath: "/reference" }, health: false },
  }, async (stack) => {
    const spec = await fetch(`${stack.url}/spec/v1.json`);
    assert.equal(spec.status, 200);
    assert.equal((await spec.json()).openapi, "3.1.0");
    assert.equal(await statusOf(`${stack.url}/reference`), 200);
    assert.equal(await statusOf(`${stack.url}/openapi.json`), 401);
    assert.equal(await statusOf(`${stack.url}/docs`), 401);
    assert.equal(await statusOf(`${stack.url}/healthz`), 401);
    assert.equal(await statusOf(`${stack.url}/metrics`), 200);
  });
});

/** GET `url` with `headers` from source address `from` (a Python stdlib client); the status. */
async function statusFrom(from: string, url: string, headers: Record<string, string>) {
  const u = new URL(url);
  const script = `
import http.client, json, sys
c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=10,
                               source_address=(sys.argv[3], 0))
c.request("GET", sys.argv[4], headers=json.loads(sys.argv[5]))
r = c.getresponse()
r.read()
print(r.status)
`;
  const out = await run("python3", [
    "-c",
    script,
    u.hostname,
    u.port,
    from,
    u.pathname,
    JSON.stringify(headers),
  ]);
  assert.equal(out.code, 0, out.stderr);
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test("auth: 300 bad keys from one IP get 429s after 20 failures; another IP still gets in", async () => {
  let t = Date.now();
  await withStack({ auth: { now: () => t } }, async (stack) => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      // Well-formed keys nobody issued, and malformed ones.
      const bad = i % 3 === 0 ? `avl_test_${"x".repeat(i % 40)}` : (await generateApiKey()).key;
      const res = await fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": bad } });
      const p = await res.json();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) {
        assert.equal(p.code, "too_many_failed_attempts");
        assert.equal(res.headers.get("retry-after"), "3");
      } else assert.equal(res.status, 401);
    }
    assert.deepEqual(Object.fromEntries(statuses), { 401: 20, 429: 280 });
    const good = { "x-avl-api-key": stack.apiKey };
    // The throttled IP is throttled whatever it sends; a client at another address is not.
    assert.equal(await statusOf(`${stack.url}/api/data`, { headers: good }), 429);
    assert.equal(await statusFrom("127.0.0.2", `${stack.url}/api/data`, good), 200);
    assert.equal(
      await statusFrom("127.0.0.2", `${stack.url}/api/data`, { "x-avl-api-key": "x" }),
      401,
    );
    // Once the budget refills, the first IP gets in again.
    t += 60_000;
    assert.equal(await statusOf(`${stack.url}/api/data`, { headers: good }), 200);
  });
});

const ISSUER = "https://issuer.test";
const issuerKeys = await generateKeyPair("ES256", { extractable: true });
const issuerJwk: JWK = {
  ...(await exportJWK(issuerKeys.publicKey)),
  kid: "issuer-1",
  alg: "ES256",
};
const attacker = await generateKeyPair("ES256");

/** A token of the issuer, signed with its key (`iat` at `atMs` unless given). */
function issued(sub: string, atMs: number, iat = Math.floor(atMs / 1000)): Promise<string> {
  return new SignJWT({ tenant: "acme", scope: "data:read" })
    .setProtectedHeader({ alg: "ES256", kid: "issuer-1" })
    .setIssuer(ISSUER).setAudience("avx-api").setSubject(sub).setJti(crypto.randomUUID())
    .setIssuedAt(iat).setExpirationTime(Math.floor(atMs / 1000) + 300)
    .sign(issuerKeys.privateKey);
}

/** A forged token: the attacker's own key under a kid the issuer never had, built by hand. */
function forgedToken(i: number, atMs: number): Promise<string> {
  const s = Math.floor(atMs / 1000);
  const claims = {
    iss: ISSUER,
    aud: "avx-api",
    sub: `mallory-${i}`,
    tenant: "acme",
    iat: s,
    exp: s + 300,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: "ES256", kid: `rotated-${i}` })
    .sign(attacker.privateKey);
}

/** Sends every token to `/api/data`, 40 at a time; the status and problem code of each. */
async function sendTokens(url: string, tokens: string[]): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  for (let i = 0; i < tokens.length; i += 40) {
    out.push(
      ...await Promise.all(
        tokens.slice(i, i + 40).map(async (t): Promise<[number, string]> => {
          const res = await fetch(`${url}/api/data`, { headers: { authorization: `Bearer ${t}` } });
          const body = await res.json();
          return [res.status, res.status === 200 ? "ok" : body.code];
        }),
      ),
    );
  }
  return out;
}

Deno.test("auth: JWKS failing every way costs one fetch per cooldown; issuer tokens keep working", async () => {
  await using jwks = hostileJwks([issuerJwk], "500");
  let t = Date.now();
  await withStack({
    auth: {
      methods: ["api-key", "jwt"],
      jwt: {
        algorithms: ["ES256"],
        issuer: ISSUER,
        audience: "avx-api",
        jwksUrl: jwks.url,
        jwks: {
          cooldownMs: 1_000,
          maxBackoffMs: 8_000,
          cacheMaxAgeMs: 10_000,
          staleIfErrorMs: 3_600_000,
        },
      },
      // This test proves the JWKS bound alone; the failed-login limit has its own test.
      failedLogins: false,
      now: () => t,
    },
  }, async (stack) => {
    // The issuer is down before any key is known: a flood is one fetch and 503s, never a crash.
    const cold = await sendTokens(stack.url, [
      ...await Promise.all(Array.from({ length: 200 }, (_, i) => forgedToken(i, t))),
      ...await Promise.all(Array.from({ length: 10 }, (_, i) => issued(`cold-${i}`, t))),
    ]);
    assert.ok(cold.every(([s, code]) => s === 503 && code === "auth_unavailable"));
    assert.equal(jwks.fetches(), 1);
    // It recovers; the next fetch (past the backoff) brings the keys.
    jwks.setMode("ok");
    t += 60_000;
    assert.deepEqual(await sendTokens(stack.url, [await issued("alice", t)]), [[200, "ok"]]);
    assert.equal(jwks.fetches(), 2);
    // A token issued an hour ahead is not valid yet.
    assert.deepEqual(
      await sendTokens(stack.url, [await issued("early", t, Math.floor(t / 1000) + 3600)]),
      [[401, "token_not_yet_valid"]],
    );
    for (const [n, mode] of FAILING_MODES.entries()) {
      jwks.setMode(mode);
      t += 20_000; // keys due for a refetch, past any backoff
      const results = await sendTokens(stack.url, [
        ...await Promise.all(Array.from({ length: 200 }, (_, i) => forgedToken(i, t))),
        ...await Promise.all(Array.from({ length: 10 }, (_, i) => issued(`${mode}-${i}`, t))),
      ]);
      assert.equal(jwks.fetches(), 3 + n, `one fetch for the ${mode} flood`);
      const forgedCodes = new Set(results.slice(0, 200).map(([s, c]) => `${s} ${c}`));
      assert.deepEqual([...forgedCodes], ["401 unknown_key_id"], mode);
      assert.ok(results.slice(200).every(([s]) => s === 200), `issuer tokens during ${mode}`);
    }
  });
});

// --- idempotency, timeouts ---

/**
 * POSTs until the answer is neither 409 "in progress" nor 503, waiting the server's Retry-After
 * between, as a client retrying a keyed write does.
 */
async function postUntilDone(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await fetch(url, init);
    if (r.status !== 409 && r.status !== 503) return r;
    const wait = Number(r.headers.get("retry-after") ?? "1");
    await r.body?.cancel();
    await new Promise((ok) => setTimeout(ok, Math.min(1_000, Math.max(50, wait * 1000))));
  }
  throw new Error("still in progress after 20 attempts");
}

Deno.test("composition: a write that outlives its timeout runs once; retries replay its 201", async () => {
  // Timeout 300 ms, handler 900 ms: every first attempt gets the timeout's 503 while the handler
  // keeps running. The key stays held (409 + Retry-After) until the handler's own outcome is
  // known, and that outcome (201), not the 503, is what the retry replays.
  // (The handler reads its small body first: the margin between the two must hold on a loaded
  // machine, or the first attempt's body is gone when the timeout answers and it never runs.)
  await withStack({ timeoutMs: 300 }, async (stack) => {
    const keys = Array.from({ length: 20 }, (_, i) => `w-${i}`);
    const init = (key: string): RequestInit => ({
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "idempotency-key": key },
      body: `{"write":"${key}"}`,
    });
    const url = `${stack.url}/api/slow?ms=900`;
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
    // Each client ends with the handler's own 201: a replay of the first attempt's run (or, on a
    // machine so loaded that the timeout ended a first attempt's body before it was read, the
    // retry's own run). Either way each write ran once.
    for (const r of retried) {
      assert.deepEqual({ ...r, replayed: null }, {
        status: 201,
        replayed: null,
        body: { done: true },
      });
    }
    assert.ok(retried.some((r) => r.replayed === "true"), "the retries replay the handler's 201");
    assert.deepEqual(keys.map((k) => stack.runs.get(k)), keys.map(() => 1));
  });
});

Deno.test("composition: one caller's key is one key whichever header carries its credential", async () => {
  await withStack({}, async (stack) => {
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
  });
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

Deno.test("composition: one caller flooding new keys does not evict another's records", async () => {
  // A full store evicts finished records to make room. If it evicted the oldest of anyone's, one
  // authenticated caller sending many new keys would erase every other caller's records, and
  // their retries would run again. The caller holding the most records gives one up first.
  await withStack({
    idempotencyStore: new MemoryIdempotencyStore({ maxEntries: 20 }),
  }, async (stack) => {
    const { key: otherKey } = await issueApiKey(stack.keys, {
      tenant: "other",
      scopes: ["data:write"],
      plan: "pro",
      mode: "test",
    });
    const write = async (apiKey: string, key: string) => {
      const r = await fetch(`${stack.url}/api/items`, {
        method: "POST",
        headers: { "x-avl-api-key": apiKey, "idempotency-key": key },
        body: `{"write":"${key}"}`,
      });
      await r.body?.cancel();
      return r.status;
    };
    const mine = ["mine-1", "mine-2", "mine-3"];
    for (const k of mine) assert.equal(await write(stack.apiKey, k), 201);
    for (let i = 0; i < 60; i++) assert.equal(await write(otherKey, `flood-${i}`), 201);
    // The retries replay (201 again), and the writes ran once each.
    for (const k of mine) assert.equal(await write(stack.apiKey, k), 201);
    assert.deepEqual(mine.map((k) => stack.runs.get(k)), [1, 1, 1]);
  });
});

Deno.test("composition: shutdown waits for a write its timeout answered for, and its record", async () => {
  // The handler outlives its 100 ms timeout (the client got 503) and is still writing when the
  // shutdown starts. The drain must wait for it and for the idempotency record of its outcome:
  // exiting before would cut the write and leave its key locked until it lapses, after which a
  // retry runs the write again.
  const events: string[] = [];
  const inner = new MemoryIdempotencyStore();
  const store: IdempotencyStore = {
    begin: (...a) => inner.begin(...a),
    complete: (key, fingerprint, response, nowMs, ttlMs) => {
      events.push("recorded");
      return inner.complete(key, fingerprint, response, nowMs, ttlMs);
    },
    release: (k) => inner.release(k),
  };
  let entered!: () => void;
  const running = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stack = await startStack({
    timeoutMs: 100,
    idempotencyStore: store,
    routes: (s) =>
      s.route(
        "/api/gated",
        // No body: the timeout ends a body still unread, whatever a loaded machine's timing.
        Route.post(async (c) => {
          entered();
          await gate;
          events.push("written");
          return c.json({ ok: true }, 201);
        }),
      ),
  });
  const r = await fetch(`${stack.url}/api/gated`, {
    method: "POST",
    headers: { "x-avl-api-key": stack.apiKey, "idempotency-key": "late-1" },
  });
  assert.equal(r.status, 503);
  await r.body?.cancel();
  await running;
  const closing = stack.close().then(() => events.push("closed"));
  // Let the shutdown run as far as it will before the handler may finish.
  await new Promise((r) => setTimeout(r, 100));
  release();
  await closing;
  assert.deepEqual(events, ["written", "recorded", "closed"]);
  assert.deepEqual(stack.errors, []);
});

// --- request bodies, load shedding ---

const enc = new TextEncoder();
/** gzip by node:zlib (an encoder independent of ours), as a plain Uint8Array body. */
const gzipSync = (data: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(nodeGzip(data));

/** Reads one HTTP/1.1 response head and its `Content-Length` body off a raw socket, bounded. */
async function readRawResponse(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  let text = "";
  const buf = new Uint8Array(4096);
  const dec = new TextDecoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
  try {
    for (let i = 0; i < 64; i++) {
      const n = await Promise.race([conn.read(buf), expired]);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n));
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) continue;
      const cl = /content-length: *(\d+)/i.exec(text.slice(0, end));
      if (cl && text.length >= end + 4 + Number(cl[1])) break;
    }
  } finally {
    clearTimeout(timer);
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

Deno.test("composition: load shedding counts handlers still running after their timeout", async () => {
  // Two writes time out (the clients got 503) but their handlers still work: with
  // maxInFlight 2 the server is full until they end, not free for two more, then two more...
  let entered = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stack = await startStack({
    timeoutMs: 100,
    maxInFlight: 2,
    routes: (s) =>
      s.route(
        "/api/gated",
        Route.post(async (c) => {
          entered++;
          await gate;
          return c.json({ ok: true }, 201);
        }),
      ),
  });
  const h = { "x-avl-api-key": stack.apiKey };
  const url = `${stack.url}/api/data`;
  try {
    const timedOut = await Promise.all([1, 2].map(async () => {
      const r = await fetch(`${stack.url}/api/gated`, { method: "POST", headers: h });
      return [r.status, (await r.json()).code];
    }));
    assert.deepEqual(timedOut, [[503, "request_timeout"], [503, "request_timeout"]]);
    // Both handlers are at work (bounded wait: on a loaded machine one may start after its 503).
    for (let i = 0; i < 100 && entered < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(entered, 2);
    assert.deepEqual(await problemOf(url, { headers: h }), [503, "overloaded"]);
    release();
    // Once the two handlers ended, requests are admitted again (bounded wait).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = await statusOf(url, { headers: h });
    }
    assert.equal(status, 200);
  } finally {
    release();
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: a write whose timeout answered 503 first does not run when its body arrives", async () => {
  // The client sends 3 of 10 body bytes, gets the timeout's 503 ("not handled"), then sends the
  // rest. The handler (or the idempotency layer reading the body first) must not go on to the
  // write the client was told did not happen: a client retrying that 503 would write twice.
  const stack = await startStack({ timeoutMs: 150, bodyTimeoutMs: 10_000 });
  const port = Number(new URL(stack.url).port);
  // The connections stay open (as a client still uploading keeps them) until the server stopped.
  const conns: Deno.Conn[] = [];
  try {
    for (const key of ["slow-1", undefined]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.push(conn);
      {
        const head = `POST /api/items HTTP/1.1\r\nhost: x\r\nx-avl-api-key: ${stack.apiKey}\r\n` +
          (key === undefined ? "" : `idempotency-key: ${key}\r\n`) +
          "content-length: 10\r\n\r\nabc";
        await conn.write(enc.encode(head));
        const res = await readRawResponse(conn, 5_000);
        assert.equal(res.status, 503);
        assert.equal(JSON.parse(res.body).code, "request_timeout");
        await conn.write(enc.encode("defghij")).catch(() => 0);
      }
    }
    // The keyed write was never begun: its retry runs it (once), it is not a replay.
    const retry = await postUntilDone(`${stack.url}/api/items`, {
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "idempotency-key": "slow-1" },
      body: "abcdefghij",
    });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get("idempotent-replayed"), null);
    await retry.body?.cancel();
  } finally {
    // The drain waits for whatever the timed-out requests still do.
    await stack.close();
    for (const conn of conns) conn.close();
  }
  assert.deepEqual(Object.fromEntries(stack.runs), { "slow-1": 1 });
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: slow uploads are not counted by load shedding and end in 408", async () => {
  // The attack: clients that send headers and then trickle a body held a load-shedding slot
  // each, so a few of them made the server refuse everyone else with 503. Here 6 trickling
  // uploads against maxInFlight 2: reads are still served, and each upload gets a 408 problem
  // once the body-read timeout passes.
  const slow = 6;
  let entered = 0;
  let allEntered!: () => void;
  const reading = new Promise<void>((r) => (allEntered = r));
  const stack = await startStack({
    maxInFlight: 2,
    bodyTimeoutMs: 1_500,
    routes: (s) =>
      s.route(
        "/api/trickle",
        Route.post(async (c) => {
          if (++entered === slow) allEntered();
          return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
        }),
      ),
  });
  const port = new URL(stack.url).port;
  const conns: Deno.Conn[] = [];
  let stop = false;
  const trickles: Promise<void>[] = [];
  try {
    for (let i = 0; i < slow; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      conns.push(conn);
      await conn.write(enc.encode(
        `POST /api/trickle HTTP/1.1\r\nHost: 127.0.0.1\r\nX-AVL-API-Key: ${stack.apiKey}\r\n` +
          `Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n` +
          "x".repeat(16),
      ));
      // The next upload comes once this one waits on its body inside the handler (a loaded
      // machine may otherwise still have it in the middleware, counted, when the next arrives).
      for (let t = 0; t < 500 && entered <= i; t++) await new Promise((r) => setTimeout(r, 10));
      // 16 more bytes now and then, until the server answers or closes.
      trickles.push((async () => {
        for (let k = 0; k < 20 && !stop; k++) {
          await new Promise((r) => setTimeout(r, 100));
          if (stop) break;
          try {
            await conn.write(enc.encode("y".repeat(16)));
          } catch {
            break;
          }
        }
      })());
    }
    // Every upload is inside its handler, waiting on its client (bounded: a shed upload never
    // gets there).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const entry = await Promise.race([
      reading.then(() => "in"),
      new Promise<string>((r) => (timer = setTimeout(() => r("timed out"), 5_000))),
    ]);
    clearTimeout(timer);
    assert.equal(entry, "in", `${entered} of ${slow} uploads reached their handler`);
    const h = { "x-avl-api-key": stack.apiKey };
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${stack.url}/api/data`, { headers: h });
      assert.equal(r.status, 200, `read ${i} served while uploads trickle`);
      await r.body?.cancel();
    }
    const w = await fetch(`${stack.url}/api/items`, { method: "POST", headers: h, body: "hi" });
    assert.equal(w.status, 201);
    await w.body?.cancel();
    for (const conn of conns) {
      const res = await readRawResponse(conn, 5_000);
      assert.equal(res.status, 408);
      const problem = JSON.parse(res.body);
      assert.equal(problem.code, "body_timeout");
      assert.equal(problem.status, 408);
    }
  } finally {
    stop = true;
    await Promise.all(trickles);
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
    await stack.close();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: an upload cut off mid-body ends its read in a typed 400; serving goes on", async () => {
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  let outcome: Promise<number> | undefined;
  await withStack({
    routes: (s) =>
      s.route(
        "/api/cut",
        Route.post((c) => {
          entered();
          // What the handler's read ends in, as seen by the app (the client is gone).
          outcome = c.req.arrayBuffer().then(() => 200, (e) => e?.status ?? 500);
          return outcome.then((status) => c.json({ status }));
        }),
      ),
  }, async (stack) => {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(stack.url).port),
    });
    await conn.write(enc.encode(
      `POST /api/cut HTTP/1.1\r\nHost: 127.0.0.1\r\nX-AVL-API-Key: ${stack.apiKey}\r\n` +
        `Content-Length: 1000\r\n\r\n` + "x".repeat(100),
    ));
    await inHandler;
    conn.close();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      outcome!,
      new Promise<string>((r) => (timer = setTimeout(() => r("still reading after 5 s"), 5_000))),
    ]);
    clearTimeout(timer);
    assert.equal(status, 400, "the read fails with a 400 problem (body_incomplete)");
    const r = await fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey } });
    assert.equal(r.status, 200);
    await r.body?.cancel();
  });
});

/** 9 MiB of JSON-ish text that gzip shrinks about 20-fold (like the reported 435 KiB body). */
function bigJson(bytes: number): Uint8Array {
  const rows: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const row = `{"i":${i % 1000},"status":"ok","region":"eu-west","v":${i % 7}}`;
    rows.push(row);
    size += row.length + 1;
  }
  return enc.encode(`[${rows.join(",")}]`);
}

Deno.test("composition: bodyLimit holds for the decoded body of a gzip upload", async () => {
  await withStack({ bodyLimit: 1024 * 1024 }, async (stack) => {
    const plain = bigJson(9 * 1024 * 1024);
    const gz = gzipSync(plain);
    assert.ok(gz.byteLength < 1024 * 1024, `the wire body (${gz.byteLength}) is under the limit`);
    const r = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: {
        "x-avl-api-key": stack.apiKey,
        "content-encoding": "gzip",
        "content-type": "application/json",
      },
      body: gz,
    });
    assert.equal(r.status, 413);
    const problem = await r.json();
    assert.equal(problem.code, "body_too_large");
    assert.equal(problem.limit, 1024 * 1024);
    // A body within the limit once decoded still reaches the handler.
    const ok = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "content-encoding": "gzip" },
      body: gzipSync(plain.subarray(0, 512 * 1024)),
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { bytes: 512 * 1024 });
  });
});

Deno.test("composition: compressed bodies on a zod-openapi route get typed problems", async () => {
  await withStack({
    bodyLimit: 1024 * 1024,
    routes: (s) =>
      s.openapi(
        createRoute({
          method: "post",
          path: "/api/json",
          request: {
            body: {
              content: { "application/json": { schema: z.array(z.record(z.string(), z.any())) } },
            },
          },
          responses: { 200: { description: "rows" } },
        }),
        (c) => c.json({ rows: c.req.valid("json").length }, 200),
      ),
  }, async (stack) => {
    const post = (body: Uint8Array, coding: string) =>
      fetch(`${stack.url}/api/json`, {
        method: "POST",
        headers: {
          "x-avl-api-key": stack.apiKey,
          "content-encoding": coding,
          "content-type": "application/json",
        },
        body: body as Uint8Array<ArrayBuffer>,
      });
    // A bomb: 64 MiB of spaces inside a JSON array, 64 KiB gzipped.
    const bomb = gzipSync(enc.encode(`[${" ".repeat(64 * 1024 * 1024)}]`));
    // A valid body cut inside its 8-byte trailer (CRC-32, size): the stream ends too early.
    const whole = gzipSync(bigJson(64 * 1024));
    const cases: Array<[string, Uint8Array, string, number, string]> = [
      ["bomb", bomb, "gzip", 413, "body_too_large"],
      ["oversized", gzipSync(bigJson(3 * 1024 * 1024)), "gzip", 413, "body_too_large"],
      [
        "truncated",
        whole.subarray(0, whole.length - 6),
        "gzip",
        400,
        "body_coding_invalid",
      ],
      ["garbage", enc.encode("not gzip at all, just text"), "gzip", 400, "body_coding_invalid"],
    ];
    for (const [name, body, coding, status, code] of cases) {
      const r = await post(body, coding);
      const problem = await r.json();
      assert.equal(r.status, status, `${name}: ${JSON.stringify(problem)}`);
      assert.equal(problem.code, code, name);
    }
    const ok = await post(gzipSync(enc.encode(`[{"a":1},{"b":2}]`)), "gzip");
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { rows: 2 });
  });
});

Deno.test("composition: cost tracking records the wire bytes of a zstd upload", async () => {
  const stack = await startStack();
  try {
    const plain = bigJson(470_000);
    const { code, stdout, stderr } = await run("zstd", ["-q", "-c", "-3"], plain);
    assert.equal(code, 0, stderr);
    const r = await fetch(`${stack.url}/api/upload`, {
      method: "POST",
      headers: { "x-avl-api-key": stack.apiKey, "content-encoding": "zstd" },
      body: stdout,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { bytes: plain.byteLength });
    const rows = (await stack.ledger.query({ from: 0, to: Date.now() + 86_400_000 }))
      .filter((x) => x.route === "/api/upload");
    assert.equal(rows.length, 1);
    assert.equal(rows[0].requests, 1);
    assert.equal(
      rows[0].bytesIn,
      stdout.byteLength,
      `wire ${stdout.byteLength}, decoded ${plain.byteLength}`,
    );
  } finally {
    await stack.close();
  }
});

// --- responses, runtimes ---

/** An upstream on its own loopback socket, for routes that proxy with `fetch`. */
function upstreamServer(body: string): { url: string; close(): Promise<void> } {
  const up = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(body, { headers: { "content-type": "application/json", "x-up": "1" } }),
  );
  return { url: `http://127.0.0.1:${up.addr.port}/`, close: () => up.shutdown() };
}

Deno.test("composition: a proxied response (fetch upstream) passes every header-writing layer", async () => {
  const body = JSON.stringify({ rows: Array.from({ length: 300 }, (_, i) => ({ i })) });
  const up = upstreamServer(body);
  const stack = await startStack({
    cors: { origin: ["https://app.example"] },
    routes: (s) => s.route("/api/proxy", Route.get(() => fetch(up.url))),
  });
  try {
    for (const encoding of ["gzip", "identity"]) {
      const r = await fetch(`${stack.url}/api/proxy`, {
        headers: {
          "x-avl-api-key": stack.apiKey,
          "accept-encoding": encoding,
          origin: "https://app.example",
        },
      });
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(await r.text(), body);
      assert.equal(r.headers.get("x-up"), "1");
      assert.ok(r.headers.has("ratelimit"), "rate limit headers");
      assert.ok(r.headers.has("x-request-id"), "telemetry");
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example");
      assert.equal(r.headers.get("content-encoding"), encoding === "gzip" ? "gzip" : null);
    }
  } finally {
    await stack.close();
    await up.close();
  }
  assert.deepEqual(stack.errors, []);
  const usage = await stack.ledger.query({ tenant: "acme", from: 0, to: Date.now() + 86_400_000 });
  assert.ok(usage.some((u) => u.route === "/api/proxy"), "the proxied requests were recorded");
});

Deno.test("composition: an upstream answering gzip, passed on with hono/proxy, reaches every client intact", async () => {
  // `fetch` decodes the upstream's gzip but keeps its Content-Encoding and Content-Length, so no
  // layer can tell a decoded body from a coded one; `proxy()` asks in the runtime's name and
  // drops both headers. Through the full stack, each client then gets the exact body.
  const body = JSON.stringify({ rows: Array.from({ length: 300 }, (_, i) => ({ i, s: "x" })) });
  const gz = gzipSync(enc.encode(body));
  const up = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      /gzip/.test(req.headers.get("accept-encoding") ?? "")
        ? new Response(gz, {
          headers: { "content-encoding": "gzip", "content-type": "text/plain" },
        })
        : new Response(body, { headers: { "content-type": "text/plain" } }),
  );
  const stack = await startStack({
    routes: (s) =>
      s.route("/api/proxy", Route.get(() => proxy(`http://127.0.0.1:${up.addr.port}/`))),
  });
  try {
    for (const encoding of ["gzip", "br", "identity"]) {
      const r = await fetch(`${stack.url}/api/proxy`, {
        headers: { "x-avl-api-key": stack.apiKey, "accept-encoding": encoding },
      });
      assert.equal(r.status, 200);
      assert.equal(await r.text(), body, encoding);
      assert.equal(r.headers.get("content-encoding"), encoding === "identity" ? null : encoding);
      assert.ok(r.headers.has("ratelimit"), "rate limit headers");
    }
  } finally {
    await stack.close();
    await up.shutdown();
  }
  assert.deepEqual(stack.errors, []);
});

Deno.test("composition: CORS credentials with any origin does not start; a list echoes only itself", async () => {
  await assert.rejects(
    () => startStack({ cors: { credentials: true } }),
    (e: unknown) => e instanceof ConfigurationError && e.code === "cors_credentials_any_origin",
  );
  const stack = await startStack({ cors: { origin: ["https://app.example"], credentials: true } });
  try {
    const ask = (origin: string) =>
      fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey, origin } });
    const evil = await ask("https://evil.example");
    await evil.body?.cancel();
    assert.equal(evil.headers.get("access-control-allow-origin"), null);
    const good = await ask("https://app.example");
    await good.body?.cancel();
    assert.equal(good.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(good.headers.get("access-control-allow-credentials"), "true");
    assert.match(good.headers.get("vary") ?? "", /Origin/);
  } finally {
    await stack.close();
  }
});

Deno.test("composition: browser code can see that a cross-origin write was replayed", async () => {
  // A page retrying a write must be able to read Idempotent-Replayed, or it cannot tell a replay
  // of its earlier write from a fresh one.
  await withStack({ cors: { origin: ["https://app.example"] } }, async (stack) => {
    const send = () =>
      fetch(`${stack.url}/api/items`, {
        method: "POST",
        headers: {
          origin: "https://app.example",
          "x-avl-api-key": stack.apiKey,
          "idempotency-key": "page-1",
        },
        body: "x",
      });
    await (await send()).body?.cancel();
    const again = await send();
    await again.body?.cancel();
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    const exposed = (again.headers.get("access-control-expose-headers") ?? "").toLowerCase()
      .split(",").map((h) => h.trim());
    assert.ok(exposed.includes("idempotent-replayed"), exposed.join(","));
    assert.ok(exposed.includes("idempotent-body-omitted"), exposed.join(","));
  });
});

Deno.test("composition: secure headers by default, and nosniff on problems over the wire", async () => {
  const stack = await startStack();
  try {
    const ok = await fetch(`${stack.url}/api/data`, { headers: { "x-avl-api-key": stack.apiKey } });
    await ok.body?.cancel();
    assert.equal(ok.headers.get("x-content-type-options"), "nosniff");
    assert.equal(ok.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.ok(ok.headers.has("strict-transport-security"));
    const anon = await fetch(`${stack.url}/api/data`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("content-type"), "application/problem+json");
    assert.equal(anon.headers.get("x-content-type-options"), "nosniff");
    await anon.body?.cancel();
  } finally {
    await stack.close();
  }
  const bare = await startStack({ server: { secureHeaders: false } });
  try {
    const res = await fetch(`${bare.url}/api/data`, { headers: { "x-avl-api-key": bare.apiKey } });
    await res.body?.cancel();
    assert.equal(res.headers.get("x-frame-options"), null);
    const missing = await fetch(`${bare.url}/nope`, { headers: { "x-avl-api-key": bare.apiKey } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-content-type-options"), "nosniff");
    await missing.body?.cancel();
  } finally {
    await bare.close();
  }
});

// --- bad input: one typed problem, with a stable code, per case ---

/** Sends `init` to `url`; the status and the problem's `code` (the body must be a problem). */
async function problemOf(url: string, init: RequestInit = {}): Promise<[number, unknown]> {
  const r = await fetch(url, init);
  assert.equal(r.headers.get("content-type"), "application/problem+json", `${r.status} ${url}`);
  const body = await r.json();
  assert.equal(body.status, r.status);
  return [r.status, body.code];
}

Deno.test("composition: every bad input ends in a problem with a stable code; serving goes on", async () => {
  await withStack({
    timeoutMs: 150,
    routes: (s) => s.route("/api/json", Route.post(async (c) => c.json(await c.req.json()))),
  }, async (stack) => {
    const key = { "x-avl-api-key": stack.apiKey };
    const post = (headers: Record<string, string>, body: BodyInit): RequestInit => ({
      method: "POST",
      headers: { ...key, ...headers },
      body,
    });
    const at = (path: string) => `${stack.url}${path}`;
    const got: Record<string, [number, unknown]> = {};
    got.anonymous = await problemOf(at("/api/data"));
    got.unknownKey = await problemOf(at("/api/data"), { headers: { "x-avl-api-key": "avl_x" } });
    got.noRoute = await problemOf(at("/api/nothing"), { headers: key });
    got.wrongMethod = await problemOf(at("/api/data"), { method: "DELETE", headers: key });
    got.badJson = await problemOf(at("/api/json"), post({}, "{not json"));
    got.badKey = await problemOf(at("/api/items"), post({ "idempotency-key": '"open' }, "a"));
    const first = await fetch(at("/api/items"), post({ "idempotency-key": "r1" }, "a"));
    assert.equal(first.status, 201);
    await first.body?.cancel();
    got.keyReused = await problemOf(at("/api/items"), post({ "idempotency-key": "r1" }, "b"));
    got.bomb = await problemOf(
      at("/api/upload"),
      post({ "content-encoding": "gzip" }, gzipSync(new Uint8Array(64 << 20))),
    );
    got.badCoding = await problemOf(
      at("/api/upload"),
      post({ "content-encoding": "gzip" }, enc.encode("not gzip at all")),
    );
    got.unknownCoding = await problemOf(
      at("/api/upload"),
      post({ "content-encoding": "x-unknown" }, "abc"),
    );
    // A write past its timeout: 503 to the caller, then 409 while its handler still runs.
    // (No body: the timeout ends a body still unread, whatever a loaded machine's timing.)
    const slow: RequestInit = { method: "POST", headers: { ...key, "idempotency-key": "t1" } };
    got.timeout = await problemOf(at("/api/slow?ms=600"), slow);
    got.inProgress = await problemOf(at("/api/slow?ms=600"), slow);
    assert.deepEqual(got, {
      anonymous: [401, "missing_credentials"],
      unknownKey: [401, "malformed_api_key"],
      noRoute: [404, "not_found"],
      wrongMethod: [405, "method_not_allowed"],
      badJson: [400, "body_json_invalid"],
      badKey: [400, "idempotency_key_invalid"],
      keyReused: [422, "idempotency_key_reused"],
      bomb: [413, "body_too_large"],
      badCoding: [400, "body_coding_invalid"],
      unknownCoding: [415, "body_coding_unsupported"],
      timeout: [503, "request_timeout"],
      inProgress: [409, "idempotency_in_progress"],
    });
    // Serving goes on, and no write ran twice.
    assert.equal(await statusOf(at("/api/data"), { headers: key }), 200);
    assert.deepEqual([stack.runs.get("r1"), stack.runs.get("t1") ?? 0].map((n) => n! <= 1), [
      true,
      true,
    ]);
  });
});

Deno.test("composition: load shedding's 503 and the rate limit's 429 carry their codes", async () => {
  await withStack({ rateLimit: 60, maxInFlight: 1 }, async (stack) => {
    const h = { headers: { "x-avl-api-key": stack.apiKey } };
    const url = `${stack.url}/api/data`;
    const busy = fetch(`${stack.url}/api/slow?ms=1500`, { ...h, method: "POST", body: "a" });
    // Once the one admitted handler is at work, the next request is shed (bounded wait).
    let i = 0;
    while (i++ < 40 && await statusOf(url, h) !== 503) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await problemOf(url, h), [503, "overloaded"]);
    await (await busy).body?.cancel();
    while (i++ < 100 && await statusOf(url, h) !== 429);
    assert.deepEqual(await problemOf(url, h), [429, "rate_limited"]);
  });
});

// --- client over a bad network ---

Deno.test("composition: 500 keyed writes through a flaky proxy all land once, none twice", async () => {
  const stack = await startStack();
  // BAD_NETWORK: the fates are drawn from a seeded PRNG in accept order.
  const proxy = flakyProxy({ target: stack.url, ...BAD_NETWORK });
  const client = Client.builder().baseUrl(proxy.url).avlAuth(stack.apiKey).idempotent().build();
  const writes = 500;
  const ok: boolean[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    while (next < writes) {
      const i = next++;
      try {
        const res = await client.post("/api/items").json({ i }).idempotent(`w-${i}`).send();
        const body = await res.json<{ bytes: number }>();
        ok[i] = res.status === 201 && body.bytes === JSON.stringify({ i }).length;
        if (!ok[i]) fail(String(res.status));
      } catch (e) {
        fail(e instanceof ClientError ? e.code : String(e));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 20 }, worker));
  } finally {
    await proxy.close();
    await stack.close();
  }
  const successes = ok.filter(Boolean).length;
  assert.ok(
    successes >= writes * 0.99,
    `${successes} of ${writes}; failed: ${JSON.stringify([...failures])}`,
  );
  for (let i = 0; i < writes; i++) {
    const runs = stack.runs.get(`"w-${i}"`) ?? 0;
    assert.ok(runs <= 1, `write ${i} ran ${runs} times`);
    if (ok[i]) assert.equal(runs, 1, `write ${i} reported successful but never ran`);
  }
  const f = proxy.fates;
  assert.ok(f.drop > 0 && f.lose > 0 && f.cut > 0 && f.delay > 0, JSON.stringify(f));
  assert.deepEqual(stack.errors, []);
});
