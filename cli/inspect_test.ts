import assert from "node:assert/strict";
import { RecordBatch } from "../columnar/batch.ts";
import { quaternionColumn } from "../columnar/extensions/columns.ts";
import { QuaternionArray } from "../columnar/extensions/quaternion.ts";
import { writeIpcFile } from "../columnar/ipc/write/file.ts";
import { writeIpcStream } from "../columnar/ipc/write/stream.ts";
import { dictionary, int32, utf8 } from "../columnar/types.ts";
import { columnFromValues } from "../columnar/infer.ts";
import { ArrowError } from "../columnar/errors.ts";
import { formatInspectReport, inspectArrow } from "./inspect.ts";
import { Algorithm, compressSync } from "../compress/mod.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

function batch(n: number): RecordBatch {
  return RecordBatch.fromColumns({
    strain: new Float64Array(n).map((_, i) => i * 1e-22),
    site: columnFromValues(
      Array.from({ length: n }, (_, i) => (i % 2 ? "H1" : "L1")),
      dictionary(utf8(), int32()),
    ),
    attitude: quaternionColumn(QuaternionArray.allocate(n)),
  }, {
    metadata: {
      instrument: "LIGO",
      observatory: "Hanford",
      start_time: "2015-09-14T09:50:45Z",
      sample_rate: "16384",
    },
  });
}

async function runInspect(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", MAIN, "inspect", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("inspect: reports schema, extension types, provenance, rows and compression", () => {
  // one dictionary shared by both batches (the file format cannot replace dictionaries)
  const all = batch(150);
  const r = inspectArrow(
    writeIpcFile([all.slice(0, 100), all.slice(100)], { compression: "zstd" }),
  );
  assert.equal(r.format, "file");
  assert.equal(r.totalRows, 150);
  assert.deepEqual(r.batches.map((b) => [b.rows, b.compression]), [[100, "zstd"], [50, "zstd"]]);
  assert.deepEqual(r.fields.map((f) => [f.name, f.extension ?? null]), [
    ["strain", null],
    ["site", null],
    ["attitude", "avila.quaternion"],
  ]);
  assert.equal(r.metadata.observatory, "Hanford");
  assert.equal(r.dictionaryBatches, 1);
  const s = inspectArrow(writeIpcStream(batch(10), { compression: "lz4" }));
  assert.equal(s.format, "stream");
  assert.deepEqual(s.batches.map((b) => b.compression), ["lz4"]);
  assert.equal(inspectArrow(writeIpcStream(batch(3))).batches[0].compression, "none");
  const text = formatInspectReport(r, "x.avila");
  assert.match(text, /attitude: fixed_size_list<item: float64>\[4\] {2}<avila\.quaternion>/);
  assert.match(text, /#1: 50 rows, compression zstd/);
  assert.throws(() => inspectArrow(new Uint8Array([1, 2, 3, 4, 5])), ArrowError);
});

