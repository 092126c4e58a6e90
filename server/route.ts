/**
 * `Route`: method-to-handler bindings for one path, in the builder style of the original design:
 * `new Server().route("/api/data", Route.get(handler).post(other))`.
 *
 * @module
 */

import { ConfigurationError } from "../http/config_error.ts";
import type { Handler, MiddlewareHandler } from "hono";
import type { AvxEnv } from "../http/context.ts";

/** A handler or middleware usable in a route (Hono's own types over the avx-http env). */
export type RouteHandler = Handler<AvxEnv> | MiddlewareHandler<AvxEnv>;

type RouteBinding = Route["bindings"][number];

/**
 * An immutable set of method bindings for one path. Each static constructor starts a route, each
 * instance method returns a new route with one more binding.
 *
 * @example
 * ```ts
 * import { Route } from "@avila/avx-http/server";
 * const strain = Route.get((c) => c.json({ samples: [] }))
 *   .post(async (c) => c.json(await c.req.json(), 201));
 * console.log(strain.bindings.map((b) => b.method)); // ["GET", "POST"]
 * ```
 */
export class Route {
  /** The bindings, in registration order. */
  readonly bindings: readonly {
    /** The HTTP method. */
    readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD";
    /** Middleware first, the handler last (Hono semantics). */
    readonly handlers: readonly RouteHandler[];
  }[];

  private constructor(bindings: readonly RouteBinding[]) {
    this.bindings = bindings;
  }

  /** A route with one binding. */
  static on(method: Route["bindings"][number]["method"], ...handlers: RouteHandler[]): Route {
    return new Route([]).on(method, ...handlers);
  }
  /** `GET` (HEAD is answered from it, as Hono does). */
  static get(...handlers: RouteHandler[]): Route {
    return Route.on("GET", ...handlers);
  }
  /** `POST`. */
  static post(...handlers: RouteHandler[]): Route {
    return Route.on("POST", ...handlers);
  }
  /** `PUT`. */
  static put(...handlers: RouteHandler[]): Route {
    return Route.on("PUT", ...handlers);
  }
  /** `PATCH`. */
  static patch(...handlers: RouteHandler[]): Route {
    return Route.on("PATCH", ...handlers);
  }
  /** `DELETE`. */
  static delete(...handlers: RouteHandler[]): Route {
    return Route.on("DELETE", ...handlers);
  }

  /** Adds a binding. */
  on(method: Route["bindings"][number]["method"], ...handlers: RouteHandler[]): Route {
    if (handlers.length === 0) {
      throw new ConfigurationError(
        "invalid_option",
        `Route.${method.toLowerCase()} needs a handler`,
      );
    }
    if (this.bindings.some((b) => b.method === method)) {
      throw new ConfigurationError("invalid_option", `the route already binds ${method}`);
    }
    return new Route([...this.bindings, { method, handlers }]);
  }
  /** Adds a `GET` binding. */
  get(...handlers: RouteHandler[]): Route {
    return this.on("GET", ...handlers);
  }
  /** Adds a `POST` binding. */
  post(...handlers: RouteHandler[]): Route {
    return this.on("POST", ...handlers);
  }
  /** Adds a `PUT` binding. */
  put(...handlers: RouteHandler[]): Route {
    return this.on("PUT", ...handlers);
  }
  /** Adds a `PATCH` binding. */
  patch(...handlers: RouteHandler[]): Route {
    return this.on("PATCH", ...handlers);
  }
  /** Adds a `DELETE` binding. */
  delete(...handlers: RouteHandler[]): Route {
    return this.on("DELETE", ...handlers);
  }
}
