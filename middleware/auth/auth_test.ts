import assert from "node:assert/strict";
import { Hono } from "hono";
import { type JWTPayload, SignJWT } from "jose";
import { keyPair } from "./_test_keys.ts";
import { Route, Server } from "../../server/mod.ts";
import { listenLocal } from "../../server/_test_util.ts";
import type { Counter } from "../../http/metrics.ts";
import { generateApiKey } from "./api_key.ts";
import { auth, type AuthOptions } from "./auth.ts";
import { AuthError } from "./errors.ts";
import { type ApiKeyRecord, issueApiKey, type KeyStore } from "./key_store.ts";
import { principalOf } from "../../http/principal.ts";
import { MemoryKeyStore } from "./stores/memory.ts";

const NOW = 1_700_000_000_000;
const ISS = "https://id.example";
const AUD = "avx-api";
const es = await keyPair("ES256");

function jwt(extra: JWTPayload = {}): Promise<string> {
  return new SignJWT({ tenant: "acme", scope: "data:read", ...extra })
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer(ISS).setAudience((extra.aud as string | undefined) ?? AUD).setSubject("user-1")
    .setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 300)
    .sign(es.privateKey);
}

interface Setup {
  app: Hono;
  store: MemoryKeyStore;
  key: string;
  record: ApiKeyRecord;
  clock: { now: number };
}

async function setup(opts: Partial<AuthOptions> = {}): Promise<Setup> {
  const store = new MemoryKeyStore();
  const { key, record } = await issueApiKey(store, {
    tenant: "acme",
    scopes: ["data:read"],
    plan: "pro",
    mode: "test",
    residency: { regions: ["br-"], reason: "LGPD" },
    now: () => NOW,
  });
  const clock = { now: NOW };
  const app = new Hono();
  app.use(
    "/v1/*",
    auth({
      jwt: { algorithms: ["ES256"], issuer: ISS, audience: AUD, keys: es.publicKey },
      keyStore: store,
      now: () => clock.now,
      ...opts,
    }),
  );
  app.get("/v1/me", (c) => {
    const p = principalOf(c);
    return c.json(p ? { kind: p.kind, tenant: p.tenant, subject: p.subject, plan: p.plan } : null);
  });
  return { app, store, key, record, clock };
}

async function expect401(
  res: Response,
  code: string,
  challenge: RegExp,
  secret?: string,
): Promise<void> {
  const body = await res.text();
  assert.equal(res.status, 401, body);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const problem = JSON.parse(body);
  assert.equal(problem.code, code, body);
  assert.equal(problem.status, 401);
  const www = res.headers.get("www-authenticate") ?? "";
  assert.match(www, challenge);
  if (secret) {
    assert.ok(!body.includes(secret), "problem echoes the credential");
    assert.ok(!www.includes(secret), "challenge echoes the credential");
  }
}

const get = (app: Hono, headers: Record<string, string>) => app.request("/v1/me", { headers });

Deno.test("no credentials: 401 offering both schemes, without an error code (RFC 6750 §3.1)", async () => {
  const { app } = await setup();
  const res = await get(app, {});
  await expect401(res, "missing_credentials", /^Bearer realm="avx", ApiKey realm="avx"$/);
  const jwtOnly = await setup({ methods: ["jwt"], realm: "data api" });
  await expect401(
    await get(jwtOnly.app, {}),
    "missing_credentials",
    /^Bearer realm="data api"$/,
  );
});

Deno.test("a valid JWT and a valid API key (three header forms) set the principal", async () => {
  const { app, key, record } = await setup();
  const token = await jwt({ plan: "enterprise" });
  const viaJwt = await get(app, { authorization: `Bearer ${token}` });
  assert.deepEqual(await viaJwt.json(), {
    kind: "jwt",
    tenant: "acme",
    subject: "user-1",
    plan: "enterprise",
  });
  const expected = { kind: "api-key", tenant: "acme", subject: record.id, plan: "pro" };
  for (
    const headers of [
      { "x-avl-api-key": key },
      { authorization: `ApiKey ${key}` },
      { authorization: `apikey ${key}` },
      { authorization: `Bearer ${key}` },
    ] as Record<string, string>[]
  ) {
    const res = await get(app, headers);
    assert.deepEqual(await res.json(), expected, JSON.stringify(headers));
  }
  // RFC 9110 §11.4 allows several spaces between scheme and credentials; scheme is case-insensitive.
  assert.equal((await get(app, { authorization: `bEaReR   ${token}` })).status, 200);
});

