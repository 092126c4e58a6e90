/**
 * Arrow responses and request bodies for Hono handlers: `arrow(c, batches)` answers with Arrow IPC
 * (stream or file, with IPC body compression when the client's `Accept` asks for it) or JSON rows,
 * chosen by `Accept` (406 problem when nothing fits); `await readArrow(c.req.raw)` reads an Arrow body.
 *
 * Plain typed functions: `arrow(c, batches)` and `await readArrow(c.req.raw)`. Importing this
 * module changes nothing in Hono (no prototype methods: no side effects on import, and nothing a
 * JSR package would have to declare on another package's types).
 *
 * @module
 */

import type { Context } from "hono";
import { type ArrowBody, ArrowHttpError, arrowResponse, readArrowBody } from "@avila/arrow";
import { HttpProblem, PROBLEM_CONTENT_TYPE } from "../http/problem.ts";

/** The stable `code` of each status a refused Arrow body gets (docs/errors.md). */
const BODY_CODES: Record<number, string> = {
  400: "body_arrow_invalid",
  413: "body_too_large",
  415: "body_type_unsupported",
};

/**
 * Answers with `body` as Arrow IPC (stream or file, IPC-compressed when `Accept` asks) or JSON
 * rows, chosen by the request's `Accept` (a 406 problem when nothing fits). `init` is that of
 * `arrowResponse` of `@avila/arrow`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { arrow } from "@avila/avx-http/server";
 * import { RecordBatch } from "@avila/arrow";
 * const app = new Hono();
 * app.get("/t", (c) => arrow(c, RecordBatch.fromColumns({ t: new Float64Array([1]) })));
 * ```
 */
export async function arrow(
  c: Context,
  body: ArrowBody,
  init?: Parameters<typeof arrowResponse>[2],
): Promise<Response> {
  const res = await arrowResponse(c.req.raw, body, init);
  if (res.status !== 406 || res.headers.get("content-type") !== PROBLEM_CONTENT_TYPE) return res;
  // Nothing the client accepts: the server's own problem, with its code and the request id.
  const { detail } = await res.json();
  throw new HttpProblem(406, { detail, code: "not_acceptable" }, { vary: "Accept" });
}

/**
 * Reads an Arrow IPC request body (stream or file); bad bodies throw `HttpProblem`s (400, 413,
 * 415). `options` and the result are those of `readArrowBody` of `@avila/arrow`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { readArrow } from "@avila/avx-http/server";
 * const app = new Hono();
 * app.post("/t", async (c) => c.json({ batches: (await readArrow(c.req.raw)).batches.length }));
 * ```
 */
export async function readArrow(
  request: Request,
  options?: Parameters<typeof readArrowBody>[1],
): ReturnType<typeof readArrowBody> {
  try {
    return await readArrowBody(request, options);
  } catch (e) {
    if (e instanceof ArrowHttpError) {
      const headers: HeadersInit = e.status === 415
        ? { accept: "application/vnd.apache.arrow.stream, application/vnd.apache.arrow.file" }
        : {};
      throw new HttpProblem(e.status, { detail: e.message, code: BODY_CODES[e.status] }, headers);
    }
    throw e;
  }
}
