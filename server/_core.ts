// The one middleware every avx-http app runs first: request body limit, HTTP metrics, in-flight
// count, and the runtime on the context. Kept to a few field reads and one Map lookup per
// request so a bare app stays within a few percent of bare Hono.

import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AvxEnv } from "./context.ts";
import { HttpProblem } from "./problem.ts";
import type { AppRuntime } from "./runtime.ts";

export interface CoreOptions {
  bodyLimit: number;
  metrics: boolean;
}

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(413, {
    detail: `request body exceeds the limit of ${limit} bytes`,
    limit,
  });
}

export function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const p = routePath(c);
  return p === "" || p === "*" || p === "/*" ? "unmatched" : p;
}

export function coreMiddleware(
  runtime: AppRuntime,
  options: CoreOptions,
): MiddlewareHandler<AvxEnv> {
  const { requests, duration, bytesIn, bytesOut, inFlight } = runtime.http;
  const limit = options.bodyLimit;
  const record = options.metrics;

  return async function avxCore(c, next) {
    c.set("avx", runtime);
    const req = c.req.raw;
    let declaredIn = 0;
    if (req.body !== null) {
      const cl = req.headers.get("content-length");
      if (cl !== null && !req.headers.has("transfer-encoding")) {
        declaredIn = Number(cl);
        if (declaredIn > limit) throw tooLarge(limit);
      } else {
        // No declared length: count while the handler reads, and fail the read past the limit.
        let seen = 0;
        const counted = req.body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              if (seen > limit) controller.error(tooLarge(limit));
              else controller.enqueue(chunk);
            },
            flush() {
              if (record) bytesIn.inc([routeLabel(c)], seen);
            },
          }),
        );
        c.req.raw = new Request(req, { body: counted, duplex: "half" } as RequestInit);
      }
    }
    if (!record) return next();

    const started = performance.now();
    inFlight.add(1);
    try {
      await next();
    } finally {
      inFlight.add(-1);
    }
    const route = routeLabel(c);
    const method = req.method;
    const res = c.res;
    requests.inc([method, route, String(res.status)]);
    duration.observe((performance.now() - started) / 1000, [method, route]);
    if (declaredIn > 0) bytesIn.inc([route], declaredIn);
    const cl = res.headers.get("content-length");
    if (cl !== null) bytesOut.inc([route], Number(cl));
  };
}
