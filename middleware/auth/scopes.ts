/**
 * `requireScopes()`: per-route authorisation by scope, after `auth()`.
 *
 * @module
 */

import type { Context, MiddlewareHandler, Next } from "hono";
import { authProblem } from "./_challenge.ts";
import { AuthError } from "./errors.ts";
import { type Principal, principalOf } from "../../http/principal.ts";

/**
 * The scopes of `scopes` the principal does not hold (exact match), in the order given.
 *
 * @example
 * ```ts
 * import { missingScopes } from "./scopes.ts";
 * import { type Principal } from "@avila/avx-http/middleware";
 * const p: Principal = { kind: "jwt", tenant: "t", subject: "s", scopes: ["a"], plan: "free" };
 * console.log(missingScopes(p, ["a", "b"])); // ["b"]
 * ```
 */
export function missingScopes(principal: Principal, scopes: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of scopes) if (!principal.scopes.includes(s)) out.push(s);
  return out;
}

/**
 * Requires every scope given: without a principal, 401; with one lacking a scope, a 403
 * problem naming the missing scopes (`missing_scopes`) and a `WWW-Authenticate` challenge with
 * `error="insufficient_scope"` and `scope="..."` (RFC 6750 §3.1).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { auth, issueApiKey, MemoryKeyStore, requireScopes } from "@avila/avx-http/middleware";
 * const keyStore = new MemoryKeyStore();
 * const { key } = await issueApiKey(keyStore, { tenant: "acme", scopes: ["data:read"], plan: "free", mode: "test" });
 * const app = new Hono();
 * app.use(auth({ keyStore }));
 * app.post("/data", requireScopes("data:write"), (c) => c.text("written"));
 * const res = await app.request("/data", { method: "POST", headers: { "x-avl-api-key": key } });
 * console.log(res.status); // 403
 * ```
 */
export function requireScopes(...scopes: string[]): MiddlewareHandler {
  for (const s of scopes) {
    if (typeof s !== "string" || s === "" || /\s/.test(s)) {
      throw new AuthError("invalid_argument", "requireScopes: scopes are non-empty tokens");
    }
  }
  return async function requireScopes(c: Context, next: Next): Promise<void> {
    const p = principalOf(c);
    if (p === undefined) {
      throw authProblem(
        new AuthError("missing_credentials", "authentication required"),
        undefined,
        ["Bearer", "ApiKey"],
      );
    }
    const missing = missingScopes(p, scopes);
    if (missing.length > 0) {
      throw authProblem(
        new AuthError(
          "insufficient_scope",
          `missing scope ${missing.join(", ")}`,
          p.kind === "jwt" ? "Bearer" : "ApiKey",
          missing,
        ),
        undefined,
        [],
      );
    }
    await next();
  };
}
