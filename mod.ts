/**
 * avx-http: a Deno-first edge HTTP framework for data-heavy APIs, built on Hono.
 *
 * The root module exports the server and middleware. Compression (`@avila/compress`),
 * Arrow columnar data (`@avila/arrow`) and the CLI (`@avila/avx-http/cli`) have
 * their own entry points so an app only loads what it uses.
 *
 * @example
 * ```ts
 * import { Route, Server } from "@avila/avx-http";
 * const app = new Server()
 *   .route("/api/data", Route.get((c) => c.json({ ok: true })))
 *   .withTelemetry()
 *   .withCors()
 *   .build();
 * const res = await app.request("/api/data");
 * console.log(await res.json()); // { ok: true }
 * // app.listen("0.0.0.0:3000");  or  export default app;
 * ```
 *
 * @module
 */

export * from "./server/mod.ts";
export * from "./middleware/mod.ts";
