/**
 * `ConfigurationError`: the one error of a middleware configuration that cannot work, thrown when
 * the middleware is built (or the server starts), never per request.
 *
 * @module
 */

import { AvilaError } from "@avila/compress/errors";

/**
 * A configuration that cannot work; `message` says what to do instead. Every middleware, client
 * and server factory throws this (or a subclass, e.g. `RegionConfigError`) for bad options, when
 * it is built and never per request.
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
export class ConfigurationError<
  Code extends string =
    /** CORS `credentials: true` with any origin (`*`). */
    | "cors_credentials_any_origin"
    /** Limiting by client IP on a runtime where no client address can ever be found. */
    | "client_ip_unavailable"
    /** An option has a value of the wrong type or outside its range; `message` names it. */
    | "invalid_option",
> extends AvilaError<Code> {
  /** Always `"ConfigurationError"`. */
  override name = "ConfigurationError";
}
