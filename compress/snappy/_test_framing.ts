// Framing helpers shared by the Snappy framing tests: chunks built by hand from
// framing_format.txt, and a decode through both decoders that checks they agree.
import assert from "node:assert/strict";
import { decompressFramed, SnappyFrameDecoder } from "./mod.ts";
import { concat, firstDifference } from "./_test_data.ts";

/** Masking from framing_format.txt §3, computed with BigInt (independent of maskCrc32c). */
export function maskBig(crc: number): number {
  const x = BigInt(crc);
  return Number(((((x >> 15n) | (x << 17n)) & 0xffffffffn) + 0xa282ead8n) & 0xffffffffn);
}

export function chunk(type: number, body: Uint8Array | number[]): Uint8Array {
  const b = Uint8Array.from(body);
  const out = new Uint8Array(4 + b.length);
  out.set([type, b.length & 0xff, (b.length >> 8) & 0xff, b.length >> 16]);
  out.set(b, 4);
  return out;
}

export function le32(x: number): number[] {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24];
}

/** Decodes with both the one-shot and the streaming decoder and checks they agree. */
export function decodeBoth(framed: Uint8Array): Uint8Array {
  const a = decompressFramed(framed);
  const dec = new SnappyFrameDecoder();
  const b = concat([...dec.write(framed), ...dec.end()]);
  assert.equal(firstDifference(a, b), -1);
  return a;
}
