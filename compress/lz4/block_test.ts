import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { decompressBlock } from "./block_decode.ts";
import { compressBlock, compressBound } from "./block_encode.ts";
import { jsonRows, lz4Tool, Rng, shapedData } from "./_test_lz4_tool.ts";

const LEVELS = [-20, -3, -1, 0, 1, 2, 3, 4, 6, 9, 10, 12, 99];

Deno.test("compressBlock/decompressBlock round-trip data of many shapes, sizes and levels", () => {
  const rng = new Rng(11);
  for (let round = 0; round < 260; round++) {
    const size = round < 40 ? round : rng.int(round < 200 ? 3000 : 150_000);
    const data = shapedData(rng, round, size);
    const level = LEVELS[round % LEVELS.length];
    const block = compressBlock(data, { level });
    assert.ok(block.length <= compressBound(size), `bound, size ${size}`);
    assert.deepEqual(
      decompressBlock(block, size),
      data,
      `shape ${round % 7} size ${size} L${level}`,
    );
    // An upper bound instead of the exact size also works.
    assert.deepEqual(decompressBlock(block, size + 10), data);
  }
});

Deno.test("compressBlock compresses: higher levels are never worse on JSON", () => {
  const data = jsonRows(2000);
  const fast = compressBlock(data, { level: -5 }).length;
  const l1 = compressBlock(data).length;
  const l3 = compressBlock(data, { level: 3 }).length;
  const l9 = compressBlock(data, { level: 9 }).length;
  assert.ok(l1 < data.length / 2, `level 1 ${l1} of ${data.length}`);
  assert.ok(l1 <= fast && l3 < l1 && l9 <= l3, `${fast} ${l1} ${l3} ${l9}`);
});

Deno.test("block end rules: the last 5 bytes are literals and the last match starts 12 bytes early", () => {
  // A decoder that enforces the end-of-block conditions: walk the sequences.
  const rng = new Rng(5);
  for (let round = 0; round < 200; round++) {
    const data = shapedData(rng, round, 13 + rng.int(400));
    const block = compressBlock(data, { level: LEVELS[round % LEVELS.length] });
    let sp = 0;
    let op = 0;
    for (;;) {
      const token = block[sp++];
      let lit = token >> 4;
      if (lit === 15) { for (let b = 255; b === 255; lit += b) b = block[sp++]; }
      sp += lit;
      op += lit;
      if (sp === block.length) {
        assert.ok(lit >= 5 || data.length < 5, "last sequence has >= 5 literals");
        break;
      }
      sp += 2;
      let ml = token & 15;
      if (ml === 15) { for (let b = 255; b === 255; ml += b) b = block[sp++]; }
      assert.ok(op <= data.length - 12, "match starts at least 12 bytes before the end");
      op += ml + 4;
    }
    assert.equal(op, data.length);
  }
});

Deno.test("blocks shorter than 13 bytes are stored as literals; empty input is one zero token", () => {
  assert.deepEqual(compressBlock(new Uint8Array(0)), new Uint8Array([0]));
  assert.deepEqual(decompressBlock(new Uint8Array([0]), 0), new Uint8Array(0));
  const twelve = new Uint8Array(12).fill(7);
  assert.deepEqual(compressBlock(twelve), new Uint8Array([0xc0, ...twelve]));
});

Deno.test("decompressBlock decodes overlapping matches (offset < length)", () => {
  // "ab" then a match of offset 2, length 4 + 15 + 81 = 100, then 5 literals.
  const block = new Uint8Array([0x2f, 97, 98, 2, 0, 81, 0x50, 1, 2, 3, 4, 5]);
  const out = decompressBlock(block, 107);
  assert.equal(out.length, 107);
  for (let i = 0; i < 102; i++) assert.equal(out[i], i % 2 === 0 ? 97 : 98);
  assert.deepEqual(out.subarray(102), new Uint8Array([1, 2, 3, 4, 5]));
  // Offset 1: a run.
  const run = decompressBlock(new Uint8Array([0x1f, 120, 1, 0, 200, 0x00]), 300);
  assert.deepEqual(run, new Uint8Array(220).fill(120));
});

Deno.test("decompressBlock rejects bad blocks with typed errors", () => {
  const cases: [Uint8Array, number, string][] = [
    [new Uint8Array(0), 10, "corrupt"], // no token
    [new Uint8Array([0x50, 1, 2]), 10, "corrupt"], // literals run past the input
    [new Uint8Array([0x10, 1, 0, 0]), 10, "corrupt"], // zero offset
    [new Uint8Array([0x10, 1, 5, 0, 0x00]), 10, "corrupt"], // offset before the start
    [new Uint8Array([0x10, 1, 1]), 10, "corrupt"], // truncated offset
    [new Uint8Array([0x1f, 1, 1, 0]), 100, "corrupt"], // truncated match length
    [new Uint8Array([0x1f, 1, 1, 0, 10]), 100, "corrupt"], // ends after a match
    [new Uint8Array([0x1f, 1, 1, 0, 10, 0]), 5, "corrupt"], // output larger than declared
    [new Uint8Array([0xf0, 255, 255]), 10, "corrupt"], // truncated literal length
    [new Uint8Array([0]), 1 << 20, "limit"],
  ];
  for (const [block, size, code] of cases) {
    assert.throws(
      () => decompressBlock(block, size, { maxOutputSize: 1 << 19 }),
      (e) => e instanceof CompressError && e.code === code,
      `${block} -> ${code}`,
    );
  }
  assert.throws(() => decompressBlock(new Uint8Array([0]), -1), CompressError);
});

Deno.test("decompressBlock with a dictionary decodes a block the lz4 tool made with -D", async () => {
  const dict = jsonRows(300, 9);
  const data = jsonRows(20, 9).subarray(0, 1500); // shares most of its text with the dictionary
  const dictPath = await Deno.makeTempFile();
  try {
    await Deno.writeFile(dictPath, dict);
    const frame = await lz4Tool(["-c", "-D", dictPath, "-BI", "--no-frame-crc"], data);
    // One compressed block right after the 7-byte header.
    const field = new DataView(frame.buffer).getUint32(7, true);
    assert.equal(field & 0x80000000, 0, "the tool compressed the block");
    const block = frame.subarray(11, 11 + field);
    assert.deepEqual(decompressBlock(block, data.length, { dictionary: dict }), data);
    assert.throws(
      () => decompressBlock(block, data.length),
      (e) => e instanceof CompressError && e.code === "corrupt",
    );
  } finally {
    await Deno.remove(dictPath);
  }
});

Deno.test("literal runs of every length up to 300 and every short block tail round-trip", () => {
  // The fast encoder copies literal runs of up to 256 bytes and the block's last literals in
  // whole words (bytes past the run are overwritten later); longer runs, and tails of inputs
  // with no room to read past their end, take other paths. Each shape is tried small (copied to
  // the encoder's small-input scratch) and inside a caller's larger input.
  const rng = new Rng(21);
  const random = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
  const motif = random(256);
  for (let lit = 0; lit <= 300; lit++) {
    const tail = random(lit % 15);
    const shape = new Uint8Array([...random(lit), ...motif, ...motif, ...tail]);
    for (const pad of [0, 5000]) {
      const data = new Uint8Array(pad + shape.length);
      data.set(random(pad));
      data.set(shape, pad);
      const block = compressBlock(data);
      assert.deepEqual(decompressBlock(block, data.length), data, `lit ${lit} pad ${pad}`);
      // The repeated motif must have been found: the block is smaller than its input.
      if (pad === 0) assert.ok(block.length < data.length, `no match found, lit ${lit}`);
    }
  }
});
