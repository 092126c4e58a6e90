import assert from "node:assert/strict";
import { Hono } from "hono";
import { Route, Server } from "../../server/mod.ts";
import { cors, type CorsOptions } from "./mod.ts";
import { ConfigurationError } from "../../http/config_error.ts";

function hono(options?: CorsOptions): Hono {
  const app = new Hono();
  app.use(cors(options));
  app.get("/d", (c) => c.json({ ok: true }));
  // A response with immutable headers, as fetch returns them.
  app.get("/frozen", () => Response.redirect("https://elsewhere.example/", 302));
  return app;
}

function fused(options?: CorsOptions) {
  return new Server({ openapi: false })
    .route("/d", Route.get((c) => c.json({ ok: true })))
    .withCors(options)
    .build();
}

for (const [name, make] of [["as Hono middleware", hono], ["fused in Server", fused]] as const) {
  Deno.test(`cors (${name}): any origin, exposed headers, preflight`, async () => {
    const app = make();
    const get = await app.request("/d", { headers: { origin: "https://dash.example" } });
    assert.equal(get.status, 200);
    assert.deepEqual(await get.json(), { ok: true });
    assert.equal(get.headers.get("access-control-allow-origin"), "*");
    assert.match(get.headers.get("access-control-expose-headers")!, /X-Request-Id.*RateLimit/);
    assert.equal(get.headers.get("vary"), null);
    const pre = await app.request("/d", {
      method: "OPTIONS",
      headers: {
        origin: "https://dash.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-avl-api-key",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.equal(pre.headers.get("access-control-max-age"), "600");
    assert.match(pre.headers.get("access-control-allow-methods")!, /POST/);
    assert.equal(pre.headers.get("access-control-allow-headers"), "content-type,x-avl-api-key");
    assert.equal(pre.headers.get("vary"), "Access-Control-Request-Headers");
  });

  Deno.test(`cors (${name}): origin lists and functions, credentials, Vary`, async () => {
    const app = make({ origin: ["https://a.example"], credentials: true });
    const ok = await app.request("/d", { headers: { origin: "https://a.example" } });
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://a.example");
    assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
    assert.equal(ok.headers.get("vary"), "Origin");
    const other = await app.request("/d", { headers: { origin: "https://evil.example" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    assert.equal(other.status, 200, "CORS never blocks on the server side");
    await other.body?.cancel();
    const fn = make({
      origin: async (o) => (await Promise.resolve(o.endsWith(".example") ? o : null)),
      allowMethods: (_o, c) => (c.req.header("x-admin") ? ["GET", "DELETE"] : ["GET"]),
    });
    const byFn = await fn.request("/d", { headers: { origin: "https://b.example" } });
    assert.equal(byFn.headers.get("access-control-allow-origin"), "https://b.example");
    const pre = await fn.request("/d", {
      method: "OPTIONS",
      headers: { origin: "https://b.example", "x-admin": "1" },
    });
    assert.equal(pre.headers.get("access-control-allow-methods"), "GET,DELETE");
    assert.equal(pre.headers.get("vary"), "Origin");
  });
}

Deno.test("cors: responses with immutable headers are copied, not failed", async () => {
  const res = await hono().request("/frozen", { headers: { origin: "https://x.example" } });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://elsewhere.example/");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

Deno.test("cors in Server: the app stays fused (no Hono middleware)", () => {
  assert.equal(fused().hono.routes.filter((r) => r.method === "ALL").length, 0);
});

Deno.test("cors: credentials with any origin is refused when built, with what to do", () => {
  for (
    const options of [{ credentials: true }, { origin: "*", credentials: true }, {
      origin: ["https://a.example", "*"],
      credentials: true,
    }]
  ) {
    assert.throws(() => cors(options), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.equal(e.code, "cors_credentials_any_origin");
      assert.match(e.message, /origin: \["https:\/\/app\.example"\]/);
      return true;
    });
    assert.throws(
      () => new Server().withCors(options).build(),
      (e: unknown) => e instanceof ConfigurationError,
    );
  }
  // Explicit origins (or a function) with credentials, and any origin without, still build.
  cors({ origin: ["https://a.example"], credentials: true });
  cors({ origin: (o) => o, credentials: true });
  cors({ origin: "*" });
});
