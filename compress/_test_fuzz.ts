// Test helper of the decoder fuzz tests: a mutated input may decode or throw, but only a
// CompressError, and never past the output limit.

import assert from "node:assert/strict";
import { CompressError } from "./errors.ts";

/** The output limit the fuzz tests decode under. */
export const MAX = 1 << 20;

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
