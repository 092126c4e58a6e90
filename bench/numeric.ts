/**
 * Numeric codec benchmark: Columnar against pcodec (the reference numeric codec), zstd -3 and
 * -19 (node:zlib) and blosc2's best filter, on the numeric corpus (`compress/_test_numeric.ts`,
 * 2^17 elements per array). One run: ratio, compress and decompress speed (median of 3 rounds
 * for ours and pcodec, 1 round for zstd and blosc2).
 *
 * Run: `deno run -A bench/numeric.ts` (or `bench/compress.ts --numeric`). Needs pcodec's
 * driver at `$PCOBENCH` or `../shared/tools/pcodec/pcobench` beside the checkout, and a
 * Python with blosc2 at `$BLOSC2_PYTHON` (default `/tmp/numeric-py/bin/python`); each column
 * is skipped when its tool is absent.
 *
 * @module
 */

import * as zlib from "node:zlib";
import { compressColumnar, decompressColumnar, encodeColumnar } from "../compress/columnar/mod.ts";
import { numericCorpus } from "../compress/_test_numeric.ts";

/** pcodec's driver: `$PCOBENCH`, else `../shared/tools/pcodec/pcobench` beside the checkout. */
const PCOBENCH = Deno.env.get("PCOBENCH") ??
  [
    new URL("../../shared/tools/pcodec/pcobench", import.meta.url).pathname,
    new URL("../../../shared/tools/pcodec/pcobench", import.meta.url).pathname,
  ].find(exists) ?? "pcobench";
const PYTHON = Deno.env.get("BLOSC2_PYTHON") ?? "/tmp/numeric-py/bin/python";
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timed(f: () => unknown, rounds: number): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
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
  const dir = Deno.makeTempDirSync({ prefix: "numeric-bench-" });
  const corpus = numericCorpus();
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
    const oc = timed(() => compressColumnar(d.data, { elementType: d.elementType }), ROUNDS);
    const od = timed(() => decompressColumnar(frame), ROUNDS);
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
    if (exists(PCOBENCH)) {
      const o = new Deno.Command(PCOBENCH, { args: [d.elementType, file, "8", String(ROUNDS)] })
        .outputSync();
      const [size, c, dd] = new TextDecoder().decode(o.stdout).trim().split(/\s+/).map(Number);
      if (o.success) row.pco = { size, c: c * 1000, d: dd * 1000 };
    }
    rows.push(row);
  }
  if (exists(PYTHON)) {
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
      "bytedelta × zstd-9 / lz4hc-9. Target: Columnar ≥ 1.0× pcodec's ratio on every array, " +
      "at ≥ its compress speed.\n",
  );
  lines.push(
    "| array | Columnar | MB/s | pcodec | MB/s | ratio ÷ pcodec | compress speed ÷ pcodec | " +
      "zstd -3 | zstd -19 | blosc2 best | chain |",
  );
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows) {
    const ratio = (s: number) => (r.bytes / s).toFixed(2);
    const pco = r.pco
      ? `| ${ratio(r.pco.size)} | ${mbs(r.bytes, r.pco.c)} / ${mbs(r.bytes, r.pco.d)} | ${
        (r.pco.size / r.ours.size).toFixed(3)
      } | ${(r.pco.c / r.ours.c).toFixed(2)} `
      : "| - | - | - | - ";
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
