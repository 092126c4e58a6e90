/**
 * The API key format: `avl_live_<random><checksum>` / `avl_test_<random><checksum>`, 30 base62
 * random characters (178 bits) then a 6-character base62 CRC-32 of everything before it, so a
 * leaked key is recognised offline (secret scanners, log scrubbers) and a typo is rejected
 * without a store lookup. Keys are stored only as SHA-256 digests ({@link hashApiKey}).
 *
 * @module
 */

import { crc32Ascii } from "./_crc32.ts";
import { AuthError } from "./errors.ts";

/**
 * Whether a key is for production (`live`) or for tests and sandboxes (`test`).
 *
 * @example
 * ```ts
 * import type { ApiKeyMode } from "@avila/avx-http/middleware";
 * const mode: ApiKeyMode = Deno.env.get("CI") ? "test" : "live";
 * console.log(mode);
 * ```
 */
export type ApiKeyMode = "live" | "test";

/**
 * A freshly generated key: the plaintext exists only in this object.
 *
 * @example
 * ```ts
 * import { generateApiKey, type GeneratedApiKey } from "./api_key.ts";
 * const g: GeneratedApiKey = await generateApiKey({ mode: "test" });
 * console.log(g.id.startsWith("key_")); // true
 * ```
 */
export interface GeneratedApiKey {
  /** The plaintext key, to be shown to its owner exactly once. */
  key: string;
  /** Public key id (`key_...`), safe to log and show; the principal's `subject`. */
  id: string;
  /** Hex SHA-256 of `key`: what the store keeps. */
  hash: string;
}

/**
 * The parts of a well-formed key.
 *
 * @example
 * ```ts
 * import { generateApiKey, parseApiKey, type ParsedApiKey } from "./api_key.ts";
 * const parsed: ParsedApiKey = parseApiKey((await generateApiKey({ mode: "test" })).key);
 * console.log(parsed.mode); // "test"
 * ```
 */
