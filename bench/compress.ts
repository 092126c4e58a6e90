/**
 * Compression benchmark: our LZ4 and Snappy against pure-JS peers (lz4js, snappyjs), native
 * peers (lz4-napi, snappy) and node:zlib (gzip, zstd, brotli), on five corpora.
 *
 * Run: `deno run -A bench/compress.ts [--quick] [--scientific] [--zstd] [--brotli] [--numeric]`.
 * Prints Markdown tables; `--zstd` runs only the zstd decoder section (ours vs fzstd vs
 * node:zlib); `--brotli` runs only the brotli decode section (our TypeScript decoder vs the
 * native ones); `--scientific` runs only the scientific corpus (columnar and auto against gzip and
 * zstd); `--numeric` only the numeric table (`bench/numeric.ts`: columnar against pcodec, zstd and
 * blosc2). Each cell is the median of repeated runs after warm-up.
 *
 * @module
 */

import * as zlib from "node:zlib";
import lz4js from "lz4js";
import snappyjs from "snappyjs";
import * as lz4napi from "lz4-napi";
import * as snappyNative from "snappy";
import { compressFrame, decompressFrame } from "../compress/lz4/mod.ts";
import { decompressBlock } from "../compress/lz4/block_decode.ts";
import { compressBlock } from "../compress/lz4/block_encode.ts";
import { lz4Tool } from "../compress/lz4/_test_lz4_tool.ts";
import { compressRaw, decompressRaw } from "../compress/snappy/mod.ts";
import { compressColumnar, decompressColumnar, encodeColumnar } from "../compress/columnar/mod.ts";
import { compressAuto, decompressAutoFrame } from "../compress/auto/mod.ts";
import { Level } from "../compress/types.ts";
import {
  corpora,
  jsonRows,
  REAL_TEXT_SOURCE,
  scientificCorpora,
  type ScientificDataset,
} from "./_corpus.ts";
import { zstdDecodeSection } from "./_zstd_decode.ts";
import { brotliDecodeSection } from "./_brotli_decode.ts";
import { numericSection } from "./numeric.ts";

const quick = Deno.args.includes("--quick");
/** Interleaved rounds per corpus, and the time each codec's batch takes in a round (ms). */
const ROUNDS = quick ? 3 : 9;
const BATCH_MS = quick ? 8 : 20;

interface Codec {
  name: string;
  kind: "ours" | "pure JS" | "native" | "node:zlib";
  family: "lz4-frame" | "lz4-block" | "snappy" | "other";
  compress(d: Uint8Array): Uint8Array;
  decompress(c: Uint8Array, size: number): Uint8Array;
}

const u8 = (b: ArrayLike<number> & { buffer?: ArrayBufferLike }): Uint8Array =>
  b instanceof Uint8Array ? b : Uint8Array.from(b);

/** Our frame without the content checksum: the peers' frames carry none. */
const NO_CHECKSUM = "avx LZ4 frame, no checksum";

