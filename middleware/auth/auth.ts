/**
 * `auth()`: authenticates a request by JWT bearer token or avx API key and puts the
 * `Principal` on the context (`c.get("principal")`, `principalOf(c)`).
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import type { HttpProblem } from "../../http/problem.ts";
import { stageMiddleware } from "../../http/mod.ts";
import {
  assertClientIpAvailable,
  type ClientIpOptions,
  clientIpResolver,
  formatIp,
  TrustedProxies,
} from "../../http/client_ip.ts";
import { currentRuntime, runtimeHasSocketPeer } from "../../http/mod.ts";
import { MemoryRateLimitStore } from "../rate_limit/memory_store.ts";
import { type ResolvedPolicy, resolvePolicy } from "../rate_limit/policy.ts";
import type { RateLimitDecision, RateLimitStore } from "../rate_limit/store.ts";
import { authProblem, isQuotable } from "./_challenge.ts";
import { timingSafeEqualString } from "./_compare.ts";
import { countFailure } from "./_metrics.ts";
import { ExpiringLru } from "./_lru.ts";
import { type ApiKeyMode, hashApiKey, parseApiKey } from "./api_key.ts";
import { AuthError, type AuthScheme } from "./errors.ts";
import { createJwtVerifier, type JwtOptions, type JwtVerifier } from "./jwt.ts";
import type { ApiKeyRecord, KeyStore } from "./key_store.ts";
import type { Principal } from "../../http/principal.ts";

type AuthMethod = NonNullable<AuthOptions["methods"]>[number];

/**
 * Header carrying an API key (the alternative is `Authorization: ApiKey <key>`).
 *
 * @example
 * ```ts
 * import { API_KEY_HEADER } from "./auth.ts";
 * import { generateApiKey } from "./api_key.ts";
 * const { key } = await generateApiKey({ mode: "test" });
 * const init: RequestInit = { headers: { [API_KEY_HEADER]: key } };
 * console.log(API_KEY_HEADER); // "X-AVL-API-Key"
 * ```
 */
export const API_KEY_HEADER = "X-AVL-API-Key";

type FailedLoginOptions = Exclude<AuthOptions["failedLogins"], false | undefined>;

/**
 * Options of {@link auth}. At least one of `jwt` and `keyStore` is required.
 *
 * @example
 * ```ts
 * import { type AuthOptions, MemoryKeyStore } from "@avila/avx-http/middleware";
 * const options: AuthOptions = {
 *   jwt: {
 *     algorithms: ["RS256"],
 *     issuer: "https://id.example",
 *     audience: "avx-api",
 *     jwksUrl: "https://id.example/.well-known/jwks.json",
 *   },
 *   keyStore: new MemoryKeyStore(),
 *   realm: "avx",
 *   apiKeyCache: { maxEntries: 50_000, ttlMs: 2_000 },
 * };
 * console.log(options.realm);
 * ```
 */