Deno.test("malformed headers: empty Bearer, spaces inside, non-base64, huge, both credentials", async () => {
  const { app, key } = await setup();
  const token = await jwt();
  await expect401(
    await get(app, { authorization: "Bearer" }),
    "malformed_header",
    /error="invalid_request", error_description="Authorization: Bearer has no credential"/,
  );
  await expect401(
    await get(app, { authorization: "Bearer   " }),
    "malformed_header",
    /invalid_request/,
  );
  await expect401(
    await get(app, { authorization: `Bearer ${token} ${token}` }),
    "malformed_header",
    /single token/,
    token,
  );
  await expect401(
    await get(app, { authorization: `Bearer ${token},x` }),
    "malformed_header",
    /single token/,
    token,
  );
  await expect401(
    await get(app, { authorization: "Bearer !!not~base64$$" }),
    "invalid_token",
    /^Bearer realm="avx", error="invalid_token", error_description="token is not a compact JWS/,
  );
  const huge = "A".repeat(100_000) + "." + "B".repeat(100_000) + ".C";
  await expect401(
    await get(app, { authorization: `Bearer ${huge}` }),
    "malformed_header",
    /too long/,
    "A".repeat(100),
  );
  await expect401(
    await get(app, { "x-avl-api-key": "k".repeat(1_000_000) }),
    "malformed_api_key",
    /ApiKey/,
  );
  await expect401(
    await get(app, { authorization: "Basic dXNlcjpwYXNz" }),
    "malformed_header",
    /unsupported/,
  );
  await expect401(
    await get(app, { authorization: `Bearer ${token}`, "x-avl-api-key": key }),
    "malformed_header",
    /one credential/,
    key,
  );
  await expect401(await get(app, { "x-avl-api-key": "" }), "malformed_header", /empty/);
});

Deno.test("bad tokens say why in the challenge, never echoing the token", async () => {
  const { app } = await setup();
  const expired = await new SignJWT({ tenant: "acme" }).setProtectedHeader({ alg: "ES256" })
    .setIssuer(ISS).setAudience(AUD).setSubject("u").setExpirationTime(NOW / 1000 - 60)
    .sign(es.privateKey);
  await expect401(
    await get(app, { authorization: `Bearer ${expired}` }),
    "token_expired",
    /^Bearer realm="avx", error="invalid_token", error_description="token expired"$/,
    expired,
  );
  const wrongAud = await jwt({ aud: "other" });
  await expect401(
    await get(app, { authorization: `Bearer ${wrongAud}` }),
    "bad_audience",
    /audience/,
    wrongAud,
  );
});

