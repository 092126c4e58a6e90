/**
 * `rateLimit()`: quota policies per plan and per route, keyed by principal or client IP,
 * enforced by GCRA or a sliding window in a pluggable store, advertised with the
 * `RateLimit-Policy` / `RateLimit` fields and refused with a 429 problem.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { answeringRoute } from "../../http/mod.ts";
import { principalOf } from "../../http/principal.ts";
import { HttpProblem } from "../../http/problem.ts";
import { setHeader } from "../../http/mod.ts";
import { stageMiddleware } from "../../http/mod.ts";
import {
  assertClientIpAvailable,
  type ClientIpOptions,
  clientIpResolver,
  formatIp,
} from "../../http/client_ip.ts";
import {
  formatRateLimitItem,
  formatRateLimitPolicy,
  partitionKeyItem,
  RATELIMIT_HEADER,
  RATELIMIT_POLICY_HEADER,
} from "./headers.ts";
import { MemoryRateLimitStore } from "./memory_store.ts";
import {
  isPolicyName,
  RateLimitError,
  type RateLimitPolicy,
  type ResolvedPolicy,
  resolvePolicy,
} from "./policy.ts";
import type { RateLimitDecision, RateLimitStore } from "./store.ts";

/** One policy, or several enforced together (e.g. a burst and a daily quota). */
export type PolicySet = RateLimitPolicy | readonly RateLimitPolicy[];

type RouteLimits = NonNullable<RateLimitOptions["limits"]>[string];

/** Problem type for an exceeded quota (draft-ietf-httpapi-ratelimit-headers §5.1). */
export const QUOTA_EXCEEDED_TYPE = "https://iana.org/assignments/http-problem-types#quota-exceeded";

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Policies for callers whose plan has no entry in `plans` (and for anonymous callers). */
  policy?: PolicySet;
  /** Policies per `principal.plan`, e.g. `{ free: {...}, pro: {...} }`. */
  plans?: Record<string, PolicySet>;
  /**
   * Overrides per route pattern as registered (`"/search"`, `"/items/:id"`, matched against
   * the route that handles the request). A route's counters are its own: the same policy on
   * two routes counts separately.
   */
  limits?: Record<string, PolicySet | { plans?: Record<string, PolicySet>; policy?: PolicySet }>;
  /**
   * What a counter is per: `"tenant"` (default), `"subject"` (tenant + subject) or `"ip"`.
   * Requests without a principal are counted per client IP.
   */
  by?: "tenant" | "subject" | "ip";
  /** Custom key; return `null`/`undefined` to let the request through unlimited. */
  key?: (c: Context) => string | null | undefined;
  /** Where counters live; default a new `MemoryRateLimitStore()` (one per middleware). */
  store?: RateLimitStore;
  /** Clock in epoch ms; default `Date.now`. */
  now?: () => number;
  /** When the store throws: `"open"` lets the request through (default), `"closed"` answers 503. */
  failureMode?: "open" | "closed";
  /** Told about every store failure (log it, count it). */
  onStoreError?: (error: unknown, c: Context) => void;
  /** How the client IP is found (trusted proxies, forwarding header). */
  clientIp?: ClientIpOptions;
  /** IPv6 clients are counted per prefix of this length (a host usually owns a /64); default 64. */
  ipv6Prefix?: number;
  /** Send `RateLimit-Policy` and `RateLimit` on every limited response; default true. */
  headers?: boolean;
  /** Add the partition key (`pk`, base64 of the key) to the `RateLimit` items; default false. */
  partitionKeyHeader?: boolean;
}

type Policies = readonly ResolvedPolicy[];

