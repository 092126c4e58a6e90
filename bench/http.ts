/**
 * HTTP benchmark: bare `Deno.serve`, bare Hono, Hono with requestId+cors+secureHeaders+timing+
 * compress, avx-http bare, with compression, with the equivalent stack, with the platform stack
 * (API-key auth + rate limit + cost tracking), with telemetry + region routing, a region
 * proxy pair, and two "floor" servers: bare Hono sending only the headers issues #7 and #8
 * require, with none of the work (what Deno's serving path charges for them); each in its own
 * process on its own loopback port, loaded by `wrk` in alternating rounds. Prints req/s, p50 and p99 (medians over rounds), the server's CPU time per request
 * (from /proc: steadier than req/s on a shared machine) and ratios, as Markdown tables.
 *
 * Usage: deno run -A bench/http.ts [--rounds 3] [--duration 4] [--connections 50]
 *
 * @module
 */

import { benchArgs } from "./_args.ts";
import { spawnReady } from "./_spawn.ts";

const args = benchArgs();
const ROUNDS = Number(args.get("rounds") ?? 3);
const DURATION = Number(args.get("duration") ?? 4);
const CONNECTIONS = Number(args.get("connections") ?? 50);
const ACCEPT_ENCODING = "gzip, deflate, br, zstd"; // what a current browser sends

type Path = "/" | "/small" | "/json";
const KINDS: ReadonlyArray<readonly [kind: string, label: string, paths: readonly Path[]]> = [
  ["deno", "bare Deno.serve", ["/", "/json"]],
  ["hono", "bare Hono", ["/", "/small", "/json"]],
  ["hono-compress", "Hono + compress() only", ["/", "/json"]],
  ["hono-stack", "Hono + requestId, cors, secureHeaders, timing, compress", ["/", "/json"]],
  ["hono-platform-floor", "bare Hono + only the headers #7 requires (no work)", ["/small"]],
  ["hono-edge-floor", "bare Hono + only the headers #8 requires (no work)", ["/"]],
  ["avx", "avx-http, no optional middleware", ["/", "/small", "/json"]],
  ["avx-compression", "avx-http + compression only", ["/", "/json"]],
  [
    "avx-compression-uncaptured",
    "avx-http + compression, plain Response (payload not captured)",
    ["/", "/json"],
  ],
  ["avx-stack", "avx-http + telemetry, cors, secure headers, compression", ["/", "/json"]],
  ["avx-platform", "avx-http + API-key auth, rate limit, cost tracking", ["/small"]],
  ["avx-edge", "avx-http + telemetry + region routing (served locally)", ["/"]],
  ["avx-proxy-back", "avx-http region proxy: back region (served there)", ["/"]],
  ["avx-proxy-front", "avx-http region proxy: front region, one proxy hop", ["/"]],
];
const SCENARIOS: ReadonlyArray<readonly [Path, string]> = [
  ["/", "13-byte text"],
  ["/small", "60-byte JSON"],
  ["/json", "100 KiB JSON"],
];
const ONLY = args.get("only")?.split(",");