Deno.test("API keys: malformed, wrong checksum, unknown, revoked, expired, mode not accepted", async () => {
  const { app, key, store, clock } = await setup();
  const challenge = /^ApiKey realm="avx", error="invalid_token", error_description="/;
  await expect401(
    await get(app, { "x-avl-api-key": "avl_live_nope" }),
    "malformed_api_key",
    challenge,
  );
  const typo = key.slice(0, 20) + (key[20] === "a" ? "b" : "a") + key.slice(21);
  await expect401(await get(app, { "x-avl-api-key": typo }), "bad_checksum", challenge, typo);
  const stranger = (await generateApiKey({ mode: "test" })).key;
  await expect401(
    await get(app, { "x-avl-api-key": stranger }),
    "unknown_api_key",
    challenge,
    stranger,
  );
  await expect401(
    await get(app, { authorization: `Bearer ${stranger}` }),
    "unknown_api_key",
    challenge,
    stranger,
  );

  const soon = await issueApiKey(store, {
    tenant: "acme",
    scopes: [],
    plan: "free",
    mode: "test",
    expiresAt: NOW + 60_000,
  });
  assert.equal((await get(app, { "x-avl-api-key": soon.key })).status, 200);
  clock.now = NOW + 60_000;
  // Expiry is checked on every request, even for a cached lookup.
  await expect401(await get(app, { "x-avl-api-key": soon.key }), "api_key_expired", /expired/);

  clock.now = NOW;
  const doomed = await issueApiKey(store, {
    tenant: "acme",
    scopes: [],
    plan: "free",
    mode: "test",
  });
  await store.revoke(doomed.record.id, NOW - 1);
  await expect401(await get(app, { "x-avl-api-key": doomed.key }), "api_key_revoked", /revoked/);
  assert.equal((await get(app, { "x-avl-api-key": key })).status, 200);

  const liveOnly = await setup({ apiKeyModes: ["live"] });
  await expect401(
    await get(liveOnly.app, { "x-avl-api-key": liveOnly.key }),
    "method_not_accepted",
    /test API keys are not accepted/,
  );
  const jwtOnly = await setup({ methods: ["jwt"] });
  await expect401(
    await get(jwtOnly.app, { "x-avl-api-key": jwtOnly.key }),
    "method_not_accepted",
    /^Bearer realm="avx", error="invalid_request"/,
  );
  const keysOnly = await setup({ methods: ["api-key"] });
  await expect401(
    await get(keysOnly.app, { authorization: `Bearer ${await jwt()}` }),
    "method_not_accepted",
    /^ApiKey realm="avx"/,
  );
});

Deno.test("the lookup cache: revocation is honoured once the TTL passes, hits skip the store", async () => {
  const { app, key, record, store, clock } = await setup({ apiKeyCache: { ttlMs: 5_000 } });
  let lookups = 0;
  const find = store.findByHash.bind(store);
  store.findByHash = (h: string) => (lookups++, find(h));
  assert.equal((await get(app, { "x-avl-api-key": key })).status, 200);
  assert.equal((await get(app, { "x-avl-api-key": key })).status, 200);
  assert.equal(lookups, 1);
  await store.revoke(record.id, NOW);
  clock.now = NOW + 4_999;
  // Within the TTL the cached lookup is still used (documented staleness).
  assert.equal((await get(app, { "x-avl-api-key": key })).status, 200);
  clock.now = NOW + 5_000;
  await expect401(await get(app, { "x-avl-api-key": key }), "api_key_revoked", /revoked/);
  assert.equal(lookups, 2);

  // Without a cache, revocation is immediate.
  const nocache = await setup({ apiKeyCache: false });
  assert.equal((await get(nocache.app, { "x-avl-api-key": nocache.key })).status, 200);
  await nocache.store.revoke(nocache.record.id, NOW);
  await expect401(await get(nocache.app, { "x-avl-api-key": nocache.key }), "api_key_revoked", /./);

  // The cache is bounded: with room for one key, alternating keys always miss.
  const tiny = await setup({ apiKeyCache: { maxEntries: 1, ttlMs: 60_000 } });
  const second = await issueApiKey(tiny.store, {
    tenant: "t",
    scopes: [],
    plan: "free",
    mode: "test",
  });
  let n = 0;
  const tinyFind = tiny.store.findByHash.bind(tiny.store);
  tiny.store.findByHash = (h: string) => (n++, tinyFind(h));
  for (let i = 0; i < 3; i++) {
    await get(tiny.app, { "x-avl-api-key": tiny.key });
    await get(tiny.app, { "x-avl-api-key": second.key });
  }
  assert.equal(n, 6);
});

Deno.test("concurrent requests with one uncached key share one store lookup", async () => {
  // The cache is off: only in-flight coalescing can keep this to one lookup.
  const { app, key, store } = await setup({ apiKeyCache: false });
  let lookups = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const find = store.findByHash.bind(store);
  (store as KeyStore).findByHash = async (h: string) => {
    lookups++;
    await gate;
    return find(h);
  };
  const pending = Array.from({ length: 20 }, () => get(app, { "x-avl-api-key": key }));
  release();
  const statuses = (await Promise.all(pending)).map((r) => r.status);
  assert.ok(statuses.every((s) => s === 200));
  assert.equal(lookups, 1);
});

