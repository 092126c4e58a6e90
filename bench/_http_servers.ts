// One HTTP server per process for bench/http.ts: `deno run -A bench/_http_servers.ts KIND PORT`.
// Every kind serves the same two routes: GET / (13-byte text) and GET /json (~100 KiB JSON).

import { Hono } from "hono";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timing } from "hono/timing";
import { Route, Server } from "../server/mod.ts";

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
const JSON_BODY = JSON.stringify(rows); // ~100 KiB

function honoApp(stack: boolean | "compress"): Hono {
  const app = new Hono();
  if (stack === "compress") app.use(compress());
  else if (stack) app.use(requestId(), cors(), secureHeaders(), timing(), compress());
  app.get("/", (c) => c.text(HELLO));
  app.get("/json", (c) => c.json(rows));
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

function avxApp(stack: "none" | "compression" | "full") {
  const s = new Server({ openapi: false })
    .route("/", Route.get((c) => c.text(HELLO)))
    .route("/json", Route.get((c) => c.json(rows)))
    .route("/stream", Route.get(() => streamed()));
  if (stack === "compression") s.withCompression();
  if (stack === "full") s.withTelemetry().withCors().withSecureHeaders().withCompression();
  return s.build();
}

let handler: (req: Request) => Response | Promise<Response>;
switch (kind) {
  case "deno":
    handler = (req) =>
      new URL(req.url).pathname === "/json"
        ? new Response(JSON_BODY, { headers: { "content-type": "application/json" } })
        : new Response(HELLO, { headers: { "content-type": "text/plain; charset=UTF-8" } });
    break;
  case "hono":
    handler = honoApp(false).fetch;
    break;
  case "hono-compress":
    handler = honoApp("compress").fetch;
    break;
  case "hono-stack":
    handler = honoApp(true).fetch;
    break;
  case "avx":
    handler = avxApp("none").fetch;
    break;
  case "avx-compression":
    handler = avxApp("compression").fetch;
    break;
  case "avx-stack":
    handler = avxApp("full").fetch;
    break;
  default:
    console.error(`unknown server kind ${kind}`);
    Deno.exit(2);
}
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log("READY") }, handler);
