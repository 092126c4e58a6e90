// The remote JWKS of a verifier: fetched by one request at a time, never more often than once
// per cooldown whatever the traffic or the outcome (failures back off exponentially), and the
// last good key set kept and used while the issuer fails (stale-if-error, bounded in time).
//
// The bound: a fetch starts only when `now >= nextFetchAt`, and starting one moves
// `nextFetchAt` at least `cooldownMs` ahead before anything is awaited, so fetches of one JWKS
// are at least `cooldownMs` apart on the verifier's clock and never overlap.

import { readUpTo } from "../../http/mod.ts";
import {
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWTHeaderParameters,
} from "jose";
import { AuthError } from "./errors.ts";

/** Settings of a {@link RemoteJwks}, every field resolved. */
export interface RemoteJwksSettings {
  /** Least time between two fetches, whatever their outcome, in ms. */
  cooldownMs: number;
  /** Longest wait after consecutive failures (the backoff doubles from `cooldownMs`), in ms. */
  maxBackoffMs: number;
  /** How long a fetched key set is used before it is refetched, in ms. */
  cacheMaxAgeMs: number;
  /** How long past `cacheMaxAgeMs` the last good key set is used while fetches fail, in ms. */
  staleIfErrorMs: number;
  /** Time allowed for one fetch, body included, in ms. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxBytes: number;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;
type Key = Awaited<ReturnType<KeySet>>;

const unavailable = (detail: string) => new AuthError("auth_unavailable", detail);

function isNoMatchingKey(e: unknown): boolean {
  return (e as { code?: unknown })?.code === "ERR_JWKS_NO_MATCHING_KEY";
}

/** Fetches and parses a JWKS: 200 only, no redirects, at most `maxBytes`, within `timeoutMs`. */
async function loadJwks(url: URL, s: RemoteJwksSettings): Promise<KeySet> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), s.timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: "manual",
        signal: abort.signal,
        headers: { accept: "application/jwk-set+json, application/json" },
      });
    } catch {
      throw unavailable(
        abort.signal.aborted ? "JWKS endpoint timed out" : "JWKS endpoint is unreachable",
      );
    }
    if (res.status !== 200 || res.body === null) {
      await res.body?.cancel().catch(() => {});
      throw unavailable(
        res.status >= 300 && res.status < 400
          ? "JWKS endpoint redirected (redirects are not followed)"
          : `JWKS endpoint answered ${res.status}`,
      );
    }
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > s.maxBytes) {
      await res.body.cancel().catch(() => {});
      throw unavailable("JWKS response is too large");
    }
    let body: Uint8Array;
    try {
      const got = await readUpTo(res.body, s.maxBytes);
      if (got.bytes === null) {
        await got.stream.cancel().catch(() => {});
        throw unavailable("JWKS response is too large");
      }
      body = got.bytes;
    } catch (e) {
      if (e instanceof AuthError) throw e;
      throw unavailable(
        abort.signal.aborted ? "JWKS endpoint timed out" : "JWKS endpoint is unreachable",
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw unavailable("JWKS endpoint returned an invalid key set");
    }
    try {
      return createLocalJWKSet(doc as JSONWebKeySet);
    } catch {
      throw unavailable("JWKS endpoint returned an invalid key set");
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A remote key set on the verifier's clock (`now` is the verification time, so tests need no
 * timers). `getKey` resolves a token's key: from fresh keys at once; an unknown `kid` or stale
 * keys refetch when the cooldown allows (joining a fetch under way); when the fetch fails or may
 * not run yet, the last good keys answer until `cacheMaxAgeMs + staleIfErrorMs` after they were
 * fetched.
 */
export class RemoteJwks {
  readonly #url: URL;
  readonly #s: RemoteJwksSettings;
  #keys: KeySet | undefined;
  /** When `#keys` were fetched (verifier clock). */
  #fetchedAt = 0;
  /** Earliest start of the next fetch. */
  #nextFetchAt = -Infinity;
  /** Consecutive failed fetches. */
  #failures = 0;
  #lastError: AuthError | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(url: URL, settings: RemoteJwksSettings) {
    this.#url = url;
    this.#s = settings;
  }

  async getKey(
    header: JWTHeaderParameters,
    token: FlattenedJWSInput,
    now: number,
  ): Promise<Key> {
    const keys = this.#keys;
    if (keys !== undefined && now - this.#fetchedAt < this.#s.cacheMaxAgeMs) {
      try {
        return await keys(header, token);
      } catch (e) {
        if (!isNoMatchingKey(e)) throw e;
      }
      // An unknown kid: maybe a rotation; refetch only if the cooldown allows.
      if (this.#inFlight === undefined && now < this.#nextFetchAt) throw this.#unknownKid();
    }
    await this.#refresh(now);
    return this.#select(header, token, now);
  }

  #unknownKid(): AuthError {
    return new AuthError("unknown_key_id", "no verification key matches the token's kid", "Bearer");
  }

  /** Resolves from the current keys, stale ones included while within `staleIfErrorMs`. */
  async #select(header: JWTHeaderParameters, token: FlattenedJWSInput, now: number): Promise<Key> {
    const keys = this.#keys;
    if (
      keys === undefined ||
      now - this.#fetchedAt >= this.#s.cacheMaxAgeMs + this.#s.staleIfErrorMs
    ) {
      throw this.#lastError ?? unavailable("JWKS keys are not available");
    }
    try {
      return await keys(header, token);
    } catch (e) {
      if (isNoMatchingKey(e)) throw this.#unknownKid();
      throw e;
    }
  }

  /** Starts a fetch when allowed, or joins the one under way; never rejects. */
  #refresh(now: number): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    if (now < this.#nextFetchAt) return Promise.resolve();
    const s = this.#s;
    this.#nextFetchAt = now + s.cooldownMs;
    this.#inFlight = loadJwks(this.#url, s).then(
      (keys) => {
        this.#keys = keys;
        this.#fetchedAt = now;
        this.#failures = 0;
        this.#lastError = undefined;
      },
      (e) => {
        this.#failures++;
        const backoff = Math.min(s.cooldownMs * 2 ** (this.#failures - 1), s.maxBackoffMs);
        this.#nextFetchAt = now + Math.max(s.cooldownMs, backoff);
        this.#lastError = e instanceof AuthError ? e : unavailable("JWKS endpoint failed");
      },
    ).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }
}
