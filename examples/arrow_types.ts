/**
 * Types for `c.arrow()` and `c.req.arrow()` in a TypeScript app. JSR packages may not augment
 * another package's types, so an app that wants the methods typed keeps this declaration (copy
 * it, or import this file once). The methods themselves come from `@avila/avx-http/server`.
 *
 * @module
 */

import type {
  ArrowBody,
  ArrowBodyContent,
  ArrowResponseInit,
  ReadArrowBodyOptions,
} from "../columnar/http.ts";

declare module "hono" {
  interface Context {
    /** Answers with `body` as Arrow IPC or JSON rows, by the request's `Accept`. */
    arrow(body: ArrowBody, init?: ArrowResponseInit): Promise<Response>;
  }
  interface HonoRequest {
    /** Reads an Arrow IPC body (stream or file); bad bodies become 400/413/415 problems. */
    arrow(options?: ReadArrowBodyOptions): Promise<ArrowBodyContent>;
  }
}
