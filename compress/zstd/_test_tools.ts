/**
 * Test helpers for the zstd decoder: the reference `zstd` CLI and python-zstandard, sample data,
 * and chunked streaming. A missing tool fails the test loudly.
 *
 * @module
 */

import { rng } from "../_test_rng.ts";
import { ZstdFrameDecoder } from "./decoder.ts";
import type { ZstdDecompressOptions } from "./frame.ts";

/** The python with python-zstandard (the shared venv; `pip install zstandard` elsewhere). */
export const PYTHON = new URL("../../.cache/py/bin/python", import.meta.url).pathname;

/** Runs `cmd args` with `input` on stdin (the platform tests' runner). */
export { runTool as run } from "../platform/_test_tools.ts";
import { runTool as run } from "../platform/_test_tools.ts";

/** `zstd -c args` over `input` (the reference CLI). */
export function zstdCli(args: string[], input: Uint8Array): Promise<Uint8Array> {
  return run("zstd", ["-q", "-c", ...args], input);
}

/** Text-like rows with numbers, runs and some random bytes: exercises every block kind. */
export function sample(size: number, seed = 1): Uint8Array {
  const r = rng(seed);
  const words = ["sensor", "value", "temperature", "north", "south", '{"id":', "},", "ts"];
  const enc = new TextEncoder();
  const out = new Uint8Array(size);
  let i = 0;
  while (i < size) {
    const k = r();
    let piece: Uint8Array;
    if (k < 0.08) piece = new Uint8Array(1 + ((r() * 40) | 0)).map(() => (r() * 256) | 0);
    else if (k < 0.1) piece = new Uint8Array(1 + ((r() * 300) | 0)).fill((r() * 256) | 0);
    else piece = enc.encode(words[(r() * words.length) | 0] + ((r() * 1000) | 0) + " ");
    const n = Math.min(piece.length, size - i);
    out.set(piece.subarray(0, n), i);
    i += n;
  }
  return out;
}

/** Concatenates chunks. */
export { concatChunks as concat } from "../concat.ts";
import { concatChunks as concat } from "../concat.ts";

/** Decodes `src` through the streaming decoder in chunks of `step` bytes. */
export function streamDecode(
  src: Uint8Array,
  step: number,
  options: ZstdDecompressOptions = {},
): Uint8Array {
  const dec = new ZstdFrameDecoder(options);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < src.length; i += step) parts.push(...dec.write(src.subarray(i, i + step)));
  parts.push(...dec.end());
  return concat(parts);
}
