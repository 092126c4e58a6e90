/**
 * JWT bearer token verification with `jose`: a required algorithm allowlist (never `none`, no
 * HMAC/public-key confusion), required `iss`, `aud` and `exp`, static keys or a remote JWKS
 * (fetched by one request at a time and at most once per cooldown whatever the traffic, with
 * backoff on failures and the last good keys kept through an outage), and an injected clock.
 *
 * @module
 */

import { type JWK, type JWTHeaderParameters, jwtVerify, type JWTVerifyGetKey } from "jose";
import { RemoteJwks } from "./_jwks.ts";
import { ExpiringLru } from "./_lru.ts";
import { principalFromClaims } from "./claims.ts";
import { AuthError } from "./errors.ts";
import type { Principal } from "../../http/principal.ts";

type JwtAlgorithm = JwtOptions["algorithms"][number];

const KNOWN_ALGORITHMS: ReadonlySet<string> = new Set<JwtAlgorithm>([
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
]);

/**
 * A verification key: a `CryptoKey`, a public (or `oct`) JWK, or an HMAC secret's bytes.
 *
 * @example
 * ```ts
 * import type { JwtKey } from "@avila/avx-http/middleware";
 * const key: JwtKey = { kty: "EC", crv: "P-256", x: "...", y: "...", kid: "2024-06" };
 * console.log(typeof key);
 * ```
 */
export type JwtKey = CryptoKey | JWK | Uint8Array;

/**
 * A key with the `kid` tokens name it by (JWKs may carry their own `kid` instead).
 *
 * @example
 * ```ts
 * import type { JwtKeyEntry } from "@avila/avx-http/middleware";
 * const entry: JwtKeyEntry = { kid: "hs-2024", key: new TextEncoder().encode("x".repeat(32)) };
 * console.log(entry.kid);
 * ```
 */
export interface JwtKeyEntry {
  /** The key id tokens carry in their header. */
  kid: string;
  /** The key. */
  key: CryptoKey | Uint8Array;
}

type JwksOptions = NonNullable<JwtOptions["jwks"]>;

/**
 * JWT verification options. `algorithms`, `issuer`, `audience` and a key source are required.
 *
 * @example
 * ```ts
 * import type { JwtOptions } from "@avila/avx-http/middleware";
 * const jwt: JwtOptions = {
 *   algorithms: ["RS256"],
 *   issuer: "https://id.example",
 *   audience: "avx-api",
 *   jwksUrl: "https://id.example/.well-known/jwks.json",
 *   clockToleranceSec: 10,
 *   claims: { tenant: ["tenant", "tid"] },
 * };
 * console.log(jwt.audience);
 * ```
 */
