/**
 * Redis stores benchmark: the platform stack (API-key auth + rate limit + cost tracking) on the
 * Redis stores, side by side in one process with the same stack on the memory stores and with an
 * otherwise equal Hono app limited by `rate-limiter-flexible` (RateLimiterRedis) on the same
 * Redis (bench/_redis_apps.ts), and the like-for-like row: our stack with only the rate limit in
 * Redis, keys and usage in memory as in the peer app. Each app is driven through its `fetch` by a fixed number of
 * concurrent callers, in alternating rounds; prints requests/s and p99 (medians over rounds) and
 * the Redis commands each request cost (from `INFO commandstats`; commands run inside a script
 * are counted too, so the round trips are the `evalsha`/`eval` figures), as Markdown. Two
 * workloads: every request of one tenant (one counter), and requests spread over 500 tenants.
 *
 * Usage: deno run -A bench/redis.ts [--rounds 5] [--requests 10000] [--concurrency 50]
 *
 * @module
 */

import { avxApp, type BenchApp, rlfApp } from "./_redis_apps.ts";
import { benchArgs } from "./_args.ts";

const args = benchArgs();
const ROUNDS = Number(args.get("rounds") ?? 5);
const REQUESTS = Number(args.get("requests") ?? 10_000);
const CONCURRENCY = Number(args.get("concurrency") ?? 50);
const TENANTS = 500;

async function cli(port: number, ...a: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-h", "127.0.0.1", "-p", String(port), ...a],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  return out ? new TextDecoder().decode(out.stdout) : "";
}

if (!(await cli(1, "--version").then(() => true)) || (await cli(1, "--version")) === "") {
  console.error(
    "bench/redis.ts needs redis-server and redis-cli (tools/test_deps.ts installs them)",
  );
  Deno.exit(1);
}

/** Calls and Redis CPU µs per command so far (`INFO commandstats`). */
async function commandCalls(port: number): Promise<Map<string, [number, number]>> {
  const out = new Map<string, [number, number]>();
  const info = await cli(port, "INFO", "commandstats");
  for (const m of info.matchAll(/cmdstat_(\S+?):calls=(\d+),usec=(\d+)/g)) {
    out.set(m[1], [Number(m[2]), Number(m[3])]);
  }
  return out;
}

interface Result {
  rps: number;
  p99: number;
  /** Calls per command during the run. */
  commands: Map<string, number>;
  /** Redis CPU µs of the run's top-level commands (a script's own figure includes its calls). */
  redisMicros: number;
  /** Commands the app sent (counted at its clients), when it counts them. */
  sent?: number;
}