Deno.test("optional: anonymous passes without a principal; bad credentials still fail", async () => {
  const { app, key } = await setup({ optional: true });
  const anon = await get(app, {});
  assert.equal(anon.status, 200);
  assert.equal(await anon.json(), null);
  assert.equal((await get(app, { "x-avl-api-key": key })).status, 200);
  await expect401(await get(app, { "x-avl-api-key": key.slice(0, -2) }), "malformed_api_key", /./);
});

Deno.test("a failing key store gives 503 auth_unavailable, not 401 and not a crash", async () => {
  const broken: KeyStore = {
    findByHash: () => Promise.reject(new Error("connection refused: secret-host:6379")),
    findById: () => Promise.resolve(null),
    put: () => Promise.resolve(),
    revoke: () => Promise.resolve(false),
    delete: () => Promise.resolve(false),
    listByTenant: () => Promise.resolve([]),
  };
  const { app, key } = await setup({ keyStore: broken });
  const res = await get(app, { "x-avl-api-key": key });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  const body = await res.json();
  assert.equal(body.code, "auth_unavailable");
  assert.ok(!JSON.stringify(body).includes("secret-host"));
});

Deno.test("bad options throw typed errors at construction", () => {
  assert.throws(() => auth({}), { name: "AuthError", code: "invalid_argument" });
  assert.throws(
    () => auth({ keyStore: new MemoryKeyStore(), methods: ["jwt"] }),
    { name: "AuthError", code: "invalid_argument" },
  );
  assert.throws(
    () => auth({ keyStore: new MemoryKeyStore(), realm: 'a"b' }),
    { name: "AuthError", code: "invalid_argument" },
  );
});

Deno.test("over a real socket: the avx Server with auth at order 22 and a real fetch client", async () => {
  const store = new MemoryKeyStore();
  const { key, record } = await issueApiKey(store, {
    tenant: "acme",
    scopes: ["data:read"],
    plan: "pro",
    mode: "live",
  });
  const app = new Server()
    .withMiddleware(
      22,
      auth({
        keyStore: store,
        realm: "avx-test",
        skip: (c) => c.req.path === "/metrics" || c.req.path === "/healthz",
      }),
    )
    .route("/me", Route.get((c) => c.json({ subject: principalOf(c)?.subject })))
    .build();
  await using srv = listenLocal(app);
  const ok = await fetch(`${srv.url}/me`, { headers: { "X-AVL-API-Key": key } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { subject: record.id });
  const denied = await fetch(`${srv.url}/me`, { headers: { authorization: "ApiKey" } });
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get("content-type"), "application/problem+json");
  assert.match(denied.headers.get("www-authenticate") ?? "", /realm="avx-test"/);
  const problem = await denied.json();
  assert.equal(problem.code, "malformed_header");
  assert.equal(typeof problem.instance, "string");
  const anon = await fetch(`${srv.url}/me`);
  assert.equal(anon.status, 401);
  await anon.body?.cancel();
  // Failures are counted on the app's metrics registry by code.
  const failures = app.metrics.get("avx_auth_failures_total") as Counter;
  assert.equal(failures.value(["malformed_header"]), 1);
  assert.equal(failures.value(["missing_credentials"]), 1);
  assert.match(app.metrics.render(), /avx_auth_failures_total\{code="missing_credentials"\} 1/);
  // skip: probes and scrapes stay reachable without credentials.
  const scrape = await fetch(`${srv.url}/metrics`);
  assert.equal(scrape.status, 200);
  assert.match(await scrape.text(), /avx_auth_failures_total\{code="malformed_header"\} 1/);
});

/** A key store that counts its lookups. */
function countingStore(inner: KeyStore): KeyStore & { lookups: number } {
  const s = {
    lookups: 0,
    findByHash(hash: string) {
      s.lookups++;
      return inner.findByHash(hash);
    },
    put: (r: ApiKeyRecord) => inner.put(r),
  };
  return s as unknown as KeyStore & { lookups: number };
}

