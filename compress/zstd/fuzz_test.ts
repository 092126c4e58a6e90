// Mutated valid zstd frames (from the reference CLI) give only typed errors, within the limit.
import assert from "node:assert/strict";
import { rng } from "../_test_rng.ts";
import { decompressZstd, parseZstdDictionary, ZstdFrameDecoder } from "./mod.ts";
import { concat, sample, zstdCli } from "./_test_tools.ts";
import { MAX, mustBeTyped, mutate, streamedSize } from "../_test_fuzz.ts";

/** zstd's edge bytes: the shared ones and 0x3f (a full 6-bit field in block and FSE headers). */
const EDGES = [0, 0xff, 0x7f, 0x80, 0xfe, 0x01, 0x3f];

/** `input` through a streaming decoder in pieces of up to 3000 bytes; the size it wrote. */
function streamed(input: Uint8Array, rand: () => number, dictionary?: Uint8Array): number {
  return streamedSize(new ZstdFrameDecoder({ maxOutputSize: MAX, dictionary }), input, rand, 3000);
}

Deno.test("fuzz: mutated zstd CLI frames give only typed errors, one-shot and streaming", async () => {
  const rand = rng(2020);
  const data = sample(60_000, 3);
  const valid: Uint8Array[] = [];
  for (const args of [["-1"], ["-3"], ["-19"], ["--ultra", "-22"], ["--fast=3"], ["--no-check"]]) {
    valid.push(await zstdCli(args, data));
  }
  valid.push(await zstdCli(["-3"], new Uint8Array(200_000))); // RLE blocks
  valid.push(await zstdCli(["-3"], data.map((_, i) => Math.imul(i, 2654435761) >>> 24))); // raw
  valid.push(await zstdCli(["--zstd=wlog=10", "--no-content-size", "-5"], data));
  valid.push(
    concat([valid[0].subarray(0, 0), await zstdCli(["-1"], data.subarray(0, 500)), valid[2]]),
  );
  for (let i = 0; i < 1500; i++) {
    const input = mutate(valid[i % valid.length], rand, EDGES);
    mustBeTyped(() => decompressZstd(input, { maxOutputSize: MAX }).length, `one-shot ${i}`);
    mustBeTyped(() => streamed(input, rand), `streaming ${i}`);
  }
  for (let i = 0; i < 1500; i++) {
    const input = concat([
      Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd),
      new Uint8Array((rand() * 64) | 0).map(() => (rand() * 256) | 0),
    ]);
    mustBeTyped(() => decompressZstd(input, { maxOutputSize: MAX }).length, `random ${i}`);
  }
});

Deno.test("fuzz: mutated dictionaries and frames made with them give only typed errors", async () => {
  const rand = rng(3030);
  const dir = await Deno.makeTempDir({ prefix: "avx-zstd-fuzz-" });
  try {
    const paths: string[] = [];
    for (let i = 0; i < 120; i++) {
      paths.push(`${dir}/s${i}`);
      await Deno.writeFile(paths[i], sample(400 + ((rand() * 800) | 0), 100 + i));
    }
    const train = await new Deno.Command("zstd", {
      args: ["-q", "--train", "--maxdict=4096", "-o", `${dir}/dict`, ...paths],
    }).output();
    assert.ok(train.success, new TextDecoder().decode(train.stderr));
    const dict = await Deno.readFile(`${dir}/dict`);
    const frame = await zstdCli(["-D", `${dir}/dict`, "-5"], sample(900, 7));
    for (let i = 0; i < 1500; i++) {
      const badDict = mutate(dict, rand, EDGES);
      mustBeTyped(() => parseZstdDictionary(badDict).contentSize, `dictionary ${i}`);
      mustBeTyped(
        () => decompressZstd(frame, { maxOutputSize: MAX, dictionary: badDict }).length,
        `frame with mutated dictionary ${i}`,
      );
      const badFrame = mutate(frame, rand, EDGES);
      mustBeTyped(
        () => decompressZstd(badFrame, { maxOutputSize: MAX, dictionary: dict }).length,
        `mutated frame with dictionary ${i}`,
      );
      mustBeTyped(() => streamed(badFrame, rand, dict), `streamed mutated frame ${i}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
