// Every header-writing middleware, alone, on a handler that returns a proxied response (`fetch`
// of an upstream `Deno.serve`: immutable headers), as a plain Hono middleware and fused by
// `Server`: the response goes through with the middleware's headers instead of a 500.

import assert from "node:assert/strict";
import { Hono, type MiddlewareHandler } from "hono";
import { Route, Server } from "../server/mod.ts";
import { setHeader, writableResponse } from "./_headers.ts";
import { compression } from "../middleware/compression/mod.ts";
import { cors } from "../middleware/cors/mod.ts";
import { costTracking, MemoryCostLedger } from "../middleware/cost/mod.ts";
import { idempotency, MemoryIdempotencyStore } from "../middleware/idempotency/mod.ts";
import { MemoryRateLimitStore, rateLimit } from "../middleware/rate_limit/mod.ts";
import { RegionRegistry, regionRouting } from "../middleware/region/mod.ts";
import { loadShedding, timeout } from "../middleware/resilience/mod.ts";
import { secureHeaders } from "../middleware/secure_headers/mod.ts";
import { telemetry } from "../middleware/telemetry/mod.ts";

const BODY = JSON.stringify({ rows: Array.from({ length: 400 }, (_, i) => ({ i, v: i / 2 })) });

/** Each middleware, fresh, and a header it must have written (null: it writes none here). */
const MIDDLEWARE: Array<[string, () => MiddlewareHandler, string | null]> = [
  ["telemetry", () => telemetry({ serverTiming: true }), "server-timing"],
  ["cors", () => cors({ origin: ["https://a.example"] }), "access-control-allow-origin"],
  ["secureHeaders", () => secureHeaders(), "x-content-type-options"],
  ["rateLimit", () =>
    rateLimit({
      store: new MemoryRateLimitStore(),
      policy: { limit: 100, windowSeconds: 60 },
      key: () => "k",
    }), "ratelimit"],
  [
    "costTracking",
    () => costTracking({ ledger: new MemoryCostLedger(), region: "r", costHeader: true }),
    "avl-cost",
  ],
  ["compression", () => compression(), "content-encoding"],
  ["regionRouting", () =>
    regionRouting({
      registry: new RegionRegistry([
        { id: "us-east-1", origin: "https://us.example", continents: ["NA"], primary: true },
      ], { current: "us-east-1" }),
    }), "x-avl-preferred-region"],
  ["idempotency", () => idempotency({ store: new MemoryIdempotencyStore() }), null],
  ["timeout", () => timeout(5_000), null],
  ["loadShedding", () => loadShedding({ maxInFlight: 8 }), null],
];

async function withUpstream(fn: (url: string) => Promise<void>): Promise<void> {
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(BODY, { headers: { "content-type": "application/json" } }),
  );
  try {
    await fn(`http://127.0.0.1:${upstream.addr.port}/`);
  } finally {
    await upstream.shutdown();
  }
}

async function check(name: string, app: { request: Hono["request"] }, header: string | null) {
  for (const method of ["GET", "POST"]) {
    const res = await app.request("/p", {
      method,
      headers: {
        origin: "https://a.example",
        "accept-encoding": "gzip",
        "idempotency-key": `"k-${name}-${method}"`,
      },
    });
    assert.equal(res.status, 200, `${name} ${method}: ${await res.clone().text()}`);
    if (header !== null) assert.ok(res.headers.has(header), `${name} ${method}: no ${header}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = res.headers.get("content-encoding") === "gzip"
      ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")))
        .text()
      : new TextDecoder().decode(bytes);
    assert.equal(text, BODY, `${name} ${method}: body`);
  }
}

for (const [name, make, header] of MIDDLEWARE) {
  Deno.test(`proxied response through ${name} alone (Hono middleware and fused)`, async () => {
    await withUpstream(async (url) => {
      const hono = new Hono();
      hono.use(make());
      hono.on(["GET", "POST"], "/p", () => fetch(url));
      hono.onError((e) => new Response(`onError: ${e.message}`, { status: 500 }));
      await check(`${name} (Hono)`, hono, header);

      const errors: unknown[] = [];
      const fused = new Server({
        openapi: false,
        secureHeaders: false,
        logError: (e) => errors.push(e),
      })
        .route("/p", Route.get(() => fetch(url)), Route.post(() => fetch(url)))
        .withMiddleware(30, make())
        .build();
      await check(`${name} (fused)`, fused, header);
      assert.deepEqual(errors, []);
    });
  });
}

Deno.test("setHeader and writableResponse: written in place when possible, else copied once", async () => {
  const own = new Response("x");
  assert.equal(setHeader(own, "a", "1"), own);
  assert.equal(writableResponse(own), own);
  const frozen = Response.redirect("https://x.example/", 302);
  const copy = setHeader(setHeader(frozen, "a", "1"), "b", "2", true);
  assert.notEqual(copy, frozen);
  assert.equal(copy.status, 302);
  assert.equal(copy.headers.get("location"), "https://x.example/");
  assert.equal(copy.headers.get("a"), "1");
  assert.equal(copy.headers.get("b"), "2");
  const w = writableResponse(Response.redirect("https://x.example/", 301));
  w.headers.set("c", "3");
  assert.equal(w.status, 301);
  assert.equal(await w.text(), "");
});
