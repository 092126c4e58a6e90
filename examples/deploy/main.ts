/**
 * The example data API on Deno Deploy (console.deno.com), with its platform state in Deno KV:
 * API keys (`KvKeyStore`), rate-limit counters (`KvRateLimitStore`, strongly consistent atomic
 * operations) and the cost ledger (`KvCostLedger`), all in the KV database assigned to the app
 * (Databases), which `Deno.openKv()` opens with no URL: one database per timeline.
 *
 * ```sh
 * deno deploy create --source local --runtime-mode dynamic --entrypoint examples/deploy/main.ts
 * ```
 *
 * Environment: `ADMIN_TOKEN` (enables `POST /admin/keys` and `GET /admin/usage`; at least 16
 * characters), `RATE_LIMIT` (`"<requests>/<seconds>"` per API key, default `60/60`),
 * `AVX_REGION` (recorded with usage; default `"default"`). Locally also `AVX_KV_PATH` (a file
 * for `Deno.openKv`; default Deno's per-project database) and `AVX_ADDR` (default
 * `0.0.0.0:8000`; `PORT` overrides its port). Locally Deno KV needs `--unstable-kv` (or
 * `"unstable": ["kv"]` in deno.json, as this repository has); Deploy enables it.
 *
 * ```sh
 * deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write examples/deploy/main.ts
 * ```
 *
 * See docs/deploy.md.
 *
 * @module
 */

import { KvKeyStore } from "../../middleware/auth/mod.ts";
import { KvCostLedger } from "../../middleware/cost/mod.ts";
import { KvRateLimitStore } from "../../middleware/rate_limit/mod.ts";
import { createExampleApp } from "../app.ts";
import { parseRateLimit, withPlatform } from "../platform.ts";

const env = (name: string): string | undefined => Deno.env.get(name) || undefined;

const kv = await Deno.openKv(env("AVX_KV_PATH"));
const ledger = new KvCostLedger(kv, {
  onError: (e) => console.error(`cost ledger flush failed (will retry): ${e.message}`),
});
const app = createExampleApp({
  accessLog: env("AVX_ACCESS_LOG") === "1",
  configure: withPlatform({
    keys: new KvKeyStore(kv),
    rateLimits: new KvRateLimitStore(kv),
    costs: ledger,
    rateLimit: parseRateLimit(env("RATE_LIMIT")),
    adminToken: env("ADMIN_TOKEN"),
    // The current Deploy sets no region variable (DENO_REGION was Deploy Classic's).
    region: env("AVX_REGION") ?? "default",
  }),
});

const server = app.listen(env("AVX_ADDR") ?? "0.0.0.0:8000", {
  // Deploy stops an instance with SIGINT and kills it 5 s later: drain for at most 4 s, leaving
  // time to write the pending usage sums.
  shutdownTimeoutMs: 4_000,
  onListen({ url }) {
    // One JSON line, so scripts (and the smoke test) can find the port.
    console.log(JSON.stringify({ event: "listen", url }));
  },
});
// After a graceful shutdown (SIGINT/SIGTERM), write the pending usage sums and close the database.
server.finished.then(async () => {
  await ledger.close();
  kv.close();
});
