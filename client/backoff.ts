/**
 * Retry delays: exponential backoff with full jitter, and the server's own hints —
 * `Retry-After` (RFC 9110 §10.2.3) and `RateLimit` (draft-ietf-httpapi-ratelimit-headers).
 *
 * @module
 */

import type { RetryOptions } from "./retry.ts";

/**
 * The delay before retry number `attempt` (0 for the first retry) with "full jitter":
 * `random() * min(cap, base * 2^attempt)` — spreads a burst of failing clients evenly instead of
 * synchronising their retries (AWS Architecture Blog, "Exponential Backoff And Jitter").
 *
 * @example
 * ```ts
 * import { fullJitterDelay } from "./backoff.ts";
 * console.log(fullJitterDelay(3, { baseMs: 100, capMs: 5000 }, () => 0.5)); // 400
 * ```
 */
export function fullJitterDelay(
  attempt: number,
  options: Pick<RetryOptions, "baseMs" | "capMs"> = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 100;
  const cap = options.capMs ?? 5000;
  // 2^attempt overflows to Infinity for huge attempts; min() with cap keeps it finite.
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}

const DELTA_SECONDS = /^\d{1,10}$/;

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the wait in ms
 * relative to `nowMs`, 0 for a date in the past, or `null` when absent or malformed.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./backoff.ts";
 * console.log(parseRetryAfter("3")); // 3000
 * const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
 * console.log(parseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT", now)); // 5000
 * ```
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === "") return null;
  if (DELTA_SECONDS.test(v)) return Number(v) * 1000;
  // An HTTP-date always names a weekday and a GMT time; Date.parse accepts all three RFC 9110
  // forms (IMF-fixdate, obsolete RFC 850 and asctime).
  if (!/[A-Za-z]{3}/.test(v)) return null;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Splits on `sep` outside double-quoted strings (structured fields, RFC 9651 §3). */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function intParam(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : null;
}

/**
 * How long, in ms, the server's rate limit headers say to wait before the quota resets, when a
 * quota is exhausted; `null` when nothing is exhausted or the headers are absent.
 *
 * Understands the current draft's `RateLimit: "policy";r=0;t=5` (a structured-field List whose
 * items carry `r` remaining and `t` seconds to reset; the longest reset of the exhausted
 * policies wins), the older dictionary form `RateLimit: limit=10, remaining=0, reset=5`, and the
 * separate `RateLimit-Remaining` / `RateLimit-Reset` headers.
 *
 * @example
 * ```ts
 * import { parseRateLimitReset } from "./backoff.ts";
 * const h = new Headers({ RateLimit: '"burst";r=0;t=5, "day";r=900;t=7200' });
 * console.log(parseRateLimitReset(h)); // 5000
 * ```
 */
export function parseRateLimitReset(headers: Headers): number | null {
  let best: number | null = null;
  const take = (seconds: number | null) => {
    if (seconds !== null && (best === null || seconds * 1000 > best)) best = seconds * 1000;
  };
  const rl = headers.get("ratelimit");
  if (rl !== null) {
    const items = splitOutsideQuotes(rl, ",");
    const dict = new Map<string, string>();
    for (const item of items) {
      const params = splitOutsideQuotes(item, ";");
      const head = params[0].trim();
      if (head.startsWith('"')) {
        let r: number | null = null;
        let t: number | null = null;
        for (const p of params.slice(1)) {
          const eq = p.indexOf("=");
          if (eq < 0) continue;
          const k = p.slice(0, eq).trim();
          if (k === "r") r = intParam(p.slice(eq + 1));
          else if (k === "t") t = intParam(p.slice(eq + 1));
        }
        if (r === 0) take(t);
      } else {
        const eq = head.indexOf("=");
        if (eq > 0) dict.set(head.slice(0, eq).trim().toLowerCase(), head.slice(eq + 1));
      }
    }
    if (intParam(dict.get("remaining")) === 0) take(intParam(dict.get("reset")));
  }
  if (intParam(headers.get("ratelimit-remaining") ?? undefined) === 0) {
    take(intParam(headers.get("ratelimit-reset") ?? undefined));
  }
  return best;
}
