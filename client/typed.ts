/**
 * `typedClient`: Hono's RPC client (`hc`) typed from a Hono app's routes, sending through an
 * avx-http `Client` — so typed calls get the same retries, deadlines, decoding and telemetry.
 *
 * @module
 */

import type { Hono } from "hono";
import { hc } from "hono/client";
import type { Client } from "./client.ts";

// deno-lint-ignore no-explicit-any
type HonoAppOf<App> = App extends { readonly hono: infer H extends Hono<any, any, any> } ? H
  // deno-lint-ignore no-explicit-any
  : App extends Hono<any, any, any> ? App
  : never;

/**
 * A typed RPC client for `App` at `baseUrl`, whose requests go through `client.fetch`. `App` is
 * the type of a Hono app with chained routes, or of an avx-http app built by `Server`, whose
 * routes declared with `Server.openapi(createRoute(...), handler)` are in its type (routes added
 * with `Server.route()` are not).
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
export function typedClient<
  // deno-lint-ignore no-explicit-any
  App extends Hono<any, any, any> | { readonly hono: Hono<any, any, any> },
>(
  client: Client,
  baseUrl: string,
): ReturnType<
  typeof hc<
    // deno-lint-ignore no-explicit-any
    App extends { readonly hono: infer H extends Hono<any, any, any> } ? H
      // deno-lint-ignore no-explicit-any
      : App extends Hono<any, any, any> ? App
      : never
  >
> {
  return hc<HonoAppOf<App>>(baseUrl, { fetch: client.fetch });
}
