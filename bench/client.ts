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
 * A third section sends keyed writes over a bad network: through a flaky TCP proxy (20% of
 * connections dropped, 10% of responses lost after the server ran, 5% cut mid-body, 15%
 * delayed) to the full recommended stack (`server/_test_stack.ts`), 20 at a time, with the
 * default avx client and with ky retrying POSTs (limit 5, the same key on every try). It counts
 * successes, handler runs per key (a write that ran twice) and false successes (reported done,
 * never ran). Target (issue #18): >= 99% of 500 writes succeed, 0 run twice, 0 false successes.
 *
 * Usage: deno run -A bench/client.ts [--rounds 5] [--requests 2000] [--iterations 20000]
 *   [--writes 500] [--sections mem,loopback,flaky]
 *
 * @module
 */

import process from "node:process";
import ky from "ky";
import { Client, ClientError } from "../client/mod.ts";
import { BAD_NETWORK, flakyProxy } from "../client/_test_flaky_proxy.ts";
import { startStack } from "../server/_test_stack.ts";
import { benchArgs } from "./_args.ts";
import { spawnReady } from "./_spawn.ts";
import { median } from "./_timing.ts";

const args = benchArgs();
const ROUNDS = Number(args.get("rounds") ?? 5);
const REQUESTS = Number(args.get("requests") ?? 2000);
const ITERATIONS = Number(args.get("iterations") ?? 20000);
const WRITES = Number(args.get("writes") ?? 500);
const SECTIONS = new Set((args.get("sections") ?? "mem,loopback,flaky").split(","));

type Run = () => Promise<unknown>;

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
if (SECTIONS.has("mem")) {
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
  table(
    `In memory: client overhead (${ITERATIONS} requests × ${ROUNDS} rounds)`,
    mem,
    "fetch stub",
  );
}

// --- loopback --------------------------------------------------------------------------------
if (SECTIONS.has("loopback")) {
  const serverCode = `
const s = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: (a) => console.log("PORT " + a.port) },
  () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }));
`;
  const { child, match } = await spawnReady(Deno.execPath(), ["eval", serverCode], /PORT (\d+)/);
  const url = `http://127.0.0.1:${match[1]}`;
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
}

// --- bad network: keyed writes through a flaky proxy ------------------------------------------
interface WriteTally {
  successes: number;
  failures: Map<string, number>;
  twice: number;
  falseSuccesses: number;
  attempts: number;
  ms: number;
  p50: number;
  p99: number;
}

/** Sends WRITES keyed POSTs, 20 at a time, through a fresh flaky proxy and stack. */
async function flakyWrites(
  name: string,
  send: (url: string, apiKey: string) => (i: number, key: string) => Promise<boolean>,
): Promise<WriteTally> {
  const stack = await startStack();
  const proxy = flakyProxy({ target: stack.url, ...BAD_NETWORK });
  const write = send(proxy.url, stack.apiKey);
  const ok: boolean[] = [];
  const took: number[] = [];
  const failures = new Map<string, number>();
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < WRITES) {
      const i = next++;
      const w0 = performance.now();
      try {
        ok[i] = await write(i, `${name}-${i}`);
        if (!ok[i]) failures.set("status", (failures.get("status") ?? 0) + 1);
      } catch (e) {
        const why = e instanceof ClientError ? e.code : e instanceof Error ? e.name : String(e);
        failures.set(why, (failures.get(why) ?? 0) + 1);
      }
      took.push(performance.now() - w0);
    }
  };
  try {
    await Promise.all(Array.from({ length: 20 }, worker));
  } finally {
    await proxy.close();
    await stack.close();
  }
  const ms = performance.now() - t0;
  let twice = 0;
  let falseSuccesses = 0;
  for (let i = 0; i < WRITES; i++) {
    const runs = stack.runs.get(`"${name}-${i}"`) ?? 0;
    if (runs > 1) twice++;
    if (ok[i] && runs === 0) falseSuccesses++;
  }
  const f = proxy.fates;
  took.sort((a, b) => a - b);
  return {
    successes: ok.filter(Boolean).length,
    failures,
    twice,
    falseSuccesses,
    attempts: f.drop + f.lose + f.cut + f.delay + f.pass,
    ms,
    p50: took[Math.floor(took.length * 0.5)],
    p99: took[Math.min(took.length - 1, Math.floor(took.length * 0.99))],
  };
}

if (SECTIONS.has("flaky")) {
  const body = (i: number) => JSON.stringify({ i });
  const results: Array<[string, WriteTally]> = [
    [
      "avx Client (defaults, .idempotent())",
      await flakyWrites("avx", (url, apiKey) => {
        const client = Client.builder().baseUrl(url).avlAuth(apiKey).build();
        return async (i, key) => {
          const res = await client.post("/api/items").json({ i }).idempotent(key).send();
          const got = await res.json<{ bytes: number }>();
          return res.status === 201 && got.bytes === body(i).length;
        };
      }),
    ],
    [
      "ky (retry 5 incl. POST, same key)",
      await flakyWrites("ky", (url, apiKey) => {
        const kyc = ky.create({
          prefix: url,
          retry: {
            limit: 5,
            methods: ["post"],
            statusCodes: [408, 409, 425, 429, 500, 502, 503, 504],
          },
          headers: { "x-avl-api-key": apiKey },
        });
        return async (i, key) => {
          const got = await kyc.post("api/items", {
            body: body(i),
            headers: { "content-type": "application/json", "idempotency-key": `"${key}"` },
          }).json<{ bytes: number }>();
          return got.bytes === body(i).length;
        };
      }),
    ],
  ];
  console.log(
    `\n### Bad network: ${WRITES} keyed writes, 20 at a time, through a flaky proxy (seed 18)\n`,
  );
  console.log(
    "| client | succeeded | failed (why) | ran twice | false successes | connections | wall s | p50 ms | p99 ms |",
  );
  console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, r] of results) {
    const why = [...r.failures].map(([k, v]) => `${v} ${k}`).join(", ") || "—";
    console.log(
      `| ${name} | ${r.successes} (${
        (r.successes / WRITES * 100).toFixed(1)
      }%) | ${why} | ${r.twice} | ${r.falseSuccesses} | ${r.attempts} | ${
        (r.ms / 1000).toFixed(1)
      } | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} |`,
    );
  }
  const avx = results[0][1];
  const met = avx.successes >= WRITES * 0.99 && avx.twice === 0 && avx.falseSuccesses === 0;
  console.log(
    `\nTarget: >= 99% of ${WRITES} writes succeed, 0 run twice, 0 false successes — avx ${avx.successes}/${WRITES}, ${avx.twice} twice, ${avx.falseSuccesses} false: ${
      met ? "met" : "NOT met"
    }`,
  );
}
