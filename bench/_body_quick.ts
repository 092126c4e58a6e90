/**
 * Quick cost check of request-body tracking (not part of `deno task bench`): a 1 KiB POST over
 * loopback (8 connections, Deno's fetch) to `Deno.serve` handlers that read the body as it
 * comes (`raw`), through a plain `new Request` copy (`copy`), through a pull stream in a copy
 * (`pull`), and through `trackBody` with a limit and a deadline (`track`, what `Server` does for
 * every request with a body). Interleaved rounds, best of 5; ratios against `raw`.
 *
 *   deno run -A bench/_body_quick.ts
 */
import { trackBody } from "../http/mod.ts";

const body = new TextEncoder().encode(
  JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ i, v: "x" }))),
);
const variants: Record<string, (r: Request) => Request> = {
  raw: (r) => r,
  copy: (r) => new Request(r, { body: r.body, duplex: "half" } as RequestInit),
  pull: (r) => {
    const reader = r.body!.getReader();
    const s = new ReadableStream<Uint8Array>({
      async pull(c) {
        const x = await reader.read();
        if (x.done) c.close();
        else c.enqueue(x.value);
      },
    }, { highWaterMark: 0 });
    return new Request(r, { body: s, duplex: "half" } as RequestInit);
  },
  track: (r) => trackBody(r, { limit: 1e7, timeoutMs: 60000 }),
};
const servers: Record<string, Deno.HttpServer> = {};
for (const [k, f] of Object.entries(variants)) {
  servers[k] = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const n = (await f(req).arrayBuffer()).byteLength;
    return new Response(String(n));
  });
}
const url = (k: string) => `http://127.0.0.1:${(servers[k].addr as Deno.NetAddr).port}/`;
async function run(k: string, n: number) {
  const t = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < n / 8; i++) {
      const r = await fetch(url(k), { method: "POST", body });
      await r.arrayBuffer();
    }
  }));
  return (performance.now() - t) / n * 1000;
}
const keys = Object.keys(variants);
for (const k of keys) await run(k, 1000);
const res: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
for (let round = 0; round < 5; round++) {
  for (const k of (round % 2 ? keys : [...keys].reverse())) res[k].push(await run(k, 3000));
}
for (const k of keys) {
  console.log(
    k,
    Math.min(...res[k]).toFixed(1),
    "µs/req",
    (Math.min(...res[k]) / Math.min(...res.raw)).toFixed(2),
  );
}
for (const s of Object.values(servers)) await s.shutdown();
