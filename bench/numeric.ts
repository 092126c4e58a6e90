/**
 * Numeric codec benchmark: Columnar against pcodec (the reference numeric codec), zstd -3 and
 * -19 (node:zlib) and blosc2's best filter, on the numeric corpus (`compress/_test_numeric.ts`,
 * 2^17 elements per array). One run: ratio, compress and decompress speed (median of 9 rounds
 * for ours, after one pass over all arrays and 5 warm-up calls so that the JIT has compiled
 * the hot loops as it has in a running server, and for pcodec, in its own process; 1 round for zstd and blosc2). Columnar,
 * pcodec and zstd compress speeds are per CPU second (see {@link timed}, {@link pcodec});
 * pcodec's decompression and blosc2 are timed by their own drivers (wall clock).
 *
 * Run: `deno run -A bench/numeric.ts` (or `bench/compress.ts --numeric`). Needs pcodec's
 * driver at `$PCOBENCH` or `../shared/tools/pcodec/pcobench` beside the checkout, and a
 * Python with blosc2 at `$BLOSC2_PYTHON` (default `/tmp/numeric-py/bin/python`); each column
 * is skipped when its tool is absent.
 *
 * @module
 */

import { existsSync } from "node:fs";
import * as zlib from "node:zlib";
import { compressColumnar, decompressColumnar, encodeColumnar } from "../compress/columnar/mod.ts";
import { numericCorpus } from "../compress/_test_numeric.ts";
import { cpuMs, median } from "./_timing.ts";

/** pcodec's driver: `$PCOBENCH`, else `../shared/tools/pcodec/pcobench` beside the checkout. */
const PCOBENCH = Deno.env.get("PCOBENCH") ??
  [
    new URL("../../shared/tools/pcodec/pcobench", import.meta.url).pathname,
    new URL("../../../shared/tools/pcodec/pcobench", import.meta.url).pathname,
  ].find((p) => existsSync(p)) ?? "pcobench";
const PYTHON = Deno.env.get("BLOSC2_PYTHON") ?? "/tmp/numeric-py/bin/python";
const ROUNDS = 9;
/** Calls before timing: V8 compiles the hot loops on the first few. */
const WARM_UP = 5;

/**
 * Median CPU milliseconds of `f`. CPU time, not the wall clock: on a shared machine the wall
 * clock measures the other jobs as much as the code.
 */
function timed(f: () => unknown, rounds: number, warmUp = 0): number {
  for (let i = 0; i < warmUp; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = cpuMs();
    f();
    ms.push(cpuMs() - t0);
  }
  return median(ms);
}

/**
 * pcodec's size and compress / decompress milliseconds. Compress time is CPU time too: the
 * driver's CPU time (bash's `time`) with 1 + ROUNDS rounds less that with 1 round (start-up and
 * reading the file cancel out), per round, less the round's decompression (the driver's median
 * wall time, which is at least its CPU time: this errs in pcodec's favour).
 */
function pcodec(dtype: string, file: string): { size: number; c: number; d: number } | undefined {
  const run = (rounds: number) => {
    const o = new Deno.Command("bash", {
      args: [
        "-c",
        'TIMEFORMAT="%3U %3S"; { time "$@"; } 2>&1',
        "bash",
        PCOBENCH,
        dtype,
        file,
        "8",
        String(rounds),
      ],
    }).outputSync();
    const lines = new TextDecoder().decode(o.stdout).trim().split("\n");
    const [size, c, d] = lines[0].trim().split(/\s+/).map(Number);
    const [user, sys] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
    return o.success ? { size, c, d, cpu: (user + sys) * 1000 } : undefined;
  };
  const one = run(1);
  const many = run(1 + ROUNDS);
  if (one === undefined || many === undefined) return undefined;
  const perRound = (many.cpu - one.cpu) / ROUNDS;
  return { size: many.size, c: Math.max(perRound - many.d * 1000, 0.001), d: many.d * 1000 };
}

/** The 1-minute load average (Linux), or "unknown". */
function loadAvg(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
  } catch {
    return "unknown";
  }
}

const BLOSC2_SCRIPT = `
import sys, json, time, numpy as np, blosc2
for line in open(sys.argv[1]):
    path, dtype = line.split()
    a = np.fromfile(path, dtype=dtype)
    raw = a.tobytes()
    best = None
    for name, filters in [("shuffle", [blosc2.Filter.SHUFFLE]), ("bitshuffle", [blosc2.Filter.BITSHUFFLE]),
                          ("bytedelta", [blosc2.Filter.SHUFFLE, blosc2.Filter.BYTEDELTA])]:
        for codec in [blosc2.Codec.ZSTD, blosc2.Codec.LZ4HC]:
            cp = {"codec": codec, "clevel": 9, "filters": filters, "typesize": a.itemsize, "nthreads": 1}
            t0 = time.perf_counter(); c = blosc2.compress2(raw, **cp); t1 = time.perf_counter()
            d = blosc2.decompress2(c); t2 = time.perf_counter()
            assert d == raw
            if best is None or len(c) < best[1]:
                best = (name + "+" + codec.name.lower(), len(c), t1 - t0, t2 - t1)
    print(json.dumps(best), flush=True)
`;

interface Row {
  name: string;
  bytes: number;
  ours: { size: number; c: number; d: number; chain: string };
  pco?: { size: number; c: number; d: number };
  z3: { size: number; c: number };
  z19: { size: number; c: number };
  blosc?: { how: string; size: number; c: number; d: number };
}

