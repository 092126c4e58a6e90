/**
 * The example gravitational-wave data API: JSON strain samples, an SSE live stream, a WebSocket
 * subscription and an upload endpoint, all on embedded synthetic data.
 *
 * @module
 */

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { arrow, type AvxApp, Route, Server, sse, webSocket } from "../server/mod.ts";
import { RecordBatch } from "../columnar/mod.ts";
import { supportedAlgorithms } from "../compress/mod.ts";
import { DETECTORS, SAMPLE_RATE, stats, strain } from "./strain.ts";
import { type DashboardAssets, dashboardHtml, NODE_ZLIB_SHIM } from "./dashboard/page.ts";
import { clientIp, TrustedProxies } from "../middleware/rate_limit/mod.ts";

const LOOPBACK = new TrustedProxies(["loopback"]);

/**
 * The dashboard page; with the dev key in it only for a client on this machine (its socket peer
 * is loopback; forwarding headers are not believed), and then never stored by a cache.
 */
function dashboardPage(c: Context, dashboard: DashboardAssets): Response {
  const peer = clientIp(c);
  const local = peer !== null && peer.source === "peer" && LOOPBACK.has(peer.address);
  if (!local || dashboard.devApiKey === undefined) return c.html(dashboardHtml());
  return c.html(dashboardHtml(dashboard.devApiKey), 200, { "cache-control": "no-store" });
}

const Detector = z.enum(["H1", "L1", "V1"]).openapi({ description: "Detector id" });

const strainRoute = createRoute({
  method: "get",
  path: "/api/strain/{detector}",
  summary: "Strain samples of one detector",
  request: {
    params: z.object({ detector: Detector }),
    query: z.object({
      start: z.coerce.number().int().min(0).default(16 * SAMPLE_RATE - 2048)
        .openapi({ description: "First sample index (4096 per second)" }),
      n: z.coerce.number().int().min(1).max(65536).default(4096)
        .openapi({ description: "Number of samples" }),
    }),
  },
  responses: {
    200: {
      description: "Samples",
      content: {
        "application/json": {
          schema: z.object({
            detector: z.string(),
            sampleRate: z.number(),
            start: z.number(),
            samples: z.array(z.number()),
          }),
        },
      },
    },
  },
});

const uploadRoute = createRoute({
  method: "post",
  path: "/api/upload",
  summary: "Upload a strain series; returns its statistics",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            detector: Detector,
            samples: z.array(z.number()).min(1).max(1_000_000),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "Stored",
      content: {
        "application/json": {
          schema: z.object({
            id: z.string(),
            detector: z.string(),
            count: z.number(),
            mean: z.number(),
            rms: z.number(),
            peak: z.number(),
          }),
        },
      },
    },
  },
});

const DetectorParam = z.object({ detector: Detector });
const Window = z.object({
  start: z.coerce.number().int().min(0).default(16 * SAMPLE_RATE - 2048)
    .openapi({ description: "First sample index (4096 per second)" }),
  n: z.coerce.number().int().min(1).max(1 << 20).default(4096)
    .openapi({ description: "Number of samples (up to 1048576)" }),
});
const binary = { type: "string", format: "binary" } as const;

const indexRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Index: the endpoints (JSON), or the dashboard page for Accept: text/html",
  responses: {
    200: {
      description: "The index, or the dashboard",
      content: {
        "application/json": {
          schema: z.object({
            name: z.string(),
            detectors: z.record(z.string(), z.string()),
            endpoints: z.array(z.string()),
          }),
        },
        "text/html": { schema: { type: "string" } },
      },
    },
  },
});

const runtimeRoute = createRoute({
  method: "get",
  path: "/runtime",
  summary: "The runtime serving this app and the compression algorithms it has",
  responses: {
    200: {
      description: "Runtime and algorithms",
      content: {
        "application/json": {
          schema: z.object({ runtime: z.string(), algorithms: z.array(z.string()) }),
        },
      },
    },
  },
});

