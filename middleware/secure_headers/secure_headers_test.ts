import assert from "node:assert/strict";
import { Hono } from "hono";
import { NONCE, secureHeaders as honoSecureHeaders } from "hono/secure-headers";
import { Route, Server } from "../../server/mod.ts";
import { secureHeaders, type SecureHeadersOptions } from "./mod.ts";

const headersOf = (res: Response): Record<string, string> => Object.fromEntries(res.headers);

const cases: Array<[string, SecureHeadersOptions]> = [
  ["defaults", {}],
  ["overrides", {
    xFrameOptions: "DENY",
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: true,
  }],
  ["policies", {
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      upgradeInsecureRequests: [],
    },
    contentSecurityPolicyReportOnly: { scriptSrc: ["'none'"], reportTo: "g" },
    permissionsPolicy: {
      camera: false,
      geolocation: ["self", "https://a.example"],
      fullscreen: ["*"],
    },
    reportingEndpoints: [{ name: "g", url: "https://r.example/" }],
    reportTo: [{ group: "g", max_age: 60, endpoints: [{ url: "https://r.example/" }] }],
  }],
];

for (const [name, options] of cases) {
  Deno.test(`secureHeaders: same headers as Hono's secureHeaders (${name})`, async () => {
    const ours = new Hono();
    ours.use(secureHeaders(options));
    ours.get("/", (c) => c.text("hi", 200, { "x-powered-by": "x" }));
    const ref = new Hono();
    ref.use(honoSecureHeaders(options));
    ref.get("/", (c) => c.text("hi", 200, { "x-powered-by": "x" }));
    assert.deepEqual(headersOf(await ours.request("/")), headersOf(await ref.request("/")));
  });
}

Deno.test("secureHeaders: a CSP nonce is made before the handler and sent after it", async () => {
  const app = new Hono();
  app.use(secureHeaders({ contentSecurityPolicy: { scriptSrc: ["'self'", NONCE] } }));
  app.get("/", (c) => c.text(c.get("secureHeadersNonce") ?? "none"));
  const res = await app.request("/");
  const nonce = await res.text();
  assert.notEqual(nonce, "none");
  assert.equal(res.headers.get("content-security-policy"), `script-src 'self' 'nonce-${nonce}'`);
});

Deno.test("secureHeaders: overwrite false keeps the handler's own header", async () => {
  const app = new Hono();
  app.use(secureHeaders({ overwrite: false }));
  app.get("/", (c) => c.text("hi", 200, { "x-frame-options": "DENY" }));
  const res = await app.request("/");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
});

Deno.test("secureHeaders: a proxied response (immutable headers) gets them, as Hono and fused", async () => {
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("upstream", { headers: { "x-powered-by": "php" } }),
  );
  const url = `http://127.0.0.1:${upstream.addr.port}/`;
  try {
    const hono = new Hono();
    hono.use(secureHeaders());
    hono.get("/p", () => fetch(url));
    const fused = new Server({ openapi: false }).route("/p", Route.get(() => fetch(url)))
      .withSecureHeaders().build();
    for (const app of [hono, fused]) {
      const res = await app.request("/p");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "upstream");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("x-powered-by"), null);
    }
  } finally {
    await upstream.shutdown();
  }
});

Deno.test("Server: secure headers are on by default and off with secureHeaders: false", async () => {
  const make = (o: ConstructorParameters<typeof Server>[0]) =>
    new Server({ openapi: false, ...o }).route("/d", Route.get((c) => c.json({ ok: true })))
      .build();
  const on = await make({}).request("/d");
  assert.equal(on.headers.get("x-content-type-options"), "nosniff");
  assert.equal(on.headers.get("strict-transport-security"), "max-age=15552000; includeSubDomains");
  await on.body?.cancel();
  const tuned = await make({ secureHeaders: { xFrameOptions: "DENY" } }).request("/d");
  assert.equal(tuned.headers.get("x-frame-options"), "DENY");
  await tuned.body?.cancel();
  const off = await make({ secureHeaders: false }).request("/d");
  assert.equal(off.headers.get("x-content-type-options"), null);
  await off.body?.cancel();
});

Deno.test("problem responses carry nosniff, even with secure headers off", async () => {
  const app = new Server({ openapi: false, secureHeaders: false, logError: () => {} })
    .route(
      "/d",
      Route.get(() => {
        throw new Error("boom");
      }),
    )
    .build();
  for (const path of ["/d", "/missing"]) {
    const res = await app.request(path);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    await res.body?.cancel();
  }
});