export interface JwtOptions {
  /** Accepted `alg` values. Required and non-empty; HMAC and public-key algorithms never mix. */
  algorithms: readonly (
    | "HS256"
    | "HS384"
    | "HS512"
    | "RS256"
    | "RS384"
    | "RS512"
    | "PS256"
    | "PS384"
    | "PS512"
    | "ES256"
    | "ES384"
    | "ES512"
    | "EdDSA"
    | "Ed25519"
  )[];
  /** Accepted `iss` value(s); tokens without `iss` are rejected. */
  issuer: string | readonly string[];
  /** This service's audience value(s); the token's `aud` must contain one. */
  audience: string | readonly string[];
  /**
   * Static verification key(s). Several keys need ids: JWKs with a `kid`, or
   * `{ kid, key }` entries.
   */
  keys?: JwtKey | JwtKeyEntry | readonly (JwtKey | JwtKeyEntry)[];
  /** A JWKS URL (`https://issuer/.well-known/jwks.json`), cached as `jwks` says. */
  jwksUrl?: string | URL;
  /** JWKS cache settings. */
  jwks?: {
    /**
     * Least time between two fetches of the JWKS (for an unknown `kid`, expired keys or a retry
     * after a failure), in ms; default 30 s.
     */
    cooldownMs?: number;
    /** Longest wait between fetches after consecutive failures, in ms; default 5 min. */
    maxBackoffMs?: number;
    /** How long a fetched key set is used before it is refetched, in ms; default 10 min. */
    cacheMaxAgeMs?: number;
    /**
     * How long past `cacheMaxAgeMs` the last good key set is still used while fetches fail, in
     * ms; default 1 h. `0` stops using keys as soon as they are due for a refetch that fails.
     */
    staleIfErrorMs?: number;
    /** Time allowed for one fetch, body included, in ms; default 5 s. */
    timeoutMs?: number;
    /** Largest JWKS response accepted, in bytes; default 256 KiB. */
    maxBytes?: number;
  };
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`; default 5. */
  clockToleranceSec?: number;
  /** Claim names for tenant, plan and residency. */
  claims?: {
    /** Claim(s) naming the tenant, first non-empty string wins; default `["tenant", "tid"]`. */
    tenant?: string | readonly string[];
    /** Claim naming the plan; default `"plan"`. */
    plan?: string;
    /** Plan when the token names none; default `"free"`. */
    defaultPlan?: string;
    /**
     * Claim with the residency: `{ regions: string[], reason?: string }`, an array of region
     * prefixes, or one prefix; default `"residency"`.
     */
    residency?: string;
  };
  /** Longest token accepted, in characters; default 8192. */
  maxTokenLength?: number;
  /**
   * In-memory cache of verified tokens (exact token string -> principal), so a client reusing
   * its token skips the signature check. `exp`, `nbf` and `iat` are re-checked on every hit; a key
   * removed from the JWKS stops accepting its cached tokens within `ttlMs`. Only tokens up to
   * 4096 characters are cached. `false` disables it. Default `{ maxEntries: 5_000, ttlMs: 60_000 }`.
   */
  cache?: { maxEntries?: number; ttlMs?: number } | false;
}

/**
 * Verifies bearer tokens into principals (e.g. for WebSocket handshakes outside `auth()`).
 *
 * @example
 * ```ts
 * import { createJwtVerifier } from "@avila/avx-http/middleware";
 * import { type JwtVerifier } from "@avila/avx-http/middleware";
 * const verifier: JwtVerifier = createJwtVerifier({
 *   algorithms: ["HS256"],
 *   issuer: "https://id.example",
 *   audience: "avx-api",
 *   keys: new TextEncoder().encode("a-32-byte-or-longer-hmac-secret!!"),
 * });
 * const err = await verifier.verify("not.a.token").catch((e) => e.code);
 * console.log(err); // "invalid_token"
 * ```
 */
export interface JwtVerifier {
  /** Verifies `token` at time `nowMs` (default `Date.now()`); throws `AuthError`. */
  verify(token: string, nowMs?: number): Promise<Principal>;
}

interface CachedToken {
  principal: Principal;
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function configError(detail: string): never {
  throw new AuthError("invalid_argument", `auth jwt options: ${detail}`);
}

function isHmacAlg(alg: string): boolean {
  return alg.startsWith("HS");
}

function isCryptoKey(k: unknown): k is CryptoKey {
  return typeof CryptoKey !== "undefined" && k instanceof CryptoKey;
}

function isEntry(k: unknown): k is JwtKeyEntry {
  return k !== null && typeof k === "object" && !(k instanceof Uint8Array) && !isCryptoKey(k) &&
    "key" in k && "kid" in k;
}

/** Whether a key is symmetric (an HMAC secret), else a public key. */
function isSecret(k: JwtKey): boolean {
  if (k instanceof Uint8Array) return true;
  if (isCryptoKey(k)) return k.type === "secret";
  return (k as JWK).kty === "oct";
}

interface ResolvedKey {
  kid: string | undefined;
  key: JwtKey;
}

function normaliseKeys(keys: JwtOptions["keys"]): ResolvedKey[] {
  if (keys === undefined) return [];
  const list = Array.isArray(keys) ? keys : [keys];
  return list.map((k): ResolvedKey => {
    if (isEntry(k)) {
      if (typeof k.kid !== "string" || k.kid === "") configError("a key entry has an empty kid");
      return { kid: k.kid, key: k.key };
    }
    if (k instanceof Uint8Array || isCryptoKey(k)) return { kid: undefined, key: k };
    if (k === null || typeof k !== "object" || typeof (k as JWK).kty !== "string") {
      configError("keys must be CryptoKeys, JWKs, Uint8Array secrets or { kid, key }");
    }
    const jwk = k as JWK;
    if (jwk.d !== undefined) configError("a JWK holds a private key; give its public part");
    return { kid: typeof jwk.kid === "string" ? jwk.kid : undefined, key: jwk };
  });
}

/** What a failure means for the caller: an `AuthError` code and its detail. */
type JoseAnswer = readonly [AuthError["code"], string];

const NOT_A_JWT: JoseAnswer = ["invalid_token", "token is not a valid JWT"];

/** jose's error codes (`err.code`) whose answer is fixed. */
const JOSE_ERRORS: ReadonlyMap<string, JoseAnswer> = new Map([
  ["ERR_JOSE_ALG_NOT_ALLOWED", ["alg_not_allowed", "token signing algorithm is not allowed"]],
  ["ERR_JWS_SIGNATURE_VERIFICATION_FAILED", ["invalid_token", "token signature does not verify"]],
  ["ERR_JWKS_NO_MATCHING_KEY", ["unknown_key_id", "no verification key matches the token's kid"]],
  ["ERR_JWKS_TIMEOUT", ["auth_unavailable", "JWKS endpoint timed out"]],
  ["ERR_JWKS_INVALID", ["auth_unavailable", "JWKS endpoint returned an invalid key set"]],
  ["ERR_JOSE_GENERIC", ["auth_unavailable", "JWKS endpoint failed"]],
  ["ERR_JOSE_NOT_SUPPORTED", ["invalid_token", "token uses an unsupported algorithm or header"]],
  ["ERR_JWS_INVALID", NOT_A_JWT],
  ["ERR_JWT_INVALID", NOT_A_JWT],
  ["ERR_JWK_INVALID", NOT_A_JWT],
  ["ERR_JWKS_MULTIPLE_MATCHING_KEYS", NOT_A_JWT],
]);

/** Claims whose check failed (`ERR_JWT_CLAIM_VALIDATION_FAILED`, by `err.claim`). */
const CLAIM_ERRORS: ReadonlyMap<string, JoseAnswer> = new Map([
  ["nbf", ["token_not_yet_valid", "token is not yet valid (nbf)"]],
  ["iat", ["token_not_yet_valid", "token is issued in the future (iat)"]],
  ["aud", ["bad_audience", "token audience is not accepted here"]],
  ["iss", ["bad_issuer", "token issuer is not trusted"]],
]);

/**
 * Maps a jose failure to an `AuthError` whose detail says why, never echoing the token. A
 * token's fault carries the `Bearer` challenge; the issuer's (`auth_unavailable`) does not.
 */
function mapJoseError(e: unknown): AuthError {
  if (e instanceof AuthError) return e;
  const err = e as { code?: string; claim?: string; reason?: string; name?: string };
  const answer = (a: JoseAnswer) =>
    new AuthError(a[0], a[1], a[0] === "auth_unavailable" ? undefined : "Bearer");
  const code = err?.code;
  if (code === "ERR_JWT_EXPIRED") {
    return answer(["token_expired", err.claim === "iat" ? "token is too old" : "token expired"]);
  }
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    if (err.reason === "missing") {
      return answer(["missing_claim", `token has no ${err.claim} claim`]);
    }
    if (err.reason === "invalid") {
      return answer(["invalid_token", `token ${err.claim} claim is malformed`]);
    }
    return answer(
      CLAIM_ERRORS.get(err.claim ?? "") ??
        ["invalid_token", `token ${err.claim ?? "claims"} check failed`],
    );
  }
  const known = code === undefined ? undefined : JOSE_ERRORS.get(code);
  if (known !== undefined) return answer(known);
  // jose reports a key of the wrong type for the token's alg as a TypeError.
  if (e instanceof TypeError) {
    return answer(["invalid_token", "token cannot be verified with the configured keys"]);
  }
  return answer(["auth_unavailable", "token verification failed unexpectedly"]);
}

/**
 * Builds a verifier from options, checking them once: the allowlist must be non-empty and
 * without `none`; HMAC algorithms only with secret keys and public-key algorithms only with
 * public keys (so an HS256 token "signed" with an RSA public key can never verify); a key
 * source is required. Throws `AuthError("invalid_argument")` on bad options.
 *
 * @example
 * ```ts
 * import { SignJWT } from "jose";
 * import { createJwtVerifier } from "@avila/avx-http/middleware";
 * const secret = new TextEncoder().encode("a-32-byte-or-longer-hmac-secret!!");
 * const verifier = createJwtVerifier({
 *   algorithms: ["HS256"],
 *   issuer: "https://id.example",
 *   audience: "avx-api",
 *   keys: secret,
 * });
 * const token = await new SignJWT({ tenant: "acme", scope: "data:read" })
 *   .setProtectedHeader({ alg: "HS256" })
 *   .setSubject("user-1").setIssuer("https://id.example").setAudience("avx-api")
 *   .setExpirationTime("5m").sign(secret);
 * console.log((await verifier.verify(token)).tenant); // "acme"
 * ```
 */
export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const algorithms = options.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    configError("algorithms is required and must not be empty");
  }
  for (const a of algorithms) {
    if (String(a).toLowerCase() === "none") configError(`"none" is never allowed`);
    if (!KNOWN_ALGORITHMS.has(a)) configError(`unknown algorithm ${String(a)}`);
  }
  const hmac = algorithms.some(isHmacAlg);
  if (hmac && !algorithms.every(isHmacAlg)) {
    configError("HMAC (HS*) and public-key algorithms must not be allowed together");
  }
  const toList = (v: string | readonly string[], name: string): string[] => {
    const l = typeof v === "string" ? [v] : Array.isArray(v) ? [...v] : [];
    if (l.length === 0 || l.some((s) => typeof s !== "string" || s === "")) {
      configError(`${name} is required`);
    }
    return l;
  };
  const issuer = toList(options.issuer, "issuer");
  const audience = toList(options.audience, "audience");
  const keys = normaliseKeys(options.keys);
  if (keys.length === 0 && options.jwksUrl === undefined) {
    configError("keys or jwksUrl is required");
  }
  for (const k of keys) {
    if (isSecret(k.key) !== hmac) {
      configError(
        hmac
          ? "HS* algorithms need secret keys (Uint8Array, HMAC CryptoKey or oct JWK)"
          : "public-key algorithms need public keys, not secrets",
      );
    }
    if (k.key instanceof Uint8Array && k.key.byteLength < 32) {
      configError("HMAC secrets must be at least 32 bytes (RFC 7518 §3.2)");
    }
  }
  if (hmac && options.jwksUrl !== undefined) configError("a JWKS cannot serve HS* secrets");
  if (keys.length > 1 && keys.some((k) => k.kid === undefined)) {
    configError("several static keys need a kid each");
  }
  const tolerance = options.clockToleranceSec ?? 5;
  if (!Number.isFinite(tolerance) || tolerance < 0) configError("clockToleranceSec must be >= 0");
  const maxLength = options.maxTokenLength ?? 8192;
  const mapping = options.claims ?? {};
  const cacheTtl = options.cache === false ? 0 : options.cache?.ttlMs ?? 60_000;
  const cache = new ExpiringLru<string, CachedToken>(
    cacheTtl > 0 && options.cache !== false ? options.cache?.maxEntries ?? 5_000 : 0,
  );

  let remote: RemoteJwks | undefined;
  if (options.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      configError("jwksUrl is not a URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      configError("jwksUrl must be an http(s) URL");
    }
    const j = options.jwks ?? {};
    const setting = (name: keyof JwksOptions, fallback: number): number => {
      const v = j[name] ?? fallback;
      if (typeof v !== "number" || !(v >= 0)) configError(`jwks.${name} must be a number >= 0`);
      return v;
    };
    remote = new RemoteJwks(url, {
      cooldownMs: setting("cooldownMs", 30_000),
      maxBackoffMs: setting("maxBackoffMs", 300_000),
      cacheMaxAgeMs: setting("cacheMaxAgeMs", 600_000),
      staleIfErrorMs: setting("staleIfErrorMs", 3_600_000),
      timeoutMs: setting("timeoutMs", 5_000),
      maxBytes: setting("maxBytes", 256 * 1024),
    });
  }
  const byKid = new Map<string, JwtKey>();
  for (const k of keys) if (k.kid !== undefined) byKid.set(k.kid, k.key);
  const single = keys.length === 1 ? keys[0].key : undefined;

  const getKey = (
    header: JWTHeaderParameters,
    token: Parameters<JWTVerifyGetKey>[1],
    nowMs: number,
  ) => {
    if (header.kid !== undefined) {
      const k = byKid.get(header.kid);
      if (k !== undefined) return k;
    }
    if (remote) return remote.getKey(header, token, nowMs);
    if (single !== undefined && (header.kid === undefined || keys[0].kid === undefined)) {
      return single;
    }
    throw new AuthError("unknown_key_id", "no verification key matches the token's kid", "Bearer");
  };

  /** The key resolver of one verification, at its time (the JWKS runs on the same clock). */
  const keysAt = (nowMs: number): JWTVerifyGetKey => (header, token) =>
    getKey(header, token, nowMs);

  const verifyOptions = {
    algorithms: [...algorithms],
    issuer,
    audience,
    requiredClaims: ["exp"],
    clockTolerance: tolerance,
  };

  return {
    async verify(token: string, nowMs: number = Date.now()): Promise<Principal> {
      if (typeof token !== "string" || token.length > maxLength) {
        throw new AuthError("malformed_header", "bearer token is too long", "Bearer");
      }
      if (!JWS_COMPACT.test(token)) {
        throw new AuthError(
          "invalid_token",
          "token is not a compact JWS (header.payload.sig)",
          "Bearer",
        );
      }
      const hit = cache.get(token, nowMs);
      if (hit !== undefined) {
        // jose's rules (RFC 7519 §4.1.4, §4.1.5) on whole seconds, with the same tolerance.
        const now = Math.floor(nowMs / 1000);
        if (hit.exp <= now - tolerance) throw mapJoseError({ code: "ERR_JWT_EXPIRED" });
        if (hit.nbf !== undefined && hit.nbf > now + tolerance) {
          throw mapJoseError({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "nbf" });
        }
        if (hit.iat !== undefined && hit.iat > now + tolerance) {
          throw mapJoseError({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "iat" });
        }
        return hit.principal;
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keysAt(nowMs), {
          ...verifyOptions,
          currentDate: new Date(nowMs),
        }));
      } catch (e) {
        throw mapJoseError(e);
      }
      // jose checks `iat` against the clock only with maxTokenAge; a token issued in the future
      // (beyond the tolerance) is not valid yet, like one whose `nbf` is in the future.
      if (typeof payload.iat === "number" && payload.iat > Math.floor(nowMs / 1000) + tolerance) {
        throw mapJoseError({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "iat" });
      }
      const principal = principalFromClaims(payload, mapping);
      if (cacheTtl > 0 && token.length <= 4096) {
        cache.set(token, {
          principal,
          exp: payload.exp as number,
          nbf: typeof payload.nbf === "number" ? payload.nbf : undefined,
          iat: typeof payload.iat === "number" ? payload.iat : undefined,
        }, nowMs + cacheTtl);
      }
      return principal;
    },
  };
}