const arrowRoute = createRoute({
  method: "get",
  path: "/api/strain/{detector}/arrow",
  summary: "Strain samples as an Arrow table (columns t and strain, float64)",
  description: "By the Accept header: an Arrow IPC stream (add `;codec=zstd` or `;codec=lz4` " +
    "for IPC body compression), an Arrow IPC file, or JSON rows.",
  request: { params: DetectorParam, query: Window },
  responses: {
    200: {
      description: "The samples",
      content: {
        "application/vnd.apache.arrow.stream": { schema: binary },
        "application/vnd.apache.arrow.file": { schema: binary },
        "application/json": {
          schema: z.array(z.object({ t: z.number(), strain: z.number() })),
        },
      },
    },
  },
});

const liveRoute = createRoute({
  method: "get",
  path: "/api/strain/{detector}/live",
  summary: "Live strain blocks as Server-Sent Events (resumes after Last-Event-ID)",
  request: {
    params: DetectorParam,
    headers: z.object({
      "last-event-id": z.string().optional()
        .openapi({ description: "Block number of the last event seen; resume after it" }),
    }),
  },
  responses: {
    200: {
      description: 'Events named "strain", with the block number as id and JSON ' +
        "{detector, start, samples} as data",
      content: { "text/event-stream": { schema: { type: "string" } } },
    },
  },
});

const wsRoute = createRoute({
  method: "get",
  path: "/ws",
  summary: 'WebSocket: send {"subscribe":"H1"}, receive {detector, start, samples} blocks',
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    426: {
      description: "Not a WebSocket upgrade",
      content: { "application/problem+json": { schema: { type: "object" } } },
    },
  },
});

/** "Deno/2.x", "Cloudflare-Workers", "Node.js/v22.x", ... (what `/runtime` reports). */
function runtimeName(): string {
  if (typeof navigator !== "undefined" && navigator.userAgent) return navigator.userAgent;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  return node ? `Node.js/v${node}` : "unknown";
}

/** Options of the example app. */
export interface ExampleOptions {
  /** Samples per live block (default 1024: four blocks a second). */
  blockSize?: number;
  /** Milliseconds between live blocks (default 250). */
  blockIntervalMs?: number;
  /** JSON access log lines on stdout (default false). */
  accessLog?: boolean;
  /**
   * Serve the WebSocket route `/ws` (default true). It upgrades with `Deno.upgradeWebSocket` on
   * Deno and `WebSocketPair` on Workers; Node needs `upgradeWebSocket`.
   */
  webSocket?: boolean;
  /**
   * Hono's upgrade helper for `/ws` where a handler cannot upgrade by itself: on Node,
   * `createNodeWebSocket({ app }).upgradeWebSocket` from `@hono/node-ws`.
   */
  upgradeWebSocket?: NonNullable<Parameters<typeof webSocket>[1]>["upgrade"];
  /** Serve the browser dashboard at `/` (for `Accept: text/html`) and its script. */
  dashboard?: DashboardAssets;
  /** Runs on the builder before `build()`: platform middleware, extra routes (dashboard). */
  configure?: (server: Server) => Server;
}

/**
 * Builds the example app.
 *
 * @example
 * ```ts
 * import { createExampleApp } from "./app.ts";
 * const app = createExampleApp();
 * const res = await app.request("/api/strain/H1?n=8");
 * console.log((await res.json()).samples.length); // 8
 * ```
 */
