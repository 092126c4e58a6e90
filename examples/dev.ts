/**
 * `deno task dev`: the example data API on embedded defaults, with the browser dashboard at `/`,
 * API keys on `/api/*` (a demo key is issued at start and printed), rate limits, cost tracking
 * and reload on change (`--watch`).
 *
 * Environment: `AVX_ADDR` (default `127.0.0.1:8000`, this machine only: set `0.0.0.0:8000` to
 * serve the network; `PORT` overrides its port),
 * `AVX_ACCESS_LOG=1` for JSON access logs, `AVX_ADMIN_TOKEN` to enable `/admin/keys`.
 * The dashboard is bundled at start, which needs `--allow-run` and `--allow-write`; without
 * them the server starts without it and says so. The page carries the demo key only when the
 * client is on this machine (a loopback peer); others get the page without it.
 *
 * @module
 */

import { MemoryKeyStore } from "../middleware/auth/mod.ts";
import { MemoryCostLedger } from "../middleware/cost/mod.ts";
import { MemoryRateLimitStore } from "../middleware/rate_limit/mod.ts";
import { createExampleApp } from "./app.ts";
import { buildDashboardScript } from "./dashboard/build.ts";
import { issueDemoKey, withPlatform } from "./platform.ts";

/** One line of the banner: where, and what is there. */
export interface BannerRow {
  /** The URL. */
  url: string;
  /** What it serves. */
  what: string;
}

/**
 * The start-up banner: the URLs (dashboard, docs, metrics, ...) and the demo API key.
 *
 * @example
 * ```ts
 * import { banner } from "./dev.ts";
 * const text = banner("http://127.0.0.1:8000", "avl_test_x", "");
 * console.log(text.includes("http://127.0.0.1:8000/docs")); // true
 * ```
 */
export function banner(url: string, demoKey: string, note: string): string {
  const ws = url.replace(/^http/, "ws");
  const rows: BannerRow[] = [
    { url: `${url}/`, what: "dashboard (browser) / JSON index" },
    { url: `${url}/docs`, what: "Swagger UI (OpenAPI 3.1 at /openapi.json)" },
    { url: `${url}/metrics`, what: "Prometheus metrics" },
    { url: `${url}/api/strain/H1?n=4096`, what: "strain samples (JSON)" },
    {
      url: `${url}/api/strain/H1/arrow`,
      what: "Arrow IPC (Accept: application/vnd.apache.arrow.stream)",
    },
    { url: `${url}/api/strain/H1/live`, what: "live stream (SSE)" },
    { url: `${ws}/ws`, what: 'WebSocket: send {"subscribe":"H1"}' },
    { url: `${url}/api/upload`, what: 'POST {"detector":"H1","samples":[...]}' },
    { url: `${url}/healthz`, what: "liveness (/readyz: readiness)" },
  ];
  const width = Math.max(...rows.map((r) => r.url.length));
  const lines = [
    "avx-http example: gravitational-wave data API",
    "",
    ...rows.map((r) => `  ${r.url.padEnd(width)}  ${r.what}`),
    "",
    `  demo API key (tenant "dev", plan "free", in memory until restart):`,
    `    ${demoKey}`,
    `    curl -H 'X-AVL-API-Key: ${demoKey}' ${url}/api/strain/H1?n=8`,
  ];
  if (note) lines.push("", `  ${note}`);
  return lines.join("\n");
}

/**
 * Where the dev server listens: `AVX_ADDR`, else `127.0.0.1:8000` (loopback only; the dev server
 * hands out a demo key, so it is not on the network unless asked to be).
 *
 * @example
 * ```ts
 * import { devAddress } from "./dev.ts";
 * console.log(devAddress(() => undefined)); // "127.0.0.1:8000"
 * ```
 */
export function devAddress(env: (name: string) => string | undefined): string {
  return env("AVX_ADDR") || "127.0.0.1:8000";
}

async function dashboardScript(): Promise<{ script?: string; note: string }> {
  const run = await Deno.permissions.query({ name: "run" });
  const write = await Deno.permissions.query({ name: "write" });
  if (run.state !== "granted" || write.state !== "granted") {
    return { note: "dashboard disabled: run with --allow-run --allow-write to bundle it" };
  }
  try {
    return { script: await buildDashboardScript(), note: "" };
  } catch (e) {
    return { note: `dashboard disabled: ${e instanceof Error ? e.message : e}` };
  }
}

if (import.meta.main) {
  const keys = new MemoryKeyStore();
  const key = await issueDemoKey(keys, "deno task dev demo key");
  const { script, note } = await dashboardScript();
  const app = createExampleApp({
    accessLog: Deno.env.get("AVX_ACCESS_LOG") === "1",
    // The dev page carries the demo key so its fetches pass auth: for loopback clients only.
    ...(script ? { dashboard: { script, devApiKey: key } } : {}),
    configure: withPlatform({
      keys,
      rateLimits: new MemoryRateLimitStore(),
      costs: new MemoryCostLedger(),
      rateLimit: { limit: 600, windowSeconds: 60 },
      adminToken: Deno.env.get("AVX_ADMIN_TOKEN"),
    }),
  });
  const running = app.listen(devAddress((name) => Deno.env.get(name)), {
    handleSignals: false,
    onListen({ url }) {
      console.log(banner(url, key, note));
    },
  });
  // Under `deno run --watch` (the dev task) `Deno.exit()` ends only this run and the watcher waits
  // for a file change, so `kill` would never stop the task. Drain, then raise the signal again
  // with its default action, which ends the whole process (exit status 128 + signal number).
  const signals = ["SIGINT", "SIGTERM"] as const;
  const stopOn = (signal: Deno.Signal) => () => {
    for (const s of signals) Deno.removeSignalListener(s, handlers[s]);
    void running.shutdown().then(() => Deno.kill(Deno.pid, signal));
  };
  const handlers = { SIGINT: stopOn("SIGINT"), SIGTERM: stopOn("SIGTERM") };
  for (const s of signals) Deno.addSignalListener(s, handlers[s]);
}
