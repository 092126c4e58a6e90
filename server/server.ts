/**
 * `Server`: the builder that assembles an avx-http app over Hono, in the shape of the original
 * design: `new Server().route(...).withTelemetry().withCors().build()`.
 *
 * @module
 */

import {
  OpenAPIHono,
  type RouteConfig,
  type RouteConfigToTypedResponse,
  type RouteHandler as OpenApiHandler,
} from "@hono/zod-openapi";
import type { ToSchema } from "hono/types";
import type { Context, Handler, MiddlewareHandler, Next, Schema } from "hono";
import { type CompressionOptions, routeCompression } from "../middleware/compression/mod.ts";
import { auth, type AuthOptions } from "../middleware/auth/mod.ts";
import { cors, type CorsOptions } from "../middleware/cors/mod.ts";
import { costTracking, type CostTrackingOptions, usageHandler } from "../middleware/cost/mod.ts";
import type { UsageOptions } from "../middleware/cost/mod.ts";
import { rateLimit, type RateLimitOptions } from "../middleware/rate_limit/mod.ts";
import { regionRouting, type RegionRoutingOptions } from "../middleware/region/mod.ts";
import {
  breakerReadiness,
  loadShedding,
  type LoadSheddingOptions,
  timeout,
  type TimeoutOptions,
} from "../middleware/resilience/mod.ts";
import { idempotency, type IdempotencyOptions } from "../middleware/idempotency/mod.ts";
import { secureHeaders, type SecureHeadersOptions } from "../middleware/secure_headers/mod.ts";
import { telemetry, type TelemetryOptions } from "../middleware/telemetry/mod.ts";
import { defaultErrorLogger, errorHandler, notFoundHandler } from "./_errors.ts";
import { AvxApp } from "./app.ts";
import type { AvxEnv } from "../http/context.ts";
import type { ReadinessCheck } from "../http/health.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../http/metrics.ts";
import { HttpProblem, problemResponse } from "../http/problem.ts";
import type { Route } from "./route.ts";
import {
  fuseStages,
  labelRoute,
  type OnError,
  recordingOutcome,
  replaceRes,
  type Stage,
  stageOf,
} from "../http/mod.ts";
import {
  completeDocument,
  type DocumentFacts,
  swaggerAssetPaths,
  swaggerRoutes,
} from "./_openapi.ts";
import { AppRuntime } from "../http/runtime.ts";

/** Default request body limit: 10 MiB. */
export const DEFAULT_BODY_LIMIT: number = 10 * 1024 * 1024;

/**
 * Default time for a request body to arrive: 60 s (`ServerOptions.bodyTimeoutMs`).
 *
 * @example
 * ```ts
 * import { DEFAULT_BODY_TIMEOUT_MS } from "./server.ts";
 * import { Server } from "@avila/avx-http/server";
 * // Large uploads over slow links: allow five times the default.
 * const server = new Server({ bodyTimeoutMs: 5 * DEFAULT_BODY_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_BODY_TIMEOUT_MS: number = 60_000;

/** Options of a `Server`. Every field has a safe default. */
export interface ServerOptions {
  /**
   * Largest accepted request body in bytes, on the wire and once decoded from its
   * `Content-Encoding` (413 problem, code `body_too_large`, past it); default 10 MiB. With
   * `withCompression`, the decoded limit is the smaller of this and its `maxOutputSize`.
   */
  bodyLimit?: number;
  /**
   * Time for a request body to arrive, from the request's arrival to the body's last byte (408
   * problem, code `body_timeout`, past it); default 60 000 ms, `0` for none. Bounds slow
   * uploads; raise it for large uploads over slow links.
   */
  bodyTimeoutMs?: number;
  /** Record HTTP metrics and serve `/metrics`; default true. */
  metrics?: boolean;
  /** Serve `/healthz` and `/readyz`; default true. */
  health?: boolean;
  /** OpenAPI document and Swagger UI; default on with defaults, `false` for none. */
  openapi?: {
    /** API title; default "avx-http API". */
    title?: string;
    /** API version; default "1.0.0". */
    version?: string;
    /** Longer description (Markdown). */
    description?: string;
    /** Where the OpenAPI 3.1 document is served; default `/openapi.json`. */
    path?: string;
    /** Where Swagger UI is served; default `/docs`; `false` for none. */
    docsPath?: string | false;
  } | false;
  /** Where unexpected errors are logged (never sent to clients); default `console.error`. */
  logError?: (
    error: unknown,
    context: { requestId: string; method: string; path: string },
  ) => void;
  /**
   * Security response headers (`secureHeaders` options: HSTS, `nosniff`, frame, referrer and
   * cross-origin policies); default on with its defaults, `false` to send none.
   */
  secureHeaders?: SecureHeadersOptions | false;
}

