/**
 * `AuthError`: every way authentication or authorisation can fail, as one typed error with a
 * `code`, an HTTP status and a client-safe `detail` (never the token or key itself).
 *
 * @module
 */

import { AvilaError } from "@avila/compress";

export type AuthScheme = NonNullable<AuthError["scheme"]>;

const STATUS: Record<AuthError["code"], number> = {
  missing_credentials: 401,
  malformed_header: 401,
  method_not_accepted: 401,
  invalid_token: 401,
  alg_not_allowed: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  bad_audience: 401,
  bad_issuer: 401,
  missing_claim: 401,
  unknown_key_id: 401,
  malformed_api_key: 401,
  bad_checksum: 401,
  unknown_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  insufficient_scope: 403,
  too_many_failed_attempts: 429,
  auth_unavailable: 503,
  invalid_argument: 500,
};

/**
 * An authentication or authorisation failure. `detail` is safe to show to the client: it says
 * why (expired, bad audience, revoked...) and never contains the credential.
 *
 * @example
 * ```ts
 * import { AuthError } from "@avila/avx-http/middleware";
 * const e = new AuthError("token_expired", "token expired", "Bearer");
 * console.log(e.code, e.status); // "token_expired" 401
 * ```
 */
export class AuthError extends AvilaError<
  /** No credentials at all (401; the challenge carries no `error` attribute, RFC 6750 §3.1). */
  | "missing_credentials"
  /** `Authorization` / `X-AVL-API-Key` is not well formed, or several credentials were sent. */
  | "malformed_header"
  /** A credential of a method this route does not accept (e.g. an API key where only JWT is). */
  | "method_not_accepted"
  /** The bearer token is not a compact JWS, or its signature does not verify. */
  | "invalid_token"
  /** The token's `alg` is not in the allowlist (`none` never is). */
  | "alg_not_allowed"
  /** The token's `exp` is in the past (beyond the clock tolerance). */
  | "token_expired"
  /** The token's `nbf` (or `iat`) is in the future (beyond the clock tolerance). */
  | "token_not_yet_valid"
  /** The token's `aud` does not name this service. */
  | "bad_audience"
  /** The token's `iss` is not the configured issuer. */
  | "bad_issuer"
  /** A required claim (`exp`, `iss`, `aud`, `sub`, tenant) is missing or has the wrong type. */
  | "missing_claim"
  /** No verification key matches the token's `kid`. */
  | "unknown_key_id"
  /** The API key does not have the `avl_live_`/`avl_test_` shape. */
  | "malformed_api_key"
  /** The API key's checksum suffix does not match (a typo or a made-up key). */
  | "bad_checksum"
  /** The API key is well formed but no store knows it. */
  | "unknown_api_key"
  /** The API key was revoked. */
  | "api_key_revoked"
  /** The API key's expiry has passed. */
  | "api_key_expired"
  /** The principal lacks a scope the route requires (403). */
  | "insufficient_scope"
  /** Too many failed authentications from this client IP; retry after `Retry-After` (429). */
  | "too_many_failed_attempts"
  /** The key store or the JWKS endpoint failed; not the client's fault (503). */
  | "auth_unavailable"
  /** The middleware or a helper was given invalid options or arguments (a programming error). */
  | "invalid_argument"
> {
  /** HTTP status this failure maps to (401, 403, 429, 503; 500 for `invalid_argument`). */
  readonly status: number;
  /** The scheme the client should retry with, when the failure concerns one. */
  readonly scheme: "Bearer" | "ApiKey" | undefined;
  /** For `insufficient_scope`: the scopes the route needs and the principal lacks. */
  readonly missingScopes: readonly string[];

  /**
   * Creates the error.
   *
   * @param code why authentication failed
   * @param detail client-safe explanation (never include the credential)
   * @param scheme the scheme concerned, for the `WWW-Authenticate` challenge
   * @param missingScopes for `insufficient_scope`, the missing scopes
   */
  constructor(
    code: AuthError["code"],
    detail: string,
    scheme?: AuthError["scheme"],
    missingScopes: readonly string[] = [],
  ) {
    super(code, detail);
    this.name = "AuthError";
    this.status = STATUS[code];
    this.scheme = scheme;
    this.missingScopes = missingScopes;
  }
}
