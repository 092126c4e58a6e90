/**
 * Security response headers as a stage: Hono's `secureHeaders` (same options, same defaults,
 * same header values), written as an enter/leave pair so `Server` can turn it on by default and
 * still fuse its middleware, and writing through the one copy-on-write header path so a proxied
 * response (immutable headers) gets them instead of a 500.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import type { secureHeaders as honoSecureHeaders } from "hono/secure-headers";
import { stageMiddleware } from "../../http/mod.ts";
import { setHeader, writableResponse } from "../../http/mod.ts";

/**
 * Options of {@link secureHeaders}: exactly Hono's `secureHeaders` options. Every header is on by
 * default except `Cross-Origin-Embedder-Policy`; `true` sends the default value, a string sends
 * that value, `false` leaves the header out.
 *
 * @example
 * ```ts
 * import type { SecureHeadersOptions } from "@avila/avx-http/middleware";
 * const options: SecureHeadersOptions = { xFrameOptions: "DENY", strictTransportSecurity: false };
 * console.log(options.xFrameOptions); // "DENY"
 * ```
 */
export type SecureHeadersOptions = NonNullable<Parameters<typeof honoSecureHeaders>[0]>;

// Hono's table (hono/src/middleware/secure-headers): option -> [header, default value].
const HEADERS: ReadonlyArray<readonly [keyof SecureHeadersOptions, string, string]> = [
  ["crossOriginEmbedderPolicy", "Cross-Origin-Embedder-Policy", "require-corp"],
  ["crossOriginResourcePolicy", "Cross-Origin-Resource-Policy", "same-origin"],
  ["crossOriginOpenerPolicy", "Cross-Origin-Opener-Policy", "same-origin"],
  ["originAgentCluster", "Origin-Agent-Cluster", "?1"],
  ["referrerPolicy", "Referrer-Policy", "no-referrer"],
  ["strictTransportSecurity", "Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["xContentTypeOptions", "X-Content-Type-Options", "nosniff"],
  ["xDnsPrefetchControl", "X-DNS-Prefetch-Control", "off"],
  ["xDownloadOptions", "X-Download-Options", "noopen"],
  ["xFrameOptions", "X-Frame-Options", "SAMEORIGIN"],
  ["xPermittedCrossDomainPolicies", "X-Permitted-Cross-Domain-Policies", "none"],
  ["xXssProtection", "X-XSS-Protection", "0"],
];
const DEFAULT_OFF = new Set<string>(["crossOriginEmbedderPolicy"]);

type CspValue = string | ((c: Context, directive: string) => string);
type Csp = Record<string, CspValue | CspValue[] | undefined>;
/** A header whose value may depend on the request (a CSP nonce). */
type Field = readonly [string, string | ((c: Context) => string)];

const kebab = (s: string): string => s.replace(/([a-z\d])([A-Z])/g, "$1-$2").toLowerCase();

/** A CSP header value; a function when a directive value is computed per request (`NONCE`). */
function cspValue(policy: Csp): string | ((c: Context) => string) {
  const parts: CspValue[][] = [];
  let dynamic = false;
  for (const [directive, value] of Object.entries(policy)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "function")) dynamic = true;
    parts.push([kebab(directive), ...values]);
  }
  const render = (c: Context | undefined): string =>
    parts.map(([name, ...vs]) =>
      [name as string, ...vs.map((v) => typeof v === "function" ? v(c!, name as string) : v)]
        .join(" ")
    ).join("; ");
  return dynamic ? (c: Context) => render(c) : render(undefined);
}

function permissionsPolicy(policy: Record<string, unknown>): string {
  return Object.entries(policy).map(([directive, value]) => {
    const name = kebab(directive);
    if (typeof value === "boolean") return `${name}=${value ? "*" : "()"}`;
    if (!Array.isArray(value)) return "";
    if (value.length === 0 || (value.length === 1 && value[0] === "none")) return `${name}=()`;
    if (value.length === 1 && value[0] === "*") return `${name}=*`;
    const items = value.map((v) => (v === "self" || v === "src" ? v : `"${v}"`));
    return `${name}=(${items.join(" ")})`;
  }).filter((s) => s !== "").join(", ");
}

function fieldsOf(o: SecureHeadersOptions): Field[] {
  const out: Field[] = [];
  for (const [key, name, value] of HEADERS) {
    const v = o[key] ?? !DEFAULT_OFF.has(key);
    if (v === false) continue;
    out.push([name, typeof v === "string" ? v : value]);
  }
  if (o.contentSecurityPolicy) {
    out.push(["Content-Security-Policy", cspValue(o.contentSecurityPolicy as Csp)]);
  }
  if (o.contentSecurityPolicyReportOnly) {
    out.push([
      "Content-Security-Policy-Report-Only",
      cspValue(o.contentSecurityPolicyReportOnly as Csp),
    ]);
  }
  const pp = o.permissionsPolicy as Record<string, unknown> | undefined;
  if (pp && Object.keys(pp).length > 0) out.push(["Permissions-Policy", permissionsPolicy(pp)]);
  if (o.reportingEndpoints) {
    out.push([
      "Reporting-Endpoints",
      o.reportingEndpoints.map((e) => `${e.name}="${e.url}"`).join(", "),
    ]);
  }
  if (o.reportTo) out.push(["Report-To", o.reportTo.map((r) => JSON.stringify(r)).join(", ")]);
  return out;
}

/**
 * Security response headers (HSTS, `X-Content-Type-Options: nosniff`, frame, referrer and
 * cross-origin policies, optional CSP with Hono's `NONCE`), with Hono's options and defaults.
 * A stage: fused by `Server` (which turns it on by default), an ordinary middleware on a plain
 * Hono app. Values computed per request (a CSP nonce) are computed before the handler runs, so
 * the handler can read `c.get("secureHeadersNonce")`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { secureHeaders } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(secureHeaders({ xFrameOptions: "DENY" }));
 * app.get("/", (c) => c.text("hi"));
 * const res = await app.request("/");
 * console.log(res.headers.get("x-frame-options"), res.headers.get("x-content-type-options")); // DENY nosniff
 * ```
 */
export function secureHeaders(options: SecureHeadersOptions = {}): MiddlewareHandler {
  const fields = fieldsOf(options);
  const overwrite = options.overwrite ?? true;
  const removePoweredBy = options.removePoweredBy ?? true;
  const dynamic = fields.some(([, v]) => typeof v === "function");
  const fixed = fields as ReadonlyArray<readonly [string, string]>;
  return stageMiddleware<ReadonlyArray<readonly [string, string]>>({
    name: "secureHeaders",
    enter(c) {
      if (!dynamic) return fixed;
      return fields.map(([name, v]) => [name, typeof v === "function" ? v(c) : v] as const);
    },
    leave(_c, res, values) {
      for (const [name, value] of values) {
        if (!overwrite && res.headers.has(name)) continue;
        res = setHeader(res, name, value);
      }
      if (removePoweredBy && res.headers.has("x-powered-by")) {
        res = writableResponse(res);
        res.headers.delete("x-powered-by");
      }
      return res;
    },
  });
}