/** The GET endpoints a server serves itself, from its options (`undefined`: not served). */
interface OperationalPaths {
  health: { live: string; ready: string } | undefined;
  metrics: string | undefined;
  openapi: string | undefined;
  docs: string | undefined;
  /** Every one of the above that is served (with Swagger UI's files). */
  all: string[];
}

/** One source for what `build` serves and what `withAuth` leaves open. */
function operationalPaths(o: ServerOptions): OperationalPaths {
  const health = (o.health ?? true) ? { live: "/healthz", ready: "/readyz" } : undefined;
  const metrics = (o.metrics ?? true) ? "/metrics" : undefined;
  const oa = o.openapi === false ? undefined : o.openapi ?? {};
  const openapi = oa === undefined ? undefined : oa.path ?? "/openapi.json";
  const docsPath = oa === undefined ? false : oa.docsPath ?? "/docs";
  const docs = docsPath === false ? undefined : docsPath;
  // Swagger UI's own files are served beside its page, and open like it.
  const assets = docs === undefined ? [] : swaggerAssetPaths(docs);
  const all = [health?.live, health?.ready, metrics, openapi, docs, ...assets].filter(
    (p): p is string => p !== undefined,
  );
  return { health, metrics, openapi, docs, all };
}

type Plugin = { order: number; middleware: MiddlewareHandler<AvxEnv> };

/**
 * The handlers a route binds, as they are registered: the answering one wrapped for content
 * coding (if on), and the chain entered through the fused stages (when the app's middleware is
 * all stages) and marked with its route for the core's metrics.
 */
type Bind = (
  path: string,
  handlers: Handler<AvxEnv>[],
  separateEntry?: boolean,
) => Handler<AvxEnv>[];
type Step = (app: OpenAPIHono<AvxEnv>, bind: Bind) => void;

/** Registers a handler chain (Hono's `on` overloads take no spread of handlers). */
function on(
  app: OpenAPIHono<AvxEnv>,
  method: string,
  path: string,
  handlers: Handler<AvxEnv>[],
): void {
  (app.on as (method: string, path: string, ...h: Handler<AvxEnv>[]) => unknown)(
    method,
    path,
    ...handlers,
  );
}

/** Marks a context whose stages already ran (so a not-found fallback does not run them again). */
const ENTERED: unique symbol = Symbol("avx-http.entered");
type Entered = Context & { [ENTERED]?: true };

/**
 * Builds an avx-http app. Middleware is installed in a fixed, sensible order whatever order the
 * `with*` calls come in: core (limits, metrics; around Hono's fetch) → telemetry → secure headers
 * → CORS → load shedding → auth → region routing → rate limit → cost tracking → timeouts →
 * compression → idempotency → yours → routes.
 *
 * @example
 * ```ts
 * import { Route, Server } from "@avila/avx-http/server";
 * const app = new Server()
 *   .route("/api/data", Route.get((c) => c.json({ ok: true })))
 *   .route("/api/upload", Route.post(async (c) => c.json({ got: (await c.req.arrayBuffer()).byteLength })))
 *   .withTelemetry()
 *   .withCors()
 *   .build();
 * const res = await app.request("/api/data");
 * console.log(res.status); // 200
 * // app.listen("0.0.0.0:3000");
 * ```
 *
 * Routes added with `openapi(createRoute(...), handler)` keep Hono's route types on the built
 * app, so a typed client checks paths, parameters and bodies at compile time:
 *
 * ```ts
 * import { createRoute, z } from "@hono/zod-openapi";
 * import { hc } from "hono/client";
 * import { Server } from "@avila/avx-http/server";
 * const app = new Server().openapi(
 *   createRoute({
 *     method: "get",
 *     path: "/items/{id}",
 *     request: { params: z.object({ id: z.string() }) },
 *     responses: { 200: { description: "An item" } },
 *   }),
 *   (c) => c.json({ id: c.req.valid("param").id }, 200),
 * ).build();
 * const api = hc<typeof app.hono>("http://localhost", { fetch: app.request.bind(app) });
 * const res = await api.items[":id"].$get({ param: { id: "7" } });
 * console.log(res.status); // 200
 * ```
 */