Deno.test("failed logins: per client IP, checked before the credential, 429 with Retry-After", async () => {
  const store = new MemoryKeyStore();
  const { key } = await issueApiKey(store, {
    tenant: "acme",
    scopes: [],
    plan: "pro",
    mode: "test",
  });
  const counting = countingStore(store);
  let verifications = 0;
  const clock = { now: NOW };
  const app = new Hono();
  app.use(
    "/v1/*",
    auth({
      keyStore: counting,
      jwt: {
        verify: () => {
          verifications++;
          return Promise.reject(new AuthError("invalid_token", "bad", "Bearer"));
        },
      },
      now: () => clock.now,
    }),
  );
  app.get("/v1/me", (c) => c.json({ tenant: principalOf(c)?.tenant }));
  const from = (ip: string, headers: Record<string, string> = {}) =>
    app.request("/v1/me", { headers }, { remoteAddr: { hostname: ip, port: 1, transport: "tcp" } });
  const bad = async () => (await generateApiKey({ mode: "test" })).key;

  // Default budget: 20 failures at once; no credentials at all never count.
  for (let i = 0; i < 30; i++) assert.equal((await from("192.0.2.1")).status, 401);
  for (let i = 0; i < 20; i++) {
    const headers: Record<string, string> = i % 2
      ? { "x-avl-api-key": await bad() }
      : { authorization: "Bearer a.b.c" };
    assert.equal((await from("192.0.2.1", headers)).status, 401);
  }
  const lookups = counting.lookups;
  assert.equal(verifications, 10);
  const limited = await from("192.0.2.1", { "x-avl-api-key": await bad() });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "3");
  const p = await limited.json();
  assert.equal(p.code, "too_many_failed_attempts");
  assert.equal(p.status, 429);
  // Throttled requests cost no store lookup and no token verification, good key or not.
  assert.equal((await from("192.0.2.1", { authorization: "Bearer a.b.c" })).status, 429);
  assert.equal((await from("192.0.2.1", { "x-avl-api-key": key })).status, 429);
  assert.equal(counting.lookups, lookups);
  assert.equal(verifications, 10);
  // Another client is not affected; successes spend nothing.
  for (let i = 0; i < 30; i++) {
    assert.equal((await from("192.0.2.2", { "x-avl-api-key": key })).status, 200);
  }
  // The budget refills at limit / window: one more attempt 3 s later.
  clock.now += 3_000;
  assert.equal((await from("192.0.2.1", { "x-avl-api-key": await bad() })).status, 401);
  assert.equal((await from("192.0.2.1", { "x-avl-api-key": await bad() })).status, 429);
  clock.now += 60_000;
  assert.equal((await from("192.0.2.1", { "x-avl-api-key": key })).status, 200);
});

Deno.test("failed logins: IPv6 counted per /64, configurable, can be turned off", async () => {
  const store = new MemoryKeyStore();
  const app = (failedLogins: AuthOptions["failedLogins"]) => {
    const a = new Hono();
    a.use("/v1/*", auth({ keyStore: store, failedLogins, now: () => NOW }));
    a.get("/v1/me", (c) => c.text("ok"));
    return (ip: string) =>
      a.request("/v1/me", { headers: { "x-avl-api-key": "avl_test_nope" } }, {
        remoteAddr: { hostname: ip, port: 1, transport: "tcp" },
      });
  };
  const strict = app({ limit: 2, windowSeconds: 600 });
  assert.equal((await strict("2001:db8:1:2::1")).status, 401);
  assert.equal((await strict("2001:db8:1:2:ffff::9")).status, 401);
  const r = await strict("2001:db8:1:2::77");
  assert.equal(r.status, 429);
  assert.equal(r.headers.get("retry-after"), "300");
  assert.equal((await strict("2001:db8:1:3::1")).status, 401, "another /64");
  const off = app(false);
  for (let i = 0; i < 50; i++) assert.equal((await off("192.0.2.9")).status, 401);
  assert.throws(() => auth({ keyStore: store, failedLogins: { limit: 0 } }), AuthError);
});
