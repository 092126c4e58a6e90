/**
 * How JWT claims become a `Principal`: which claim names the tenant, where scopes come from
 * (`scope` space-separated, `scp`/`scopes` arrays or strings), plan and residency.
 *
 * @module
 */

import { AuthError } from "./errors.ts";
import type { JwtOptions } from "./jwt.ts";
import type { Principal, Residency } from "../../http/principal.ts";

type ClaimMapping = NonNullable<JwtOptions["claims"]>;

const MAX_SCOPES = 256;

function invalid(what: string): never {
  throw new AuthError("invalid_token", `token ${what} claim is malformed`, "Bearer");
}

function addScopes(out: Set<string>, value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value === "string") {
    for (const s of value.split(" ")) if (s !== "") out.add(s);
  } else if (Array.isArray(value)) {
    for (const s of value) {
      if (typeof s !== "string" || s === "" || /\s/.test(s)) invalid(name);
      out.add(s);
    }
  } else invalid(name);
  if (out.size > MAX_SCOPES) invalid(name);
}

function residencyOf(value: unknown, name: string): Residency | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return Object.freeze({ regions: Object.freeze([value]) });
  const strings = (a: unknown): a is string[] =>
    Array.isArray(a) && a.length <= 64 && a.every((x) => typeof x === "string");
  if (strings(value)) return Object.freeze({ regions: Object.freeze([...value]) });
  if (value !== null && typeof value === "object") {
    const v = value as { regions?: unknown; reason?: unknown };
    if (strings(v.regions) && (v.reason === undefined || typeof v.reason === "string")) {
      return Object.freeze({
        regions: Object.freeze([...v.regions]),
        ...(v.reason !== undefined ? { reason: v.reason } : {}),
      });
    }
  }
  invalid(name);
}

/**
 * Builds the principal of a verified JWT payload. Throws `AuthError` (`missing_claim` without
 * `sub` or a tenant, `invalid_token` for claims of the wrong type).
 *
 * @example
 * ```ts
 * import { principalFromClaims } from "./claims.ts";
 * const p = principalFromClaims({ sub: "u1", tid: "acme", scp: ["data:read"] });
 * console.log(p.tenant, p.scopes, p.plan); // "acme" ["data:read"] "free"
 * ```
 */
export function principalFromClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping = {},
): Principal {
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") {
    throw new AuthError("missing_claim", "token has no sub claim", "Bearer");
  }
  const tenantNames = mapping.tenant === undefined
    ? ["tenant", "tid"]
    : typeof mapping.tenant === "string"
    ? [mapping.tenant]
    : mapping.tenant;
  let tenant: string | undefined;
  for (const n of tenantNames) {
    const v = claims[n];
    if (typeof v === "string" && v !== "") {
      tenant = v;
      break;
    }
  }
  if (tenant === undefined) {
    throw new AuthError(
      "missing_claim",
      `token has no tenant claim (${tenantNames.join(" or ")})`,
      "Bearer",
    );
  }
  const scopes = new Set<string>();
  addScopes(scopes, claims.scope, "scope");
  addScopes(scopes, claims.scp, "scp");
  addScopes(scopes, claims.scopes, "scopes");
  const planName = mapping.plan ?? "plan";
  const plan = claims[planName];
  if (plan !== undefined && (typeof plan !== "string" || plan === "")) invalid(planName);
  const residencyName = mapping.residency ?? "residency";
  const residency = residencyOf(claims[residencyName], residencyName);
  const p: Principal = {
    kind: "jwt",
    tenant,
    subject: sub,
    scopes: Object.freeze([...scopes]),
    plan: (plan as string | undefined) ?? mapping.defaultPlan ?? "free",
    claims: Object.freeze({ ...claims }),
  };
  if (residency) p.residency = residency;
  return Object.freeze(p);
}
