/**
 * Redis stores benchmark: the platform stack (API-key auth + rate limit + cost tracking) on the
 * Redis stores, side by side with the same stack on the memory stores and with an otherwise
 * equal Hono app limited by `rate-limiter-flexible` (RateLimiterRedis) on the same Redis. Each
 * server runs in its own process (bench/_redis_servers.ts) and is loaded by `wrk` in alternating
 * rounds; prints req/s and p99 (medians over rounds), and the Redis commands each request cost
 * (from `INFO commandstats`, by command: commands run inside a script are counted too, so the
 * round trips are the `evalsha`/`eval` figures), as Markdown. Two workloads: every request of
 * one tenant (one counter: concurrent checks share script calls), and requests spread over 500
 * tenants by a wrk script (distinct counters: one script call per request).
 *
 * Usage: deno run -A bench/redis.ts [--rounds 3] [--duration 3] [--connections 50]
 *
 * @module
 */

const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) {
  args.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
}
const ROUNDS = Number(args.get("rounds") ?? 3);
const DURATION = Number(args.get("duration") ?? 3);
const CONNECTIONS = Number(args.get("connections") ?? 50);
const KINDS = [
  ["avx-redis", "avx-http platform stack, Redis stores"],
  ["avx-memory", "avx-http platform stack, memory stores"],
  ["hono-rlf", "Hono + rate-limiter-flexible (RateLimiterRedis)"],
] as const;

function has(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
for (const tool of ["wrk", "redis-server", "redis-cli"]) {
  if (!has(tool)) {
    console.error(`bench/redis.ts needs ${tool} (tools/test_deps.ts installs it)`);
    Deno.exit(1);
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

async function cli(port: number, ...a: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-h", "127.0.0.1", "-p", String(port), ...a],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

/** Calls per command so far (`INFO commandstats`). */
async function commandCalls(port: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (
    const m of (await cli(port, "INFO", "commandstats")).matchAll(/cmdstat_(\S+?):calls=(\d+)/g)
  ) {
    out.set(m[1], Number(m[2]));
  }
  return out;
}

interface Running {
  kind: string;
  port: number;
  child: Deno.ChildProcess;
  header: string;
  /** A wrk script sending each request with one of 500 tenants' keys. */
  spread: string;
}

const work = await Deno.makeTempDir({ prefix: "avx-bench-redis-" });

async function start(kind: string, url: string): Promise<Running> {
  const port = freePort();
  const script = new URL("./_redis_servers.ts", import.meta.url).pathname;
  const keysFile = `${work}/${kind}.keys`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, kind, String(port), url, keysFile],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/READY.*\n/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${kind} server exited before it was ready`);
    out += value;
  }
  reader.releaseLock();
  const keys = (await Deno.readTextFile(keysFile)).split("\n");
  const spread = `${work}/${kind}.lua`;
  await Deno.writeTextFile(
    spread,
    `local keys = {${keys.map((k) => `"${k}"`).join(",")}}\n` +
      `local n = 0\n` +
      `request = function()\n  n = n + 1\n` +
      `  wrk.headers["x-avl-api-key"] = keys[(n % #keys) + 1]\n` +
      `  return wrk.format("GET", "/small")\nend\n`,
  );
  return { kind, port, child, header: /READY (.+)\n/.exec(out)![1], spread };
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : n * 1000;
}

interface Result {
  rps: number;
  p99: number;
  requests: number;
  commands: Map<string, number>;
}

async function wrk(s: Running, redisPort: number, spread: boolean): Promise<Result> {
  const before = await commandCalls(redisPort);
  const out = await new Deno.Command("wrk", {
    args: [
      "-t1",
      `-c${CONNECTIONS}`,
      `-d${DURATION}s`,
      "--latency",
      ...(spread ? ["-s", s.spread] : ["-H", s.header]),
      `http://127.0.0.1:${s.port}/small`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  if (/Non-2xx/.test(text)) throw new Error(`non-2xx responses from ${s.kind}:\n${text}`);
  // The ledger flushes once a second: let the last flush of the run land before counting.
  await new Promise((r) => setTimeout(r, 1200));
  const after = await commandCalls(redisPort);
  const commands = new Map<string, number>();
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    if (d > 0 && cmd !== "info") commands.set(cmd, d);
  }
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]),
    p99: toMs(/\s99%\s+(\S+)/.exec(text)?.[1] ?? ""),
    requests: Number(/(\d+) requests in/.exec(text)?.[1]),
    commands,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const redisPort = freePort();
const redisDir = work;
const redis = new Deno.Command("redis-server", {
  args: [
    "--port",
    String(redisPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    redisDir,
  ],
  stdout: "null",
  stderr: "null",
}).spawn();
for (let i = 0; i < 250 && !(await cli(redisPort, "PING")).includes("PONG"); i++) {
  await new Promise((r) => setTimeout(r, 20));
}
const url = `redis://127.0.0.1:${redisPort}`;
const servers: Running[] = [];
const results = new Map<string, Result[]>();
const WORKLOADS = [["one", "one tenant"], ["spread", "500 tenants"]] as const;
try {
  for (const [kind] of KINDS) servers.push(await start(kind, url));
  // Warm-up: JIT, connections, script cache.
  for (const s of servers) {
    await new Deno.Command("wrk", {
      args: ["-t1", "-c10", "-d1s", "-H", s.header, `http://127.0.0.1:${s.port}/small`],
      stdout: "null",
    }).output();
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [w] of WORKLOADS) {
      for (const s of servers) {
        const r = await wrk(s, redisPort, w === "spread");
        results.set(`${w} ${s.kind}`, [...(results.get(`${w} ${s.kind}`) ?? []), r]);
      }
    }
  }
} finally {
  for (const s of servers) {
    s.child.kill("SIGTERM");
    await s.child.stdout.cancel().catch(() => {});
    await s.child.status;
  }
  redis.kill("SIGKILL");
  await redis.status;
  await Deno.remove(redisDir, { recursive: true }).catch(() => {});
}

console.log(
  `\n### Platform stack on Redis (${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections, medians)\n`,
);
console.log("| workload | server | req/s | p99 (ms) | Redis commands per request |");
console.log("| --- | --- | ---: | ---: | --- |");
const rpsOf = (k: string) => median(results.get(k)!.map((r) => r.rps));
for (const [w, wl] of WORKLOADS) {
  for (const [kind, label] of KINDS) {
    const rs = results.get(`${w} ${kind}`)!;
    const requests = rs.reduce((a, r) => a + r.requests, 0);
    const totals = new Map<string, number>();
    for (const r of rs) for (const [c, n] of r.commands) totals.set(c, (totals.get(c) ?? 0) + n);
    const per = [...totals].sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${(n / requests).toFixed(3)}`).join(", ") || "none";
    console.log(
      `| ${wl} | ${label} | ${rpsOf(`${w} ${kind}`).toFixed(0)} | ` +
        `${median(rs.map((r) => r.p99)).toFixed(2)} | ${per} |`,
    );
  }
}
console.log("");
for (const [w, wl] of WORKLOADS) {
  console.log(
    `${wl}: Redis stores vs rate-limiter-flexible ` +
      `${(rpsOf(`${w} avx-redis`) / rpsOf(`${w} hono-rlf`)).toFixed(2)}x req/s, ` +
      `vs memory stores ${(rpsOf(`${w} avx-redis`) / rpsOf(`${w} avx-memory`)).toFixed(2)}x.`,
  );
}
