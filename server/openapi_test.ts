import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { issueApiKey, MemoryKeyStore } from "../middleware/auth/mod.ts";
import { MemoryRateLimitStore } from "../middleware/rate_limit/mod.ts";
import { Route, Server } from "./mod.ts";

const secret = new TextEncoder().encode("0123456789abcdef0123456789abcdef");

function documentedApp(keys = new MemoryKeyStore()) {
  return new Server({ logError: () => {} })
    .route("/public", Route.get((c) => c.text("hi")))
    .openapi(
      createRoute({
        method: "get",
        path: "/api/items/{id}",
        request: { params: z.object({ id: z.string() }) },
        responses: { 200: { description: "An item" } },
      }),
      (c) => c.json({ id: c.req.valid("param").id }, 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/items",
        request: {
          body: { content: { "application/json": { schema: z.object({ name: z.string() }) } } },
        },
        responses: { 201: { description: "Created" } },
      }),
      (c) => c.json({ name: c.req.valid("json").name }, 201),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/open/info",
        responses: { 200: { description: "Open" } },
      }),
      (c) => c.json({}, 200),
    )
    .withAuth({
      keyStore: keys,
      jwt: { algorithms: ["HS256"], issuer: "iss", audience: "aud", keys: secret },
      skip: (c) => !c.req.path.startsWith("/api/"),
    })
    .withRateLimit({
      store: new MemoryRateLimitStore(),
      policy: { name: "per-key", limit: 100, windowSeconds: 60 },
    })
    .withCompression()
    .build();
}

type Doc = {
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    responses: Record<string, { content: Record<string, unknown> }>;
  };
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

Deno.test("openapi: security schemes for API keys and JWT, required where auth applies", async () => {
  const doc: Doc = await (await documentedApp().request("/openapi.json")).json();
  assert.deepEqual(doc.components.securitySchemes.apiKey, {
    type: "apiKey",
    in: "header",
    name: "X-AVL-API-Key",
    description: "An API key (avl_live_... or avl_test_...)",
  });
  assert.deepEqual(doc.components.securitySchemes.bearerJwt, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  const get = doc.paths["/api/items/{id}"].get;
  assert.deepEqual(get.security, [{ apiKey: [] }, { bearerJwt: [] }]);
  // The auth middleware skips /open/*: documented without credentials or a 401.
  const open = doc.paths["/open/info"].get;
  assert.equal(open.security, undefined);
  assert.equal((open.responses as Record<string, unknown>)["401"], undefined);
});

Deno.test("openapi: 401/403/413/415/429 problem responses; uploads name their codings", async () => {
  const doc: Doc = await (await documentedApp().request("/openapi.json")).json();
  for (const status of [401, 403, 413, 415, 429]) {
    const r = doc.components.responses[`Problem${status}`];
    assert.deepEqual(Object.keys(r.content), ["application/problem+json"], String(status));
  }
  const codes = (op: Record<string, unknown>) => Object.keys(op.responses as object).sort();
  assert.deepEqual(codes(doc.paths["/api/items/{id}"].get), ["200", "401", "403", "429"]);
  const post = doc.paths["/api/items"].post;
  assert.deepEqual(codes(post), ["201", "401", "403", "413", "415", "429"]);
  assert.deepEqual((post.responses as Record<string, unknown>)["413"], {
    $ref: "#/components/responses/Problem413",
  });
  assert.deepEqual(codes(doc.paths["/open/info"].get), ["200", "429"]);
  const encoding = (post.parameters as Array<{ in: string; name: string }>)
    .find((p) => p.in === "header" && p.name === "Content-Encoding");
  assert.ok(encoding, "Content-Encoding documented on the upload");
});

Deno.test("openapi: Swagger UI's files come from the app, open without credentials", async () => {
  const app = documentedApp();
  const page = await app.request("/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.doesNotMatch(html, /https?:\/\//, "no CDN");
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(assets.sort(), [
    "/docs/swagger-init.js",
    "/docs/swagger-ui-bundle.js",
    "/docs/swagger-ui.css",
  ]);
  for (const path of assets) {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/(css|javascript)/);
    assert.ok((await res.text()).length > 50, path);
  }
  assert.match(await (await app.request("/docs/swagger-ui-bundle.js")).text(), /SwaggerUIBundle/);
});

Deno.test("openapi: optional auth documents an empty requirement too", async () => {
  const keys = new MemoryKeyStore();
  await issueApiKey(keys, { tenant: "t", scopes: [], plan: "free", mode: "test" });
  const app = new Server()
    .openapi(
      createRoute({ method: "get", path: "/x", responses: { 200: { description: "x" } } }),
      (c) => c.json({}, 200),
    )
    .withAuth({ keyStore: keys, optional: true })
    .build();
  const doc: Doc = await (await app.request("/openapi.json")).json();
  assert.deepEqual(doc.paths["/x"].get.security, [{ apiKey: [] }, {}]);
});
