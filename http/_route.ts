// Route labels. The builder's route entries label the context (for middleware) and the request
// (for the core's metrics, which only sees the request) with the route they answer for; without
// a label, the route that answers is the last matched entry registered for a method (`app.get`,
// `app.on`, `app.all` with a path), skipping middleware installed with `app.use` (Hono registers
// those as method "ALL" on "/*"), wherever in the chain they sit.

import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

const LABEL: unique symbol = Symbol("avx-http.route-label");
type Labelled = Context & { [LABEL]?: string };
type LabelledRequest = Request & { [LABEL]?: string };

/** Records the route a builder-registered handler chain answers for (saves the lookups). */
export function labelRoute(c: Context, route: string): void {
  (c as Labelled)[LABEL] = route;
  (c.req.raw as LabelledRequest)[LABEL] = route;
}

/** The route label a builder route put on `request`, if any. */
export function routeLabel(request: Request): string | undefined {
  return (request as LabelledRequest)[LABEL];
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
