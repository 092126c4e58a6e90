/**
 * The example's platform layer, the same on every runtime with different stores: API keys on
 * `/api/*` (auth), a per-key rate limit, cost tracking, and an admin route that issues keys and
 * reads usage. Deno Deploy passes Deno KV stores, Workers pass KV / Durable Object stores, the
 * dev server and Node pass memory stores.
 *
 * @module
 */

import type { Context } from "hono";
import {
  type ApiKeyMode,
  issueApiKey,
  type KeyStore,
  principalOf,
} from "../middleware/auth/mod.ts";
import type { CostLedger } from "../middleware/cost/mod.ts";
import type { RateLimitStore } from "../middleware/rate_limit/mod.ts";
import { HttpProblem, Route, type Server } from "../server/mod.ts";

/** Stores and settings of the platform layer. */
export interface ExamplePlatform {
  /** Where API keys live. */
  keys: KeyStore;
  /** Where rate-limit counters live (must be strongly consistent: not Workers KV). */
  rateLimits: RateLimitStore;
  /** Where usage is summed; none: no cost tracking. */
  costs?: CostLedger;
  /** Requests per window per API key; default 60 per 60 s. */
  rateLimit?: { limit: number; windowSeconds: number };
  /**
   * Bearer token of the admin routes (`POST /admin/keys` issues a key, `GET /admin/usage` reads
   * the ledger). Unset or shorter than 16 characters: no admin routes.
   */
  adminToken?: string;
  /** Region id recorded with usage; default `"default"`. */
  region?: string;
}

/**
 * Issues the local demo key: tenant `dev`, scope `data:read`, free plan, test mode (the dev
 * server and its browser tests use it).
 *
 * @example
 * ```ts
 * import { issueDemoKey } from "./platform.ts";
 * import { MemoryKeyStore } from "../middleware/auth/mod.ts";
 * console.log((await issueDemoKey(new MemoryKeyStore())).startsWith("avl_test_")); // true
 * ```
 */
export async function issueDemoKey(keys: KeyStore, name?: string): Promise<string> {
  const { key } = await issueApiKey(keys, {
    tenant: "dev",
    scopes: ["data:read"],
    plan: "free",
    mode: "test",
    name,
  });
  return key;
}

/**
 * Parses `"<requests>/<seconds>"` (e.g. `"60/60"`), as the Worker and Deploy entry points take
 * it from their environment; `undefined` for an empty value.
 *
 * @example
 * ```ts
 * import { parseRateLimit } from "./platform.ts";
 * console.log(parseRateLimit("5/60")); // { limit: 5, windowSeconds: 60 }
 * ```
 */
export function parseRateLimit(
  text: string | undefined,
): { limit: number; windowSeconds: number } | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,8})\s*$/.exec(text);
  const limit = Number(m?.[1]);
  const windowSeconds = Number(m?.[2]);
  if (!m || limit < 1 || windowSeconds < 1) {
    throw new TypeError(`rate limit must look like "60/60" (requests/seconds), got "${text}"`);
  }
  return { limit, windowSeconds };
}

/** Constant-time comparison of two strings' SHA-256 digests (no early exit on the secret). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  const u = new Uint8Array(x), v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

async function requireAdmin(c: Context, token: string): Promise<void> {
  const header = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m || !(await sameSecret(m[1], token))) {
    throw new HttpProblem(
      401,
      { detail: "admin routes need Authorization: Bearer <admin token>" },
      {
        "www-authenticate": 'Bearer realm="avx-admin"',
      },
    );
  }
}

const TENANT_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Returns a `configure` step for `createExampleApp` that installs the platform layer at the
 * lead's fixed middleware positions (auth 22, rate limit 24, cost tracking 26).
 *
 * @example
 * ```ts
 * import { createExampleApp } from "./app.ts";
 * import { withPlatform } from "./platform.ts";
 * import { MemoryKeyStore } from "../middleware/auth/mod.ts";
 * import { MemoryRateLimitStore } from "../middleware/rate_limit/mod.ts";
 * const app = createExampleApp({
 *   configure: withPlatform({ keys: new MemoryKeyStore(), rateLimits: new MemoryRateLimitStore() }),
 * });
 * console.log((await app.request("/api/strain/H1")).status); // 401
 * ```
 */
export function withPlatform(platform: ExamplePlatform): (server: Server) => Server {
  const limit = platform.rateLimit ?? { limit: 60, windowSeconds: 60 };
  const isApi = (c: Context) => c.req.path.startsWith("/api/");
  const admin = platform.adminToken !== undefined && platform.adminToken.length >= 16
    ? platform.adminToken
    : undefined;
  return (server) => {
    server
      .withAuth({ keyStore: platform.keys, methods: ["api-key"], skip: (c) => !isApi(c) })
      .withRateLimit({
        store: platform.rateLimits,
        policy: { name: "per-key", limit: limit.limit, windowSeconds: limit.windowSeconds },
        // Per API key; routes outside /api/ (health, docs, dashboard) are not limited here.
        key: (c) => {
          const p = isApi(c) ? principalOf(c) : undefined;
          return p ? `key:${p.subject}` : null;
        },
      });
    if (platform.costs) {
      server.withCostTracking({ ledger: platform.costs, region: platform.region ?? "default" });
    }
    if (admin !== undefined) {
      server.route(
        "/admin/keys",
        Route.post(async (c) => {
          await requireAdmin(c, admin);
          let body: { tenant?: unknown; plan?: unknown; mode?: unknown };
          try {
            body = await c.req.json();
          } catch {
            throw new HttpProblem(400, { detail: "send a JSON object" });
          }
          const tenant = body?.tenant;
          if (typeof tenant !== "string" || !TENANT_RE.test(tenant)) {
            throw new HttpProblem(400, { detail: "tenant: 1-64 of A-Z a-z 0-9 _ . -" });
          }
          const plan = typeof body.plan === "string" && TENANT_RE.test(body.plan)
            ? body.plan
            : "free";
          const mode: ApiKeyMode = body.mode === "live" ? "live" : "test";
          const { key, record } = await issueApiKey(platform.keys, {
            tenant,
            scopes: ["data:read"],
            plan,
            mode,
          });
          return c.json({ key, id: record.id, tenant, plan, mode }, 201);
        }),
      );
      const costs = platform.costs;
      if (costs) {
        server.route(
          "/admin/usage",
          Route.get(async (c) => {
            await requireAdmin(c, admin);
            await costs.flush();
            const tenant = c.req.query("tenant");
            const now = Date.now();
            const rows = await costs.query({
              ...(tenant ? { tenant } : {}),
              from: now - 2 * 86_400_000,
              to: now + 86_400_000,
              limit: 10_000,
            });
            return c.json({ rows });
          }),
        );
      }
    }
    return server;
  };
}
