// The fused stage pipeline (Server with only stage middleware) must behave exactly like the same
// stages installed as Hono middleware. Every scenario runs against both builds of one app: the
// fused one, and one forced onto Hono middleware by a no-op `use()`.

import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { MemoryCostLedger, MemoryRateLimitStore, requireScopes } from "../middleware/mod.ts";
import { Route, Server } from "./mod.ts";
import type { AvxApp } from "./app.ts";
import { testApiKey } from "./_test_api_key.ts";
import { BOOM, TEAPOT } from "./_test_routes.ts";
import { listenLocal } from "./_test_util.ts";

async function platform(fused: boolean) {
  const { keyStore, key } = await testApiKey();
  const ledger = new MemoryCostLedger();
  const t = Date.UTC(2026, 10, 21, 12);
  const server = new Server({ openapi: { docsPath: false } })
    .route("/data", Route.get((c) => c.json({ ok: true })))
    .route("/boom", BOOM)
    .route("/teapot", TEAPOT)
    .route("/admin", Route.get(requireScopes("admin"), (c) => c.text("hi admin")))
    .route(
      "/later",
      Route.get(async (c) => {
        await new Promise((r) => setTimeout(r, 1));
        return c.text("later");
      }),
    )
    // A handler that passes on: the not-found fallback answers, and stages run once.
    .route("/pass", Route.get((_c, next) => next()))
    .openapi(
      createRoute({
        method: "post",
        path: "/items/{id}",
        request: {
          params: z.object({ id: z.string().regex(/^\d+$/) }),
          body: { content: { "application/json": { schema: z.object({ n: z.number() }) } } },
        },
        responses: { 200: { description: "ok" } },
      }),
      (c) => c.json({ id: c.req.valid("param").id, n: c.req.valid("json").n }, 200),
    )
    .withAuth({ keyStore })
    .withRateLimit({
      plans: { pro: { limit: 1000, windowSeconds: 60 } },
      store: new MemoryRateLimitStore(),
      now: () => t,
    })
    .withCostTracking({ ledger, now: () => t });
  const noop: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  if (!fused) server.use(noop);
  return { app: server.build(), key, ledger, t };
}

function middlewareRoutes(app: AvxApp): number {
  return app.hono.routes.filter((r) => r.method === "ALL").length;
}

for (const fused of [true, false]) {
  const mode = fused ? "fused" : "as Hono middleware";

  Deno.test(`stages (${mode}): statuses, headers and cost records over a socket`, async () => {
    const { app, key, ledger, t } = await platform(fused);
    // The fused build installs no Hono middleware at all; the other one does.
    if (fused) assert.equal(middlewareRoutes(app), 0);
    else assert.ok(middlewareRoutes(app) >= 4);
    await using srv = await listenLocal(app);
    const h = { "x-avl-api-key": key };
    const get = (path: string, headers: Record<string, string> = h) =>
      fetch(`${srv.url}${path}`, { headers });

    const ok = await get("/data");
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true });
    assert.match(ok.headers.get("ratelimit") ?? "", /^"pro";r=999;t=\d+$/);
    assert.equal(ok.headers.get("ratelimit-policy"), '"pro";q=1000;w=60');

    // Auth runs before routing decisions: unknown paths and validation both come after it.
    const anon404 = await get("/nowhere", {});
    assert.equal(anon404.status, 401);
    await anon404.body?.cancel();
    const anonInvalid = await fetch(`${srv.url}/items/abc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(anonInvalid.status, 401);
    await anonInvalid.body?.cancel();

    const missing = await get("/nowhere");
    assert.equal(missing.status, 404);
    assert.ok(missing.headers.get("ratelimit"), "404s are rate limited too");
    await missing.body?.cancel();

    const boom = await get("/boom");
    assert.equal(boom.status, 500);
    const boomBody = await boom.text();
    assert.doesNotMatch(boomBody, /secret|at /);
    assert.ok(boom.headers.get("ratelimit"), "error responses still carry the headers");

    const teapot = await get("/teapot");
    assert.equal(teapot.status, 418);
    assert.equal((await teapot.json()).detail, "short and stout");

    const admin = await get("/admin");
    assert.equal(admin.status, 403);
    await admin.body?.cancel();

    const later = await get("/later");
    assert.equal(await later.text(), "later");

    const pass = await get("/pass");
    assert.equal(pass.status, 404);
    await pass.body?.cancel();

    const invalid = await fetch(`${srv.url}/items/abc`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ n: 1 }),
    });
    assert.equal(invalid.status, 400);
    await invalid.body?.cancel();
    const item = await fetch(`${srv.url}/items/7`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ n: 3 }),
    });
    assert.deepEqual(await item.json(), { id: "7", n: 3 });

    // Every authenticated request is in the ledger once, under its route.
    await ledger.flush();
    const rows = await ledger.query({ tenant: "acme", from: t - 1, to: t + 3_600_000 });
    const byRoute = new Map(rows.map((r) => [r.route, r.requests]));
    assert.deepEqual(Object.fromEntries([...byRoute].sort()), {
      "/admin": 1,
      "/boom": 1,
      "/data": 1,
      "/items/:id": 2,
      "/later": 1,
      "/pass": 1,
      "/teapot": 1,
      unmatched: 1,
    });

    // The core's HTTP metrics label each request with its route.
    const metrics = await (await get("/metrics")).text();
    assert.match(metrics, /avx_http_requests_total\{method="GET",route="\/data",status="200"\} 1/);
    assert.match(
      metrics,
      /avx_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/,
    );
    assert.match(
      metrics,
      /avx_http_requests_total\{method="POST",route="\/items\/:id",status="400"\} 1/,
    );
  });

  Deno.test(`stages (${mode}): HEAD, the OpenAPI document and rate-limit refusals`, async () => {
    const { app, key } = await platform(fused);
    const h = { "x-avl-api-key": key };
    const head = await app.request("/data", { method: "HEAD", headers: h });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.ok(head.headers.get("ratelimit"));
    const doc = await app.request("/openapi.json");
    assert.equal(doc.status, 200, "the document stays open");
    assert.ok((await doc.json()).paths["/items/{id}"]);
    // Past the limit: 429 problem with Retry-After, and the handler never runs.
    let calls = 0;
    const tight = new Server({ openapi: false })
      .route("/x", Route.get((c) => (calls++, c.text("x"))))
      .withRateLimit({
        policy: { limit: 2, windowSeconds: 60 },
        store: new MemoryRateLimitStore(),
        by: "ip",
        clientIp: { trustedProxies: [] },
      });
    if (!fused) tight.use(async (_c, next) => await next());
    const tightApp = tight.build();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await tightApp.request("/x");
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal(res.headers.get("content-type"), "application/problem+json");
        assert.ok(Number(res.headers.get("retry-after")) > 0);
      }
      await res.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    assert.equal(calls, 2);
  });
}
