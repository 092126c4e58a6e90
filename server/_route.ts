// The route that answers a request, as middleware sees it: the last matched entry registered for
// a method (`app.get`, `app.on`, `app.all` with a path), skipping middleware installed with
// `app.use` (Hono registers those as method "ALL" on "/*"), wherever in the chain they sit.

import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

const LABEL: unique symbol = Symbol("avx-http.route-label");
type Labelled = Context & { [LABEL]?: string };

/** Records the route a builder-registered handler chain answers for (saves the lookup below). */
export function labelContext(c: Context, route: string): void {
  (c as Labelled)[LABEL] = route;
}

/** The answering route's path (Hono syntax), or "unmatched" when only middleware matched. */
export function answeringRoute(c: Context): string {
  const label = (c as Labelled)[LABEL];
  if (label !== undefined) return label;
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const p = routes[i].path;
    if (p !== "/*" && p !== "*") return p;
  }
  return "unmatched";
}