/** Runs the numeric table; returns Markdown lines. */
export function numericSection(): string[] {
  const loadAverage = loadAvg();
  const dir = Deno.makeTempDirSync({ prefix: "numeric-bench-" });
  const corpus = numericCorpus();
  // One pass over every array first: V8 compiles the codec's loops on their first calls (in
  // background threads whose CPU time counts here), which would otherwise land on the first
  // arrays timed only.
  for (const d of corpus) {
    decompressColumnar(compressColumnar(d.data, { elementType: d.elementType }));
  }
  const rows: Row[] = [];
  const files: string[] = [];
  for (const [i, d] of corpus.entries()) {
    const file = `${dir}/${i}.bin`;
    Deno.writeFileSync(file, d.data);
    files.push(file);
    const frame = compressColumnar(d.data, { elementType: d.elementType });
    const back = decompressColumnar(frame);
    if (back.length !== d.data.length || !back.every((v, j) => v === d.data[j])) {
      throw new Error(`columnar failed to round-trip ${d.name}`);
    }
    const info = encodeColumnar(d.data, { elementType: d.elementType }).info;
    const oc = timed(
      () => compressColumnar(d.data, { elementType: d.elementType }),
      ROUNDS,
      WARM_UP,
    );
    const od = timed(() => decompressColumnar(frame), ROUNDS, WARM_UP);
    const z3 = zlib.zstdCompressSync(d.data);
    const z3c = timed(() => zlib.zstdCompressSync(d.data), 1);
    const z19p = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 19 } };
    const z19 = zlib.zstdCompressSync(d.data, z19p);
    const z19c = timed(() => zlib.zstdCompressSync(d.data, z19p), 1);
    const row: Row = {
      name: d.name,
      bytes: d.data.length,
      ours: {
        size: frame.length,
        c: oc,
        d: od,
        chain: `${info.transforms.join(" + ")}${info.inner === "none" ? "" : ` + ${info.inner}`}`,
      },
      z3: { size: z3.length, c: z3c },
      z19: { size: z19.length, c: z19c },
    };
    if (existsSync(PCOBENCH)) row.pco = pcodec(d.elementType, file);
    rows.push(row);
  }
  if (existsSync(PYTHON)) {
    const np = { f64: "float64", f32: "float32", i64: "int64", i32: "int32" };
    const input = corpus.map((d, i) => `${files[i]} ${np[d.elementType]}\n`).join("");
    Deno.writeTextFileSync(`${dir}/list.txt`, input);
    const o = new Deno.Command(PYTHON, { args: ["-c", BLOSC2_SCRIPT, `${dir}/list.txt`] })
      .outputSync();
    const out = new TextDecoder().decode(o.stdout).trim().split("\n");
    out.forEach((l, i) => {
      if (!l) return;
      const [how, size, c, d] = JSON.parse(l);
      rows[i].blosc = { how, size, c: c * 1000, d: d * 1000 };
    });
  }
  Deno.removeSync(dir, { recursive: true });

  const mbs = (bytes: number, ms: number) => {
    const v = bytes / 1e6 / (ms / 1000);
    return v < 10 ? v.toFixed(1) : v.toFixed(0);
  };
  const lines: string[] = [];
  lines.push("## Numeric codec: Columnar against pcodec, zstd and blosc2 (2^17 elements each)\n");
  lines.push(
    "Ratio (raw ÷ compressed) and speed in MB/s of raw data (compress / decompress); " +
      "pcodec 0.4.2 at level 8 (its default), blosc2 1 thread, best of shuffle / bitshuffle / " +
      "bytedelta × zstd-9 / lz4hc-9. Speeds of Columnar and pcodec: median of 9 rounds " +
      "(Columnar after a pass over all arrays and 5 warm-up calls), per second of CPU time " +
      "(pcodec's decompression and blosc2: wall clock, timed by their drivers, which on a " +
      "loaded machine counts time spent waiting against them). Target: " +
      "Columnar ≥ 1.0× pcodec's ratio on every array, at ≥ its compress speed. Load average " +
      `when the run began: ${loadAverage}.\n`,
  );
  lines.push(
    "| array | Columnar | MB/s | pcodec | MB/s | ratio ÷ pcodec | compress speed ÷ pcodec | " +
      "decompress speed ÷ pcodec | zstd -3 | zstd -19 | blosc2 best | chain |",
  );
  lines.push(
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  );
  for (const r of rows) {
    const ratio = (s: number) => (r.bytes / s).toFixed(2);
    const pco = r.pco
      ? `| ${ratio(r.pco.size)} | ${mbs(r.bytes, r.pco.c)} / ${mbs(r.bytes, r.pco.d)} | ${
        (r.pco.size / r.ours.size).toFixed(3)
      } | ${(r.pco.c / r.ours.c).toFixed(2)} | ${(r.pco.d / r.ours.d).toFixed(2)} `
      : "| - | - | - | - | - ";
    const blosc = r.blosc
      ? `${ratio(r.blosc.size)} (${r.blosc.how}, ${mbs(r.bytes, r.blosc.c)})`
      : "-";
    lines.push(
      `| ${r.name} | ${ratio(r.ours.size)} | ${mbs(r.bytes, r.ours.c)} / ${
        mbs(r.bytes, r.ours.d)
      } ${pco}| ${ratio(r.z3.size)} (${mbs(r.bytes, r.z3.c)}) | ${ratio(r.z19.size)} (${
        mbs(r.bytes, r.z19.c)
      }) | ${blosc} | ${r.ours.chain} |`,
    );
  }
  lines.push("");
  return lines;
}

if (import.meta.main) console.log(numericSection().join("\n"));
