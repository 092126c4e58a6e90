// One HTTP server per process for bench/http.ts: `deno run -A bench/_http_servers.ts KIND PORT`.
// Every kind serves the same routes: GET / (13-byte text), GET /small (a 60-byte JSON object)
// and GET /json (~100 KiB JSON). It prints READY (and, for the platform stack, the API key the
// load generator must send) once it listens.

import { Hono } from "hono";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timing } from "hono/timing";
import { MemoryCostLedger, MemoryRateLimitStore, RegionRegistry } from "../middleware/mod.ts";
import { Route, Server } from "../server/mod.ts";
import { testApiKey } from "../server/_test_api_key.ts";

const [kind, portText] = Deno.args;
const port = Number(portText);
const HELLO = "Hello, World!";
const rows = Array.from({ length: 1000 }, (_, i) => ({
  id: i,
  ts: 1_700_000_000_000 + i * 250,
  detector: ["H1", "L1", "V1"][i % 3],
  strain: Math.sin(i / 10) * 1e-21,
  flags: { saturated: i % 97 === 0, gated: false },
  tags: ["o4", "calibrated"],
}));
const SMALL = { id: 42, detector: "H1", strain: 1.5e-21, ok: true, tags: ["o4"] };

function honoApp(stack: boolean | "compress"): Hono {
  const app = new Hono();
  if (stack === "compress") app.use(compress());
  else if (stack) app.use(requestId(), cors(), secureHeaders(), timing(), compress());
  app.get("/", (c) => c.text(HELLO));
  app.get("/json", (c) => c.json(rows));
  app.get("/small", (c) => c.json(SMALL));
  return app;
}

/**
 * Bare Hono doing only what Deno charges for the headers issue #7 requires, with none of the work:
 * it reads the API key header and sends `RateLimit-Policy` and `RateLimit` (the platform stack's
 * answer, byte for byte in shape). On Deno 2.9 reading a request header and any response header
 * beyond Content-Type leave the serving fast path; this kind measures that floor.
 */
function platformFloorApp(): Hono {
  const app = new Hono();
  let remaining = 36_000_000;
  app.get("/small", (c) => {
    if (!c.req.header("x-avl-api-key")) return c.text("no key", 401);
    const res = c.json(SMALL);
    res.headers.set("RateLimit-Policy", '"pro";q=36000000;w=3600');
    res.headers.set("RateLimit", `"pro";r=${--remaining};t=1`);
    return res;
  });
  return app;
}

/**
 * Bare Hono doing only what issue #8 requires of telemetry + region routing on every request, with
 * none of the work: reads `traceparent` and `X-AVL-Region`, sends `X-Request-Id` (a UUID),
 * `Server-Timing` (two clock reads) and the two region headers.
 */
function edgeFloorApp(): Hono {
  const app = new Hono();
  app.get("/", (c) => {
    const started = performance.now();
    c.req.header("traceparent");
    c.req.header("x-avl-region");
    const res = c.text(HELLO);
    res.headers.set("x-avl-region", "us-east-1");
    res.headers.set("x-avl-preferred-region", "us-east-1");
    res.headers.set("X-Request-Id", crypto.randomUUID());
    res.headers.set("Server-Timing", `total;dur=${(performance.now() - started).toFixed(2)}`);
    return res;
  });
  return app;
}

