/**
 * The authenticated caller, as every platform middleware sees it: auth puts it on the context,
 * rate limits key by it, cost tracking bills its tenant, region routing honours its residency.
 *
 * @module
 */

import type { Context } from "hono";

/** Where a principal's data may be served from (data residency, e.g. LGPD pins to Brazil). */
export interface Residency {
  /** Region id prefixes allowed to serve this principal, e.g. `["br-"]`. */
  regions: readonly string[];
  /** Why (shown in problems and logs), e.g. `"LGPD"`. */
  reason?: string;
}

/**
 * An authenticated caller.
 *
 * @example
 * ```ts
 * import type { Principal } from "@avila/avx-http/middleware";
 * const p: Principal = {
 *   kind: "api-key",
 *   tenant: "acme",
 *   subject: "key_1",
 *   scopes: ["data:read"],
 *   plan: "pro",
 * };
 * console.log(p.tenant); // "acme"
 * ```
 */
export interface Principal {
  /** How the caller proved who it is. */
  kind: "jwt" | "api-key";
  /** The paying account (billing, quotas). */
  tenant: string;
  /** The user, service or key id within the tenant. */
  subject: string;
  /** Granted scopes, e.g. `"data:read"`, `"admin"`. */
  scopes: readonly string[];
  /** Plan name used by rate limits and prices, e.g. `"free"`, `"pro"`. */
  plan: string;
  /** Data residency constraint, when the tenant has one. */
  residency?: Residency;
  /** Extra claims (JWT) or key metadata, never secrets. */
  claims?: Readonly<Record<string, unknown>>;
}

/** Context variables set by `auth()`. */
export interface AuthVariables {
  /** The authenticated caller. */
  principal: Principal;
}

/**
 * The principal of this request, or `undefined` when no auth middleware authenticated it.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { principalOf } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.get("/", (c) => c.text(principalOf(c)?.tenant ?? "anonymous"));
 * ```
 */
export function principalOf(c: Context): Principal | undefined {
  return c.get("principal") as Principal | undefined;
}
