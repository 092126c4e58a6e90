// Frames written by the reference `zstd` CLI (1.5.x) decode bit-exact, one-shot and streaming.
import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { decompressZstd, parseZstdDictionary } from "./mod.ts";
import { concat, sample, streamDecode, zstdCli } from "./_test_tools.ts";

const DATA = sample(300_000); // three blocks and more
const TINY = new TextEncoder().encode("z");

function same(got: Uint8Array, want: Uint8Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${label}: first difference at byte ${i}`);
  }
}

Deno.test("zstd CLI: every level 1..19 and --ultra 20..22 decodes, one-shot and streaming", async () => {
  // Two blocks, so the second can repeat the first one's tables (treeless / repeat modes).
  const data = DATA.subarray(0, 140_000);
  for (let level = 1; level <= 22; level++) {
    const args = level > 19 ? ["--ultra", `-${level}`] : [`-${level}`];
    // Half the frames declare their content size (the CLI writes it for files, not stdin).
    if (level % 2 === 0) args.push(`--stream-size=${data.length}`);
    const frame = await zstdCli(args, data);
    same(decompressZstd(frame), data, `level ${level}`);
    if (level % 4 === 1) same(streamDecode(frame, 4093 + level), data, `level ${level} streamed`);
  }
});

Deno.test("zstd CLI: --long, --fast, small windows and blocks, no checksum, no content size", async () => {
  const cases: string[][] = [
    ["--long=27", "-19"],
    ["--long", "-3"],
    ["--fast=7"],
    ["-B4096", "-5"],
    ["--zstd=wlog=10", "-9"],
    ["--zstd=wlog=10", "--no-content-size", "-3"],
    ["--no-check", "-3"],
    ["--no-content-size", "-12"],
    ["--single-thread", "-1"],
    [`--stream-size=${DATA.length}`, "-7"],
    [`--stream-size=${DATA.length}`, "--long=25", "-19"],
  ];
  for (const args of cases) {
    const frame = await zstdCli(args, DATA);
    same(decompressZstd(frame), DATA, args.join(" "));
    same(streamDecode(frame, 1000), DATA, `${args.join(" ")} streamed`);
  }
});

Deno.test("zstd CLI: raw, RLE and compressed blocks; empty and one-byte inputs", async () => {
  const random = new Uint8Array(200_000).map((_, i) => (Math.imul(i, 2654435761) >>> 13) & 255);
  const zeros = new Uint8Array(500_000);
  for (
    const [name, data] of [["random", random], ["zeros", zeros], ["empty", new Uint8Array(0)], [
      "one byte",
      TINY,
    ]] as const
  ) {
    const frame = await zstdCli(["-3"], data);
    same(decompressZstd(frame), data, name);
    same(streamDecode(frame, data.length < 1000 ? 1 : 999), data, `${name} streamed`);
  }
});

Deno.test("zstd CLI: concatenated frames and skippable frames decode as one stream", async () => {
  const a = await zstdCli(["-1"], DATA.subarray(0, 50_000));
  const b = await zstdCli(["-19"], DATA.subarray(50_000, 90_000));
  const e = await zstdCli(["-3"], new Uint8Array(0));
  const skippable = Uint8Array.of(0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3);
  const stream = concat([skippable, a, e, skippable, b]);
  same(decompressZstd(stream), DATA.subarray(0, 90_000), "one-shot");
  same(streamDecode(stream, 777), DATA.subarray(0, 90_000), "streamed");
});

Deno.test("zstd CLI: a damaged content checksum is a checksum error", async () => {
  const frame = await zstdCli(["-3"], DATA.subarray(0, 10_000));
  frame[frame.length - 1] ^= 1;
  assert.throws(
    () => decompressZstd(frame),
    (e) => e instanceof CompressError && e.code === "checksum",
  );
  assert.throws(
    () => streamDecode(frame, 100),
    (e) => e instanceof CompressError && e.code === "checksum",
  );
});

/** JSON records like the ones a dictionary is trained for. */
function records(n: number, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const enc = new TextEncoder();
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const cities = ["Lisbon", "Porto", "Paris", "Berlin", "Osaka"];
  for (let i = 0; i < n; i++) {
    const rows = [];
    for (let k = 0; k < 3 + ((next() * 10) | 0); k++) {
      rows.push({
        id: (next() * 1e6) | 0,
        city: cities[(next() * cities.length) | 0],
        score: Math.round(next() * 10000) / 100,
        active: next() < 0.5,
      });
    }
    out.push(enc.encode(JSON.stringify(rows)));
  }
  return out;
}

Deno.test("zstd CLI: dictionaries from zstd --train, by id, without id, and raw content", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx-zstd-dict-" });
  try {
    const samples = records(300, 7);
    const paths: string[] = [];
    for (let i = 0; i < samples.length; i++) {
      paths.push(`${dir}/s${i}.json`);
      await Deno.writeFile(paths[i], samples[i]);
    }
    const dictPath = `${dir}/dict`;
    const train = await new Deno.Command("zstd", {
      args: ["-q", "--train", "--maxdict=8192", "-o", dictPath, ...paths],
    }).output();
    assert.ok(train.success, new TextDecoder().decode(train.stderr));
    const dict = await Deno.readFile(dictPath);
    const parsed = parseZstdDictionary(dict);
    assert.notEqual(parsed.id, 0);
    const message = records(1, 99)[0];
    for (const level of ["-1", "-3", "-19"]) {
      const frame = await zstdCli(["-D", dictPath, level], message);
      same(decompressZstd(frame, { dictionary: dict }), message, `dict ${level}`);
      same(decompressZstd(frame, { dictionary: parsed }), message, `parsed dict ${level}`);
      same(
        decompressZstd(frame, { dictionary: (id) => (id === parsed.id ? dict : undefined) }),
        message,
        `resolved dict ${level}`,
      );
      same(streamDecode(frame, 13, { dictionary: dict }), message, `dict ${level} streamed`);
      assert.throws(
        () => decompressZstd(frame),
        (e) => e instanceof CompressError && e.code === "unsupported",
      );
    }
    const noId = await zstdCli(["-D", dictPath, "--no-dictID", "-3"], message);
    same(decompressZstd(noId, { dictionary: dict }), message, "no dictID");
    // Raw content: any file that is not a trained dictionary.
    const rawPath = `${dir}/raw`;
    const raw = DATA.subarray(0, 20_000);
    await Deno.writeFile(rawPath, raw);
    const part = DATA.subarray(5_000, 9_000);
    const rawFrame = await zstdCli(["-D", rawPath, "-3"], part);
    assert.ok(rawFrame.length < 200, "the raw dictionary was used");
    same(decompressZstd(rawFrame, { dictionary: raw }), part, "raw content");
    same(streamDecode(rawFrame, 5, { dictionary: raw }), part, "raw content streamed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
