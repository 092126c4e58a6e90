/**
 * Authentication: `auth()` by JWT (jose) or avx API key, `requireScopes()`, the API key format
 * and key stores, and the `Principal` every platform middleware reads.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { auth, MemoryKeyStore, requireScopes } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use("/v1/*", auth({ keyStore: new MemoryKeyStore() }));
 * app.get("/v1/data", requireScopes("data:read"), (c) => c.json([]));
 * ```
 *
 * @module
 */

export { API_KEY_HEADER, auth, type AuthOptions } from "./auth.ts";
export {
  API_KEY_LENGTH,
  API_KEY_PATTERN,
  type ApiKeyMode,
  generateApiKey,
  type GeneratedApiKey,
  hashApiKey,
  isApiKeyFormat,
  parseApiKey,
  type ParsedApiKey,
} from "./api_key.ts";
export { principalFromClaims } from "./claims.ts";
export { AuthError } from "./errors.ts";
export {
  createJwtVerifier,
  type JwtKey,
  type JwtKeyEntry,
  type JwtOptions,
  type JwtVerifier,
} from "./jwt.ts";
export {
  type ApiKeyRecord,
  issueApiKey,
  type KeyStore,
  validateApiKeyRecord,
} from "./key_store.ts";
export {
  type AuthVariables,
  type Principal,
  principalOf,
  type Residency,
} from "../../http/principal.ts";
export { missingScopes, requireScopes } from "./scopes.ts";
export { KvKeyStore } from "./stores/kv.ts";
export { MemoryKeyStore } from "./stores/memory.ts";
