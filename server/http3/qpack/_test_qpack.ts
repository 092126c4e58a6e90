// Test helpers for QPACK: hex in and out, the QpackError code of a failure, and RFC 9204
// Appendix B's encoder-stream bytes that several tests start from.

import assert from "node:assert/strict";
import { QpackError } from "./mod.ts";

/** The bytes of a hex string; white space is ignored. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  return new Uint8Array((clean.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

/** `bytes` as lower-case hex, no spaces. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The code of the QpackError `p` rejects with. */
export async function rejection(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
    return e.code;
  }
  assert.fail("resolved");
}

/** The code of the QpackError `f` throws. */
export function thrown(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof QpackError, `not a QpackError: ${e}`);
    return e.code;
  }
  assert.fail("did not throw");
}

/** RFC 9204 B.2's encoder stream: capacity 220, then the entries :authority and :path. */
export const B2_ENCODER_STREAM =
  "3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c10c 2f73 616d 706c 652f 7061 7468";

/** The encoder stream of B.2 to B.5 in one: B.2's entries, B.3's insert, B.4's Duplicate, B.5's. */
export const B_ENCODER_STREAM = B2_ENCODER_STREAM +
  "4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565 02" +
  "810d 6375 7374 6f6d 2d76 616c 7565 32";
