import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { BrotliStreamDecoder, decompressBrotli } from "./mod.ts";
import { runTool } from "../platform/_test_tools.ts";
import { rng } from "../_test_rng.ts";
import { MAX, mutate, streamedSize } from "../_test_fuzz.ts";
import { binary, jsonRows, prose, randomBytes, sourceText } from "./_test_corpora.ts";

/** Decodes one-shot and in chunks: either data within MAX or a CompressError, nothing else. */
function mustBeTyped(input: Uint8Array, r: () => number, label: string): void {
  for (const chunked of [false, true]) {
    let size = 0;
    try {
      if (!chunked) size = decompressBrotli(input, { maxOutputSize: MAX }).length;
      else size = streamedSize(new BrotliStreamDecoder({ maxOutputSize: MAX }), input, r, 64);
    } catch (e) {
      if (!(e instanceof CompressError)) {
        assert.fail(`${label}: threw ${e instanceof Error ? e.stack : e}`);
      }
      assert.ok(e.code === "corrupt" || e.code === "limit", `${label}: ${e.code}`);
      continue;
    }
    assert.ok(size <= MAX, `${label}: produced ${size} bytes, over the limit`);
  }
}

Deno.test("fuzz: mutated CLI streams give data or a typed error, never a hang", async () => {
  const r = rng(2026);
  const seeds: Uint8Array[] = [];
  for (
    const [data, q] of [
      [sourceText(6000), 11],
      [prose(4000, 1), 9],
      [jsonRows(5000, 2), 5],
      [binary(5000), 1],
      [randomBytes(600, 3), 4],
      [new Uint8Array(3000), 0],
    ] as const
  ) {
    seeds.push(await runTool("brotli", ["-c", "-q", String(q), "-w", "16"], data));
  }
  let n = 0;
  for (const seed of seeds) {
    for (let i = 0; i < 400; i++) mustBeTyped(mutate(seed, r), r, `seed ${n} #${i}`);
    n++;
  }
});

Deno.test("fuzz: random bytes give a typed error (or a tiny valid stream)", () => {
  const r = rng(7);
  for (let i = 0; i < 3000; i++) {
    mustBeTyped(randomBytes(1 + ((r() * 200) | 0), i), r, `random #${i}`);
  }
});