/** 10 MiB of log-like text in 64 KiB chunks, produced as the client reads. */
function streamed(): Response {
  const line = new TextEncoder().encode(
    "2026-11-21T08:00:00.000Z INFO detector=H1 strain=1.0e-21 gated=false segment=ok\n",
  );
  const chunk = new Uint8Array(64 * 1024);
  for (let o = 0; o < chunk.length; o += line.length) {
    chunk.set(line.subarray(0, Math.min(line.length, chunk.length - o)), o);
  }
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (sent >= 10 * 1024 * 1024) return ctl.close();
      sent += chunk.length;
      ctl.enqueue(chunk.slice());
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

function avxServer(): Server {
  // Secure headers (on by default) only where the row says so: the full stack turns them on.
  return new Server({ openapi: false, secureHeaders: false })
    .route("/", Route.get((c) => c.text(HELLO)))
    .route("/small", Route.get((c) => c.json(SMALL)))
    .route("/json", Route.get((c) => c.json(rows)))
    .route("/stream", Route.get(() => streamed()));
}

/**
 * avx-http + compression whose handlers return plain Responses: the compression middleware does
 * not know the payload and reads the body stream, the path every handler took before payload
 * capture (the `avx-compression` row captures c.json/c.text). Side by side they price capture.
 */
function avxUncapturedApp() {
  return new Server({ openapi: false, secureHeaders: false })
    .route(
      "/",
      Route.get(() =>
        new Response(HELLO, { headers: { "content-type": "text/plain; charset=UTF-8" } })
      ),
    )
    .route(
      "/json",
      Route.get(() =>
        new Response(JSON.stringify(rows), { headers: { "content-type": "application/json" } })
      ),
    )
    .withCompression()
    .build();
}

function avxApp(stack: "none" | "compression" | "full") {
  const s = avxServer();
  if (stack === "compression") s.withCompression();
  if (stack === "full") s.withTelemetry().withCors().withSecureHeaders().withCompression();
  return s.build();
}

/** API-key auth + rate limit + cost tracking, memory stores; the key is printed after READY. */
async function platformApp() {
  const { keyStore, key } = await testApiKey({ tenant: "bench" });
  const app = avxServer()
    .withAuth({ keyStore })
    // A limit the load never reaches: the limiter does its full work on every request.
    .withRateLimit({
      plans: { pro: { limit: 36_000_000, windowSeconds: 3600 } },
      store: new MemoryRateLimitStore(),
    })
    .withCostTracking({ ledger: new MemoryCostLedger() })
    .build();
  return { app, key };
}

/** Two regions on loopback: us-east-1 on `front`, br-saopaulo-1 on `back`. */
function regions(front: number, back: number, current: string): RegionRegistry {
  return new RegionRegistry([
    { id: "us-east-1", origin: `http://127.0.0.1:${front}`, countries: ["US"], primary: true },
    { id: "br-saopaulo-1", origin: `http://127.0.0.1:${back}`, countries: ["BR"] },
  ], { current });
}

/** Telemetry + region routing; `geo` says where clients are (US: served locally by the front). */
function edgeApp(front: number, back: number, current: string, country: string) {
  return avxServer()
    .withTelemetry()
    .withRegionRouting({
      registry: regions(front, back, current),
      mode: "proxy",
      geo: () => country,
    })
    .build();
}

type Handler = (req: Request) => Response | Promise<Response>;
/** The app of each kind; `key` is the API key the load must send (printed after READY). */
type App = { fetch: Handler; key?: string };

const APPS: Record<string, () => App | Promise<App>> = {
  // Serialises per request, as c.json does in every other row (like for like).
  deno: () => ({
    fetch: (req) =>
      new URL(req.url).pathname === "/json"
        ? new Response(JSON.stringify(rows), { headers: { "content-type": "application/json" } })
        : new Response(HELLO, { headers: { "content-type": "text/plain; charset=UTF-8" } }),
  }),
  hono: () => honoApp(false),
  "hono-compress": () => honoApp("compress"),
  "hono-stack": () => honoApp(true),
  "hono-platform-floor": () => ({ fetch: platformFloorApp().fetch, key: "avl_test_floor" }),
  "hono-edge-floor": edgeFloorApp,
  avx: () => avxApp("none"),
  "avx-compression": () => avxApp("compression"),
  "avx-compression-uncaptured": avxUncapturedApp,
  "avx-stack": () => avxApp("full"),
  "avx-platform": async () => {
    const { app, key } = await platformApp();
    return { fetch: app.fetch, key };
  },
  // Serves locally: the client is in the US, this is us-east-1.
  "avx-edge": () => edgeApp(port, port + 1, "us-east-1", "US"),
  // br-saopaulo-1 on PORT; its clients are in Brazil.
  "avx-proxy-back": () => edgeApp(port - 1, port, "br-saopaulo-1", "BR"),
  // us-east-1 on PORT proxying Brazilian clients to PORT+1.
  "avx-proxy-front": () => edgeApp(port, port + 1, "us-east-1", "BR"),
};

if (!Object.hasOwn(APPS, kind)) {
  console.error(`unknown server kind ${kind}`);
  Deno.exit(2);
}
const { fetch: handler, key } = await APPS[kind]();
const ready = key === undefined ? "READY" : `READY x-avl-api-key: ${key}`;
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log(ready) }, handler);