// A plan's key names its unnamed policy (`RateLimit-Policy: "pro";q=600;w=60`), when it is a valid
// policy name and the plan has just that one policy.
function resolveSet(set: PolicySet, route?: string, plan?: string): Policies {
  const list = (Array.isArray(set) ? set : [set]) as readonly RateLimitPolicy[];
  if (list.length === 0) throw new RateLimitError("invalid_policy", "a policy set is empty");
  const names = new Set<string>();
  const named = plan !== undefined && list.length === 1 && isPolicyName(plan);
  return list.map((p) => {
    const r = resolvePolicy(named && p.name === undefined ? { ...p, name: plan } : p);
    if (names.has(r.name)) {
      throw new RateLimitError("invalid_policy", `policy name "${r.name}" is used twice`);
    }
    names.add(r.name);
    return route === undefined ? r : { ...r, id: `${r.id}@${route}` };
  });
}

function resolvePlans(
  plans: Record<string, PolicySet> | undefined,
  route?: string,
): Map<string, Policies> {
  const out = new Map<string, Policies>();
  for (const [plan, set] of Object.entries(plans ?? {})) {
    out.set(plan, resolveSet(set, route, plan));
  }
  return out;
}

function isPolicySet(v: RouteLimits): v is PolicySet {
  return Array.isArray(v) || typeof (v as RateLimitPolicy).limit === "number";
}

