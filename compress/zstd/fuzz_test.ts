// Mutated valid zstd frames (from the reference CLI) give only typed errors, within the limit.
import assert from "node:assert/strict";
import { rng } from "../_test_rng.ts";
import { decompressZstd, parseZstdDictionary, ZstdFrameDecoder } from "./mod.ts";
import { concat, sample, zstdCli } from "./_test_tools.ts";
import { MAX, mustBeTyped } from "../_test_fuzz.ts";

/** A mutated copy: bit flips, byte sets, truncation, duplication or insertion. */
function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  let out: Uint8Array = src.slice();
  const edits = 1 + ((rand() * 4) | 0);
  for (let e = 0; e < edits; e++) {
    const kind = rand();
    const at = (rand() * out.length) | 0;
    if (kind < 0.45 && out.length > 0) {
      out[at] ^= 1 << ((rand() * 8) | 0);
    } else if (kind < 0.65 && out.length > 0) {
      out[at] = [0, 0xff, 0x7f, 0x80, 0xfe, 0x01, 0x3f][(rand() * 7) | 0];
    } else if (kind < 0.75) {
      out = out.subarray(0, at);
    } else if (kind < 0.88) {
      const k = (rand() * 16) | 0;
      out = concat([out.subarray(0, at), out.subarray(at, at + k), out.subarray(at)]);
    } else {
      const junk = new Uint8Array((rand() * 8) | 0).map(() => (rand() * 256) | 0);
      out = concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
  }
  return out;
}

function streamed(input: Uint8Array, rand: () => number, dictionary?: Uint8Array): number {
  const dec = new ZstdFrameDecoder({ maxOutputSize: MAX, dictionary });
  let size = 0;
  for (let p = 0; p < input.length;) {
    const k = 1 + ((rand() * 3000) | 0);
    for (const d of dec.write(input.subarray(p, p + k))) size += d.length;
    p += k;
  }
  dec.end();
  return size;
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
    const input = mutate(valid[i % valid.length], rand);
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
      const badDict = mutate(dict, rand);
      mustBeTyped(() => parseZstdDictionary(badDict).contentSize, `dictionary ${i}`);
      mustBeTyped(
        () => decompressZstd(frame, { maxOutputSize: MAX, dictionary: badDict }).length,
        `frame with mutated dictionary ${i}`,
      );
      const badFrame = mutate(frame, rand);
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