Deno.test("inspect: `avx inspect` as a subprocess on .avila and stream files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const avila = `${dir}/gw150914.avila`;
    const stream = `${dir}/events.arrows`;
    const all = batch(4106);
    await Deno.writeFile(
      avila,
      writeIpcFile([all.slice(0, 4096), all.slice(4096)], { compression: "lz4" }),
    );
    await Deno.writeFile(stream, writeIpcStream(batch(7)));
    let r = await runInspect(avila);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /gw150914\.avila: Arrow IPC file, \d+ bytes, 2 record batches, 4106 rows/,
    );
    assert.match(r.stdout, /site: dictionary<values=utf8, indices=int32>/);
    assert.match(r.stdout, /attitude: .*<avila\.quaternion>/);
    assert.match(r.stdout, /start_time\s+2015-09-14T09:50:45Z/);
    assert.match(r.stdout, /#0: 4096 rows, compression lz4/);
    r = await runInspect("--json", stream);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.format, "stream");
    assert.equal(j.totalRows, 7);
    assert.equal(j.metadata.sample_rate, "16384");
    const bad = `${dir}/bad.arrow`;
    await Deno.writeFile(bad, writeIpcFile(batch(5)).subarray(0, 60));
    r = await runInspect(bad);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /^avx: .*bad\.arrow: corrupt/);
    r = await runInspect();
    assert.equal(r.code, 2);
    r = await runInspect(`${dir}/missing.arrow`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function tool(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

Deno.test("avx inspect describes .zst/.lz4/.sz/columnar files as zstd -l and lz4 --list do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = new TextEncoder().encode("2024-05-01 sensor=17 temp=21.5\n".repeat(400));
    await Deno.writeFile(`${dir}/t.txt`, text);
    await tool("zstd", ["-q", "-19", `${dir}/t.txt`, "-o", `${dir}/t.zst`]);
    await tool("lz4", ["-q", `${dir}/t.txt`, `${dir}/t.lz4`]);
    await tool("lz4", ["-q", "-l", `${dir}/t.txt`, `${dir}/t.legacy.lz4`]);
    const lz4Bytes = await Deno.readFile(`${dir}/t.lz4`);
    await Deno.writeFile(`${dir}/two.lz4`, new Uint8Array([...lz4Bytes, ...lz4Bytes]));
    await Deno.writeFile(`${dir}/t.sz`, compressSync(text, Algorithm.Snappy));
    const numbers = new Float64Array(3000).map((_, i) => i / 8);
    await Deno.writeFile(
      `${dir}/t.col`,
      compressSync(new Uint8Array(numbers.buffer), Algorithm.Columnar, { elementType: "f64" }),
    );

    const r = await runInspect(
      "--json",
      ...["t.zst", "t.lz4", "two.lz4", "t.legacy.lz4", "t.sz", "t.col"].map((f) => `${dir}/${f}`),
    );
    assert.equal(r.code, 0, r.stderr);
    const [zst, lz4, two, legacy, sz, col] = r.stdout.trim().split("\n").map((l) => JSON.parse(l));

    // zstd -lv: frames, sizes, window, check.
    const zl = await tool("zstd", ["-lv", `${dir}/t.zst`]);
    assert.equal(zst.format, "zstd");
    assert.equal(zst.frames, Number(/Zstandard Frames: (\d+)/.exec(zl)![1]));
    assert.equal(zst.decompressedBytes, Number(/Decompressed Size: .*\((\d+) B\)/.exec(zl)![1]));
    assert.equal(zst.compressedBytes, Number(/Compressed Size: .*\((\d+) B\)/.exec(zl)![1]));
    assert.equal(zst.details["window size"], Number(/Window Size: .*\((\d+) B\)/.exec(zl)![1]));
    assert.equal(zst.details["content size"], text.length);
    assert.equal(zst.check, /Check: XXH64/.test(zl) ? "xxh64" : "none");

    // lz4 --list -v: one row per frame with its block size code, independence and check.
    const ll = await tool("lz4", ["--list", "-v", `${dir}/two.lz4`]);
    const rows = [...ll.matchAll(/\n\s+(\d+)\s+LZ4Frame\s+B(\d)([ID])\s+(\S+)/g)];
    assert.equal(two.frames, rows.length);
    assert.equal(lz4.frames, 1);
    const row = rows[0];
    assert.equal(two.details["block size"], 1 << (8 + 2 * Number(row[2])));
    assert.equal(two.details["blocks independent"], row[3] === "I");
    assert.equal(two.check, row[4] === "XXH32" ? "xxh32" : "none");
    assert.equal(two.decompressedBytes, 2 * text.length);
    assert.equal(legacy.format, "lz4-legacy");
    assert.equal(legacy.decompressedBytes, text.length);

    assert.equal(sz.format, "snappy");
    assert.equal(sz.decompressedBytes, text.length);
    assert.equal(sz.check, "crc32c");
    assert.equal(col.format, "columnar");
    assert.equal(col.details["element type"], "f64");
    assert.equal(col.details.count, 3000);
    assert.equal(col.decompressedBytes, numbers.byteLength);

    const human = await runInspect(`${dir}/t.zst`);
    assert.match(
      human.stdout,
      /zstd, 1 frame, \d+ bytes -> 12400 bytes \(ratio [\d.]+\), check xxh64/,
    );
    // Bytes that are neither Arrow nor compressed stay an error, not a crash.
    await Deno.writeFile(`${dir}/junk.lz4`, new Uint8Array([0x04, 0x22, 0x4d, 0x18, 1, 2, 3]));
    const bad = await runInspect(`${dir}/junk.lz4`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /corrupt|unsupported/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
