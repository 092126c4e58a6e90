import { ConfigurationError } from "../http/config_error.ts";
import assert from "node:assert/strict";
import { Route, Server } from "./mod.ts";
import { BOOM, STRAIN_ROUTE, TEAPOT } from "./_test_routes.ts";
import { listenLocal } from "./_test_util.ts";

function demoApp(options: ConstructorParameters<typeof Server>[0] = {}) {
  return new Server({ logError: () => {}, ...options })
    .route("/api/data", Route.get((c) => c.json({ ok: true })))
    .route(
      "/api/upload",
      Route.post(async (c) => {
        const body = await c.req.json();
        return c.json({ received: body }, 201);
      }),
    )
    .route(
      "/api/bytes",
      Route.post(async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength })),
    )
    .route("/boom", BOOM)
    .route("/teapot", TEAPOT)
    .openapi(STRAIN_ROUTE, (c) => {
      const samples = new Array<number>(c.req.valid("query").n).fill(0);
      return c.json({ detector: c.req.valid("param").detector, samples }, 200);
    })
    .withTelemetry()
    .withCors()
    .build();
}

async function problem(res: Response) {
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assert.equal(body.status, res.status);
  assert.equal(typeof body.title, "string");
  return body;
}

Deno.test("routes built with Route answer, and unknown routes are 404 problems", async () => {
  const app = demoApp();
  const ok = await app.request("/api/data");
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { ok: true });

  const missing = await app.request("/nothing/here");
  assert.equal(missing.status, 404);
  const p = await problem(missing);
  assert.equal(p.instance, missing.headers.get("x-request-id"), "instance is the request id");
});

