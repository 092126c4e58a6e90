/**
 * Quick auth() cost check (not part of `deno task bench`; the lead's bench/http.ts measures the
 * platform stack over sockets). In-process `app.request` throughput of a bare Hono route vs the
 * same route behind auth() with an API key (cached lookup, uncached lookup) and with JWTs
 * (ES256, HS256). Cases run interleaved and the best of 5 rounds is kept.
 *
 *   deno run -A bench/_auth_quick.ts
 */
import { Hono } from "hono";
import { SignJWT } from "jose";
import { keyPair } from "../middleware/auth/_test_keys.ts";
import { auth, type AuthOptions } from "../middleware/auth/auth.ts";
import { testApiKey } from "../server/_test_api_key.ts";

const { keyStore: store, key } = await testApiKey({ mode: "live" });
const es = await keyPair("ES256");
const secret = new TextEncoder().encode("bench-secret-bench-secret-bench-secret");
const sign = (alg: string, k: CryptoKey | Uint8Array) =>
  new SignJWT({ tenant: "acme", scope: "data:read" }).setProtectedHeader({ alg })
    .setIssuer("https://id.example").setAudience("avx-api").setSubject("u")
    .setExpirationTime("1h").sign(k);
const esToken = await sign("ES256", es.privateKey);
const hsToken = await sign("HS256", secret);

function app(options?: AuthOptions): Hono {
  const h = new Hono();
  if (options) h.use(auth(options));
  h.get("/", (c) => c.json({ ok: true }));
  return h;
}
// Hono skips its middleware composer for a lone handler: this row shows what any middleware costs.
function noop(): Hono {
  const h = new Hono();
  h.use(async function noop(_c, next) {
    await next();
  });
  h.get("/", (c) => c.json({ ok: true }));
  return h;
}
const jwtOpts = (alg: "ES256" | "HS256", keys: CryptoKey | Uint8Array) => ({
  jwt: {
    algorithms: [alg] as ("ES256" | "HS256")[],
    issuer: "https://id.example",
    audience: "avx-api",
    keys,
  },
});

const cases: [string, Hono, Record<string, string>][] = [
  // Same request headers as the API key rows: building them is part of every iteration.
  ["bare Hono", app(), { "x-avl-api-key": key }],
  ["no-op middleware", noop(), { "x-avl-api-key": key }],
  ["api key (cached)", app({ keyStore: store }), { "x-avl-api-key": key }],
  [
    "api key (no cache)",
    app({ keyStore: store, apiKeyCache: false }),
    { "x-avl-api-key": key },
  ],
  ["jwt ES256", app(jwtOpts("ES256", es.publicKey)), { authorization: `Bearer ${esToken}` }],
  ["jwt HS256", app(jwtOpts("HS256", secret)), { authorization: `Bearer ${hsToken}` }],
  [
    "jwt ES256 (no cache)",
    app({ jwt: { ...jwtOpts("ES256", es.publicKey).jwt, cache: false } }),
    { authorization: `Bearer ${esToken}` },
  ],
  [
    "jwt HS256 (no cache)",
    app({ jwt: { ...jwtOpts("HS256", secret).jwt, cache: false } }),
    { authorization: `Bearer ${hsToken}` },
  ],
];

const N = 2_000;
const best = new Map<string, number>();
for (let round = 0; round < 5; round++) {
  for (const [name, h, headers] of cases) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const res = await h.request("http://localhost/", { headers });
      if (res.status !== 200) throw new Error(`${name}: status ${res.status}`);
      await res.arrayBuffer();
    }
    const rps = N / ((performance.now() - t0) / 1000);
    best.set(name, Math.max(best.get(name) ?? 0, rps));
  }
}
const bare = best.get("bare Hono")!;
for (const [name] of cases) {
  const rps = best.get(name)!;
  console.log(
    `${name.padEnd(22)} ${Math.round(rps).toString().padStart(8)} req/s  ${
      (rps / bare).toFixed(2)
    }x bare  ${(1e6 / rps - 1e6 / bare).toFixed(1).padStart(6)} us/req added`,
  );
}