const CODECS: Codec[] = [
  {
    name: "avx LZ4 frame",
    kind: "ours",
    family: "lz4-frame",
    compress: (d) => compressFrame(d),
    decompress: (c) => decompressFrame(c),
  },
  {
    // Like-for-like with lz4js and lz4-napi, whose frames carry no content checksum (ours
    // writes and verifies one by default, as the `lz4` tool does).
    name: NO_CHECKSUM,
    kind: "ours",
    family: "lz4-frame",
    compress: (d) => compressFrame(d, { contentChecksum: false }),
    decompress: (c) => decompressFrame(c),
  },
  {
    name: "lz4js frame",
    kind: "pure JS",
    family: "lz4-frame",
    compress: (d) => u8(lz4js.compress(d)),
    decompress: (c) => u8(lz4js.decompress(c)),
  },
  {
    name: "lz4-napi frame",
    kind: "native",
    family: "lz4-frame",
    compress: (d) => lz4napi.compressFrameSync(d as never),
    decompress: (c) => lz4napi.decompressFrameSync(c as never),
  },
  {
    name: "avx LZ4 block",
    kind: "ours",
    family: "lz4-block",
    compress: (d) => compressBlock(d),
    decompress: (c, n) => decompressBlock(c, n),
  },
  {
    name: "lz4-napi block",
    kind: "native",
    family: "lz4-block",
    compress: (d) => lz4napi.compressSync(d as never),
    decompress: (c) => lz4napi.uncompressSync(c as never),
  },
  {
    name: "avx Snappy raw",
    kind: "ours",
    family: "snappy",
    compress: (d) => compressRaw(d),
    decompress: (c) => decompressRaw(c),
  },
  {
    name: "snappyjs raw",
    kind: "pure JS",
    family: "snappy",
    compress: (d) => new Uint8Array(snappyjs.compress(d)),
    decompress: (c) => new Uint8Array(snappyjs.uncompress(c)),
  },
  {
    name: "snappy (napi) raw",
    kind: "native",
    family: "snappy",
    compress: (d) => snappyNative.compressSync(d as never),
    decompress: (c) => snappyNative.uncompressSync(c as never) as Uint8Array,
  },
  {
    name: "gzip -6",
    kind: "node:zlib",
    family: "other",
    compress: (d) => zlib.gzipSync(d, { level: 6 }),
    decompress: (c) => zlib.gunzipSync(c),
  },
  {
    name: "zstd -3",
    kind: "node:zlib",
    family: "other",
    compress: (d) => zlib.zstdCompressSync(d),
    decompress: (c) => zlib.zstdDecompressSync(c),
  },
  {
    name: "brotli -5",
    kind: "node:zlib",
    family: "other",
    compress: (d) =>
      zlib.brotliCompressSync(d, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
    decompress: (c) => zlib.brotliDecompressSync(c),
  },
];

/**
 * Milliseconds per call of each function in `fns`, measured in interleaved rounds (every codec
 * once per round, so a burst of load from other processes hits all of them alike); each round
 * times a batch of about `BATCH_MS`; the result is the median over rounds.
 */
function measureInterleaved(fns: (() => unknown)[]): number[] {
  const reps = fns.map((fn) => {
    fn(); // warm-up
    fn();
    const t = performance.now();
    fn();
    const ms = Math.max(performance.now() - t, 0.01);
    return Math.max(1, Math.round(BATCH_MS / ms));
  });
  const samples: number[][] = fns.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < fns.length; i++) {
      const t = performance.now();
      for (let k = 0; k < reps[i]; k++) fns[i]();
      samples[i].push((performance.now() - t) / reps[i]);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Scientific corpus (issue #4): gzip-6, zstd-3, columnar and auto on typed arrays.
// `--scientific` runs only this section.
function scientificSection(): string[] {
  const lines: string[] = [];
  const sci = scientificCorpora();
  interface SciCodec {
    name: string;
    compress(d: Uint8Array, t: ScientificDataset["elementType"]): Uint8Array;
    decompress(c: Uint8Array): Uint8Array;
  }
  const sciCodecs: SciCodec[] = [
    {
      name: "gzip -6",
      compress: (d) => zlib.gzipSync(d, { level: 6 }),
      decompress: (c) => zlib.gunzipSync(c),
    },
    {
      name: "zstd -3",
      compress: (d) => zlib.zstdCompressSync(d),
      decompress: (c) => zlib.zstdDecompressSync(c),
    },
    {
      name: "columnar fast",
      compress: (d, t) => compressColumnar(d, { elementType: t, level: Level.Fast }),
      decompress: (c) => decompressColumnar(c),
    },
    {
      name: "columnar",
      compress: (d, t) => compressColumnar(d, { elementType: t }),
      decompress: (c) => decompressColumnar(c),
    },
    {
      name: "auto (no type given)",
      compress: (d) => compressAuto(d).data,
      decompress: (c) => decompressAutoFrame(c),
    },
  ];
  lines.push("## Scientific corpus: columnar and auto (1 MiB each)\n");
  lines.push(
    "Targets (issue #4): columnar ratio ≥ 1.2× zstd -3's, compression ≥ 2× gzip -6's speed, " +
      "decompression ≥ 0.5× zstd's speed; auto within 10% of the best ratio on each dataset " +
      "(best of the codecs below and zstd -19).\n",
  );
  lines.push("| dataset | codec | ratio | compress MB/s | decompress MB/s | chain |");
  lines.push("| --- | --- | ---: | ---: | ---: | --- |");
  const verdicts: string[] = [];
  for (const { name, elementType, data } of sci) {
    const packed = sciCodecs.map((c) => {
      const p = c.compress(data, elementType);
      if (!equal(u8(c.decompress(p)), data)) throw new Error(`${c.name} failed on ${name}`);
      return p;
    });
    const cMs = measureInterleaved(sciCodecs.map((c) => () => c.compress(data, elementType)));
    const dMs = measureInterleaved(sciCodecs.map((c, i) => () => c.decompress(packed[i])));
    const mb = data.length / 1e6;
    const ratio = packed.map((p) => data.length / p.length);
    const chain = encodeColumnar(data, { elementType });
    const info = `${chain.info.transforms.join(" + ")}${
      chain.info.inner === "none" ? "" : ` + ${chain.info.inner}`
    }`;
    const auto = compressAuto(data).choice;
    sciCodecs.forEach((c, i) => {
      const how = c.name === "columnar"
        ? info
        : c.name.startsWith("auto")
        ? `${auto.algorithm}${auto.elementType ? " " + auto.elementType : ""} ${
          (auto.transforms ?? []).join(" + ")
        }`
        : "";
      lines.push(
        `| ${name} | ${c.name} | ${ratio[i].toFixed(2)} | ${(mb / (cMs[i] / 1000)).toFixed(0)} | ${
          (mb / (dMs[i] / 1000)).toFixed(0)
        } | ${how} |`,
      );
    });
    const z19 = data.length / zlib.zstdCompressSync(data, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 19 },
    }).length;
    const col = 3;
    const best = Math.max(z19, ...ratio);
    const ok = (b: boolean) => (b ? "yes" : "**no**");
    verdicts.push(
      `| ${name} | ${(ratio[col] / ratio[1]).toFixed(2)}× ${ok(ratio[col] >= 1.2 * ratio[1])} | ${
        (cMs[0] / cMs[col]).toFixed(2)
      }× ${ok(cMs[0] / cMs[col] >= 2)} | ${(dMs[1] / dMs[col]).toFixed(2)}× ${
        ok(dMs[1] / dMs[col] >= 0.5)
      } | ${(ratio[4] / best).toFixed(2)} ${ok(ratio[4] >= 0.9 * best)} (zstd -19 ${
        z19.toFixed(2)
      }) |`,
    );
  }
  lines.push("");
  lines.push("### Scientific targets\n");
  lines.push(
    "| dataset | columnar ratio ÷ zstd -3 (≥ 1.2) | compress speed ÷ gzip -6 (≥ 2) | " +
      "decompress speed ÷ zstd (≥ 0.5) | auto ratio ÷ best (≥ 0.9) |",
  );
  lines.push("| --- | --- | --- | --- | --- |");
  lines.push(...verdicts);
  lines.push("");
  return lines;
}

if (Deno.args.includes("--zstd")) {
  console.log(zstdDecodeSection(ROUNDS, BATCH_MS).join("\n"));
  Deno.exit(0);
}
if (Deno.args.includes("--brotli")) {
  console.log((await brotliDecodeSection(corpora(), ROUNDS, BATCH_MS)).join("\n"));
  Deno.exit(0);
}
if (Deno.args.includes("--numeric")) {
  console.log(numericSection().join("\n"));
  Deno.exit(0);
}

if (Deno.args.includes("--scientific")) {
  console.log(scientificSection().join("\n"));
  Deno.exit(0);
}

interface Row {
  corpus: string;
  codec: Codec;
  cMBs: number;
  dMBs: number;
  ratio: number;
  size: number;
}

const rows: Row[] = [];
const sets = corpora();
const t0 = performance.now();
for (const { name, data } of sets) {
  const packed = CODECS.map((codec) => {
    const p = codec.compress(data);
    const back = codec.decompress(p, data.length);
    if (!equal(u8(back), data)) throw new Error(`${codec.name} failed to round-trip ${name}`);
    return p;
  });
  const cMs = measureInterleaved(CODECS.map((c) => () => c.compress(data)));
  const dMs = measureInterleaved(CODECS.map((c, i) => () => c.decompress(packed[i], data.length)));
  const mb = data.length / 1e6;
  CODECS.forEach((codec, i) => {
    rows.push({
      corpus: name,
      codec,
      cMBs: mb / (cMs[i] / 1000),
      dMBs: mb / (dMs[i] / 1000),
      ratio: data.length / packed[i].length,
      size: packed[i].length,
    });
  });
}

const fmt = (n: number, d = 0) => n.toFixed(d);
const out: string[] = [];
out.push(`# Compression benchmark\n`);
out.push(
  `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}. ` +
    `MB/s = 10^6 bytes of uncompressed data per second: median over ${ROUNDS} interleaved ` +
    `rounds (each codec timed for ~${BATCH_MS} ms per round) after warm-up. ` +
    `Real text: ${REAL_TEXT_SOURCE}.\n`,
);
for (const { name, data } of sets) {
  out.push(`## ${name} (${(data.length / 1024).toFixed(0)} KiB)\n`);
  out.push("| codec | kind | compress MB/s | decompress MB/s | ratio |");
  out.push("| --- | --- | ---: | ---: | ---: |");
  for (const r of rows.filter((x) => x.corpus === name)) {
    out.push(
      `| ${r.codec.name} | ${r.codec.kind} | ${fmt(r.cMBs)} | ${fmt(r.dMBs)} | ${
        fmt(r.ratio, 2)
      } |`,
    );
  }
  out.push("");
}

// Ours vs each peer, per corpus.
const get = (corpus: string, codec: string) =>
  rows.find((r) => r.corpus === corpus && r.codec.name === codec)!;
const pairs: [string, string][] = [
  ["avx LZ4 frame", "lz4js frame"],
  ["avx LZ4 frame", "lz4-napi frame"],
  [NO_CHECKSUM, "lz4js frame"],
  [NO_CHECKSUM, "lz4-napi frame"],
  ["avx LZ4 block", "lz4-napi block"],
  ["avx Snappy raw", "snappyjs raw"],
  ["avx Snappy raw", "snappy (napi) raw"],
];
out.push("## Ours ÷ peer (speed ×, ratio ×; > 1 means ours is faster / smaller)\n");
out.push(
  "| corpus | ours vs peer | compress × | decompress × | ratio × |",
);
out.push("| --- | --- | ---: | ---: | ---: |");
for (const { name } of sets) {
  for (const [a, b] of pairs) {
    const x = get(name, a);
    const y = get(name, b);
    out.push(
      `| ${name} | ${a} vs ${b} | ${fmt(x.cMBs / y.cMBs, 2)} | ${fmt(x.dMBs / y.dMBs, 2)} | ${
        fmt(x.ratio / y.ratio, 3)
      } |`,
    );
  }
}
out.push("");

// 1 KiB payload latency.
const payload = jsonRows(1024);
function perCallUs(fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  const samples: number[] = [];
  for (let s = 0; s < 15; s++) {
    const n = 2000;
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - t) * 1000) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}
const oursUs = perCallUs(() => compressFrame(payload));
const oursNoChecksumUs = perCallUs(() => compressFrame(payload, { contentChecksum: false }));
const oursBlockUs = perCallUs(() => compressBlock(payload));
const lz4jsUs = perCallUs(() => lz4js.compress(payload));
const napiUs = perCallUs(() => lz4napi.compressFrameSync(payload as never));
out.push("## 1 KiB JSON payload, time to compress (µs, median)\n");
out.push("| codec | µs |");
out.push("| --- | ---: |");
out.push(`| avx LZ4 frame | ${fmt(oursUs, 2)} |`);
out.push(`| ${NO_CHECKSUM} | ${fmt(oursNoChecksumUs, 2)} |`);
out.push(`| avx LZ4 block | ${fmt(oursBlockUs, 2)} |`);
out.push(`| lz4js frame | ${fmt(lz4jsUs, 2)} |`);
out.push(`| lz4-napi frame | ${fmt(napiUs, 2)} |`);
out.push("");

