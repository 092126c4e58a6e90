/**
 * HTTP benchmark: bare `Deno.serve`, bare Hono, Hono with requestId+cors+secureHeaders+timing+
 * compress, avx-http bare, and avx-http with the equivalent stack, each in its own process on
 * its own loopback port, loaded by `wrk` in alternating rounds. Prints req/s, p50 and p99
 * (medians over rounds) and the ratio to bare Hono, as a Markdown table.
 *
 * Usage: deno run -A bench/http.ts [--rounds 3] [--duration 4] [--connections 50]
 *
 * @module
 */

const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) {
  args.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
}
const ROUNDS = Number(args.get("rounds") ?? 3);
const DURATION = Number(args.get("duration") ?? 4);
const CONNECTIONS = Number(args.get("connections") ?? 50);
const ACCEPT_ENCODING = "gzip, deflate, br, zstd"; // what a current browser sends

const KINDS = [
  ["deno", "bare Deno.serve"],
  ["hono", "bare Hono"],
  ["hono-compress", "Hono + compress() only"],
  ["hono-stack", "Hono + requestId, cors, secureHeaders, timing, compress"],
  ["avx", "avx-http, no optional middleware"],
  ["avx-compression", "avx-http + compression only"],
  ["avx-stack", "avx-http + telemetry, cors, secure headers, compression"],
] as const;
const SCENARIOS = [
  ["/", "13-byte text"],
  ["/json", "100 KiB JSON"],
] as const;

function has(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
if (!has("wrk")) {
  console.error("bench/http.ts needs wrk: apt-get install -y wrk (.ci/run installs it)");
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
}

async function start(kind: string): Promise<Running> {
  const port = freePort();
  const script = new URL("./_http_servers.ts", import.meta.url).pathname;
  const argv = ["run", "-A", script, kind, String(port)];
  const child = new Deno.Command(pin ? "taskset" : Deno.execPath(), {
    args: pin ? ["-c", "0", Deno.execPath(), ...argv] : argv,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("READY")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${kind} server exited before it was ready`);
    out += value;
  }
  reader.releaseLock();
  return { kind, port, child };
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
}

async function wrk(port: number, path: string, seconds: number): Promise<WrkResult> {
  const wrkArgs = [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    "--latency",
    "-H",
    `Accept-Encoding: ${ACCEPT_ENCODING}`,
    `http://127.0.0.1:${port}${path}`,
  ];
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
  return { rps, p50, p99, transferPerSec };
}

async function wireBytes(port: number, path: string): Promise<{ bytes: number; encoding: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { "accept-encoding": ACCEPT_ENCODING },
  });
  const encoding = res.headers.get("content-encoding") ?? "identity";
  // fetch decodes gzip/br/zstd transparently; count the encoded size with a raw socket instead.
  await res.body?.cancel();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: ${ACCEPT_ENCODING}\r\nConnection: close\r\n\r\n`,
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
try {
  for (const [kind] of KINDS) servers.push(await start(kind));
  for (const s of servers) for (const [path] of SCENARIOS) await wrk(s.port, path, 1); // warm-up

  const results = new Map<string, WrkResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order every round so drift (thermal, other load) spreads over all servers.
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const [path] of SCENARIOS) {
      for (const s of order) {
        const key = `${s.kind} ${path}`;
        const r = await wrk(s.port, path, DURATION);
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
      pin ? ", server on CPU 0, wrk on CPU 1" : ""
    }\n`,
  );
  for (const [path, label] of SCENARIOS) {
    console.log(`### GET ${path} (${label})\n`);
    console.log("| server | req/s | p50 ms | p99 ms | vs bare Hono | body on the wire |");
    console.log("|---|---:|---:|---:|---:|---|");
    const base = median(results.get(`hono ${path}`)!.map((r) => r.rps));
    for (const [kind, label2] of KINDS) {
      const rs = results.get(`${kind} ${path}`)!;
      const rps = median(rs.map((r) => r.rps));
      const wire = await wireBytes(servers.find((s) => s.kind === kind)!.port, path);
      console.log(
        `| ${label2} | ${rps.toFixed(0)} | ${median(rs.map((r) => r.p50)).toFixed(3)} | ${
          median(rs.map((r) => r.p99)).toFixed(3)
        } | ${(rps / base).toFixed(2)}x | ${wire.bytes} B ${wire.encoding} |`,
      );
    }
    console.log("");
  }
  // Streamed 10 MiB body: time to first byte, compressed (zstd) vs not (identity).
  const avx = servers.find((s) => s.kind === "avx")!;
  const avxC = servers.find((s) => s.kind === "avx-compression")!;
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
} finally {
  for (const s of servers) {
    try {
      s.child.kill("SIGTERM");
    } catch { /* already gone */ }
    await s.child.status;
  }
}