// deno-lint-ignore ban-types
export class Server<S extends Schema = {}> {
  readonly #options: ServerOptions;
  readonly #plugins: Plugin[] = [];
  readonly #steps: Step[] = [];
  readonly #checks: Array<[string, ReadinessCheck]> = [];
  readonly #onBuild: Array<(runtime: AppRuntime) => void> = [];
  #compression: CompressionOptions | undefined;
  /** What the OpenAPI document says about security and limits (set by withAuth, ...). */
  #facts: Omit<DocumentFacts, "decodesRequests"> = { rateLimited: false };
  #secureHeaders: SecureHeadersOptions | false;
  /** Steps (use, configure) may add middleware or routes the builder cannot see into. */
  #opaque = false;

  /**
   * Starts a builder.
   *
   * @param options server-wide settings
   */
  constructor(options: ServerOptions = {}) {
    this.#options = options;
    this.#secureHeaders = options.secureHeaders ?? {};
  }

  /** Binds a path (Hono syntax: `/api/strain/:detector`) to one or more routes. */
  route(path: string, ...routes: Route[]): this {
    this.#steps.push((app, bind) => {
      for (const route of routes) {
        for (const b of route.bindings) {
          on(app, b.method, path, bind(path, b.handlers as Handler<AvxEnv>[]));
        }
      }
    });
    return this;
  }

  /**
   * Adds a route declared with `createRoute` from `@hono/zod-openapi`: its zod schemas validate
   * the request (400 problem on failure) and appear in `/openapi.json`.
   */
  openapi<R extends RouteConfig>(
    config: R,
    handler: OpenApiHandler<R, AvxEnv>,
  ): Server<
    & S
    & (OpenApiHandler<R, AvxEnv> extends Handler<AvxEnv, infer P extends string, infer I>
      ? ToSchema<R["method"], P, I, RouteConfigToTypedResponse<R>>
      : never)
  > {
    this.#steps.push((app, bind) => {
      // The route's own middleware runs after the entry (stages), before zod's validators.
      const own = config.middleware === undefined
        ? []
        : Array.isArray(config.middleware)
        ? config.middleware
        : [config.middleware];
      const path = config.path.replaceAll(/\/{(.+?)}/g, "/:$1");
      // A separate entry: zod's validators sit between the route middleware and the handler.
      const hs = bind(path, [...own, handler] as Handler<AvxEnv>[], true);
      // deno-lint-ignore no-explicit-any
      app.openapi({ ...config, middleware: hs.slice(0, -1) } as any, hs[hs.length - 1] as any);
    });
    return this as unknown as Server<
      & S
      & (OpenApiHandler<R, AvxEnv> extends Handler<AvxEnv, infer P extends string, infer I>
        ? ToSchema<R["method"], P, I, RouteConfigToTypedResponse<R>>
        : never)
    >;
  }

  /** Adds middleware for every route (or for `path` when given), after the built-in ones. */
  use(...args: [string, ...MiddlewareHandler<AvxEnv>[]] | MiddlewareHandler<AvxEnv>[]): this {
    this.#opaque = true;
    this.#steps.push((app) => {
      if (typeof args[0] === "string") {
        const [path, ...mw] = args as [string, ...MiddlewareHandler<AvxEnv>[]];
        app.use(path, ...mw);
      } else app.use(...(args as MiddlewareHandler<AvxEnv>[]));
    });
    return this;
  }

  /** Request id, W3C trace context, Server-Timing and JSON access logs. */
  withTelemetry(options: TelemetryOptions = {}): this {
    this.#plugins.push({ order: 10, middleware: telemetry(options) });
    return this;
  }

  /**
   * CORS with preflight handling (Hono's `cors` options and answers, defaulting to any origin
   * without credentials); a stage, so it does not stop the app's middleware from being fused.
   */
  withCors(options: CorsOptions = {}): this {
    this.#plugins.push({ order: 20, middleware: cors(options) });
    return this;
  }

  /**
   * HTTP content coding: zstd, br, gzip, deflate (and lz4, x-snappy-framed for clients that ask)
   * on responses, and decoding of compressed request bodies with size and ratio limits.
   */
  withCompression(options: CompressionOptions = {}): this {
    // Applied around each route's handler and around the fetch handler rather than as a Hono
    // middleware, which keeps Hono's single-handler fast path (see routeCompression); it codes
    // inside every other middleware, so cost tracking still counts the bytes on the wire.
    this.#compression = options;
    return this;
  }

  /**
   * Replays the stored response of a repeated `POST`/`PATCH` with the same `Idempotency-Key`
   * (so a client's retry never takes effect twice); 409 while the first is in flight, 422 when
   * the key comes back with a different request.
   */
  withIdempotency(options: IdempotencyOptions = {}): this {
    this.#plugins.push({ order: 40, middleware: idempotency(options) });
    this.#storeCheck("idempotencyStore", options.store);
    return this;
  }

  /**
   * AVL auth: JWT (`Authorization: Bearer`, verified with jose) and/or API keys
   * (`X-AVL-API-Key`); the principal lands on `c.get("principal")`. Unless `options.skip` is
   * given, the operational endpoints this server serves stay open to `GET`/`HEAD`, as configured
   * in its options: `/healthz` and `/readyz` (unless `health: false`), `/metrics` (unless
   * `metrics: false`), the OpenAPI document and Swagger UI at their configured paths (unless
   * `openapi: false` or `docsPath: false`); nothing else, so a route of yours at one of those
   * paths needs credentials when the server does not serve it (protect `/metrics` at the
   * network edge, or pass your own `skip`).
   */
  withAuth(options: AuthOptions): this {
    // Exactly the GET endpoints this server serves itself (Hono answers HEAD with GET routes).
    const open = new Set(operationalPaths(this.#options).all);
    const skip = options.skip ??
      ((c) => (c.req.method === "GET" || c.req.method === "HEAD") && open.has(c.req.path));
    this.#plugins.push({ order: 22, middleware: auth({ ...options, skip }) });
    this.#storeCheck("keyStore", options.keyStore);
    const accepts = (m: "jwt" | "api-key") => options.methods?.includes(m) ?? true;
    this.#facts.auth = {
      apiKey: options.keyStore !== undefined && accepts("api-key"),
      jwt: options.jwt !== undefined && accepts("jwt"),
      optional: options.optional ?? false,
      skip,
    };
    return this;
  }

  /**
   * Rate limits (GCRA or sliding window) per principal or client IP, per plan and route, with
   * `RateLimit`/`RateLimit-Policy` headers and 429 problems. Runs after auth.
   */
  withRateLimit(options: RateLimitOptions): this {
    this.#plugins.push({ order: 24, middleware: rateLimit(options) });
    this.#storeCheck("rateLimitStore", options.store);
    this.#facts.rateLimited = true;
    return this;
  }

  /**
   * Cost tracking: wire bytes in and out (after compression), duration, tenant, route, region
   * and status per request into `options.ledger`, priced by the price table. The ledger is
   * flushed and closed when the app stops: after a shutdown's drain, so the requests that finish
   * during it are billed too.
   */
  withCostTracking(options: CostTrackingOptions): this {
    this.#plugins.push({ order: 26, middleware: costTracking(options) });
    this.#storeCheck("costLedger", options.ledger);
    this.#onBuild.push((runtime) => runtime.onStop(() => options.ledger.close()));
    return this;
  }

  /** `GET /usage?tenant=&from=&to=`: usage and cost totals from a ledger (admin scope). */
  withUsageRoute(options: UsageOptions): this {
    this.#steps.push((app, bind) => {
      on(app, "GET", "/usage", bind("/usage", [usageHandler(options) as Handler<AvxEnv>]));
    });
    return this;
  }

  /**
   * Region-aware routing: serve locally, redirect, answer with a replay header, or proxy to the
   * client's preferred region, honouring data residency and sending writes to the primary.
   * `/readyz` reports the regional circuit breakers when `options.breakers` is given.
   */
  withRegionRouting(options: RegionRoutingOptions): this {
    this.#plugins.push({ order: 23, middleware: regionRouting(options) });
    if (options.breakers) this.#checks.push(["regions", breakerReadiness(options.breakers)]);
    return this;
  }

  /** Load shedding: above `maxInFlight` concurrent requests, 503 problems with `Retry-After`. */
  withLoadShedding(options: LoadSheddingOptions): this {
    this.#plugins.push({ order: 21, middleware: loadShedding(options) });
    return this;
  }

  /** Per-route time budgets: 503 (504 while waiting on an upstream) problems past them. */
  withTimeouts(options: number | TimeoutOptions): this {
    this.#plugins.push({ order: 28, middleware: timeout(options) });
    return this;
  }

  /**
   * Security response headers with these options (Hono's `secureHeaders` options and defaults:
   * HSTS, nosniff, frame options, ...). They are on by default; this replaces their options
   * (`new Server({ secureHeaders: false })` turns them off).
   */
  withSecureHeaders(options: SecureHeadersOptions = {}): this {
    this.#secureHeaders = options;
    return this;
  }

  /** Installs a middleware at a fixed position of the built-in order (for avx-http modules). */
  withMiddleware(order: number, middleware: MiddlewareHandler<AvxEnv>): this {
    this.#plugins.push({ order, middleware });
    return this;
  }

  /** A store with a backend of its own (the Redis stores' `readiness()`) is reported by `/readyz`. */
  #storeCheck(name: string, store: unknown): void {
    const s = store as { readiness?: () => ReturnType<ReadinessCheck> } | undefined;
    if (typeof s?.readiness === "function") this.#checks.push([name, () => s.readiness!()]);
  }

  /** Registers a readiness check run by `GET /readyz`. */
  readiness(name: string, check: ReadinessCheck): this {
    this.#checks.push([name, check]);
    return this;
  }

  /** Direct access to the Hono app while building (runs in order with `route`/`use`). */
  configure(fn: (app: OpenAPIHono<AvxEnv>) => void): this {
    this.#opaque = true;
    this.#steps.push((app) => fn(app));
    return this;
  }

  /**
   * Assembles the app. The builder can be built again; each build is independent.
   *
   * When every middleware added through `with*` is a stage (auth, rate limit, cost tracking,
   * load shedding, region routing, ...) and no `use`/`configure` step can add routes or
   * middleware out of the builder's sight, the stages are fused into each route's handler
   * instead of being installed as Hono middleware: same order, same semantics, about half the
   * per-request cost (no compose, no promise per layer).
   */
  build(): AvxApp<S> {
    const plugins = [...this.#plugins];
    if (this.#secureHeaders !== false) {
      plugins.push({ order: 15, middleware: secureHeaders(this.#secureHeaders) });
    }
    plugins.sort((a, b) => a.order - b.order);
    const stages = plugins.map((p) => stageOf(p.middleware as MiddlewareHandler));
    const fuse = !this.#opaque && plugins.length > 0 && stages.every((s) => s !== undefined);
    const built = this.#assemble(plugins, fuse ? (stages as Stage[]) : undefined) ??
      // A route got past the fused entries: install the stages as middleware instead.
      this.#assemble(plugins, undefined)!;
    // The routes are typed by the openapi() calls that registered them.
    return built as unknown as AvxApp<S>;
  }

  #assemble(plugins: Plugin[], fusedStages: Stage[] | undefined): AvxApp | undefined {
    const o = this.#options;
    const metrics = o.metrics ?? true;
    const runtime = new AppRuntime();
    for (const [name, check] of this.#checks) runtime.readiness.register(name, check);
    for (const hook of this.#onBuild) hook(runtime);
    const bodyLimit = o.bodyLimit ?? DEFAULT_BODY_LIMIT;
    // The body limit holds for the decoded body too (a small gzip body can decode to gigabytes).
    const coding = this.#compression === undefined ? undefined : routeCompression({
      ...this.#compression,
      maxOutputSize: Math.min(
        bodyLimit,
        // The deprecated name is honoured for one release.
        this.#compression.maxOutputSize ?? this.#compression.maxDecodedBytes ?? bodyLimit,
      ),
    });

    const app = new OpenAPIHono<AvxEnv>({
      defaultHook(result) {
        if (!result.success) {
          throw new HttpProblem(400, {
            title: "Request validation failed",
            code: "request_invalid",
            detail: result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
              .join("; "),
            errors: result.error.issues.map((i) => ({
              path: i.path.map(String),
              code: i.code,
              message: i.message,
            })),
          });
        }
      },
    });
    const onError = errorHandler(o.logError ?? defaultErrorLogger);
    const notFound = notFoundHandler(app as never);
    app.onError(onError);

    const fused = fusedStages === undefined
      ? undefined
      : fuseStages(fusedStages, onError as OnError, notFound as (c: Context) => Response);
    // Every handler the builder registers, to check no route escaped the fused stages.
    const ours = new WeakSet<Handler<AvxEnv>>();
    const bind: Bind = (path, handlers, separateEntry = false) => {
      if (handlers.length === 0) return handlers;
      const last = handlers[handlers.length - 1];
      // The answering handler records its own outcome for the layers that need it after a
      // timeout answered first (idempotency); a property read when no layer watches.
      const hs = [
        ...handlers.slice(0, -1),
        recordingOutcome(coding === undefined ? last : coding.wrap(last)),
      ];
      let out: Handler<AvxEnv>[];
      if (fused === undefined) {
        // Mark the route for the core's metrics on the first handler of the chain.
        const first = hs[0];
        hs[0] = function route(c: Context, next: Next) {
          labelRoute(c, path);
          return first(c, next);
        } as Handler<AvxEnv>;
        out = hs;
      } else if (hs.length === 1 && !separateEntry) {
        const h = hs[0];
        out = [function fusedRoute(c: Context, next: Next) {
          labelRoute(c, path);
          (c as Entered)[ENTERED] = true;
          return fused(c, () => h(c, next) as Response | Promise<Response>);
        } as Handler<AvxEnv>];
      } else {
        const entry = function fusedEntry(c: Context, next: Next) {
          labelRoute(c, path);
          (c as Entered)[ENTERED] = true;
          const res = fused(c, () => next().then(() => c.res));
          return res instanceof Promise
            ? res.then((r) => replaceRes(c, r))
            : Promise.resolve(replaceRes(c, res));
        } as unknown as Handler<AvxEnv>;
        out = [entry, ...hs];
      }
      for (const h of out) ours.add(h);
      return out;
    };

    const get = (path: string, handler: Handler<AvxEnv>): void =>
      on(app, "GET", path, bind(path, [handler]));

    if (fused === undefined) {
      for (const p of plugins) app.use(p.middleware);
      app.notFound(notFound);
    } else {
      // Unmatched requests meet the stages too (auth, limits and cost apply to 404s). A route
      // handler that calls next() reaches here with its stages already run.
      app.notFound((c) => {
        if ((c as Entered)[ENTERED] === true) return notFound(c);
        (c as Entered)[ENTERED] = true;
        return fused(c, notFound as (c: Context) => Response);
      });
    }

    const ops = operationalPaths(o);
    if (ops.health !== undefined) {
      get(ops.health.live, (c) => c.json({ status: "ok" }));
      get(ops.health.ready, async (c) => {
        const report = await runtime.readiness.run();
        if (report.status === "ready") return c.json(report);
        return problemResponse(503, {
          title: "Not Ready",
          code: "not_ready",
          detail: Object.entries(report.checks).filter(([, r]) => !r.ok)
            .map(([n, r]) => (r.detail ? `${n}: ${r.detail}` : n)).join("; "),
          checks: report.checks,
        }, { "retry-after": "5" });
      });
    }
    if (ops.metrics !== undefined) {
      get(
        ops.metrics,
        (c) => c.body(runtime.metrics.render(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }),
      );
    }
    for (const step of this.#steps) step(app, bind);

    if (o.openapi !== false && ops.openapi !== undefined) {
      const oa = o.openapi ?? {};
      const docPath = ops.openapi;
      const info = {
        title: oa.title ?? "avx-http API",
        version: oa.version ?? "1.0.0",
        ...(oa.description ? { description: oa.description } : {}),
      };
      const facts: DocumentFacts = {
        ...this.#facts,
        decodesRequests: this.#compression !== undefined &&
          (this.#compression.decodeRequests ?? true),
      };
      get(docPath, (c) =>
        c.json(completeDocument(
          app.getOpenAPI31Document({ openapi: "3.1.0", info }) as unknown as Record<
            string,
            unknown
          >,
          facts,
        )));
      if (ops.docs !== undefined) {
        for (const [path, handler] of swaggerRoutes(ops.docs, docPath)) {
          get(path, handler as Handler<AvxEnv>);
        }
      }
    }
    if (fused !== undefined) {
      // Each registered chain must start with one of ours (later handlers, such as zod's
      // validators, are registered by Hono in the same chain after it).
      const seen = new Set<string>();
      for (const r of app.routes) {
        const key = `${r.method} ${r.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!ours.has(r.handler as Handler<AvxEnv>)) return undefined;
      }
    }
    return new AvxApp(app, runtime, {
      bodyLimit,
      bodyTimeoutMs: o.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
      metrics,
      coding,
    });
  }
}
