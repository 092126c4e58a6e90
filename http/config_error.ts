/**
 * `ConfigurationError`: the one error of a middleware configuration that cannot work, thrown when
 * the middleware is built (or the server starts), never per request.
 *
 * @module
 */

/** Codes of {@link ConfigurationError}. */
export type ConfigurationErrorCode =
  /** CORS `credentials: true` with any origin (`*`). */
  | "cors_credentials_any_origin"
  /** Limiting by client IP on a runtime where no client address can ever be found. */
  | "client_ip_unavailable";

/**
 * A configuration that cannot work; `message` says what to do instead.
 *
 * @example
 * ```ts
 * import { ConfigurationError, cors } from "@avila/avx-http/middleware";
 * try {
 *   cors({ credentials: true });
 * } catch (e) {
 *   console.log(e instanceof ConfigurationError && e.code); // "cors_credentials_any_origin"
 * }
 * ```
 */
export class ConfigurationError extends TypeError {
  /** What is wrong, stable across versions. */
  readonly code: ConfigurationErrorCode;

  /**
   * Creates the error.
   *
   * @param code what is wrong
   * @param message what is wrong and what to do instead
   */
  constructor(code: ConfigurationErrorCode, message: string) {
    super(message);
    this.name = "ConfigurationError";
    this.code = code;
  }
}
