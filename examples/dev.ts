/**
 * `deno task dev`: the example data API on embedded defaults, with reload on change.
 *
 * @module
 */

import { createExampleApp } from "./app.ts";

const app = createExampleApp({ accessLog: Deno.env.get("AVX_ACCESS_LOG") === "1" });
app.listen(Deno.env.get("AVX_ADDR") ?? "0.0.0.0:8000", {
  onListen({ url }) {
    const ws = url.replace(/^http/, "ws");
    const rows: Array<[string, string]> = [
      [`${url}/`, "index"],
      [`${url}/api/strain/H1?n=4096`, "strain samples (JSON)"],
      [`${url}/api/strain/H1/arrow`, "Arrow IPC (Accept: application/vnd.apache.arrow.stream)"],
      [`${url}/api/strain/H1/live`, "live stream (SSE)"],
      [`${ws}/ws`, 'WebSocket: send {"subscribe":"H1"}'],
      [`${url}/api/upload`, 'POST {"detector":"H1","samples":[...]}'],
      [`${url}/docs`, "Swagger UI (OpenAPI 3.1 at /openapi.json)"],
      [`${url}/metrics`, "Prometheus metrics"],
      [`${url}/healthz`, "liveness (/readyz: readiness)"],
    ];
    const width = Math.max(...rows.map(([u]) => u.length));
    console.log("avx-http example: gravitational-wave data API");
    for (const [u, what] of rows) console.log(`  ${u.padEnd(width)}  ${what}`);
  },
});