export interface AuthOptions {
  /** JWT verification (options, or a verifier from `createJwtVerifier`). */
  jwt?: JwtOptions | JwtVerifier;
  /** Where API keys are looked up; enables API key authentication. */
  keyStore?: KeyStore;
  /** Methods accepted; default every method configured above. */
  methods?: readonly ("jwt" | "api-key")[];
  /** Let requests without any credentials through, without a principal; default false. */
  optional?: boolean;
  /** `realm` of `WWW-Authenticate` challenges; default `"avx"`. */
  realm?: string;
  /** API key modes accepted; default both (`["live", "test"]`). */
  apiKeyModes?: readonly ApiKeyMode[];
  /**
   * In-memory cache of verified API key lookups (keyed by the presented key, so a hit costs
   * neither a SHA-256 nor a store round trip). A revocation reaches an instance within `ttlMs`;
   * expiry is checked on every request. `false` disables it. Default
   * `{ maxEntries: 10_000, ttlMs: 5_000 }`.
   */
  apiKeyCache?: { maxEntries?: number; ttlMs?: number } | false;
  /**
   * Requests for which authentication is not attempted at all (no principal, no 401), e.g.
   * `(c) => c.req.path === "/healthz"`. Default: none.
   */
  skip?: (c: Context) => boolean;
  /**
   * Failed logins are rate-limited per client IP: a request that presents a credential is
   * checked against its IP's failure budget before the credential is checked (so a throttled
   * client costs no key store lookup, signature check or JWKS fetch), and gets a 429 problem
   * (`code: "too_many_failed_attempts"`, `Retry-After`) once the budget is spent. Only presented
   * credentials that fail with a 401 spend it (not missing credentials, not 503s). A client
   * sharing an IP with an attacker is throttled with it; IPv6 clients are counted per /64.
   * Concurrent failures of one IP may overshoot the limit by the number in flight. `false`
   * disables it. Default `{ limit: 20, windowSeconds: 60 }`. The client IP must be knowable: on
   * a runtime that gives apps no socket peer (Cloudflare Workers) the default limit is off unless
   * `clientIp.trustCfConnectingIp` is set, and an explicit `failedLogins` without it is a
   * `ConfigurationError` when the middleware is built.
   */
  failedLogins?: {
    /** Failures one client IP may make at once (and per window); default 20. */
    limit?: number;
    /** Window over which `limit` failures are refilled, in whole seconds; default 60. */
    windowSeconds?: number;
    /**
     * Where failure counts live; default a new `MemoryRateLimitStore` (per instance). A shared
     * store (`KvRateLimitStore`) limits across instances.
     */
    store?: RateLimitStore;
    /** How the client IP is found (trusted proxies, forwarding header); default the socket peer. */
    clientIp?: ClientIpOptions;
  } | false;
  /** Clock in ms (token and key expiry, cache TTL, failed-login budget); default `Date.now`. */
  now?: () => number;
}

interface KeyEntry {
  record: ApiKeyRecord;
  principal: Principal;
}

function principalOfRecord(r: ApiKeyRecord): Principal {
  const claims: Record<string, unknown> = { mode: r.mode };
  if (r.name !== undefined) claims.name = r.name;
  const p: Principal = {
    kind: "api-key",
    tenant: r.tenant,
    subject: r.id,
    scopes: r.scopes,
    plan: r.plan,
    claims: Object.freeze(claims),
  };
  if (r.residency) p.residency = r.residency;
  return Object.freeze(p);
}

function isVerifier(j: JwtOptions | JwtVerifier): j is JwtVerifier {
  return typeof (j as JwtVerifier).verify === "function";
}

/**
 * Authentication middleware.
 *
 * Credentials: `Authorization: Bearer <jwt>`; an API key in `X-AVL-API-Key: <key>`,
 * `Authorization: ApiKey <key>` or `Authorization: Bearer avl_...`. Sending two credentials is
 * rejected. Failures are RFC 9457 problems with a `code` member: 401 with an RFC 6750 §3
 * `WWW-Authenticate` challenge (`error="invalid_token"` and an `error_description` saying why:
 * expired, bad audience, revoked...; never the credential), 503 when the key store or JWKS
 * fails. With `optional: true`, requests with no credentials pass without a principal, but
 * invalid credentials are still rejected.
 *
 * API key lookups are cached in memory (bounded LRU, default 5 s TTL): a revoked key keeps
 * working on an instance for at most that TTL; an expired key stops at once.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { auth, issueApiKey, MemoryKeyStore, principalOf } from "@avila/avx-http/middleware";
 * const keyStore = new MemoryKeyStore();
 * const { key } = await issueApiKey(keyStore, {
 *   tenant: "acme",
 *   scopes: ["data:read"],
 *   plan: "pro",
 *   mode: "test",
 * });
 * const app = new Hono();
 * app.use("/v1/*", auth({ keyStore }));
 * app.get("/v1/me", (c) => c.json({ tenant: principalOf(c)?.tenant }));
 * const res = await app.request("/v1/me", { headers: { "x-avl-api-key": key } });
 * console.log(await res.json()); // { tenant: "acme" }
 * console.log((await app.request("/v1/me")).status); // 401
 * ```
 */
