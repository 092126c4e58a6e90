import assert from "node:assert/strict";
import { exportJWK, exportSPKI, type JWK, type JWTPayload, SignJWT } from "jose";
import { keyPair } from "./_test_keys.ts";
import { FAILING_MODES, hostileJwks } from "./_test_jwks_server.ts";
import { AuthError } from "./errors.ts";
import { createJwtVerifier, type JwtOptions } from "./jwt.ts";

const NOW = 1_700_000_000_000;
const NOW_S = NOW / 1000;
const ISS = "https://id.example";
const AUD = "avx-api";
const SECRET = new TextEncoder().encode("0123456789abcdef0123456789abcdef-secret");

const es = await keyPair("ES256", { extractable: true });
const rs = await keyPair("RS256", { extractable: true });

const b64url = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

function claims(extra: JWTPayload = {}): JWTPayload {
  return {
    iss: ISS,
    aud: AUD,
    sub: "user-1",
    tenant: "acme",
    iat: NOW_S,
    exp: NOW_S + 300,
    ...extra,
  };
}

function sign(
  payload: JWTPayload,
  key: CryptoKey | Uint8Array = es.privateKey,
  header: { alg: string; kid?: string } = { alg: "ES256" },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

function verifier(extra: Partial<JwtOptions> = {}) {
  return createJwtVerifier({
    algorithms: ["ES256"],
    issuer: ISS,
    audience: AUD,
    keys: es.publicKey,
    clockToleranceSec: 0,
    ...extra,
  });
}

async function rejectsWith(p: Promise<unknown>, code: string, detail?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof AuthError, String(e));
    assert.equal(e.code, code, e.message);
    if (detail) assert.match(e.message, detail);
    return true;
  });
}

Deno.test("a valid token becomes a principal with tenant, scopes, plan and residency", async () => {
  const v = verifier();
  const token = await sign(
    claims({
      scope: "data:read data:write",
      scp: ["admin"],
      plan: "pro",
      residency: { regions: ["br-"], reason: "LGPD" },
    }),
  );
  const p = await v.verify(token, NOW);
  assert.equal(p.kind, "jwt");
  assert.equal(p.tenant, "acme");
  assert.equal(p.subject, "user-1");
  assert.deepEqual(p.scopes, ["data:read", "data:write", "admin"]);
  assert.equal(p.plan, "pro");
  assert.deepEqual(p.residency, { regions: ["br-"], reason: "LGPD" });
  assert.equal(p.claims?.iss, ISS);
  // tid is the fallback tenant claim; a custom claim name can be configured.
  const tid = await sign(claims({ tenant: undefined, tid: "globex", scopes: ["x"] }));
  assert.equal((await v.verify(tid, NOW)).tenant, "globex");
  assert.equal((await v.verify(tid, NOW)).plan, "free");
  const org = verifier({ claims: { tenant: "org_id", defaultPlan: "starter" } });
  const orgToken = await sign(claims({ tenant: undefined, org_id: "initech" }));
  assert.equal((await org.verify(orgToken, NOW)).tenant, "initech");
  assert.equal((await org.verify(orgToken, NOW)).plan, "starter");
});

