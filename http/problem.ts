/**
 * RFC 9457 problem details: the one shape every error response of avx-http takes.
 *
 * @module
 */

import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The media type of a problem details document (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * A problem details document (RFC 9457 §3.1). Extension members are allowed and serialised
 * beside the standard ones.
 */
export interface ProblemDetails {
  /** A URI reference naming the problem type; `about:blank` when the status says it all. */
  type?: string;
  /** Short human summary of the problem type (stays the same between occurrences). */
  title?: string;
  /** The HTTP status code, repeated for consumers that lose the status line. */
  status?: number;
  /** Human explanation of this occurrence. Never contains secrets or stack traces. */
  detail?: string;
  /** Identifies this occurrence: avx-http puts the request id here. */
  instance?: string;
  /** Extension members, e.g. `errors` for validation failures. */
  [extension: string]: unknown;
}

const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  411: "Length Required",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The standard reason phrase for a status code (`"Not Found"` for 404), or `"Error"`.
 *
 * @example
 * ```ts
 * import { statusTitle } from "./problem.ts";
 * console.log(statusTitle(413)); // "Content Too Large"
 * ```
 */
export function statusTitle(status: number): string {
  return REASON[status] ?? (status >= 500 ? "Server Error" : "Error");
}

/**
 * Builds a `Response` carrying a problem details document. Missing `title` defaults to the
 * status's reason phrase; `status` is always the one given.
 *
 * @example
 * ```ts
 * import { problemResponse } from "@avila/avx-http/server";
 * const res = problemResponse(404, { detail: "no detector named X1" });
 * console.log(res.headers.get("content-type")); // "application/problem+json"
 * ```
 */
export function problemResponse(
  status: number,
  details: ProblemDetails = {},
  headers?: HeadersInit,
): Response {
  const body: ProblemDetails = {
    type: details.type ?? "about:blank",
    title: details.title ?? statusTitle(status),
    status,
    ...details,
  };
  body.status = status;
  const h = new Headers(headers);
  h.set("content-type", PROBLEM_CONTENT_TYPE);
  h.set("cache-control", "no-store");
  // A JSON document must never be sniffed into something a browser would render or run.
  h.set("x-content-type-options", "nosniff");
  // An exact length lets later steps (content coding, byte counts) size it without reading it.
  const json = new TextEncoder().encode(JSON.stringify(body));
  h.set("content-length", String(json.byteLength));
  return new Response(json, { status, headers: h });
}

/**
 * An error that becomes a problem details response when thrown from a handler or middleware.
 * It extends Hono's `HTTPException`, so Hono-aware code treats it as an HTTP error too.
 *
 * @example
 * ```ts
 * import { HttpProblem } from "@avila/avx-http/server";
 * function findDetector(id: string): never {
 *   throw new HttpProblem(404, { detail: `no detector named ${id}` });
 * }
 * ```
 */
export class HttpProblem extends HTTPException {
  /** The problem document (without `instance`, which is added per request). */
  readonly details: ProblemDetails;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers: Headers;

  /**
   * Creates the problem.
   *
   * @param status HTTP status (4xx or 5xx)
   * @param details problem members; `title` defaults to the reason phrase
   * @param headers extra response headers
   */
  constructor(status: number, details: ProblemDetails = {}, headers?: HeadersInit) {
    super(status as ContentfulStatusCode, { message: details.detail ?? statusTitle(status) });
    this.name = "HttpProblem";
    this.details = details;
    this.headers = new Headers(headers);
  }

  /** The response for this problem, with `instance` set when a request id is known. */
  toResponse(instance?: string): Response {
    const details = instance === undefined || this.details.instance !== undefined
      ? this.details
      : { ...this.details, instance };
    return problemResponse(this.status, details, this.headers);
  }

  /** Hono calls this when it meets an `HTTPException` outside avx-http's error handler. */
  override getResponse(): Response {
    return this.toResponse();
  }
}
