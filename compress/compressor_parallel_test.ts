// The Compressor's parallel setting, which starts worker threads: seconds of start-up on a loaded
// machine, so `deno task test:unit` leaves this file to `deno task test` (tools/test_unit.ts).
import assert from "node:assert/strict";
import { Compressor } from "./compressor.ts";
import { CompressError } from "./errors.ts";
import { Algorithm } from "./types.ts";
import { compressBlocksSync } from "./parallel/mod.ts";

Deno.test("Compressor: parallel workers compress as compressBlocksSync does", async () => {
  const isUnsupported = (e: unknown) => e instanceof CompressError && e.code === "unsupported";
  const big = new TextEncoder().encode("t,host,cpu,mem\n".repeat(60_000));
  using par = Compressor.new(Algorithm.Zstd).parallel({ workers: 2, blockSize: 262144 }).build();
  const p = await par.compress(big);
  assert.deepEqual(p, compressBlocksSync(big, Algorithm.Zstd, { blockSize: 262144 }));
  assert.deepEqual(par.compressSync(big), p);
  assert.deepEqual(await par.decompress(p), big);
  assert.equal(par.stats().calls, 2);
  par.close();
  await assert.rejects(par.compress(big), isUnsupported);
});
