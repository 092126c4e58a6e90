/**
 * Multi-region serving: a registry of regions (countries, continents, primary, platform
 * aliases) and the `regionRouting` middleware that serves locally, redirects, asks the platform
 * to replay, or proxies to the region that should serve a request.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RegionRegistry, regionRouting } from "@avila/avx-http/middleware";
 * const registry = new RegionRegistry([
 *   { id: "br-saopaulo-1", origin: "https://br.example.com", countries: ["BR"], primary: true },
 * ], { current: "br-saopaulo-1" });
 * const app = new Hono();
 * app.use(regionRouting({ registry }));
 * app.get("/", (c) => c.text("ok"));
 * ```
 *
 * @module
 */

export {
  type Region,
  REGION_ID,
  RegionConfigError,
  RegionRegistry,
  type RegisteredRegion,
} from "./registry.ts";
export { regionRouting, type RegionRoutingOptions, type RegionVariables } from "./routing.ts";
