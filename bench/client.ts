/**
 * Client benchmark: the avx-http `Client`'s overhead per request against plain `fetch`, and
 * against `ky` with retries, measured two ways:
 *
 * - in memory: every client calls the same fetch stub that answers at once, so the difference
 *   to calling the stub directly is pure client overhead (builder, headers, trace ids,
 *   signals, retry bookkeeping, response wrapper, body read);
 * - loopback: sequential requests to a `Deno.serve` in another process (13-byte text), where
 *   the overhead sits on top of a real round trip.
 *
 * Variants run in interleaved rounds; each figure is the median over rounds of the mean per
 * request: wall time, and this process's CPU time (user + system), which a shared machine
 * disturbs less than wall time. Target (issue #9): avx client overhead < 50 µs per request over
 * fetch on loopback, with default settings.
 *
 * Usage: deno run -A bench/client.ts [--rounds 5] [--requests 2000] [--iterations 20000]
 *
 * @module
 */

import process from "node:process";
import ky from "ky";
import { Client } from "../client/mod.ts";

const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) {
  args.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
}
const ROUNDS = Number(args.get("rounds") ?? 5);
const REQUESTS = Number(args.get("requests") ?? 2000);
const ITERATIONS = Number(args.get("iterations") ?? 20000);

type Run = () => Promise<unknown>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Result {
  wallUs: number;
  cpuUs: number;
}

async function measure(variants: Array<[string, Run]>, n: number): Promise<Map<string, Result>> {
  const wall = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, run] of variants) for (let i = 0; i < Math.min(300, n); i++) await run(); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of variants) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await run();
      wall.get(name)!.push(((performance.now() - t0) * 1000) / n);
      const c = process.cpuUsage(c0);
      cpu.get(name)!.push((c.user + c.system) / n);
    }
  }
  return new Map(
    variants.map(([k]) => [k, { wallUs: median(wall.get(k)!), cpuUs: median(cpu.get(k)!) }]),
  );
}

function signed(d: number): string {
  return `${d >= 0 ? "+" : ""}${d.toFixed(1)} µs`;
}

function table(title: string, results: Map<string, Result>, base: string): void {
  const b = results.get(base)!;
  console.log(`\n### ${title}\n`);
  console.log(
    `| variant | µs / request | overhead vs ${base} | client CPU µs / request | CPU overhead |`,
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, r] of results) {
    const same = name === base;
    console.log(
      `| ${name} | ${r.wallUs.toFixed(1)} | ${same ? "—" : signed(r.wallUs - b.wallUs)} | ${
        r.cpuUs.toFixed(1)
      } | ${same ? "—" : signed(r.cpuUs - b.cpuUs)} |`,
    );
  }
}

// --- in memory -------------------------------------------------------------------------------
const payload = new TextEncoder().encode("Hello, World!");
const stub = (_input: Request | URL | string, _init?: RequestInit): Promise<Response> =>
  Promise.resolve(new Response(payload, { headers: { "content-type": "text/plain" } }));
const memBase = "http://bench.invalid";
const memClient = Client.builder().baseUrl(memBase).fetch(stub).build();
const memClientCompression = Client.builder().baseUrl(memBase).fetch(stub).compression(true)
  .build();
const memClientLean = Client.builder().baseUrl(memBase).fetch(stub).timeout(null).deadline(null)
  .breaker(false).build();
const memKy = ky.create({ retry: { limit: 2 }, fetch: stub as typeof fetch });

const mem = await measure([
  ["fetch stub", async () => await (await stub(`${memBase}/`)).text()],
  ["avx Client (defaults)", async () => await (await memClient.get("/").send()).text()],
  [
    "avx Client (compression on)",
    async () => await (await memClientCompression.get("/").send()).text(),
  ],
  [
    "avx Client (no timeout/deadline/breaker)",
    async () => await (await memClientLean.get("/").send()).text(),
  ],
  ["ky (retry 2)", async () => await memKy.get(`${memBase}/`).text()],
], ITERATIONS);
table(`In memory: client overhead (${ITERATIONS} requests × ${ROUNDS} rounds)`, mem, "fetch stub");

// --- loopback --------------------------------------------------------------------------------
const serverCode = `
const s = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log("PORT " + a.port) },
  () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }));
`;
const child = new Deno.Command(Deno.execPath(), {
  args: ["eval", serverCode],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let out = "";
while (!/PORT \d+/.test(out)) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the benchmark server exited early");
  out += value;
}
reader.releaseLock();
const url = `http://127.0.0.1:${out.match(/PORT (\d+)/)![1]}`;
try {
  const client = Client.builder().baseUrl(url).build();
  const clientCompression = Client.builder().baseUrl(url).compression(true).build();
  const kyc = ky.create({ retry: { limit: 2 } });
  const loop = await measure([
    ["fetch", async () => await (await fetch(`${url}/`)).text()],
    ["avx Client (defaults)", async () => await (await client.get("/").send()).text()],
    [
      "avx Client (compression on)",
      async () => await (await clientCompression.get("/").send()).text(),
    ],
    ["ky (retry 2)", async () => await kyc.get(`${url}/`).text()],
  ], REQUESTS);
  table(`Loopback, sequential (${REQUESTS} requests × ${ROUNDS} rounds)`, loop, "fetch");
  const over = loop.get("avx Client (defaults)")!.wallUs - loop.get("fetch")!.wallUs;
  const overKy = loop.get("ky (retry 2)")!.wallUs - loop.get("fetch")!.wallUs;
  console.log(
    `\nTarget: avx Client overhead over fetch on loopback < 50 µs/request — ${
      over.toFixed(1)
    } µs: ${over < 50 ? "met" : "NOT met"} (ky: ${overKy.toFixed(1)} µs)`,
  );
} finally {
  child.kill();
  await child.status;
}
