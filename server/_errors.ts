// Error and not-found handlers: every failure leaves as RFC 9457 problem+json, with the request
// id as `instance`, and without stack traces or internal messages.

import type { Context, ErrorHandler, Hono, NotFoundHandler } from "hono";
import type { ServerOptions } from "./server.ts";
import { HTTPException } from "hono/http-exception";
import { TrieRouter } from "hono/router/trie-router";
import { requestId } from "../http/context.ts";
import { HttpProblem, problemResponse } from "../http/problem.ts";
import { bodyFailure, type BodyProblemCode, replaceRes } from "../http/mod.ts";

/** What `ServerOptions.logError` is. */
export type ErrorLogger = NonNullable<ServerOptions["logError"]>;

export const defaultErrorLogger: ErrorLogger = (error, ctx) => {
  console.error(
    `[avx-http] unhandled error in ${ctx.method} ${ctx.path} (${ctx.requestId})`,
    error,
  );
};

/** Codes of `CompressError` (compress/) and their HTTP meaning for request bodies. */
const CODEC_STATUS: Record<string, number> = {
  limit: 413,
  corrupt: 400,
  checksum: 400,
  unsupported: 415,
};

/** The request-body problem `code` of each of those `CompressError` codes. */
const CODEC_PROBLEM: Record<string, BodyProblemCode> = {
  limit: "body_too_large",
  corrupt: "body_coding_invalid",
  checksum: "body_coding_invalid",
  unsupported: "body_coding_unsupported",
};

/** A stable `code` for a Hono `HTTPException` (a validator's 400, a body limit's 413, ...). */
function httpExceptionCode(status: number): string {
  if (status === 413) return "body_too_large";
  if (status === 401) return "missing_credentials";
  return status >= 500 ? "internal_error" : "request_invalid";
}

function isBodyParseError(e: unknown, c: Context): boolean {
  return e instanceof SyntaxError && c.req.raw.body !== null &&
    /JSON|Unexpected|token/i.test(e.message);
}

/** Headers that describe a response's body, not the request's outcome. */
const BODY_HEADERS = [
  "content-digest",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-location",
  "content-range",
  "etag",
  "last-modified",
  "repr-digest",
];

/**
 * Hono copies every header of the response in `c.res` onto the answer that replaces it: an error
 * thrown after a handler answered (a deadline that expired while a layer was still recording the
 * answer) would leave with that answer's `Content-Encoding` and length on a plain problem body,
 * which no client can decode. Only the body's own headers are dropped, from a placeholder: the
 * answer itself stays as it is for the layers that still read it (idempotency records it).
 */
function forgetAnswerBody(c: Context): void {
  if (!c.finalized) return;
  const h = c.res.headers;
  if (!BODY_HEADERS.some((name) => h.has(name))) return;
  const kept = new Headers(h);
  for (const name of BODY_HEADERS) kept.delete(name);
  replaceRes(c, new Response(null, { headers: kept }));
}

export function errorHandler(log: ErrorLogger): ErrorHandler {
  return function avxOnError(err, c) {
    forgetAnswerBody(c);
    const instance = requestId(c);
    // A request body that failed (too large, too slow, a broken coding) explains whatever error
    // followed, also when code on the way swallowed the read error (a validator's "Malformed
    // JSON").
    const failure = bodyFailure(c.req.raw);
    if (failure !== undefined) return failure.toResponse(instance);
    if (err instanceof HttpProblem) return err.toResponse(instance);
    if (err instanceof HTTPException) {
      // Hono's own exceptions (validator, body limit, ...) carry deliberate, client-safe messages.
      const headers = err.res?.headers;
      const h = new Headers();
      const allow = headers?.get("allow");
      if (allow) h.set("allow", allow);
      const www = headers?.get("www-authenticate");
      if (www) h.set("www-authenticate", www);
      return problemResponse(err.status, {
        detail: err.message || undefined,
        code: httpExceptionCode(err.status),
        instance,
      }, h);
    }
    if (isBodyParseError(err, c)) {
      return problemResponse(400, {
        detail: "request body is not valid JSON",
        code: "body_json_invalid",
        instance,
      });
    }
    const named = err as { name?: string; code?: string; message?: string };
    if (named?.name === "CompressError" && named.code && CODEC_STATUS[named.code]) {
      return problemResponse(CODEC_STATUS[named.code], {
        detail: `request body could not be decoded: ${named.message}`,
        code: CODEC_PROBLEM[named.code],
        instance,
      });
    }
    log(err, { requestId: instance, method: c.req.method, path: c.req.path });
    return problemResponse(500, {
      detail: "an unexpected error occurred",
      code: "internal_error",
      instance,
    });
  };
}

export function notFoundHandler(app: Hono<never>): NotFoundHandler {
  let methods: TrieRouter<string[]> | undefined;
  return function avxNotFound(c) {
    // 405 with Allow when the path exists under other methods (RFC 9110 §15.5.6).
    if (methods === undefined) {
      const byPath = new Map<string, Set<string>>();
      for (const r of app.routes) {
        if (r.method === "ALL") continue;
        const set = byPath.get(r.path) ?? new Set();
        set.add(r.method);
        if (r.method === "GET") set.add("HEAD");
        byPath.set(r.path, set);
      }
      methods = new TrieRouter();
      for (const [path, set] of byPath) methods.add("ALL", path, [...set]);
    }
    const [matched] = methods.match("ALL", c.req.path);
    const allowed = new Set<string>();
    for (const m of matched) for (const method of m[0]) allowed.add(method);
    const instance = requestId(c);
    if (allowed.size > 0 && !allowed.has(c.req.method)) {
      const allow = [...allowed].sort().join(", ");
      return problemResponse(405, {
        detail: `${c.req.method} is not allowed here; use ${allow}`,
        code: "method_not_allowed",
        instance,
      }, { allow });
    }
    return problemResponse(404, {
      detail: `no route for ${c.req.method} ${c.req.path}`,
      code: "not_found",
      instance,
    });
  };
}
