/**
 * zstd decode speed: our pure-TypeScript decoder (`compress/zstd/`) against fzstd (the pure-JS
 * reference decoder) and the runtime's native `node:zlib`, on the corpora of `bench/compress.ts`.
 * Frames come from `node:zlib` (libzstd) at levels 3 and 19, with and without the content
 * checksum: fzstd never verifies checksums, we always do, so the no-checksum rows are the
 * like-for-like comparison. Times are the process's CPU time (`process.cpuUsage()`), which on a
 * shared machine is far steadier than the wall clock (every decoder here runs on one thread).
 *
 * @module
 */

import * as zlib from "node:zlib";
import { decompress as fzstdDecompress } from "npm:fzstd@0.1.1";
import { decompressZstd } from "../compress/zstd/mod.ts";
import { corpora } from "./_corpus.ts";
import { cpuMs } from "./_timing.ts";

/** CPU time each decoder runs before it is measured. */
const WARM_MS = 150;

/**
 * CPU milliseconds per call of each function, interleaved rounds, median. Each function first
 * runs for `WARM_MS` of CPU time: V8 reaches its optimizing tier only after many calls (and
 * compiles concurrently, slowly on a loaded machine), and three warm-up calls left the first
 * row measured half-compiled (2-4x slower rounds at its start).
 */
function measure(fns: (() => unknown)[], rounds: number, batchMs: number): number[] {
  for (const fn of fns) {
    const t = cpuMs();
    let n = 0;
    while (n < 3 || cpuMs() - t < WARM_MS) {
      fn();
      n++;
    }
  }
  const samples: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t = cpuMs();
      let n = 0;
      do {
        fns[i]();
        n++;
      } while (cpuMs() - t < batchMs);
      samples[i].push((cpuMs() - t) / n);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The Markdown section: decode MB/s per corpus and frame kind, and the ratios to fzstd.
 *
 * @example
 * ```ts ignore
 * console.log(zstdDecodeSection(3, 8).join("\n"));
 * ```
 */
export function zstdDecodeSection(rounds: number, batchMs: number): string[] {
  const C = zlib.constants;
  const lines = [
    "## zstd decode: pure TypeScript vs fzstd vs node:zlib",
    "",
    "Decode MB/s (decoded bytes per second of process CPU time). Frames from node:zlib " +
    "(libzstd); `ck` = with content checksum (we verify it, fzstd skips it).",
    "",
    "| corpus | frame | avx zstd MB/s | fzstd MB/s | node:zlib MB/s | avx ÷ fzstd |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  const ratios: number[] = [];
  const ratiosCk: number[] = [];
  for (const { name, data } of corpora()) {
    for (const level of [3, 19]) {
      for (const checksum of [false, true]) {
        const frame = zlib.zstdCompressSync(data, {
          params: { [C.ZSTD_c_compressionLevel]: level, [C.ZSTD_c_checksumFlag]: checksum ? 1 : 0 },
        });
        const fns = [
          () => decompressZstd(frame),
          () => fzstdDecompress(frame),
          () => zlib.zstdDecompressSync(frame),
        ];
        for (const fn of fns) {
          if (!same(new Uint8Array(fn() as Uint8Array), data)) {
            throw new Error(`zstd decode mismatch on ${name}`);
          }
        }
        const [ours, fz, native] = measure(fns, rounds, batchMs);
        const mbs = (ms: number) => (data.length / 1e6 / (ms / 1000)).toFixed(0);
        (checksum ? ratiosCk : ratios).push(fz / ours);
        lines.push(
          `| ${name} | -${level}${checksum ? " ck" : ""} | ${mbs(ours)} | ${mbs(fz)} | ${
            mbs(native)
          } | ${(fz / ours).toFixed(2)}× |`,
        );
      }
    }
  }
  const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  lines.push("");
  lines.push(
    `Geometric mean avx ÷ fzstd: ${geo(ratios).toFixed(2)}× without checksums, ` +
      `${geo(ratiosCk).toFixed(2)}× with (target ≥ 2×).`,
  );
  lines.push("");
  return lines;
}