out.push("## LZ4 ratio: avx (level 1 frame) vs `lz4 -1 -c`\n");
out.push("| corpus | avx bytes | lz4 tool bytes | size difference |");
out.push("| --- | ---: | ---: | ---: |");
const ratioDiffs: number[] = [];
for (const { name, data } of sets) {
  const ours = compressFrame(data).length;
  const tool = (await lz4Tool(["-1", "-c"], data)).length;
  const diff = (ours - tool) / tool;
  ratioDiffs.push(diff);
  out.push(`| ${name} | ${ours} | ${tool} | ${(diff * 100).toFixed(2)}% |`);
}
out.push("");

// Targets.
const json = (c: string) => get("JSON rows", c);
const worst = (f: (name: string) => number) => Math.min(...sets.map((s) => f(s.name)));
const checks: [string, number, number][] = [
  ["LZ4 compress vs lz4js (JSON rows)", json("avx LZ4 frame").cMBs / json("lz4js frame").cMBs, 2],
  [
    "LZ4 compress vs lz4-napi (JSON rows)",
    json("avx LZ4 frame").cMBs / json("lz4-napi frame").cMBs,
    1,
  ],
  [
    "LZ4 decompress vs lz4js (worst corpus)",
    worst((n) => get(n, "avx LZ4 frame").dMBs / get(n, "lz4js frame").dMBs),
    2,
  ],
  [
    "LZ4 compress vs lz4js (JSON rows), like-for-like (no content checksum)",
    json(NO_CHECKSUM).cMBs / json("lz4js frame").cMBs,
    2,
  ],
  [
    "LZ4 compress vs lz4-napi (JSON rows), like-for-like (no content checksum)",
    json(NO_CHECKSUM).cMBs / json("lz4-napi frame").cMBs,
    1,
  ],
  [
    "LZ4 decompress vs lz4js (worst corpus), like-for-like (no content checksum)",
    worst((n) => get(n, NO_CHECKSUM).dMBs / get(n, "lz4js frame").dMBs),
    2,
  ],
  [
    "Snappy compress vs snappyjs (worst corpus)",
    worst((n) => get(n, "avx Snappy raw").cMBs / get(n, "snappyjs raw").cMBs),
    1.5,
  ],
  [
    "Snappy decompress vs snappyjs (worst corpus)",
    worst((n) => get(n, "avx Snappy raw").dMBs / get(n, "snappyjs raw").dMBs),
    1.5,
  ],
];
out.push("## Targets\n");
out.push("| target | measured | goal | met |");
out.push("| --- | ---: | ---: | :---: |");
for (const [label, v, goal] of checks) {
  out.push(`| ${label} | ${fmt(v, 2)}× | ≥ ${goal}× | ${v >= goal ? "yes" : "**no**"} |`);
}
const maxDiff = Math.max(...ratioDiffs);
out.push(
  `| LZ4 size vs lz4 -1 (worst corpus) | ${(maxDiff * 100).toFixed(2)}% | ≤ 3% larger | ${
    maxDiff <= 0.03 ? "yes" : "**no**"
  } |`,
);
const oneKiB: [string, number][] = [
  ["1 KiB payload, LZ4 frame compress", oursUs],
  ["1 KiB payload, LZ4 frame compress, like-for-like (no content checksum)", oursNoChecksumUs],
];
for (const [label, us] of oneKiB) {
  out.push(`| ${label} | ${fmt(us, 2)} µs | ≤ 2 µs | ${us <= 2 ? "yes" : "**no**"} |`);
}
out.push("");
out.push(...scientificSection());
out.push(...zstdDecodeSection(ROUNDS, BATCH_MS));
out.push(...await brotliDecodeSection(sets, ROUNDS, BATCH_MS));
out.push(`_Total benchmark time: ${((performance.now() - t0) / 1000).toFixed(1)} s._`);
console.log(out.join("\n"));
