// The brotli decode section of bench/compress.ts: our TypeScript decoder (the path untrusted
// request bodies take) against node:zlib's native decoder and DecompressionStream("brotli"),
// on the benchmark corpora compressed by node:zlib at quality 5 and 11. Interleaved rounds;
// the median per codec. The native decoders are the speed reference, not peers we must beat:
// node:zlib leaks on hostile input and DecompressionStream cannot bound its output.

import * as zlib from "node:zlib";
import { decompressBrotli } from "../compress/brotli/mod.ts";

async function decodeStream(packed: Uint8Array): Promise<number> {
  const out = new Blob([packed as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("brotli" as CompressionFormat),
  );
  let n = 0;
  for await (const c of out) n += c.length;
  return n;
}

/** Median ms per call of each decoder, in interleaved rounds. */
async function measure(fns: (() => unknown)[], rounds: number, batchMs: number): Promise<number[]> {
  const reps: number[] = [];
  for (const fn of fns) {
    await fn();
    const t = performance.now();
    await fn();
    reps.push(Math.max(1, Math.round(batchMs / Math.max(performance.now() - t, 0.01))));
  }
  const samples: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t = performance.now();
      for (let k = 0; k < reps[i]; k++) await fns[i]();
      samples[i].push((performance.now() - t) / reps[i]);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}

/**
 * Markdown lines: decode MB/s per corpus and quality, and ours as a share of each native one.
 *
 * @example
 * ```ts ignore
 * console.log((await brotliDecodeSection(corpora(), 3, 8)).join("\n"));
 * ```
 */
export async function brotliDecodeSection(
  sets: { name: string; data: Uint8Array }[],
  rounds: number,
  batchMs: number,
): Promise<string[]> {
  const lines = [
    "## Brotli decode: TypeScript decoder vs native\n",
    "MB/s of decoded output; the machine is shared and loaded, so compare within a row.\n",
    "| corpus | quality | avx TS | node:zlib | DecompressionStream | TS ÷ node:zlib | TS ÷ stream |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { name, data } of sets) {
    for (const q of [5, 11]) {
      const packed = new Uint8Array(zlib.brotliCompressSync(data, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q },
      }));
      const ours = decompressBrotli(packed);
      if (ours.length !== data.length || ours.some((b, i) => b !== data[i])) {
        throw new Error(`brotli TS decoder failed to round-trip ${name}`);
      }
      const hasStream = await decodeStream(packed).then((n) => n === data.length, () => false);
      const fns: (() => unknown)[] = [
        () => decompressBrotli(packed),
        () => zlib.brotliDecompressSync(packed),
      ];
      if (hasStream) fns.push(() => decodeStream(packed));
      const ms = await measure(fns, rounds, batchMs);
      const mbs = ms.map((m) => data.length / 1e6 / (m / 1000));
      lines.push(
        `| ${name} | ${q} | ${mbs[0].toFixed(0)} | ${mbs[1].toFixed(0)} | ${
          hasStream ? mbs[2].toFixed(0) : "n/a"
        } | ${(mbs[0] / mbs[1]).toFixed(2)} | ${
          hasStream ? (mbs[0] / mbs[2]).toFixed(2) : "n/a"
        } |`,
      );
    }
  }
  lines.push("");
  return lines;
}
