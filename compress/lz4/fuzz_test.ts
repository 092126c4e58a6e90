/**
 * Fuzzing the decoders with a seeded PRNG: random bytes and mutated valid inputs must only
 * ever produce a `CompressError` or output within the limits, never another exception, a hang
 * or oversized output.
 */
import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { compressFrame, decompressFrame, type Lz4CompressOptions } from "./mod.ts";
import { decompressBlock } from "./block_decode.ts";
import { compressBlock } from "./block_encode.ts";
import { jsonRows, lz4Tool, mutate, Rng, shapedData, streamDecode } from "./_test_lz4_tool.ts";

const MAX = 1 << 20;

/** Outcomes seen, to check the fuzzer reaches both the error paths and successful decodes. */
const outcomes = new Map<string, number>();

function onlyCompressErrors(fn: () => Uint8Array, limit: number, label: string): void {
  try {
    const out = fn();
    assert.ok(out.length <= limit, `${label}: ${out.length} bytes, above ${limit}`);
    outcomes.set("ok", (outcomes.get("ok") ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof CompressError)) {
      throw new Error(`${label}: threw a non-CompressError: ${e}`, { cause: e });
    }
    outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
  }
}

function expectVariety(codes: string[]): void {
  for (const c of codes) {
    assert.ok((outcomes.get(c) ?? 0) > 0, `no "${c}" outcome in ${[...outcomes]}`);
  }
  outcomes.clear();
}

Deno.test("fuzz: the block decoder on random and mutated blocks", () => {
  const rng = new Rng(0xb10c);
  const seeds: [Uint8Array, number][] = [];
  for (let i = 0; i < 24; i++) {
    const data = shapedData(rng, i, 20 + rng.int(3000));
    seeds.push([compressBlock(data, { level: [1, 9, -2][i % 3] }), data.length]);
  }
  for (let round = 0; round < 6000; round++) {
    let block: Uint8Array;
    let size: number;
    if (round % 4 === 0) {
      block = rng.bytes(rng.int(64));
      size = rng.int(5000);
    } else {
      const [seed, n] = seeds[rng.int(seeds.length)];
      block = mutate(seed, rng);
      size = round % 8 === 1 ? rng.int(n * 2 + 1) : n;
    }
    const dictionary = round % 16 === 3 ? rng.bytes(rng.int(70_000)) : undefined;
    onlyCompressErrors(
      () => decompressBlock(block, size, { maxOutputSize: MAX, dictionary }),
      size,
      `block round ${round}`,
    );
  }
  expectVariety(["ok", "corrupt"]);
});

/** `count` inputs: JSON rows every `jsonEvery`-th, else data of varied shape up to `maxSize`. */
function seedData(rng: Rng, count: number, jsonEvery: number, maxSize: number): Uint8Array[] {
  return Array.from(
    { length: count },
    (_, i) =>
      i % jsonEvery === 0 ? jsonRows(10 + rng.int(900), i) : shapedData(rng, i, rng.int(maxSize)),
  );
}

const FRAME_OPTIONS: Lz4CompressOptions[] = [
  { contentChecksum: false, blockSize: 65536 },
  { contentChecksum: false, blockSize: 65536, blockLinked: true, level: 9 },
  { contentSize: true, contentChecksum: false },
  { blockChecksum: true },
  {},
];

Deno.test("fuzz: decompressFrame and Lz4FrameDecoder on random and mutated frames", () => {
  const rng = new Rng(0xf4a3e);
  const seeds = seedData(rng, 20, 4, 150_000).map((data, i) =>
    compressFrame(data, FRAME_OPTIONS[i % FRAME_OPTIONS.length])
  );
  // Two frames and a skippable frame in one input.
  seeds.push(new Uint8Array([...seeds[0], 0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 7, 7, ...seeds[1]]));
  for (let round = 0; round < 2500; round++) {
    let input: Uint8Array;
    if (round % 5 === 0) {
      // Random bytes behind a valid magic number (else almost every case stops there).
      input = new Uint8Array([0x04, 0x22, 0x4d, 0x18, ...rng.bytes(rng.int(80))]);
    } else {
      input = mutate(seeds[rng.int(seeds.length)], rng);
    }
    const limit = round % 3 === 0 ? 100_000 : MAX;
    onlyCompressErrors(
      () => decompressFrame(input, { maxOutputSize: limit }),
      limit,
      `frame round ${round}`,
    );
    if (round % 2 === 0) {
      onlyCompressErrors(
        () => streamDecode(input, rng, round % 4 === 0 ? 16 : 40_000, { maxOutputSize: limit }),
        limit,
        `stream round ${round}`,
      );
    }
  }
  expectVariety(["ok", "corrupt", "checksum", "limit", "unsupported"]);
});

Deno.test("fuzz: decompressFrame on random and mutated legacy frames (lz4 -l)", async () => {
  const rng = new Rng(0x1e6a);
  const seeds: Uint8Array[] = [];
  for (const data of seedData(rng, 6, 2, 100_000)) seeds.push(await lz4Tool(["-l", "-c"], data));
  // Legacy frames back to back, and one before a modern frame.
  seeds.push(new Uint8Array([...seeds[0], ...seeds[1], ...compressFrame(jsonRows(30, 9))]));
  for (let round = 0; round < 1500; round++) {
    const input = round % 5 === 0
      ? new Uint8Array([0x02, 0x21, 0x4c, 0x18, ...rng.bytes(rng.int(80))])
      : mutate(seeds[rng.int(seeds.length)], rng);
    const limit = round % 3 === 0 ? 50_000 : MAX;
    onlyCompressErrors(
      () => decompressFrame(input, { maxOutputSize: limit }),
      limit,
      `legacy round ${round}`,
    );
  }
  expectVariety(["ok", "corrupt", "limit"]);
});
