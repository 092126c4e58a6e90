/**
 * Interop with the reference `lz4` command line tool (liblz4), both directions. The tool must
 * be installed: these tests fail, not skip, without it.
 */
import assert from "node:assert/strict";
import { concatChunks } from "../concat.ts";
import { compressFrame, decompressFrame, Lz4FrameDecoder, Lz4FrameEncoder } from "./mod.ts";
import { jsonRows, lz4Tool, Rng, shapedData, streamDecode } from "./_test_lz4_tool.ts";
import type { Lz4CompressOptions } from "./options.ts";

const rng = new Rng(2024);
const SAMPLES: [string, Uint8Array][] = [
  ["empty", new Uint8Array(0)],
  ["one byte", new Uint8Array([42])],
  ["12 bytes", shapedData(rng, 1, 12)],
  ["json rows", jsonRows(3000)],
  ["random 300 KiB", shapedData(rng, 0, 300_000)],
  ["zeros 5 MiB", new Uint8Array(5 << 20)],
  ["long-distance copies 2.5 MiB", shapedData(rng, 4, 2_600_000)],
  ["text 70 KiB", shapedData(rng, 6, 70_000)],
];

const TOOL_FLAGS: string[][] = [
  [],
  ["-B4"],
  ["-B5"],
  ["-B6"],
  ["-B7"],
  ["-B4", "-BD"],
  ["-B5", "-BD", "-BX"],
  ["-BX"],
  ["--no-frame-crc"],
  ["--content-size"],
  ["-9"],
  ["-9", "-B4", "-BD"],
  ["--fast=3"],
  ["-12", "-B4", "-BD", "--content-size", "-BX"],
];

Deno.test("frames written by the lz4 tool decode with decompressFrame and Lz4FrameDecoder", async () => {
  for (const [name, data] of SAMPLES) {
    for (const flags of TOOL_FLAGS) {
      if (data.length > 1 << 20 && flags.some((f) => f === "-9" || f === "-12")) continue;
      const frame = await lz4Tool(["-c", ...flags], data);
      const label = `${name} with lz4 ${flags.join(" ")}`;
      // The settings really are in the frame (FLG byte), so each decoder path is exercised.
      const flg = frame[4];
      if (flags.includes("--content-size") && data.length > 0) {
        assert.ok(flg & 0x08, `${label}: content size`);
      }
      if (flags.includes("-BX")) assert.ok(flg & 0x10, `${label}: block checksum`);
      if (flags.includes("--no-frame-crc")) assert.ok(!(flg & 0x04), `${label}: no checksum`);
      const bd = flags.find((f) => /^-B[4-7]$/.test(f)) ?? "-B7";
      const blockSize = 1 << (8 + 2 * Number(bd[2]));
      if (flags.includes("-BD") && data.length > blockSize) {
        assert.ok(!(flg & 0x20), `${label}: linked`);
      }
      assert.deepEqual(decompressFrame(frame), data, label);
      // Streaming, in uneven chunks.
      assert.deepEqual(streamDecode(frame, rng, 70_000), data, `${label} (streamed)`);
    }
  }
});

const OUR_OPTIONS: Lz4CompressOptions[] = [
  {},
  { blockSize: 65536 },
  { blockSize: 65536, blockLinked: true },
  { blockSize: 262144, blockLinked: true, blockChecksum: true },
  { blockSize: 1048576, contentChecksum: false },
  { contentSize: true },
  { level: 9, blockSize: 65536, blockLinked: true },
  { level: 3 },
  { level: 12, contentSize: true, blockChecksum: true },
  { level: -3 },
];

Deno.test("frames written by compressFrame and Lz4FrameEncoder decode with lz4 -d", async () => {
  for (const [name, data] of SAMPLES) {
    for (const opts of OUR_OPTIONS) {
      if (data.length > 1 << 20 && (opts.level ?? 1) >= 9) continue;
      const label = `${name} with ${JSON.stringify(opts)}`;
      const frame = compressFrame(data, opts);
      assert.deepEqual(await lz4Tool(["-d", "-c"], frame), data, label);
      const enc = new Lz4FrameEncoder(opts);
      const parts: Uint8Array[] = [];
      let i = 0;
      while (i < data.length) {
        const n = 1 + rng.int(100_000);
        parts.push(...enc.write(data.subarray(i, i + n)));
        if (rng.int(4) === 0) parts.push(...enc.flush());
        i += n;
      }
      parts.push(...enc.end());
      assert.deepEqual(
        await lz4Tool(["-d", "-c"], concatChunks(parts)),
        data,
        `${label} (streamed)`,
      );
    }
  }
});

Deno.test("the header matches the lz4 tool byte for byte for the same settings", async () => {
  const data = jsonRows(50);
  const cases: [string[], Lz4CompressOptions][] = [
    [[], {}],
    [["-B4", "-BD", "-BX", "--no-frame-crc"], {
      blockSize: 65536,
      blockLinked: true,
      blockChecksum: true,
      contentChecksum: false,
    }],
    [["--content-size", "-B5"], { contentSize: true, blockSize: 262144 }],
  ];
  for (const [flags, opts] of cases) {
    const theirs = await lz4Tool(["-c", ...flags], data);
    const ours = compressFrame(data, opts);
    const headerLength = opts.contentSize ? 15 : 7;
    assert.deepEqual(ours.subarray(0, headerLength), theirs.subarray(0, headerLength));
    // Same content checksum trailer when enabled.
    if (opts.contentChecksum !== false) assert.deepEqual(ours.subarray(-4), theirs.subarray(-4));
  }
});

Deno.test("concatenated frames and skippable frames, from the tool and from us", async () => {
  const a = jsonRows(200, 5);
  const b = shapedData(rng, 6, 5000);
  const skip = (size: number, magicLow: number) => {
    const s = new Uint8Array(8 + size);
    new DataView(s.buffer).setUint32(0, 0x184d2a50 + magicLow, true);
    new DataView(s.buffer).setUint32(4, size, true);
    s.fill(0xee, 8);
    return s;
  };
  const stream = concatChunks([
    await lz4Tool(["-c"], a),
    skip(100, 0),
    compressFrame(b, { blockLinked: true }),
    skip(0, 15),
    await lz4Tool(["-c", "-BD", "-B4"], b),
  ]);
  const expected = concatChunks([a, b, b]);
  assert.deepEqual(decompressFrame(stream), expected);
  assert.deepEqual(decompressFrame(concatChunks([skip(7, 3), stream])), expected);
  assert.deepEqual(await lz4Tool(["-d", "-c"], stream), expected);
  const dec = new Lz4FrameDecoder();
  const parts: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += 3) parts.push(...dec.write(stream.subarray(i, i + 3)));
  parts.push(...dec.end());
  assert.deepEqual(concatChunks(parts), expected);
});

Deno.test("ratio at the default level stays within 3% of lz4 -1 on JSON rows", async () => {
  const data = jsonRows(20000);
  const theirs = await lz4Tool(["-c", "-1"], data);
  const ours = compressFrame(data);
  assert.ok(
    ours.length <= theirs.length * 1.03,
    `ours ${ours.length} vs lz4 ${theirs.length}`,
  );
});
