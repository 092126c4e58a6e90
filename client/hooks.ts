/**
 * Hook types of the client: called around every attempt and before every retry.
 *
 * @module
 */

/** Facts about one attempt. */
export interface AttemptInfo {
  /** 0 for the first attempt of the logical request. */
  attempt: number;
  /** Request method. */
  method: string;
  /** URL of this attempt. */
  url: string;
  /** Region of the endpoint used, when regions are configured. */
  region?: string;
  /** `X-Request-Id` of the logical request (the same on every attempt). */
  requestId: string;
  /** Whether this attempt is a hedged duplicate. */
  hedge: boolean;
}

/**
 * Hooks; each may be async. `beforeRequest` may return a replacement `Request`, `afterResponse`
 * a replacement `Response`.
 *
 * @example
 * ```ts
 * import type { ClientHooks } from "@avila/avx-http/client";
 * const hooks: ClientHooks = {
 *   beforeRequest: (req) => { req.headers.set("x-tenant", "lab-7"); },
 *   beforeRetry: ({ attempt, delayMs }) => console.log(`retry ${attempt + 1} in ${delayMs} ms`),
 * };
 * ```
 */
export interface ClientHooks {
  /** Before each attempt is sent. */
  beforeRequest?: (
    request: Request,
    info: AttemptInfo,
  ) => Request | void | Promise<Request | void>;
  /** After each attempt's response headers arrive. */
  afterResponse?: (
    response: Response,
    info: AttemptInfo,
  ) => Response | void | Promise<Response | void>;
  /** Before waiting for a retry. */
  beforeRetry?: (
    info: AttemptInfo & {
      /** Wait before the next attempt, in ms. */
      delayMs: number;
      /** The failed attempt's response, when it got one (its body is discarded). */
      response?: Response;
      /** The failed attempt's error, when it threw. */
      error?: unknown;
    },
  ) => void | Promise<void>;
}
