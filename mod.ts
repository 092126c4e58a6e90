/**
 * avx-http: a Deno-first edge HTTP framework for data-heavy APIs, built on Hono.
 *
 * The root module is the `Server` builder and what its signatures name (the API of
 * `@avila/avx-http/server`), plus the error base classes. The middleware factories and stores
 * (`@avila/avx-http/middleware`), the client (`@avila/avx-http/client`), the CLI
 * (`@avila/avx-http/cli`), compression (`@avila/compress`) and Arrow data (`@avila/arrow`) have
 * their own entry points so an app only loads what it uses. Hono's own types (`Context`,
 * `MiddlewareHandler`, ...) come from `hono`.
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
export { AvilaError } from "@avila/compress";
export { ConfigurationError } from "./http/config_error.ts";