export function auth(options: AuthOptions): MiddlewareHandler {
  const verifier = options.jwt === undefined
    ? undefined
    : isVerifier(options.jwt)
    ? options.jwt
    : createJwtVerifier(options.jwt);
  const store = options.keyStore;
  const configured: AuthMethod[] = [];
  if (verifier) configured.push("jwt");
  if (store) configured.push("api-key");
  if (configured.length === 0) {
    throw new AuthError("invalid_argument", "auth options: give jwt and/or keyStore");
  }
  const methods = options.methods ?? configured;
  for (const m of methods) {
    if (!configured.includes(m)) {
      throw new AuthError("invalid_argument", `auth options: method ${m} is not configured`);
    }
  }
  const acceptJwt = methods.includes("jwt");
  const acceptKeys = methods.includes("api-key");
  const schemes: AuthScheme[] = [];
  if (acceptJwt) schemes.push("Bearer");
  if (acceptKeys) schemes.push("ApiKey");
  const realm = options.realm ?? "avx";
  if (!isQuotable(realm)) {
    throw new AuthError("invalid_argument", "auth options: realm must be printable without quotes");
  }
  const optional = options.optional ?? false;
  const modes = options.apiKeyModes ?? ["live", "test"];
  const acceptLive = modes.includes("live");
  const acceptTest = modes.includes("test");
  const now = options.now ?? Date.now;
  const cacheOpts = options.apiKeyCache === false ? { maxEntries: 0, ttlMs: 0 } : {
    maxEntries: options.apiKeyCache?.maxEntries ?? 10_000,
    ttlMs: options.apiKeyCache?.ttlMs ?? 5_000,
  };
  const cache = new ExpiringLru<string, KeyEntry>(
    cacheOpts.ttlMs > 0 ? cacheOpts.maxEntries : 0,
  );
  const inFlight = new Map<string, Promise<KeyEntry>>();

  async function lookup(key: string, at: number): Promise<KeyEntry> {
    const { mode } = parseApiKey(key);
    if (mode === "live" ? !acceptLive : !acceptTest) {
      throw new AuthError(
        "method_not_accepted",
        `${mode} API keys are not accepted here`,
        "ApiKey",
      );
    }
    const hash = await hashApiKey(key);
    let record: ApiKeyRecord | null;
    try {
      record = await store!.findByHash(hash);
    } catch (e) {
      if (e instanceof AuthError) throw e;
      throw new AuthError("auth_unavailable", "API key store is unavailable");
    }
    if (record === null || !timingSafeEqualString(record.hash, hash)) {
      throw new AuthError("unknown_api_key", "API key is not known", "ApiKey");
    }
    const entry = { record, principal: principalOfRecord(record) };
    if (cacheOpts.ttlMs > 0) cache.set(key, entry, at + cacheOpts.ttlMs);
    return entry;
  }

  function check(entry: KeyEntry, at: number): Principal {
    const r = entry.record;
    if (r.revokedAt !== null && r.revokedAt <= at) {
      throw new AuthError("api_key_revoked", "API key was revoked", "ApiKey");
    }
    if (r.expiresAt !== null && at >= r.expiresAt) {
      throw new AuthError("api_key_expired", "API key expired", "ApiKey");
    }
    return entry.principal;
  }

  // A cache hit is answered synchronously: no promise, no microtask on the hot path.
  function authenticateKey(key: string): Principal | Promise<Principal> {
    const at = now();
    const entry = cache.get(key, at);
    if (entry !== undefined) return check(entry, at);
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = lookup(key, at).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending.then((e) => check(e, at));
  }

  function keyNotAccepted(): never {
    throw new AuthError("method_not_accepted", "API keys are not accepted here");
  }

  function authenticate(c: Context): Principal | undefined | Promise<Principal> {
    const headers = c.req.raw.headers;
    const authorization = headers.get("authorization");
    const apiKey = headers.get("x-avl-api-key");
    if (authorization === null) {
      if (apiKey === null) {
        if (optional) return undefined;
        throw new AuthError("missing_credentials", "authentication required");
      }
      if (!acceptKeys) keyNotAccepted();
      if (apiKey === "") throw new AuthError("malformed_header", `${API_KEY_HEADER} is empty`);
      return authenticateKey(apiKey);
    }
    if (apiKey !== null) {
      throw new AuthError(
        "malformed_header",
        "send one credential, not both Authorization and API key",
      );
    }
    // RFC 9110 §11.4: credentials = auth-scheme [ 1*SP token68 ]; the scheme is case-insensitive.
    const sp = authorization.indexOf(" ");
    const scheme = (sp < 0 ? authorization : authorization.slice(0, sp)).toLowerCase();
    let start = sp < 0 ? authorization.length : sp;
    while (authorization.charCodeAt(start) === 0x20) start++;
    const credential = authorization.slice(start);
    const isBearer = scheme === "bearer";
    if (!isBearer && scheme !== "apikey") {
      throw new AuthError("malformed_header", "unsupported Authorization scheme");
    }
    if (credential === "") {
      throw new AuthError(
        "malformed_header",
        `Authorization: ${isBearer ? "Bearer" : "ApiKey"} has no credential`,
      );
    }
    if (/[\s,]/.test(credential)) {
      throw new AuthError("malformed_header", "Authorization credential must be a single token");
    }
    if (!isBearer || credential.startsWith("avl_")) {
      if (!acceptKeys) keyNotAccepted();
      return authenticateKey(credential);
    }
    if (!acceptJwt) {
      throw new AuthError("method_not_accepted", "bearer tokens are not accepted here");
    }
    return verifier!.verify(credential, now());
  }

  const problemOf = (c: Context, e: unknown, retryAfterSeconds?: number) => {
    const err = e instanceof AuthError
      ? e
      : new AuthError("auth_unavailable", "authentication failed unexpectedly");
    countFailure(c, err.code);
    return authProblem(err, realm, schemes, retryAfterSeconds);
  };

  const failures = failedLoginLimiter(options.failedLogins);
  const presentsCredential = (c: Context): boolean => {
    const h = c.req.raw.headers;
    return h.get("authorization") !== null || h.get("x-avl-api-key") !== null;
  };
  const admit = (c: Context, d: RateLimitDecision): void => {
    if (d.allowed) return;
    throw problemOf(
      c,
      new AuthError("too_many_failed_attempts", "too many failed authentication attempts"),
      d.retryAfterSeconds,
    );
  };
  const storeDown = (c: Context): HttpProblem =>
    problemOf(c, new AuthError("auth_unavailable", "failed-login limiter store is unavailable"));
  /** The problem of a failed attempt, spending the IP's budget when the client is to blame. */
  const failed = (c: Context, e: unknown, limited: boolean): HttpProblem => {
    if (
      limited && e instanceof AuthError && e.status === 401 && e.code !== "missing_credentials"
    ) {
      const key = failures!.keyOf(c);
      if (key !== null) failures!.record(key, now());
    }
    return problemOf(c, e);
  };
  const attempt = (c: Context, limited: boolean): undefined | Promise<undefined> => {
    let result: Principal | undefined | Promise<Principal>;
    try {
      result = authenticate(c);
    } catch (e) {
      throw failed(c, e, limited);
    }
    if (result instanceof Promise) {
      return result.then((p) => settled(c, p), (e) => Promise.reject(failed(c, e, limited)));
    }
    return settled(c, result);
  };

  const skip = options.skip;
  const settled = (c: Context, principal: Principal | undefined): undefined => {
    if (principal !== undefined) c.set("principal", principal);
    return undefined;
  };

  return stageMiddleware<undefined>({
    name: "auth",
    enter(c) {
      if (skip !== undefined && skip(c)) return undefined;
      if (failures === undefined || !presentsCredential(c)) return attempt(c, false);
      const at = now();
      if (failures.quiet(at)) return attempt(c, true);
      const key = failures.keyOf(c);
      if (key === null) return attempt(c, false);
      // Before the credential is looked at: a throttled client costs nothing more.
      let d: RateLimitDecision | Promise<RateLimitDecision>;
      try {
        d = failures.check(key, at);
      } catch {
        throw storeDown(c);
      }
      if (d instanceof Promise) {
        return d.then((decision) => {
          admit(c, decision);
          return attempt(c, true);
        }, () => Promise.reject(storeDown(c)));
      }
      admit(c, d);
      return attempt(c, true);
    },
  });
}

