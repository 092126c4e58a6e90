/**
 * Decodes N hostile brotli inputs in this process and reports the RSS growth on stderr as
 * JSON; run by memory_test.ts in a subprocess so the measure is not mixed with other tests.
 *
 *     brotli -c -q 5 < some-text | \\
 *       deno run -A --v8-flags=--expose-gc compress/brotli/_memory_probe.ts ours|node-zlib N
 *
 * `ours` goes through the public API (decompressSync and a Compressor's streaming decoder),
 * which is what the compression middleware uses for request bodies; `node-zlib` through
 * `node:zlib`'s brotliDecompressSync, for comparison.
 *
 * @module
 */

import zlib from "node:zlib";
import { Algorithm, CompressError, Compressor, decompressSync } from "../mod.ts";
import { rng } from "../_test_rng.ts";

const [mode, countArg] = Deno.args;
const count = Number(countArg);
// The seed: a brotli stream on stdin (the test pipes the brotli CLI's output), cut to 4 KB so
// flipped bits land in its Huffman tables and commands.
const valid = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer()).slice(0, 4000);
const r = rng(20);

/** A hostile input: random bytes, a truncated stream or a stream with flipped bits. */
function hostile(i: number): Uint8Array {
  if (i % 3 === 0) {
    const x = new Uint8Array(16 + ((r() * 100) | 0));
    for (let j = 0; j < x.length; j++) x[j] = (r() * 256) | 0;
    return x;
  }
  if (i % 3 === 1) return valid.subarray(0, 8 + ((r() * (valid.length - 8)) | 0));
  const x = valid.slice();
  x[8 + ((r() * (x.length - 8)) | 0)] ^= 1 << ((r() * 8) | 0);
  return x;
}

const codec = Compressor.new(Algorithm.Brotli).maxOutputSize(1 << 20).build();
function decodeOne(x: Uint8Array, i: number): void {
  try {
    if (mode === "node-zlib") zlib.brotliDecompressSync(x, { maxOutputLength: 1 << 20 });
    else if (i % 2 === 0) decompressSync(x, Algorithm.Brotli, { maxOutputSize: 1 << 20 });
    else {
      const d = codec.decoder();
      d.write(x);
      d.end();
    }
  } catch (e) {
    if (mode !== "node-zlib" && !(e instanceof CompressError)) throw e;
  }
}

// Freed ArrayBuffer memory reaches the allocator after a GC and a turn of the event loop, and
// glibc keeps freed pages until malloc_trim: without both, plain typed-array churn "grows" RSS
// by ~4 KiB per allocation. What is still there after settling is retained, as leaks are.
const gc = (globalThis as { gc?: () => void }).gc!;
const libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
async function settle(): Promise<number> {
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  libc.symbols.malloc_trim(0n);
  return Deno.memoryUsage().rss;
}
for (let i = 0; i < 2000; i++) decodeOne(hostile(i), i); // warm up: JIT, heap sizing
const before = await settle();
for (let i = 0; i < count; i++) decodeOne(hostile(i), i);
const after = await settle();
console.error(JSON.stringify({ mode, count, rssGrowthMiB: (after - before) / 2 ** 20 }));