Deno.test("alg none is rejected, and can never be configured", async () => {
  const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`;
  await rejectsWith(verifier().verify(unsigned, NOW), "alg_not_allowed");
  const unsignedHs = `${b64url({ alg: "HS256" })}.${b64url(claims())}.`;
  await rejectsWith(verifier().verify(unsignedHs, NOW), "alg_not_allowed");
  for (const algorithms of [["none"], ["ES256", "none"], ["NONE"], []]) {
    assert.throws(
      () => verifier({ algorithms: algorithms as JwtOptions["algorithms"] }),
      (e) => e instanceof AuthError && e.code === "invalid_argument",
    );
  }
  assert.throws(
    () => createJwtVerifier({ issuer: ISS, audience: AUD, keys: es.publicKey } as JwtOptions),
    (e) => e instanceof AuthError && e.code === "invalid_argument",
  );
});

Deno.test("HS256 signed with the RSA public key never verifies (no HS/RS confusion)", async () => {
  const pem = new TextEncoder().encode(await exportSPKI(rs.publicKey));
  const jwk = await exportJWK(rs.publicKey);
  const forged = await sign(claims(), pem, { alg: "HS256" });
  const forgedJwk = await sign(claims(), new TextEncoder().encode(JSON.stringify(jwk)), {
    alg: "HS256",
  });
  const good = await sign(claims(), rs.privateKey, { alg: "RS256" });
  for (const keys of [rs.publicKey, jwk]) {
    const v = verifier({ algorithms: ["RS256"], keys });
    assert.equal((await v.verify(good, NOW)).tenant, "acme");
    await rejectsWith(v.verify(forged, NOW), "alg_not_allowed");
    await rejectsWith(v.verify(forgedJwk, NOW), "alg_not_allowed");
  }
  // Allowing both families at once, or HS* with a public key, is a configuration error.
  for (
    const opts of [
      { algorithms: ["RS256", "HS256"], keys: rs.publicKey },
      { algorithms: ["HS256"], keys: rs.publicKey },
      { algorithms: ["HS256"], keys: jwk },
      { algorithms: ["RS256"], keys: SECRET },
      { algorithms: ["HS256"], keys: new Uint8Array(16) },
      { algorithms: ["HS256"], keys: SECRET, jwksUrl: "https://id.example/jwks" },
    ] as Partial<JwtOptions>[]
  ) {
    assert.throws(
      () => verifier(opts),
      (e) => e instanceof AuthError && e.code === "invalid_argument",
    );
  }
  // A private JWK is refused as a verification key.
  const priv = await exportJWK(rs.privateKey);
  assert.throws(() => verifier({ algorithms: ["RS256"], keys: priv }), AuthError);
});

Deno.test("HS256 with a secret works; a token signed with another secret does not", async () => {
  const v = verifier({ algorithms: ["HS256"], keys: SECRET });
  const ok = await sign(claims(), SECRET, { alg: "HS256" });
  assert.equal((await v.verify(ok, NOW)).subject, "user-1");
  const other = await sign(claims(), new Uint8Array(32).fill(7), { alg: "HS256" });
  await rejectsWith(v.verify(other, NOW), "invalid_token", /signature/);
  // An ES256 token to an HS256-only verifier: the alg is not allowed.
  await rejectsWith(v.verify(await sign(claims()), NOW), "alg_not_allowed");
});

Deno.test("expired and not-yet-valid tokens, with clock tolerance, on the injected clock", async () => {
  const v = verifier();
  const expired = await sign(claims({ exp: NOW_S - 1 }));
  await rejectsWith(v.verify(expired, NOW), "token_expired", /expired/);
  // exp is exclusive: valid strictly before it.
  const edge = await sign(claims({ exp: NOW_S + 10 }));
  assert.ok(await v.verify(edge, NOW + 9_000));
  await rejectsWith(v.verify(edge, NOW + 10_000), "token_expired");
  const future = await sign(claims({ nbf: NOW_S + 60 }));
  await rejectsWith(v.verify(future, NOW), "token_not_yet_valid", /not yet valid/);
  assert.ok(await v.verify(future, NOW + 60_000));
  const tolerant = verifier({ clockToleranceSec: 30 });
  assert.equal((await tolerant.verify(expired, NOW + 20_000)).tenant, "acme");
  await rejectsWith(tolerant.verify(expired, NOW + 40_000), "token_expired");
  assert.ok(await tolerant.verify(future, NOW + 31_000));
  await rejectsWith(tolerant.verify(future, NOW + 29_000), "token_not_yet_valid");
  // The default tolerance is 5 s.
  const def = createJwtVerifier({
    algorithms: ["ES256"],
    issuer: ISS,
    audience: AUD,
    keys: es.publicKey,
  });
  assert.ok(await def.verify(expired, NOW + 3_000));
  await rejectsWith(def.verify(expired, NOW + 6_000), "token_expired");
  assert.throws(() => verifier({ clockToleranceSec: -1 }), AuthError);
});

Deno.test("wrong audience, wrong issuer and missing exp/iss/aud/sub/tenant are rejected", async () => {
  const v = verifier();
  await rejectsWith(v.verify(await sign(claims({ aud: "other-api" })), NOW), "bad_audience");
  await rejectsWith(v.verify(await sign(claims({ aud: ["a", "b"] })), NOW), "bad_audience");
  assert.ok(await v.verify(await sign(claims({ aud: ["a", AUD] })), NOW));
  await rejectsWith(
    v.verify(await sign(claims({ iss: "https://evil.example" })), NOW),
    "bad_issuer",
  );
  await rejectsWith(v.verify(await sign(claims({ exp: undefined })), NOW), "missing_claim", /exp/);
  await rejectsWith(v.verify(await sign(claims({ iss: undefined })), NOW), "missing_claim", /iss/);
  await rejectsWith(v.verify(await sign(claims({ aud: undefined })), NOW), "missing_claim", /aud/);
  await rejectsWith(v.verify(await sign(claims({ sub: undefined })), NOW), "missing_claim", /sub/);
  await rejectsWith(
    v.verify(await sign(claims({ tenant: undefined })), NOW),
    "missing_claim",
    /tenant/,
  );
  await rejectsWith(
    v.verify(await sign(claims({ exp: "soon" as unknown as number })), NOW),
    "invalid_token",
  );
  await rejectsWith(v.verify(await sign(claims({ scope: 42 })), NOW), "invalid_token", /scope/);
  await rejectsWith(v.verify(await sign(claims({ scp: ["a b"] })), NOW), "invalid_token", /scp/);
  await rejectsWith(v.verify(await sign(claims({ plan: 3 })), NOW), "invalid_token", /plan/);
  await rejectsWith(v.verify(await sign(claims({ residency: 5 })), NOW), "invalid_token");
  // Several issuers or audiences may be accepted.
  const multi = verifier({ issuer: [ISS, "https://id2.example"], audience: ["x", AUD] });
  assert.ok(await multi.verify(await sign(claims({ iss: "https://id2.example" })), NOW));
});

Deno.test("malformed tokens give typed errors, never crashes, and never echo the token", async () => {
  const v = verifier();
  const good = await sign(claims());
  const inputs = [
    "",
    "abc",
    "a.b",
    "a.b.c.d",
    "!!!.###.$$$",
    "eyJ.eyJ.sig",
    `${b64url("not an object")}.${b64url(claims())}.sig`,
    `${b64url({ alg: "ES256" })}.${b64url("str")}.${good.split(".")[2]}`,
    `${b64url({ alg: "ES256", crit: ["x"] })}.${b64url(claims())}.${good.split(".")[2]}`,
    good.slice(0, -4),
    good + "A",
    good.replace(".", ".."),
    "x".repeat(9000),
  ];
  // Random single-character mutations of a valid token.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  let seed = 42;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 200; i++) {
    const at = rand(good.length);
    const ch = alphabet[rand(alphabet.length)];
    if (good[at] !== ch) inputs.push(good.slice(0, at) + ch + good.slice(at + 1));
  }
  for (const input of inputs) {
    try {
      const p = await v.verify(input, NOW);
      // A mutation can leave the token valid only if it did not change the signed content
      // (e.g. unused low bits of the last base64url character); then it is the same principal.
      assert.equal(p.subject, "user-1");
      assert.equal(p.tenant, "acme");
    } catch (e) {
      assert.ok(e instanceof AuthError, `non-AuthError for ${JSON.stringify(input)}: ${e}`);
      assert.ok(e.status === 401, `${e.code} for ${input}`);
      if (input.length > 8) assert.ok(!e.message.includes(input));
    }
  }
});

Deno.test("several static keys are chosen by kid; an unknown kid is rejected", async () => {
  const other = await keyPair("ES256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(other.publicKey)), kid: "k2" };
  const v = verifier({ keys: [{ kid: "k1", key: es.publicKey }, jwk] });
  assert.ok(await v.verify(await sign(claims(), es.privateKey, { alg: "ES256", kid: "k1" }), NOW));
  assert.ok(
    await v.verify(await sign(claims(), other.privateKey, { alg: "ES256", kid: "k2" }), NOW),
  );
  await rejectsWith(
    v.verify(await sign(claims(), other.privateKey, { alg: "ES256", kid: "k1" }), NOW),
    "invalid_token",
  );
  await rejectsWith(
    v.verify(await sign(claims(), es.privateKey, { alg: "ES256", kid: "k9" }), NOW),
    "unknown_key_id",
  );
  await rejectsWith(v.verify(await sign(claims()), NOW), "unknown_key_id");
  assert.throws(() => verifier({ keys: [es.publicKey, other.publicKey] }), AuthError);
});

interface JwksServer extends AsyncDisposable {
  url: string;
  fetches: () => number;
  setKeys: (keys: JWK[]) => void;
  setStatus: (status: number) => void;
  setBody: (body: string) => void;
}

function serveJwks(initial: JWK[]): JwksServer {
  let keys = initial;
  let status = 200;
  let body: string | undefined;
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    count++;
    return new Response(body ?? JSON.stringify({ keys }), {
      status,
      headers: { "content-type": "application/jwk-set+json" },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/.well-known/jwks.json`,
    fetches: () => count,
    setKeys: (k) => (keys = k),
    setStatus: (s) => (status = s),
    setBody: (b) => (body = b),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

const kA = await keyPair("ES256", { extractable: true });
const kB = await keyPair("ES256", { extractable: true });
const jwkA: JWK = { ...(await exportJWK(kA.publicKey)), kid: "A", alg: "ES256", use: "sig" };
const jwkB: JWK = { ...(await exportJWK(kB.publicKey)), kid: "B", alg: "ES256", use: "sig" };
const tokenA = await sign(claims(), kA.privateKey, { alg: "ES256", kid: "A" });
const tokenB = await sign(claims({ sub: "user-b" }), kB.privateKey, { alg: "ES256", kid: "B" });

Deno.test("JWKS: fetched once and cached; concurrent verifications share one fetch", async () => {
  await using jwks = serveJwks([jwkA]);
  const v = verifier({ keys: undefined, jwksUrl: jwks.url });
  const results = await Promise.all(Array.from({ length: 8 }, () => v.verify(tokenA, NOW)));
  assert.ok(results.every((p) => p.tenant === "acme"));
  assert.equal(jwks.fetches(), 1);
  await v.verify(tokenA, NOW);
  assert.equal(jwks.fetches(), 1);
});

Deno.test("JWKS rotation: an unknown kid refetches only after the cooldown", async () => {
  await using jwks = serveJwks([jwkA]);
  // Cooling down: a token with a new kid right after the fetch is rejected without refetching.
  const cooling = verifier({ keys: undefined, jwksUrl: jwks.url, jwks: { cooldownMs: 60_000 } });
  assert.ok(await cooling.verify(tokenA, NOW));
  jwks.setKeys([jwkA, jwkB]);
  await rejectsWith(cooling.verify(tokenB, NOW), "unknown_key_id");
  await rejectsWith(cooling.verify(tokenB, NOW), "unknown_key_id");
  assert.equal(jwks.fetches(), 1);

  // Past the cooldown (0 here), the unknown kid triggers one refetch and the new key works.
  jwks.setKeys([jwkA]);
  const before = jwks.fetches();
  const rotating = verifier({
    keys: undefined,
    jwksUrl: jwks.url,
    jwks: { cooldownMs: 0 },
    cache: false,
  });
  assert.ok(await rotating.verify(tokenA, NOW));
  assert.equal(jwks.fetches(), before + 1);
  jwks.setKeys([jwkB]);
  assert.equal((await rotating.verify(tokenB, NOW)).subject, "user-b");
  assert.equal(jwks.fetches(), before + 2);
  // The retired key is gone after the rotation; its kid is unknown now.
  await rejectsWith(rotating.verify(tokenA, NOW), "unknown_key_id");
  // Static keys are consulted before the JWKS (no fetch for their kids).
  const both = verifier({ keys: [{ kid: "A", key: kA.publicKey }], jwksUrl: jwks.url });
  const n = jwks.fetches();
  assert.ok(await both.verify(tokenA, NOW));
  assert.equal(jwks.fetches(), n);
});

Deno.test("JWKS failures are 503 auth_unavailable: error status, junk, oversize, unreachable", async () => {
  await using jwks = serveJwks([jwkA]);
  jwks.setStatus(500);
  await rejectsWith(
    verifier({ keys: undefined, jwksUrl: jwks.url }).verify(tokenA, NOW),
    "auth_unavailable",
  );
  jwks.setStatus(200);
  jwks.setBody("not json");
  await rejectsWith(
    verifier({ keys: undefined, jwksUrl: jwks.url }).verify(tokenA, NOW),
    "auth_unavailable",
  );
  jwks.setBody(JSON.stringify({ keys: "nope" }));
  await rejectsWith(
    verifier({ keys: undefined, jwksUrl: jwks.url }).verify(tokenA, NOW),
    "auth_unavailable",
  );
  jwks.setBody(JSON.stringify({ keys: [jwkA], pad: "x".repeat(300_000) }));
  await rejectsWith(
    verifier({ keys: undefined, jwksUrl: jwks.url }).verify(tokenA, NOW),
    "auth_unavailable",
    /too large/,
  );
  const small = verifier({ keys: undefined, jwksUrl: jwks.url, jwks: { maxBytes: 400_000 } });
  assert.ok(await small.verify(tokenA, NOW));
  // A port nobody listens on.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const down = verifier({ keys: undefined, jwksUrl: `http://127.0.0.1:${port}/jwks` });
  await rejectsWith(down.verify(tokenA, NOW), "auth_unavailable", /unreachable/);
  const e = await down.verify(tokenA, NOW).catch((e) => e);
  assert.equal(e.status, 503);
});

Deno.test("verified-token cache: hits skip verification until the TTL; exp and nbf re-checked", async () => {
  await using jwks = serveJwks([jwkA]);
  const v = verifier({
    keys: undefined,
    jwksUrl: jwks.url,
    // The JWKS itself is not cached here, so every real verification fetches it.
    jwks: { cooldownMs: 0, cacheMaxAgeMs: 0 },
    cache: { ttlMs: 10_000 },
  });
  const soon = await sign(claims({ exp: NOW_S + 20, nbf: NOW_S - 1 }), kA.privateKey, {
    alg: "ES256",
    kid: "A",
  });
  assert.ok(await v.verify(soon, NOW));
  assert.ok(await v.verify(tokenA, NOW));
  const fetches = jwks.fetches();
  assert.equal(fetches, 2);
  // Retire key A: cached tokens are still accepted within the TTL (documented), no fetch...
  jwks.setKeys([jwkB]);
  assert.equal((await v.verify(tokenA, NOW + 9_999)).subject, "user-1");
  assert.equal(jwks.fetches(), fetches);
  // ...and rejected once it has passed (the verifier goes back to the JWKS).
  await rejectsWith(v.verify(tokenA, NOW + 10_000), "unknown_key_id");
  assert.ok(jwks.fetches() > fetches);
  // exp and nbf are checked on every hit, on the injected clock.
  jwks.setKeys([jwkA]);
  const w = verifier({ keys: kA.publicKey, cache: { ttlMs: 60_000 } });
  assert.ok(await w.verify(soon, NOW));
  assert.ok(await w.verify(soon, NOW + 19_000));
  await rejectsWith(w.verify(soon, NOW + 20_000), "token_expired");
  const later = await sign(claims({ nbf: NOW_S + 30 }), kA.privateKey, { alg: "ES256" });
  assert.ok(await w.verify(later, NOW + 30_000));
  await rejectsWith(w.verify(later, NOW + 29_000), "token_not_yet_valid");
});

Deno.test("iat in the future beyond the clock tolerance is rejected as token_not_yet_valid", async () => {
  const v = verifier({ clockToleranceSec: 5 });
  const ahead = await sign(claims({ iat: NOW_S + 3600, exp: NOW_S + 7200 }));
  await rejectsWith(v.verify(ahead, NOW), "token_not_yet_valid", /iat/);
  // Within the tolerance it is accepted; and once the clock has caught up.
  assert.ok(await v.verify(await sign(claims({ iat: NOW_S + 5 })), NOW));
  await rejectsWith(v.verify(await sign(claims({ iat: NOW_S + 6 })), NOW), "token_not_yet_valid");
  assert.ok(await v.verify(ahead, NOW + 3600_000));
  // The rejected token was not cached: still rejected at the same time.
  await rejectsWith(v.verify(ahead, NOW), "token_not_yet_valid");
});

/** A token with a kid the issuer never had, signed with a key of the attacker's own. */
async function forged(i: number, at = NOW_S): Promise<string> {
  return await sign(claims({ sub: `attacker-${i}`, iat: at, exp: at + 300 }), es.privateKey, {
    alg: "ES256",
    kid: `forged-${i}`,
  });
}

/** A token of the issuer (key A), issued at `at` (seconds). */
function valid(i: number, at: number): Promise<string> {
  return sign(claims({ sub: `user-${i}`, iat: at, exp: at + 300 }), kA.privateKey, {
    alg: "ES256",
    kid: "A",
  });
}

Deno.test("JWKS outage: one fetch per cooldown whatever the traffic and failure; stale keys serve", async () => {
  await using jwks = hostileJwks([jwkA]);
  const v = verifier({
    keys: undefined,
    jwksUrl: jwks.url,
    cache: false,
    jwks: {
      cooldownMs: 1_000,
      maxBackoffMs: 8_000,
      cacheMaxAgeMs: 10_000,
      staleIfErrorMs: 300_000,
    },
  });
  assert.equal((await v.verify(await valid(0, NOW_S), NOW)).subject, "user-0");
  assert.equal(jwks.fetches(), 1);
  let t = NOW;
  for (const mode of FAILING_MODES) {
    jwks.setMode(mode);
    // Keys are due for a refetch (past cacheMaxAgeMs and any backoff): one flood, one fetch.
    t += 20_000;
    const s = Math.floor(t / 1000);
    const flood = await Promise.allSettled([
      ...Array.from({ length: 150 }, async (_, i) => v.verify(await forged(i, s), t)),
      ...Array.from({ length: 10 }, async (_, i) => v.verify(await valid(i, s), t)),
    ]);
    assert.equal(jwks.fetches(), 2 + FAILING_MODES.indexOf(mode), mode);
    for (const r of flood.slice(0, 150)) {
      assert.equal(r.status, "rejected");
      assert.equal((r as PromiseRejectedResult).reason.code, "unknown_key_id", mode);
    }
    // The issuer's tokens keep verifying with the last good keys.
    for (const r of flood.slice(150)) assert.equal(r.status, "fulfilled", mode);
    // Within the backoff, more traffic fetches nothing.
    await rejectsWith(v.verify(await forged(999, s), t + 999), "unknown_key_id");
    assert.equal(jwks.fetches(), 2 + FAILING_MODES.indexOf(mode), mode);
  }
  // Five failures in a row: the wait has doubled up to maxBackoffMs (8 s).
  const before = jwks.fetches();
  await rejectsWith(v.verify(await forged(1), t + 7_999), "unknown_key_id");
  assert.equal(jwks.fetches(), before);
  await rejectsWith(v.verify(await forged(1), t + 8_000), "unknown_key_id");
  assert.equal(jwks.fetches(), before + 1);
  // Stale keys are bounded: past cacheMaxAgeMs + staleIfErrorMs they are no longer used.
  const end = NOW + 10_000 + 300_000;
  await rejectsWith(v.verify(await valid(1, end / 1000), end), "auth_unavailable");
  // The issuer recovers: the next allowed fetch brings fresh keys and clears the backoff.
  jwks.setMode("ok");
  const back = end + 8_000;
  assert.equal((await v.verify(await valid(2, back / 1000), back)).subject, "user-2");
  assert.equal(jwks.fetches(), before + 3);
  await rejectsWith(v.verify(await forged(2, back / 1000), back + 1_000), "unknown_key_id");
  assert.equal(jwks.fetches(), before + 4, "after a success the wait is the cooldown again");
});

Deno.test("JWKS outage before any key was known: a flood is one fetch and 503s", async () => {
  for (const mode of FAILING_MODES) {
    await using jwks = hostileJwks([jwkA], mode);
    const v = verifier({ keys: undefined, jwksUrl: jwks.url, jwks: { cooldownMs: 30_000 } });
    const flood = await Promise.allSettled(
      Array.from({ length: 100 }, async (_, i) => v.verify(i % 2 ? tokenA : await forged(i), NOW)),
    );
    for (const r of flood) {
      assert.equal(r.status, "rejected", mode);
      assert.equal((r as PromiseRejectedResult).reason.code, "auth_unavailable", mode);
      assert.equal((r as PromiseRejectedResult).reason.status, 503, mode);
    }
    assert.equal(jwks.fetches(), 1, mode);
    // Still cooling down a second later: no fetch.
    await rejectsWith(v.verify(tokenA, NOW + 1_000), "auth_unavailable");
    assert.equal(jwks.fetches(), 1, mode);
  }
});