/** `REQUESTS` requests through `app.fetch`, `CONCURRENCY` at a time. */
async function drive(app: BenchApp, spread: boolean, redisPort: number): Promise<Result> {
  const before = await commandCalls(redisPort);
  const sentBefore = app.sent?.();
  const latencies = new Float64Array(REQUESTS);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const key = app.keys[spread ? i % app.keys.length : 0];
      const started = performance.now();
      const res = await app.fetch(
        new Request("http://bench/small", { headers: { "x-avl-api-key": key } }),
      );
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      latencies[i] = performance.now() - started;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  // The ledger flushes once a second: let the last flush of the run land before counting.
  await new Promise((r) => setTimeout(r, 1100));
  const after = await commandCalls(redisPort);
  const sent = sentBefore === undefined ? undefined : app.sent!() - sentBefore;
  const commands = new Map<string, number>();
  let redisMicros = 0;
  for (const [cmd, [n, us]] of after) {
    const d = n - (before.get(cmd)?.[0] ?? 0);
    if (d > 0 && cmd !== "info") commands.set(cmd, d);
    if (cmd.startsWith("eval") || cmd === "sadd") redisMicros += us - (before.get(cmd)?.[1] ?? 0);
  }
  latencies.sort();
  return {
    rps: REQUESTS / seconds,
    p99: latencies[Math.floor(REQUESTS * 0.99)],
    commands,
    redisMicros,
    sent,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const redisPort = (listener.addr as Deno.NetAddr).port;
listener.close();
const dir = await Deno.makeTempDir({ prefix: "avx-bench-redis-" });
const redis = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  cwd: dir,
  stdout: "null",
  stderr: "null",
}).spawn();
for (let i = 0; i < 250 && !(await cli(redisPort, "PING")).includes("PONG"); i++) {
  await new Promise((r) => setTimeout(r, 20));
}
const url = `redis://127.0.0.1:${redisPort}`;
// Which state each app keeps in Redis: the rows compare like with like only where it matches.
const KINDS = [
  ["avx-redis", "avx-http, all Redis stores (GCRA; keys, usage in Redis)"],
  ["avx-limit", "avx-http, Redis rate limit (GCRA; keys, usage in memory)"],
  ["hono-rlf", "Hono + rate-limiter-flexible (fixed window; keys, usage in memory)"],
  ["avx-memory", "avx-http, memory stores"],
] as const;
const WORKLOADS = [["one", "one tenant"], ["spread", `${TENANTS} tenants`]] as const;
const results = new Map<string, Result[]>();
const apps = new Map<string, BenchApp>();
try {
  apps.set("avx-redis", await avxApp(url, TENANTS));
  apps.set("avx-limit", await avxApp(url, TENANTS, true));
  apps.set("hono-rlf", await rlfApp(url, TENANTS));
  apps.set("avx-memory", await avxApp(undefined, TENANTS));
  for (const app of apps.values()) { // warm-up: JIT, connections, scripts, key caches
    await drive(app, true, redisPort);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [w] of WORKLOADS) {
      for (const [kind] of KINDS) {
        const r = await drive(apps.get(kind)!, w === "spread", redisPort);
        results.set(`${w} ${kind}`, [...(results.get(`${w} ${kind}`) ?? []), r]);
      }
    }
  }
} finally {
  for (const app of apps.values()) await app.close();
  redis.kill("SIGKILL");
  await redis.status;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

console.log(
  `\n### Platform stack on Redis (in one process: ${ROUNDS} rounds of ${REQUESTS} requests, ` +
    `${CONCURRENCY} concurrent, medians)\n`,
);
console.log(
  "| workload | app | req/s | p99 (ms) | round trips per request | Redis µs per request | " +
    "Redis commands per request |",
);
console.log("| --- | --- | ---: | ---: | ---: | ---: | --- |");
const rpsOf = (k: string) => median(results.get(k)!.map((r) => r.rps));
for (const [w, wl] of WORKLOADS) {
  for (const [kind, label] of KINDS) {
    const rs = results.get(`${w} ${kind}`)!;
    const totals = new Map<string, number>();
    for (const r of rs) for (const [c, n] of r.commands) totals.set(c, (totals.get(c) ?? 0) + n);
    const n = REQUESTS * rs.length;
    const per = [...totals].sort((a, b) => b[1] - a[1])
      .map(([c, k]) => `${c} ${(k / n).toFixed(3)}`).join(", ") || "none";
    // Ours: counted at the stores' clients. The peer sends one EVAL per check and nothing else
    // (the other commands of its row run inside that script).
    const trips = rs[0].sent !== undefined
      ? rs.reduce((a, r) => a + r.sent!, 0)
      : (totals.get("eval") ?? 0) + (totals.get("evalsha") ?? 0);
    const micros = rs.reduce((a, r) => a + r.redisMicros, 0) / n;
    console.log(
      `| ${wl} | ${label} | ${rpsOf(`${w} ${kind}`).toFixed(0)} | ` +
        `${median(rs.map((r) => r.p99)).toFixed(2)} | ${(trips / n).toFixed(3)} | ` +
        `${micros.toFixed(1)} | ${per} |`,
    );
  }
}
console.log("");
for (const [w, wl] of WORKLOADS) {
  const ratio = (a: string, b: string) => (rpsOf(`${w} ${a}`) / rpsOf(`${w} ${b}`)).toFixed(2);
  console.log(
    `${wl}: like for like (rate limit in Redis, keys and usage in memory) ` +
      `avx-http / rate-limiter-flexible = ${ratio("avx-limit", "hono-rlf")}x req/s; ` +
      `all Redis stores / rate-limiter-flexible = ${ratio("avx-redis", "hono-rlf")}x; ` +
      `all Redis stores / memory stores = ${ratio("avx-redis", "avx-memory")}x.`,
  );
}
console.log(
  "\nThe peer counts a fixed window (INCRBY: cheaper, admits up to 2x the limit around a window " +
    "edge); rate-limiter-flexible 11.4 has no exact (sliding-window or token-bucket) Redis " +
    "limiter. Ours runs exact GCRA with Redis' clock. Round trips are the commands each app sent " +
    "(scripts, SADD, key lookups; pipelined); Redis µs is the CPU of the scripts and SADDs " +
    "(INFO commandstats, a script's figure including the calls it makes). The machine's load moves req/s between runs: compare ratios.",
);