export interface ParsedApiKey {
  /** `live` or `test`. */
  mode: ApiKeyMode;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const PREFIX_LENGTH = 9; // "avl_live_" / "avl_test_"
/**
 * Length of every API key, in characters (45).
 *
 * @example
 * ```ts
 * import { API_KEY_LENGTH, generateApiKey } from "./api_key.ts";
 * console.log((await generateApiKey({ mode: "live" })).key.length === API_KEY_LENGTH); // true
 * ```
 */
export const API_KEY_LENGTH: number = PREFIX_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH;

/**
 * Finds candidate API keys in text (for scanners); confirm each match with
 * {@link isApiKeyFormat}, which also checks the checksum.
 *
 * @example
 * ```ts
 * import { API_KEY_PATTERN, isApiKeyFormat } from "@avila/avx-http/middleware";
 * const log = "curl -H 'X-AVL-API-Key: avl_test_000000000000000000000000000000xxxxxx'";
 * const found = [...log.matchAll(new RegExp(API_KEY_PATTERN, "g"))].map((m) => m[0]);
 * console.log(found.filter(isApiKeyFormat)); // [] — the checksum is wrong
 * ```
 */
export const API_KEY_PATTERN: RegExp = /\bavl_(?:live|test)_[0-9A-Za-z]{36}\b/;

function base62Fixed(n: number, width: number): string {
  let s = "";
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s;
}

/** `length` uniformly random base62 characters (rejection sampling: no modulo bias). */
function randomBase62(length: number): string {
  let s = "";
  const buf = new Uint8Array(length * 2);
  while (s.length < length) {
    crypto.getRandomValues(buf);
    for (let i = 0; i < buf.length && s.length < length; i++) {
      if (buf[i] < 248) s += ALPHABET[buf[i] % 62];
    }
  }
  return s;
}

function isBase62(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Why `s` is not a key, or null when it is one. */
function formatError(s: string): "malformed_api_key" | "bad_checksum" | null {
  if (s.length !== API_KEY_LENGTH || !s.startsWith("avl_")) return "malformed_api_key";
  const mode = s.slice(4, 8);
  if ((mode !== "live" && mode !== "test") || s.charCodeAt(8) !== 0x5f) return "malformed_api_key";
  for (let i = PREFIX_LENGTH; i < API_KEY_LENGTH; i++) {
    if (!isBase62(s.charCodeAt(i))) return "malformed_api_key";
  }
  const body = API_KEY_LENGTH - CHECKSUM_LENGTH;
  const expected = base62Fixed(crc32Ascii(s, body), CHECKSUM_LENGTH);
  // Not secret (anyone can compute it), so a plain comparison is fine here.
  return s.endsWith(expected) ? null : "bad_checksum";
}

/**
 * Whether `s` is an avx API key: right prefix, length, alphabet and checksum. Needs no store
 * and no secret, so secret scanners can use it to confirm a leak.
 *
 * @example
 * ```ts
 * import { generateApiKey, isApiKeyFormat } from "./api_key.ts";
 * const { key } = await generateApiKey({ mode: "test" });
 * console.log(isApiKeyFormat(key)); // true
 * console.log(isApiKeyFormat(key.slice(0, -1) + (key.endsWith("a") ? "b" : "a"))); // false
 * ```
 */
export function isApiKeyFormat(s: string): boolean {
  return typeof s === "string" && formatError(s) === null;
}

/**
 * Checks a key's shape and checksum and returns its mode, or throws `AuthError`
 * (`malformed_api_key` or `bad_checksum`). The message never contains the key.
 *
 * @example
 * ```ts
 * import { generateApiKey, parseApiKey } from "./api_key.ts";
 * const { key } = await generateApiKey({ mode: "live" });
 * console.log(parseApiKey(key).mode); // "live"
 * ```
 */
export function parseApiKey(s: string): ParsedApiKey {
  const err = typeof s === "string" ? formatError(s) : "malformed_api_key";
  if (err === "malformed_api_key") {
    throw new AuthError(
      err,
      "API key is malformed (expected avl_live_... or avl_test_...)",
      "ApiKey",
    );
  }
  if (err === "bad_checksum") {
    throw new AuthError(err, "API key checksum does not match (mistyped or forged key)", "ApiKey");
  }
  return { mode: s.charCodeAt(4) === 0x6c ? "live" : "test" };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();

/**
 * The hex SHA-256 digest of a key: the only form in which keys are stored.
 *
 * @example
 * ```ts
 * import { hashApiKey } from "./api_key.ts";
 * const hash = await hashApiKey("avl_test_example");
 * console.log(hash.length); // 64
 * ```
 */
export async function hashApiKey(key: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(key)));
  let s = "";
  for (let i = 0; i < d.length; i++) s += HEX[d[i]];
  return s;
}

/**
 * Generates a new key with a random public id. Store `hash` (never `key`) and show `key` to its
 * owner once; {@link issueApiKey} does both.
 *
 * @example
 * ```ts
 * import { generateApiKey } from "./api_key.ts";
 * const { key, id, hash } = await generateApiKey({ mode: "test" });
 * console.log(key.startsWith("avl_test_"), id.startsWith("key_"), hash.length); // true true 64
 * ```
 */
export async function generateApiKey(
  options: { mode: ApiKeyMode } = { mode: "live" },
): Promise<GeneratedApiKey> {
  const mode = options.mode;
  if (mode !== "live" && mode !== "test") {
    throw new AuthError("invalid_argument", `API key mode must be "live" or "test"`);
  }
  const body = `avl_${mode}_${randomBase62(RANDOM_LENGTH)}`;
  const key = body + base62Fixed(crc32Ascii(body), CHECKSUM_LENGTH);
  return { key, id: `key_${randomBase62(20)}`, hash: await hashApiKey(key) };
}
