/**
 * `typedClient`: Hono's RPC client (`hc`) typed from a Hono app's routes, sending through an
 * avx-http `Client` — so typed calls get the same retries, deadlines, decoding and telemetry.
 *
 * @module
 */

import type { Hono } from "hono";
import { hc } from "hono/client";
import type { Client } from "./client.ts";

/**
 * A typed RPC client for `App` (the type of a Hono app with chained routes) at `baseUrl`,
 * whose requests go through `client.fetch`.
 *
 * Route types come from Hono's chained builder (`new Hono().get(...).post(...)`); routes added
 * through avx's `Server.route()` are not in the type, so use this with Hono apps (or sub-apps
 * mounted with `configure`).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { Client, typedClient } from "@avila/avx-http/client";
 * const app = new Hono().get("/api/items/:id", (c) => c.json({ id: c.req.param("id") }));
 * const client = Client.builder().fetch((req) => Promise.resolve(app.fetch(new Request(req)))).build();
 * const api = typedClient<typeof app>(client, "http://localhost");
 * const res = await api.api.items[":id"].$get({ param: { id: "7" } });
 * console.log(await res.json()); // { id: "7" }
 * ```
 */
// deno-lint-ignore no-explicit-any
export function typedClient<App extends Hono<any, any, any>>(
  client: Client,
  baseUrl: string,
): ReturnType<typeof hc<App>> {
  return hc<App>(baseUrl, { fetch: client.fetch });
}
