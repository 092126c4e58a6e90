/**
 * HTTP/3 against HTTP/2 and HTTP/1.1: the same avx-http app (bench/_http3_server.ts, its own
 * process, TLS on one port, HTTP/3 on the same UDP port) loaded by Deno clients in this process:
 * `fetch` with `Deno.createHttpClient({ http2: true, http1: false })` (h2, one connection, many
 * streams), with `{ http1: true, http2: false }` (HTTP/1.1, a pool of connections), and a
 * minimal HTTP/3 client over `Deno.connectQuic` (one connection, one stream per request; static
 * QPACK). Each protocol runs the same requests with the same concurrency, in alternating rounds.
 * Prints req/s, p50 and p99 latency (medians over rounds) and the server's CPU time per request
 * (from /proc), as a Markdown table.
 *
 * Usage: deno run -A bench/http3.ts [--rounds 3] [--concurrency 16] [--small 2000] [--mib 64]
 *
 * @module
 */

import { dirname } from "node:path";
import { testCert } from "../server/http3/_test_h3.ts";
import { QpackEncoder } from "../server/http3/qpack/mod.ts";
import { benchArgs } from "./_args.ts";
import { spawnReady } from "./_spawn.ts";

const args = benchArgs();
const ROUNDS = Number(args.get("rounds") ?? 3);
const CONCURRENCY = Number(args.get("concurrency") ?? 16);
const COUNTS: Record<string, number> = {
  "/small": Number(args.get("small") ?? 2000),
  "/mib": Number(args.get("mib") ?? 64),
};
const SIZES: Record<string, number> = { "/small": 60, "/mib": 1024 * 1024 };

// A throwaway certificate for 127.0.0.1 (the HTTP/3 tests' own).
const { cert, certPath, keyPath } = await testCert();

const { child, match } = await spawnReady(Deno.execPath(), [
  "run",
  "-A",
  new URL("_http3_server.ts", import.meta.url).pathname,
  certPath,
  keyPath,
], /READY (\d+)/);
const port = Number(match[1]);

/** User + system CPU seconds of the server process so far. */
function serverCpu(): number {
  const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

// --- the HTTP/3 client: varints, frames, one stream per request ---------------------------

function varint(v: number): number[] {
  if (v < 0x40) return [v];
  if (v < 0x4000) return [0x40 | (v >> 8), v & 0xff];
  return [0x80 | (v >>> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

function readVarint(b: Uint8Array, o: number): [number, number] {
  const len = 1 << (b[o] >> 6);
  let v = b[o] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + b[o + i];
  return [v, o + len];
}

const quic = await Deno.connectQuic({
  hostname: "127.0.0.1",
  port,
  alpnProtocols: ["h3"],
  caCerts: [cert],
  maxConcurrentBidirectionalStreams: 0,
});
const control = (await quic.createUnidirectionalStream()).getWriter();
await control.write(new Uint8Array([0x00, 0x04, 0x00])); // control stream, empty SETTINGS
const encoder = new QpackEncoder();
const requestFrames = new Map<string, Uint8Array>();
for (const path of Object.keys(COUNTS)) {
  const block = encoder.encode([
    [":method", "GET"],
    [":scheme", "https"],
    [":authority", `127.0.0.1:${port}`],
    [":path", path],
  ]);
  requestFrames.set(path, Uint8Array.from([0x01, ...varint(block.length), ...block]));
}

/** One GET over HTTP/3; returns the body length (DATA payloads) after checking the status. */
async function h3Get(path: string): Promise<number> {
  const s = await quic.createBidirectionalStream({ waitUntilAvailable: true });
  const w = s.writable.getWriter();
  await w.write(requestFrames.get(path)!);
  await w.close();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of s.readable) {
    chunks.push(c);
    total += c.length;
  }
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) all.set(c, (o += c.length) - c.length);
  let body = 0;
  for (let p = 0; p < all.length;) {
    const [type, a] = readVarint(all, p);
    const [length, b] = readVarint(all, a);
    if (type === 0x00) body += length;
    else if (type === 0x01 && all[b + 2] !== 0xd9) throw new Error("status is not 200");
    p = b + length;
  }
  return body;
}

// --- h2 and HTTP/1.1 through Deno's fetch ----------------------------------------------

const h2 = Deno.createHttpClient({ caCerts: [cert], http1: false, http2: true });
const h1 = Deno.createHttpClient({ caCerts: [cert], http1: true, http2: false });

async function fetchGet(client: Deno.HttpClient, path: string): Promise<number> {
  const res = await fetch(`https://127.0.0.1:${port}${path}`, { client });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

const PROTOCOLS: [string, (path: string) => Promise<number>][] = [
  ["HTTP/3", h3Get],
  ["HTTP/2", (p) => fetchGet(h2, p)],
  ["HTTP/1.1", (p) => fetchGet(h1, p)],
];

interface Round {
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number;
}

async function round(get: (path: string) => Promise<number>, path: string): Promise<Round> {
  const n = COUNTS[path];
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = serverCpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      next++;
      const start = performance.now();
      const bytes = await get(path);
      latencies.push(performance.now() - start);
      if (bytes !== SIZES[path] && path === "/mib") throw new Error(`short body: ${bytes}`);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = serverCpu() - cpu0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rps: n / seconds, p50: at(0.5), p99: at(0.99), cpuUs: (cpu / n) * 1e6 };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = new Map<string, Round[]>();
for (const [, get] of PROTOCOLS) for (const path of Object.keys(COUNTS)) await get(path); // warm
for (let r = 0; r < ROUNDS; r++) {
  for (const path of Object.keys(COUNTS)) {
    for (const [name, get] of PROTOCOLS) {
      const key = `${name} ${path}`;
      results.set(key, [...(results.get(key) ?? []), await round(get, path)]);
    }
  }
}

console.log(
  `\n### HTTP/3 vs HTTP/2 vs HTTP/1.1 (same app, loopback, TLS; ${ROUNDS} alternating rounds, ` +
    `medians; ${CONCURRENCY} requests in flight; clients in one Deno process)\n`,
);
console.log("| protocol | path | req/s | p50 ms | p99 ms | server CPU µs/req | p99 vs h2 |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const path of Object.keys(COUNTS)) {
  const h2p99 = median(results.get(`HTTP/2 ${path}`)!.map((r) => r.p99));
  for (const [name] of PROTOCOLS) {
    const rs = results.get(`${name} ${path}`)!;
    const p99 = median(rs.map((r) => r.p99));
    console.log(
      `| ${name} | ${path} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ` +
        `${median(rs.map((r) => r.p50)).toFixed(2)} | ${p99.toFixed(2)} | ` +
        `${median(rs.map((r) => r.cpuUs)).toFixed(0)} | ${(p99 / h2p99).toFixed(2)}x |`,
    );
  }
}

quic.close({ closeCode: 0x100, reason: "" });
h1.close();
h2.close();
child.kill("SIGTERM");
await child.status;
await Deno.remove(dirname(certPath), { recursive: true });
