// Reading back an API key record a store keeps as JSON text (Redis, Workers KV).

import { AuthError } from "./errors.ts";
import { type ApiKeyRecord, validateApiKeyRecord } from "./key_store.ts";

/**
 * The record in `text` (a store's JSON), or `null` when the store holds none. Text that is not a
 * valid record (corrupt, written by something else) is the store's fault, not the caller's:
 * `AuthError` `auth_unavailable` (503), never a 401.
 *
 * @example
 * ```ts
 * import { parseStoredApiKeyRecord } from "./_stored_record.ts";
 * console.log(parseStoredApiKeyRecord(null)); // null
 * try {
 *   parseStoredApiKeyRecord("{not json");
 * } catch (e) {
 *   console.log((e as { code: string }).code); // "auth_unavailable"
 * }
 * ```
 */
export function parseStoredApiKeyRecord(text: string | null): ApiKeyRecord | null {
  if (text === null) return null;
  try {
    return validateApiKeyRecord(JSON.parse(text));
  } catch {
    throw new AuthError("auth_unavailable", "stored API key record is corrupt");
  }
}