function maskIpv6(bytes: Uint8Array, prefix: number): Uint8Array {
  if (bytes.length !== 16 || prefix >= 128) return bytes;
  const out = bytes.slice();
  for (let bit = prefix; bit < 128; bit++) out[bit >> 3] &= ~(0x80 >> (bit & 7));
  return out;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * Rate limiting. Each request picks its policies — the route's override from `limits` if any,
 * else its plan's from `plans`, else `policy` — and its key (principal tenant by default, or
 * client IP), then the store decides atomically. Admitted responses carry `RateLimit-Policy`
 * and `RateLimit`; refused ones are a 429 `application/problem+json` (type `quota-exceeded`,
 * `violated-policies`) with `Retry-After`. `content-bytes` policies admit a request while at
 * least 1 byte of quota is left and charge the response's wire bytes when it is done
 * (counted as they stream when no `Content-Length` is set). With a memory store the check is
 * synchronous. Several policies are checked in order; a request refused by a later one has
 * still spent from the earlier ones.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { rateLimit } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(rateLimit({
 *   plans: { free: { limit: 60, windowSeconds: 60 }, pro: { limit: 600, windowSeconds: 60 } },
 *   policy: { limit: 30, windowSeconds: 60 },
 *   limits: { "/search": { name: "search", limit: 10, windowSeconds: 60 } },
 * }));
 * app.get("/", (c) => c.text("ok"));
 * const res = await app.request("/");
 * console.log(res.headers.get("ratelimit")); // '"default";r=29;t=2'
 * ```
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const fallback = options.policy === undefined ? undefined : resolveSet(options.policy);
  const plans = resolvePlans(options.plans);
  if (fallback === undefined && plans.size === 0) {
    throw new RateLimitError("invalid_policy", "rateLimit needs `policy` or `plans`");
  }
  const routes = new Map<string, { plans: Map<string, Policies>; policy?: Policies }>();
  for (const [route, limits] of Object.entries(options.limits ?? {})) {
    if (isPolicySet(limits)) {
      routes.set(route, { plans: new Map(), policy: resolveSet(limits, route) });
    } else {
      routes.set(route, {
        plans: resolvePlans(limits.plans, route),
        policy: limits.policy === undefined ? undefined : resolveSet(limits.policy, route),
      });
    }
  }
  const store = options.store ?? new MemoryRateLimitStore();
  const now = options.now ?? Date.now;
  const closed = options.failureMode === "closed";
  if (options.failureMode !== undefined && options.failureMode !== "open" && !closed) {
    throw new RateLimitError("invalid_policy", `unknown failureMode "${options.failureMode}"`);
  }
  const onStoreError = options.onStoreError;
  const by = options.by ?? "tenant";
  const customKey = options.key;
  const resolveIp = clientIpResolver(options.clientIp);
  // Keys fall back to the client IP (for anonymous requests at least) unless `key` is given:
  // refuse to build where no IP can ever be found rather than share one counter at run time.
  if (customKey === undefined) assertClientIpAvailable(options.clientIp);
  const v6Prefix = options.ipv6Prefix ?? 64;
  if (!Number.isInteger(v6Prefix) || v6Prefix < 1 || v6Prefix > 128) {
    throw new RateLimitError("invalid_policy", "ipv6Prefix must be an integer in 1..128");
  }
  const sendHeaders = options.headers ?? true;
  const sendPk = options.partitionKeyHeader ?? false;
  const policyFields = new Map<Policies, string>();
  const policyField = (ps: Policies): string => {
    let v = policyFields.get(ps);
    if (v === undefined) {
      v = formatRateLimitPolicy(ps);
      policyFields.set(ps, v);
    }
    return v;
  };

  const select = (c: Context, plan: string | undefined): Policies | undefined => {
    if (routes.size > 0) {
      const r = routes.get(answeringRoute(c));
      if (r !== undefined) {
        return (plan === undefined ? undefined : r.plans.get(plan)) ?? r.policy ??
          (plan === undefined ? undefined : plans.get(plan)) ?? fallback;
      }
    }
    return (plan === undefined ? undefined : plans.get(plan)) ?? fallback;
  };

  const ipKey = (c: Context): string => {
    const ip = resolveIp(c);
    if (ip === null) return "ip:unknown"; // unknown callers share one counter: never unlimited
    return "ip:" + formatIp(maskIpv6(ip.address, v6Prefix));
  };

  // Principal keys, one string per tenant (or subject) reused across requests: the store's map
  // lookups then hash a string they have hashed before instead of a fresh concatenation.
  const principalKeys = new Map<string, string>();
  const principalKey = (tenant: string, subject: string | undefined): string => {
    const id = subject === undefined ? tenant : `${tenant}/${subject}`;
    let key = principalKeys.get(id);
    if (key === undefined) {
      if (principalKeys.size >= 10_000) principalKeys.clear();
      key = subject === undefined ? "t:" + tenant : "s:" + id;
      principalKeys.set(id, key);
    }
    return key;
  };

  const keyOf = (c: Context): string | null => {
    if (customKey !== undefined) return customKey(c) ?? null;
    if (by !== "ip") {
      const p = principalOf(c);
      if (p !== undefined) {
        return by === "tenant"
          ? principalKey(p.tenant, undefined)
          : principalKey(p.tenant, p.subject);
      }
    }
    return ipKey(c);
  };

  const storeFailed = (e: unknown, c: Context): void => {
    if (onStoreError !== undefined) {
      try {
        onStoreError(e, c);
      } catch {
        // a failing logger must not turn a tolerated store failure into a 500
      }
    }
  };

  const charge = (c: Context, key: string, p: ResolvedPolicy, bytes: number): void => {
    try {
      const r = store.consume(key, p, now(), bytes, 0);
      if (r instanceof Promise) r.catch((e) => storeFailed(e, c));
    } catch (e) {
      storeFailed(e, c);
    }
  };

  const storeFault = (c: Context, e: unknown): void => {
    if (e instanceof RateLimitError && e.code === "invalid_key") {
      throw new HttpProblem(400, {
        detail: "the rate-limit key of this request is invalid",
        code: "rate_limit_key_invalid",
      });
    }
    storeFailed(e, c);
    if (closed) {
      throw new HttpProblem(503, {
        detail: "the rate limiter is unavailable; try again shortly",
        code: "rate_limit_unavailable",
      }, { "retry-after": "1" });
    }
    // fail open: this policy is not enforced for this request
  };

  const refuse = (key: string, p: ResolvedPolicy, d: RateLimitDecision): never => {
    const headers: Record<string, string> = { "retry-after": String(d.retryAfterSeconds) };
    if (sendHeaders) {
      headers[RATELIMIT_POLICY_HEADER] = p.policyItem;
      headers[RATELIMIT_HEADER] = formatRateLimitItem(
        p.name,
        d,
        sendPk ? partitionKeyItem(key) : undefined,
      );
    }
    throw new HttpProblem(429, {
      type: QUOTA_EXCEEDED_TYPE,
      title: "Request cannot be satisfied as assigned quota has been exceeded",
      detail: `quota "${p.name}" (${p.limit} ${p.unit} per ${p.windowSeconds} s) is ` +
        `exhausted; retry in ${d.retryAfterSeconds} s`,
      code: "rate_limited",
      "violated-policies": [p.name],
      "retry-after": d.retryAfterSeconds,
    }, headers);
  };

  /** What `leave` needs: the key, the policies and each one's decision (none: store failed). */
  interface Admitted {
    key: string;
    policies: Policies;
    decisions: Array<RateLimitDecision | undefined>;
    postHoc: boolean;
  }

  // Consumes policies from `i` on; synchronous while the store answers synchronously.
  const consumeFrom = (
    c: Context,
    a: Admitted,
    t: number,
    i: number,
  ): Admitted | Promise<Admitted> => {
    const { key, policies, decisions } = a;
    for (; i < policies.length; i++) {
      const p = policies[i];
      const bytes = p.unit === "content-bytes";
      if (bytes) a.postHoc = true;
      let r: RateLimitDecision | Promise<RateLimitDecision>;
      try {
        r = store.consume(key, p, t, bytes ? 0 : p.cost, bytes ? 1 : p.cost);
      } catch (e) {
        storeFault(c, e);
        continue;
      }
      if (r instanceof Promise) {
        const at = i;
        return r.then(
          (d) => {
            decisions[at] = d;
            if (!d.allowed) refuse(key, p, d);
            return consumeFrom(c, a, t, at + 1);
          },
          (e) => {
            storeFault(c, e);
            return consumeFrom(c, a, t, at + 1);
          },
        );
      }
      decisions[i] = r;
      if (!r.allowed) refuse(key, p, r);
    }
    return a;
  };

  const addHeaders = (res: Response, a: Admitted): Response => {
    const { policies, decisions } = a;
    let field = "";
    let all = true;
    const pk = sendPk ? partitionKeyItem(a.key) : undefined;
    for (let i = 0; i < policies.length; i++) {
      const d = decisions[i];
      if (d === undefined) all = false;
      else field += (field === "" ? "" : ", ") + formatRateLimitItem(policies[i].name, d, pk);
    }
    if (field === "") return res;
    // Policies a failed (fail-open) store could not check are not advertised this time.
    res = setHeader(
      res,
      RATELIMIT_POLICY_HEADER,
      all ? policyField(policies) : formatRateLimitPolicy(policies.filter((_, i) => decisions[i])),
    );
    return setHeader(res, RATELIMIT_HEADER, field);
  };

  // content-bytes: charge what went on the wire, once it is known.
  const chargeBytes = (c: Context, res: Response, a: Admitted): Response => {
    const { key, policies, decisions } = a;
    const byteps = policies.filter((p, i) => p.unit === "content-bytes" && decisions[i]);
    if (byteps.length === 0) return res;
    if (c.req.method === "HEAD" || NO_BODY.has(res.status) || res.body === null) return res;
    const declared = res.headers.get("content-length");
    if (declared !== null && /^\d+$/.test(declared)) {
      const n = Number(declared);
      if (n > 0) { for (const p of byteps) charge(c, key, p, n); }
      return res;
    }
    let seen = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (seen > 0) { for (const p of byteps) charge(c, key, p, seen); }
    };
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          seen += chunk.byteLength;
          ctl.enqueue(chunk);
        },
        flush: finish,
        cancel: finish,
      }),
    );
    return new Response(counted, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };

  return stageMiddleware<Admitted | undefined>({
    name: "rateLimit",
    enter(c) {
      const policies = select(c, principalOf(c)?.plan);
      if (policies === undefined) return undefined;
      const key = keyOf(c);
      if (key === null) return undefined;
      const a: Admitted = { key, policies, decisions: new Array(policies.length), postHoc: false };
      return consumeFrom(c, a, now(), 0);
    },
    leave(c, res, a) {
      if (a === undefined) return res;
      if (sendHeaders) res = addHeaders(res, a);
      return a.postHoc ? chargeBytes(c, res, a) : res;
    },
  });
}