interface FailedLoginLimiter {
  /** The budget key of a request, or null when its client IP is unknown. */
  keyOf(c: Context): string | null;
  /** Whether `key` may still fail once (spends nothing). */
  check(key: string, at: number): RateLimitDecision | Promise<RateLimitDecision>;
  /** Spends one failure of `key`; store errors are ignored (the 401 is sent anyway). */
  record(key: string, at: number): void;
  /** True when no IP can be over budget at `at` (so the check can be skipped). */
  quiet(at: number): boolean;
}

function failedLoginLimiter(
  options: FailedLoginOptions | false | undefined,
): FailedLoginLimiter | undefined {
  if (options === false) return undefined;
  const o = options ?? {};
  // Without a client address every anonymous caller would share one failure budget, and one
  // attacker would lock everyone out: refuse an explicit configuration, leave the default off.
  if (options === undefined) {
    if (!runtimeHasSocketPeer(currentRuntime())) return undefined;
  } else assertClientIpAvailable(o.clientIp);
  let policy: ResolvedPolicy;
  try {
    policy = resolvePolicy({
      name: "auth-failures",
      limit: o.limit ?? 20,
      windowSeconds: o.windowSeconds ?? 60,
    });
  } catch (e) {
    throw new AuthError("invalid_argument", `auth options: failedLogins: ${(e as Error).message}`);
  }
  const store = o.store ?? new MemoryRateLimitStore();
  // With our own memory store every failure is recorded here: once a window and two emission
  // intervals have passed since the last one, every IP's GCRA state is back to a full budget,
  // and the hot path (a good credential) skips the address lookup and the store.
  const own = o.store === undefined;
  const quietMs = policy.windowMs + 2 * policy.windowMs / policy.limit;
  let lastFailureAt = -Infinity;
  const ipOptions: ClientIpOptions = {
    ...o.clientIp,
    // Parsed once here, not per request.
    trustedProxies: o.clientIp?.trustedProxies instanceof TrustedProxies
      ? o.clientIp.trustedProxies
      : new TrustedProxies(o.clientIp?.trustedProxies ?? []),
  };
  const clientIp = clientIpResolver(ipOptions);
  return {
    keyOf(c) {
      const ip = clientIp(c);
      if (ip === null) return null;
      // One IPv6 subscriber usually holds a whole /64: count it as one client.
      const bytes = ip.address.length === 16
        ? new Uint8Array([...ip.address.subarray(0, 8), 0, 0, 0, 0, 0, 0, 0, 0])
        : ip.address;
      return `auth-fail:${formatIp(bytes)}`;
    },
    check: (key, at) => store.consume(key, policy, at, 0, 1),
    quiet: (at) => own && at - lastFailureAt > quietMs,
    record(key, at) {
      lastFailureAt = at;
      try {
        const r = store.consume(key, policy, at, 1, 0);
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // A store failure must not turn the 401 into something else.
      }
    },
  };
}