export function createExampleApp(options: ExampleOptions = {}): AvxApp {
  const block = options.blockSize ?? 1024;
  const interval = options.blockIntervalMs ?? 250;
  const uploads = new Map<string, { detector: string; count: number }>();
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });

  const dashboard = options.dashboard;
  const server = new Server({
    openapi: {
      title: "avx-http gravitational-wave example",
      version: "1.0.0",
      description: "Synthetic strain from H1, L1 and V1: JSON, live SSE, WebSocket and uploads.",
    },
  })
    .openapi(
      indexRoute,
      (c) =>
        dashboard && /\btext\/html\b/.test(c.req.header("accept") ?? "")
          ? dashboardPage(c, dashboard)
          : c.json({
            name: "avx-http gravitational-wave example",
            detectors: Object.fromEntries(Object.entries(DETECTORS).map(([k, v]) => [k, v.name])),
            endpoints: [
              "/api/strain/{detector}",
              "/api/strain/{detector}/arrow",
              "/api/strain/{detector}/live",
              "/ws",
              "/api/upload",
              "/runtime",
              "/docs",
              "/metrics",
            ],
          }, 200),
    )
    .openapi(runtimeRoute, (c) =>
      c.json({
        runtime: runtimeName(),
        // What this runtime can compress with (zstd, br and the deflate family come from its
        // node:zlib): the compression middleware offers only these.
        algorithms: supportedAlgorithms(),
      }, 200))
    .openapi(strainRoute, (c) => {
      const { detector } = c.req.valid("param");
      const { start, n } = c.req.valid("query");
      return c.json({
        detector,
        sampleRate: SAMPLE_RATE,
        start,
        samples: Array.from(strain(detector, start, n)),
      }, 200);
    })
    .openapi(arrowRoute, (c) => {
      // Columnar: zero-copy Float64Array columns, as an Arrow IPC stream (zstd/lz4 IPC body
      // compression on request), an Arrow file, or JSON rows, by the Accept header.
      const { detector } = c.req.valid("param");
      const { start, n } = c.req.valid("query");
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) t[i] = (start + i) / SAMPLE_RATE;
      return arrow(c, RecordBatch.fromColumns({ t, strain: strain(detector, start, n) }));
    })
    .openapi(liveRoute, (c) => {
      const { detector } = c.req.valid("param");
      return sse(c, async (stream) => {
        // Event ids are block numbers, so a reconnecting client resumes after the last one it saw.
        let next = stream.lastEventId !== undefined && /^\d+$/.test(stream.lastEventId)
          ? Number(stream.lastEventId) + 1
          : Math.floor(((Date.now() / 1000) * SAMPLE_RATE) / block);
        while (!stream.signal.aborted) {
          const samples = Array.from(strain(detector, next * block, block));
          const ok = await stream.send({
            id: next,
            event: "strain",
            data: { detector, start: next * block, samples },
          });
          if (!ok) break;
          next++;
          await sleep(interval, stream.signal);
        }
      }, { retryMs: 1000 });
    });
  if (dashboard) {
    const js = { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" };
    server
      .route("/dashboard/client.js", Route.get((c) => c.body(dashboard.script, 200, js)))
      .route("/dashboard/node-zlib.js", Route.get((c) => c.body(NODE_ZLIB_SHIM, 200, js)));
  }
  if (options.webSocket !== false) {
    server.openapi(
      wsRoute,
      webSocket(() => {
        let timer: ReturnType<typeof setInterval> | undefined;
        return {
          onMessage(data, ws) {
            let msg: { subscribe?: string };
            try {
              msg = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
            } catch {
              ws.send(JSON.stringify({ error: 'send JSON like {"subscribe":"H1"}' }));
              return;
            }
            const detector = msg.subscribe;
            if (!detector || !DETECTORS[detector]) {
              ws.send(JSON.stringify({ error: `unknown detector ${detector}` }));
              return;
            }
            clearInterval(timer);
            let next = Math.floor(((Date.now() / 1000) * SAMPLE_RATE) / block);
            const push = () => {
              // 1: OPEN (no global WebSocket to name it on Node 20).
              if (ws.readyState !== 1) return clearInterval(timer);
              ws.send(
                JSON.stringify({
                  detector,
                  start: next * block,
                  samples: Array.from(strain(detector, next * block, block)),
                }),
              );
              next++;
            };
            push();
            timer = setInterval(push, interval);
          },
          onClose() {
            clearInterval(timer);
          },
        };
      }, options.upgradeWebSocket ? { upgrade: options.upgradeWebSocket } : {}) as never,
    );
  }
  server
    .openapi(uploadRoute, (c) => {
      const { detector, samples } = c.req.valid("json");
      const id = crypto.randomUUID();
      if (uploads.size >= 1000) uploads.delete(uploads.keys().next().value!);
      uploads.set(id, { detector, count: samples.length });
      return c.json({ id, detector, ...stats(samples) }, 201);
    })
    .withTelemetry({ accessLog: options.accessLog ?? false })
    .withCors()
    .withCompression();
  return (options.configure ? options.configure(server) : server).build();
}