function has(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
if (!has("wrk")) {
  console.error(
    "bench/http.ts needs wrk: apt-get install -y wrk (deno task test installs it: tools/test_deps.ts)",
  );
  Deno.exit(1);
}
const pin = has("taskset");

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

interface Running {
  kind: string;
  port: number;
  child: Deno.ChildProcess;
  /** Extra request header the server asked for (the platform stack's API key). */
  header?: string;
}

async function start(kind: string, port = freePort()): Promise<Running> {
  const script = new URL("./_http_servers.ts", import.meta.url).pathname;
  const argv = ["run", "-A", script, kind, String(port)];
  const { child, match } = await spawnReady(
    pin ? "taskset" : Deno.execPath(),
    pin ? ["-c", "0", Deno.execPath(), ...argv] : argv,
    /READY(?: (.+))?\n/, // the platform stack names the header its load must send
  );
  return { kind, port, child, header: match[1] };
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : n * 1000;
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  transferPerSec: string;
  /** Server CPU seconds (user + system) per request, in µs. */
  cpuUs: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

async function wrk(s: Running, path: string, seconds: number): Promise<WrkResult> {
  const port = s.port;
  const wrkArgs = [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    "--latency",
    "-H",
    `Accept-Encoding: ${ACCEPT_ENCODING}`,
    ...(s.header ? ["-H", s.header] : []),
    `http://127.0.0.1:${port}${path}`,
  ];
  const cpu0 = cpuSeconds(s.child.pid);
  const out = await new Deno.Command(pin ? "taskset" : "wrk", {
    args: pin ? ["-c", "1", "wrk", ...wrkArgs] : wrkArgs,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  if (/Non-2xx/.test(text)) throw new Error(`non-2xx responses from port ${port}${path}:\n${text}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(text)?.[1] ?? "");
  const p99 = toMs(/\s99%\s+(\S+)/.exec(text)?.[1] ?? "");
  const transferPerSec = /Transfer\/sec:\s+(\S+)/.exec(text)?.[1] ?? "?";
  const total = Number(/(\d+) requests in/.exec(text)?.[1]);
  const cpuUs = (cpuSeconds(s.child.pid) - cpu0) / total * 1e6;
  return { rps, p50, p99, transferPerSec, cpuUs };
}

async function wireBytes(s: Running, path: string): Promise<{ bytes: number; encoding: string }> {
  const port = s.port;
  const extra = s.header ? `${s.header}\r\n` : "";
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: {
      "accept-encoding": ACCEPT_ENCODING,
      ...(s.header ? { [s.header.split(": ")[0]]: s.header.split(": ")[1] } : {}),
    },
  });
  const encoding = res.headers.get("content-encoding") ?? "identity";
  // fetch decodes gzip/br/zstd transparently; count the encoded size with a raw socket instead.
  await res.body?.cancel();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: ${ACCEPT_ENCODING}\r\n${extra}Connection: close\r\n\r\n`,
  ));
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) (all.set(c, o), (o += c.length));
  const headerEnd = new TextDecoder().decode(all).indexOf("\r\n\r\n");
  return { bytes: all.length - headerEnd - 4, encoding };
}

/** Milliseconds from sending the request to the first body byte, over a raw socket. */
async function timeToFirstByte(
  port: number,
  path: string,
  acceptEncoding: string,
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: ${acceptEncoding}\r\nConnection: close\r\n\r\n`,
  ));
  const buf = new Uint8Array(65536);
  let seen = "";
  let at = NaN;
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    seen += new TextDecoder().decode(buf.subarray(0, n));
    const end = seen.indexOf("\r\n\r\n");
    // Chunked framing: the first chunk-size line plus at least one byte of data.
    if (end !== -1 && seen.length > end + 4 + 8) {
      at = performance.now() - started;
      break;
    }
  }
  conn.close();
  return at;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers: Running[] = [];
const kinds = KINDS.filter(([k]) => !ONLY || ONLY.includes(k) || k === "hono");
const pathsOf = (kind: string) => kinds.find(([k]) => k === kind)![2];
try {
  for (const [kind] of kinds) {
    if (kind === "avx-proxy-back") continue; // started with its front, on the next port
    if (kind === "avx-proxy-front") {
      let front = freePort();
      while (front >= 65535) front = freePort();
      servers.push(await start("avx-proxy-back", front + 1));
      servers.push(await start(kind, front));
    } else servers.push(await start(kind));
  }
  for (const s of servers) for (const path of pathsOf(s.kind)) await wrk(s, path, 1); // warm-up

  const results = new Map<string, WrkResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order every round so drift (thermal, other load) spreads over all servers.
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const [path] of SCENARIOS) {
      for (const s of order) {
        if (!pathsOf(s.kind).includes(path)) continue;
        const key = `${s.kind} ${path}`;
        const r = await wrk(s, path, DURATION);
        results.set(key, [...(results.get(key) ?? []), r]);
      }
    }
  }

  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() =>
    ""
  )).match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  console.log(
    `\nbench/http.ts — ${
      new Date().toISOString().slice(0, 10)
    }, Deno ${Deno.version.deno}, ${cpu}, ${navigator.hardwareConcurrency} cores`,
  );
  console.log(
    `wrk -t1 -c${CONNECTIONS} -d${DURATION}s, ${ROUNDS} alternating rounds (medians), Accept-Encoding: ${ACCEPT_ENCODING}${
      pin ? ", servers on CPU 0, wrk on CPU 1" : ""
    }\n`,
  );
  for (const [path, label] of SCENARIOS) {
    const here = kinds.filter(([kind]) => results.has(`${kind} ${path}`));
    if (here.length === 0) continue;
    console.log(`### GET ${path} (${label})\n`);
    console.log(
      "| server | req/s | p50 ms | p99 ms | server CPU µs/req | req/s vs bare Hono | CPU vs bare Hono | body on the wire |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---|");
    const base = results.get(`hono ${path}`)!;
    const baseRps = median(base.map((r) => r.rps));
    const baseCpu = median(base.map((r) => r.cpuUs));
    for (const [kind, label2] of here) {
      const rs = results.get(`${kind} ${path}`)!;
      const rps = median(rs.map((r) => r.rps));
      const cpuUs = median(rs.map((r) => r.cpuUs));
      const s = servers.find((x) => x.kind === kind)!;
      const wire = await wireBytes(s, path);
      console.log(
        `| ${label2} | ${rps.toFixed(0)} | ${median(rs.map((r) => r.p50)).toFixed(3)} | ${
          median(rs.map((r) => r.p99)).toFixed(3)
        } | ${cpuUs.toFixed(1)} | ${(rps / baseRps).toFixed(2)}x | ${
          (cpuUs / baseCpu).toFixed(2)
        }x | ${wire.bytes} B ${wire.encoding} |`,
      );
    }
    console.log("");
  }
  const get = (kind: string, path: string) => results.get(`${kind} ${path}`);
  const ratio = (a: string, b: string, path: string, f: (r: WrkResult) => number) => {
    const x = get(a, path), y = get(b, path);
    return x && y ? median(x.map(f)) / median(y.map(f)) : NaN;
  };
  console.log("### Middleware cost (same run)\n");
  console.log("| comparison | req/s ratio | CPU µs/req ratio |");
  console.log("|---|---:|---:|");
  // Each row: label, then the server over its peer, both on one path.
  const comparisons: [label: string, a: string, b: string, path: Path][] = [
    ["compression on a 13-byte body (avx + compression / avx)", "avx-compression", "avx", "/"],
    ...(["/", "/json"] as const).map((path): [string, string, string, Path] => [
      `payload capture, ${path} (avx + compression / same with plain Response)`,
      "avx-compression",
      "avx-compression-uncaptured",
      path,
    ]),
    ["platform stack, small JSON (vs bare Hono)", "avx-platform", "hono", "/small"],
    ["platform stack, small JSON (vs avx bare)", "avx-platform", "avx", "/small"],
    [
      "floor: bare Hono + the platform's headers only (vs bare Hono)",
      "hono-platform-floor",
      "hono",
      "/small",
    ],
    ["platform stack vs that floor", "avx-platform", "hono-platform-floor", "/small"],
    ["telemetry + region routing, local (vs avx bare)", "avx-edge", "avx", "/"],
    ["floor: bare Hono + the edge headers only (vs bare Hono)", "hono-edge-floor", "hono", "/"],
    ["telemetry + region routing vs that floor", "avx-edge", "hono-edge-floor", "/"],
    ["avx zstd 100 KiB JSON vs Hono compress() gzip", "avx-compression", "hono-compress", "/json"],
  ];
  for (const [label, a, b, path] of comparisons) {
    const r = ratio(a, b, path, (w) => w.rps);
    const c = ratio(a, b, path, (w) => w.cpuUs);
    if (!Number.isNaN(r)) console.log(`| ${label} | ${r.toFixed(3)} | ${c.toFixed(3)} |`);
  }
  const front = get("avx-proxy-front", "/"), back = get("avx-proxy-back", "/");
  if (front && back) {
    const hop = median(front.map((r) => r.p50)) - median(back.map((r) => r.p50));
    console.log(
      `| region proxy: one hop adds (p50, ms) / front CPU µs per proxied request | ${
        hop.toFixed(3)
      } | ${median(front.map((r) => r.cpuUs)).toFixed(1)} |`,
    );
  }
  const p99Delta = median(get("avx-platform", "/small")?.map((r) => r.p99) ?? [NaN]) -
    median(get("hono", "/small")?.map((r) => r.p99) ?? [NaN]);
  if (!Number.isNaN(p99Delta)) {
    console.log(`| platform stack p99 minus bare Hono p99 (ms) | ${p99Delta.toFixed(3)} | |`);
  }
  console.log("");
  // Streamed 10 MiB body: time to first byte, compressed (zstd) vs not (identity).
  const avx = servers.find((s) => s.kind === "avx");
  const avxC = servers.find((s) => s.kind === "avx-compression");
  if (avx && avxC) {
    const ttfb = async (port: number, ae: string) => {
      const xs: number[] = [];
      for (let i = 0; i < 15; i++) xs.push(await timeToFirstByte(port, "/stream", ae));
      return median(xs);
    };
    const plain = await ttfb(avx.port, "identity");
    const zstd = await ttfb(avxC.port, "zstd");
    const gzip = await ttfb(avxC.port, "gzip");
    console.log("### GET /stream (10 MiB streamed text), time to first byte (median of 15)\n");
    console.log("| server | coding | TTFB ms |");
    console.log("|---|---|---:|");
    console.log(`| avx-http, no optional middleware | identity | ${plain.toFixed(2)} |`);
    console.log(`| avx-http + compression | zstd | ${zstd.toFixed(2)} |`);
    console.log(`| avx-http + compression | gzip | ${gzip.toFixed(2)} |`);
    console.log("");
  }
} finally {
  for (const s of servers) {
    try {
      s.child.kill("SIGTERM");
    } catch { /* already gone */ }
    await s.child.status;
  }
}
