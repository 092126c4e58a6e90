// Test helper of the decoder fuzz tests: a mutated input may decode or throw, but only a
// CompressError, and never past the output limit.

import assert from "node:assert/strict";
import { concatChunks } from "./concat.ts";
import { CompressError } from "./errors.ts";
import type { StreamDecoder } from "./types.ts";

/** The output limit the fuzz tests decode under. */
export const MAX = 1 << 20;

/** Byte values that steer a decoder to its edges: zero, all ones, sign bits, small values. */
const EDGE_BYTES: readonly number[] = [0, 0xff, 0x7f, 0x80, 0xfe, 0x01];

/**
 * A mutated copy of `src` (1 to 4 edits): bit flips, bytes set to one of `edgeBytes`, truncation,
 * a run repeated, or random bytes inserted.
 */
export function mutate(
  src: Uint8Array,
  rand: () => number,
  edgeBytes: readonly number[] = EDGE_BYTES,
): Uint8Array {
  let out: Uint8Array = src.slice();
  const edits = 1 + ((rand() * 4) | 0);
  for (let e = 0; e < edits; e++) {
    const kind = rand();
    const at = (rand() * out.length) | 0;
    if (kind < 0.4 && out.length > 0) {
      out[at] ^= 1 << ((rand() * 8) | 0);
    } else if (kind < 0.6 && out.length > 0) {
      out[at] = edgeBytes[(rand() * edgeBytes.length) | 0];
    } else if (kind < 0.75) {
      out = out.subarray(0, at);
    } else if (kind < 0.9) {
      const k = (rand() * 16) | 0;
      out = concatChunks([out.subarray(0, at), out.subarray(at, at + k), out.subarray(at)]);
    } else {
      const junk = new Uint8Array((rand() * 8) | 0).map(() => (rand() * 256) | 0);
      out = concatChunks([out.subarray(0, at), junk, out.subarray(at)]);
    }
  }
  return out;
}

/** Feeds `decoder` `input` in random pieces of 1 to `maxPiece` bytes; returns the size it wrote. */
export function streamedSize(
  decoder: StreamDecoder,
  input: Uint8Array,
  rand: () => number,
  maxPiece: number,
): number {
  let size = 0;
  for (let p = 0; p < input.length;) {
    const k = 1 + ((rand() * maxPiece) | 0);
    for (const d of decoder.write(input.subarray(p, p + k))) size += d.length;
    p += k;
  }
  for (const d of decoder.end()) size += d.length;
  return size;
}

/** Runs `fn`; it may return or throw, but only a CompressError; output must respect MAX. */
export function mustBeTyped(fn: () => number, label: string): void {
  let size: number;
  try {
    size = fn();
  } catch (e) {
    if (!(e instanceof CompressError)) {
      assert.fail(`${label}: threw ${e instanceof Error ? e.stack : e}`);
    }
    return;
  }
  assert.ok(size <= MAX, `${label}: produced ${size} bytes, over the limit`);
}
