/**
 * Arrow responses and request bodies on Hono's context: `c.arrow(batches)` answers with Arrow IPC
 * (stream or file, with IPC body compression when the client's `Accept` asks for it) or JSON rows,
 * chosen by `Accept` (406 problem when nothing fits); `await c.req.arrow()` reads an Arrow body.
 *
 * Importing this module adds the two methods to Hono's `Context` and `HonoRequest` prototypes
 * (additive: Hono has no methods of these names), so no per-request middleware is needed. JSR
 * packages may not augment other modules' types, so TypeScript apps declare them once (see
 * `examples/arrow_types.ts`), or call the typed functions {@link arrow} and {@link readArrow}.
 *
 * @module
 */

import { Context } from "hono";
import { HonoRequest } from "hono/request";
import {
  type ArrowBody,
  type ArrowBodyContent,
  ArrowHttpError,
  arrowResponse,
  type ArrowResponseInit,
  readArrowBody,
  type ReadArrowBodyOptions,
} from "../columnar/http.ts";
import { HttpProblem } from "../http/problem.ts";

/**
 * `c.arrow(...)` as a function, for code that prefers not to rely on the prototype methods.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { arrow } from "@avila/avx-http/server";
 * import { RecordBatch } from "@avila/avx-http/columnar";
 * const app = new Hono();
 * app.get("/t", (c) => arrow(c, RecordBatch.fromColumns({ t: new Float64Array([1]) })));
 * ```
 */
export function arrow(c: Context, body: ArrowBody, init?: ArrowResponseInit): Promise<Response> {
  return arrowResponse(c.req.raw, body, init);
}

/**
 * `c.req.arrow()` as a function: reads an Arrow IPC request body, throwing `HttpProblem`s.
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
  options?: ReadArrowBodyOptions,
): Promise<ArrowBodyContent> {
  try {
    return await readArrowBody(request, options);
  } catch (e) {
    if (e instanceof ArrowHttpError) {
      const headers: HeadersInit = e.status === 415
        ? { accept: "application/vnd.apache.arrow.stream, application/vnd.apache.arrow.file" }
        : {};
      throw new HttpProblem(e.status, { detail: e.message }, headers);
    }
    throw e;
  }
}

const ctxProto = Context.prototype as unknown as Record<string, unknown>;
if (!("arrow" in ctxProto)) {
  Object.defineProperty(ctxProto, "arrow", {
    configurable: true,
    writable: true,
    value: function (this: Context, body: ArrowBody, init?: ArrowResponseInit) {
      return arrowResponse(this.req.raw, body, init);
    },
  });
}
const reqProto = HonoRequest.prototype as unknown as Record<string, unknown>;
if (!("arrow" in reqProto)) {
  Object.defineProperty(reqProto, "arrow", {
    configurable: true,
    writable: true,
    value: function (this: HonoRequest, options?: ReadArrowBodyOptions) {
      return readArrow(this.raw, options);
    },
  });
}