Deno.test("a known path with another method is 405 with Allow", async () => {
  const res = await demoApp().request("/api/data", { method: "DELETE" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
  await problem(res);
});

Deno.test("malformed JSON is a 400 problem, not a 500", async () => {
  const res = await demoApp().request("/api/upload", {
    method: "POST",
    body: "{not json",
    headers: { "content-type": "application/json" },
  });
  assert.equal(res.status, 400);
  const p = await problem(res);
  assert.match(p.detail, /JSON/);
});

Deno.test("unexpected errors are 500 problems without leaking the message or a stack", async () => {
  const logged: unknown[] = [];
  const app = demoApp({ logError: (e) => logged.push(e) });
  const res = await app.request("/boom");
  assert.equal(res.status, 500);
  const text = await res.clone().text();
  assert.doesNotMatch(text, /secret|password|at .*\.ts/);
  await problem(res);
  assert.equal(logged.length, 1, "the error is logged server-side");
});

Deno.test("HttpProblem keeps its status, members and headers", async () => {
  const res = await demoApp().request("/teapot");
  assert.equal(res.status, 418);
  assert.equal(res.headers.get("x-kind"), "pot");
  const p = await problem(res);
  assert.equal(p.title, "I'm a teapot");
  assert.equal(p.detail, "short and stout");
});

Deno.test("zod-validated routes: valid input passes, invalid input is a 400 problem listing issues", async () => {
  const app = demoApp();
  const ok = await app.request("/api/strain/H1?n=5");
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { detector: "H1", samples: [0, 0, 0, 0, 0] });

  const bad = await app.request("/api/strain/H1?n=500");
  assert.equal(bad.status, 400);
  const p = await problem(bad);
  assert.ok(Array.isArray(p.errors) && p.errors.length > 0);
  assert.deepEqual(p.errors[0].path, ["n"]);

  const badParam = await app.request("/api/strain/X9?n=5");
  assert.equal(badParam.status, 400);
  await problem(badParam);
});

Deno.test("OpenAPI 3.1 document and Swagger UI are served", async () => {
  const app = demoApp();
  const doc = await (await app.request("/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  const op = doc.paths["/api/strain/{detector}"].get;
  assert.ok(op, "the zod route is documented");
  assert.deepEqual(op.parameters.map((p: { name: string }) => p.name).sort(), ["detector", "n"]);
  const ui = await app.request("/docs");
  assert.equal(ui.status, 200);
  // Swagger UI comes from the app itself (offline), pointed at the document by its init script.
  assert.doesNotMatch(await ui.text(), /https?:\/\//);
  assert.match(await (await app.request("/docs/swagger-init.js")).text(), /openapi\.json/);
});

Deno.test("healthz and readyz reflect registered checks", async () => {
  let dbUp = true;
  const app = new Server().readiness(
    "db",
    () => dbUp ? true : { ok: false, detail: "connection refused" },
  )
    .readiness("slow", () => new Promise((r) => setTimeout(() => r(true), 5)))
    .build();
  assert.equal((await app.request("/healthz")).status, 200);
  const ready = await app.request("/readyz");
  assert.equal(ready.status, 200);
  const body = await ready.json();
  assert.equal(body.status, "ready");
  assert.deepEqual(Object.keys(body.checks).sort(), ["db", "slow"]);

  dbUp = false;
  const notReady = await app.request("/readyz");
  assert.equal(notReady.status, 503);
  const p = await problem(notReady);
  assert.match(p.detail, /db: connection refused/);

  dbUp = true;
  app.beginShutdown();
  assert.equal((await app.request("/readyz")).status, 503, "not ready once shutting down");
});

Deno.test("a readiness check that throws or hangs fails instead of hanging /readyz", async () => {
  const app = new Server().readiness("throws", () => {
    throw new Error("nope");
  }).readiness("hangs", () => new Promise(() => {})).build();
  app.readiness.timeoutMs = 50;
  const res = await app.request("/readyz");
  assert.equal(res.status, 503);
  const p = await res.json();
  assert.equal(p.checks.throws.ok, false);
  assert.match(p.checks.hangs.detail, /timed out/);
});

Deno.test("metrics count requests by route and status, bytes, latency and in-flight", async () => {
  const app = demoApp();
  await app.request("/api/data");
  await app.request("/api/data");
  await app.request("/nothing");
  await app.request("/api/bytes", { method: "POST", body: new Uint8Array(1234) });
  const res = await app.request("/metrics");
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /^avx_http_requests_total\{method="GET",route="\/api\/data",status="200"\} 2$/m,
  );
  assert.match(text, /^avx_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
  assert.match(text, /^avx_http_request_bytes_total\{route="\/api\/bytes"\} 1234$/m);
  assert.match(
    text,
    /^avx_http_request_duration_seconds_count\{method="GET",route="\/api\/data"\} 2$/m,
  );
  assert.match(
    text,
    /^avx_http_request_duration_seconds_bucket\{method="GET",route="\/api\/data",le="\+Inf"\} 2$/m,
  );
  assert.match(text, /^avx_http_requests_in_flight 1$/m, "the scrape itself is in flight");
});

Deno.test("body limit: declared and streamed oversized bodies are 413 problems", async () => {
  const app = demoApp({ bodyLimit: 1000 });
  const declared = await app.request("/api/bytes", { method: "POST", body: new Uint8Array(1001) });
  assert.equal(declared.status, 413);
  assert.equal((await problem(declared)).limit, 1000);

  const chunks = [new Uint8Array(600), new Uint8Array(600)];
  const streamed = await app.request("/api/bytes", {
    method: "POST",
    body: ReadableStream.from(chunks),
    duplex: "half",
  } as RequestInit);
  assert.equal(streamed.status, 413);
  await problem(streamed);

  const fits = await app.request("/api/bytes", {
    method: "POST",
    body: ReadableStream.from([new Uint8Array(500), new Uint8Array(500)]),
    duplex: "half",
  } as RequestInit);
  assert.equal(fits.status, 200);
  assert.deepEqual(await fits.json(), { bytes: 1000 });
});

Deno.test("CORS preflight and exposed headers", async () => {
  const res = await demoApp().request("/api/data", {
    method: "OPTIONS",
    headers: { origin: "https://dash.example", "access-control-request-method": "GET" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const get = await demoApp().request("/api/data", { headers: { origin: "https://dash.example" } });
  assert.match(get.headers.get("access-control-expose-headers")!, /X-Request-Id/);
});

Deno.test("the full Hono app stays reachable", async () => {
  const app = new Server().configure((hono) => hono.get("/raw", (c) => c.text("raw"))).build();
  app.hono.get("/later", (c) => c.text("later"));
  assert.equal(await (await app.request("/raw")).text(), "raw");
  assert.equal(await (await app.request("/later")).text(), "later");
});

Deno.test("Route rejects empty and duplicate bindings", () => {
  assert.throws(() => Route.get(), ConfigurationError);
  assert.throws(() => Route.get((c) => c.text("a")).get((c) => c.text("b")), ConfigurationError);
});

Deno.test("over a real socket: bad paths, bad methods, bad headers and bodies are 4xx, never 500", async () => {
  await using srv = listenLocal(demoApp({ bodyLimit: 64 * 1024 }));
  const cases: Array<[string, RequestInit, number[]]> = [
    ["/api/%zz%", {}, [404]],
    ["/api/data/../../etc/passwd", {}, [404]],
    ["/" + "a".repeat(8000), {}, [404, 414]],
    ["/api/data", { method: "PROPFIND" }, [405]],
    ["/api/upload", {
      method: "POST",
      body: "[1,2,",
      headers: { "content-type": "application/json" },
    }, [400]],
    ["/api/upload", {
      method: "POST",
      body: new Uint8Array([0xff, 0xfe, 0x00]),
      headers: { "content-type": "application/json" },
    }, [400]],
    ["/api/bytes", { method: "POST", body: new Uint8Array(64 * 1024 + 1) }, [413]],
    ["/api/strain/H1?n=abc", {}, [400]],
    ["/api/data", { headers: { "x-request-id": "bad\tid with spaces" } }, [200]],
  ];
  for (const [path, init, expected] of cases) {
    const res = await fetch(srv.url + path, init);
    const text = await res.text();
    assert.ok(
      expected.includes(res.status),
      `${init.method ?? "GET"} ${path.slice(0, 40)}: got ${res.status} ${text.slice(0, 120)}`,
    );
    if (res.status >= 400) {
      assert.equal(res.headers.get("content-type"), "application/problem+json");
    }
  }
  // An unsafe client request id is replaced, never echoed.
  const res = await fetch(srv.url + "/api/data", { headers: { "x-request-id": "evil\u0001" } })
    .catch(() => null);
  if (res) {
    assert.notEqual(res.headers.get("x-request-id"), "evil\u0001");
    await res.body?.cancel();
  }
  // The server still serves after all of that.
  const after = await fetch(srv.url + "/api/data");
  assert.equal(after.status, 200);
  await after.body?.cancel();
});

Deno.test("withIdempotency replays a repeated POST instead of running it twice", async () => {
  let effects = 0;
  const app = new Server()
    .route("/orders", Route.post((c) => c.json({ order: ++effects }, 201)))
    .withIdempotency()
    .build();
  const send = () =>
    app.request("/orders", {
      method: "POST",
      body: "{}",
      headers: { "idempotency-key": '"k-1"', "content-type": "application/json" },
    });
  const first = await send();
  const again = await send();
  assert.equal(first.status, 201);
  assert.equal(again.status, 201);
  assert.deepEqual(await again.json(), await first.json());
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal(effects, 1);
});
