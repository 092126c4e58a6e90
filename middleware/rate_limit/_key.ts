// The key check every rate-limit store makes (memory, Deno KV, Redis, Durable Object).

import { RateLimitError } from "./policy.ts";

/** Longest key accepted, in UTF-16 code units (keys come from headers and callbacks). */
export const MAX_RATE_LIMIT_KEY_LENGTH = 1024;

/**
 * Throws `RateLimitError` `invalid_key` (the middleware answers 400) for a key longer than
 * {@link MAX_RATE_LIMIT_KEY_LENGTH}. An asynchronous store calls it inside its promise's
 * executor, so a bad key rejects the promise instead of throwing.
 *
 * @example
 * ```ts
 * import { checkRateLimitKey } from "./_key.ts";
 * checkRateLimitKey("tenant:acme"); // a valid key: returns
 * try {
 *   checkRateLimitKey("k".repeat(2000));
 * } catch (e) {
 *   console.log((e as { code: string }).code); // "invalid_key"
 * }
 * ```
 */
export function checkRateLimitKey(key: string): void {
  if (key.length > MAX_RATE_LIMIT_KEY_LENGTH) {
    throw new RateLimitError("invalid_key", "rate-limit key is too long");
  }
}
