/**
 * The tests every platform codec must pass, parameterised by codec: round trips at every level,
 * random chunkings, flush points, truncation and mutation (only `CompressError`), output
 * limits on a bomb, and interop with the reference tool in both directions.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import type { StreamDecoder, StreamEncoder } from "../types.ts";
import { concat, randomChunks, Rng, runTool, sampleData } from "./_test_tools.ts";

/** What the suite needs to know about a codec. */
export interface SuiteSpec {
  name: string;
  encoder(level?: number): StreamEncoder;
  decoder(maxOutputSize?: number): StreamDecoder;
  levels: number[];
  badLevels: number[];
  /** Reference tool: compress stdin to stdout. */
  toolCompress: [string, string[]];
  /** Reference tool: decompress stdin to stdout. */
  toolDecompress: [string, string[]];
}

function encodeAll(enc: StreamEncoder, chunks: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  for (const c of chunks) out.push(...enc.write(c));
  out.push(...enc.end());
  return concat(out);
}

function decodeAll(dec: StreamDecoder, chunks: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  for (const c of chunks) out.push(...dec.write(c));
  out.push(...dec.end());
  return concat(out);
}

function expectCode(fn: () => unknown, codes: string[]): CompressError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CompressError)) throw new Error(`expected CompressError, got ${e}`);
    assert.ok(codes.includes(e.code), `code ${e.code} not in ${codes.join("|")}: ${e.message}`);
    return e;
  }
  throw new Error("expected a CompressError, nothing was thrown");
}

/** Registers the suite's tests for `spec`. */
export function platformCodecSuite(spec: SuiteSpec): void {
  const { name } = spec;
  const rng = new Rng(0x5eed ^ name.length);
  const data = sampleData(rng, 200_000);

  Deno.test(`${name}: round trip at every level, one chunk and random chunkings`, () => {
    for (const level of spec.levels) {
      const packed = encodeAll(spec.encoder(level), [data]);
      assert.ok(packed.length < data.length, `level ${level} compresses`);
      assert.deepEqual(decodeAll(spec.decoder(), [packed]), data);
      const chunked = encodeAll(spec.encoder(level), randomChunks(rng, data, 30_000));
      assert.deepEqual(decodeAll(spec.decoder(), randomChunks(rng, chunked, 5_000)), data);
    }
    // Empty input is a valid (tiny) stream.
    const empty = encodeAll(spec.encoder(), []);
    assert.ok(empty.length > 0);
    assert.equal(decodeAll(spec.decoder(), [empty]).length, 0);
  });

  Deno.test(`${name}: out-of-range levels are CompressError("unsupported")`, () => {
    for (const level of spec.badLevels) expectCode(() => spec.encoder(level), ["unsupported"]);
  });

  Deno.test(`${name}: flush() makes everything written so far decodable mid-stream`, () => {
    const enc = spec.encoder();
    const dec = spec.decoder();
    const parts = randomChunks(rng, data.subarray(0, 50_000), 8_000);
    let sent = 0;
    const received: Uint8Array[] = [];
    for (const p of parts) {
      const bytes = [...enc.write(p), ...enc.flush()];
      sent += p.length;
      for (const b of bytes) received.push(...dec.write(b));
      assert.deepEqual(concat(received), data.subarray(0, sent), `after ${sent} bytes`);
    }
    for (const b of enc.end()) received.push(...dec.write(b));
    received.push(...dec.end());
    assert.deepEqual(concat(received), data.subarray(0, 50_000));
  });

  Deno.test(`${name}: truncated input is "corrupt" at every sampled cut`, () => {
    const packed = encodeAll(spec.encoder(), [data.subarray(0, 20_000)]);
    for (let cut = 0; cut < packed.length; cut += Math.max(1, packed.length >> 6)) {
      expectCode(() => decodeAll(spec.decoder(), [packed.subarray(0, cut)]), ["corrupt"]);
    }
    expectCode(
      () => decodeAll(spec.decoder(), [packed.subarray(0, packed.length - 1)]),
      ["corrupt"],
    );
    // Trailing garbage after a complete stream.
    expectCode(
      () => decodeAll(spec.decoder(), [concat([packed, new Uint8Array([0x42, 0x13, 0x37])])]),
      ["corrupt"],
    );
  });

  Deno.test(`${name}: mutated input yields the data or a CompressError, nothing else`, () => {
    const packed = encodeAll(spec.encoder(), [data.subarray(0, 20_000)]);
    const r = new Rng(7);
    let failures = 0;
    for (let i = 0; i < 300; i++) {
      const m = packed.slice();
      const flips = 1 + r.int(4);
      for (let k = 0; k < flips; k++) m[r.int(m.length)] ^= 1 << r.int(8);
      try {
        decodeAll(spec.decoder(1 << 20), randomChunks(r, m, 4_000));
      } catch (e) {
        if (!(e instanceof CompressError)) throw e;
        failures++;
      }
    }
    assert.ok(failures > 0, "some mutations must be detected");
    // Pure garbage.
    for (let i = 0; i < 50; i++) {
      const g = new Uint8Array(1 + r.int(200)).map(() => r.int(256));
      try {
        decodeAll(spec.decoder(1 << 20), [g]);
      } catch (e) {
        if (!(e instanceof CompressError)) throw e;
      }
    }
  });

  Deno.test(`${name}: a 100 MiB bomb stops at maxOutputSize with "limit"`, () => {
    const enc = spec.encoder(spec.levels[0]);
    const zeros = new Uint8Array(1 << 20);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) parts.push(...enc.write(zeros));
    parts.push(...enc.end());
    const bomb = concat(parts);
    assert.ok(bomb.length < 1 << 20, `bomb is small (${bomb.length} bytes)`);
    const dec = spec.decoder(1 << 20);
    let produced = 0;
    const err = expectCode(() => {
      for (const o of dec.write(bomb)) produced += o.length;
      dec.end();
    }, ["limit"]);
    assert.match(err.message, /limit/);
    assert.ok(produced <= 1 << 20);
    // Exactly at the limit is fine.
    const exact = encodeAll(spec.encoder(), [new Uint8Array(4096)]);
    assert.equal(decodeAll(spec.decoder(4096), [exact]).length, 4096);
    expectCode(() => decodeAll(spec.decoder(4095), [exact]), ["limit"]);
  });

  Deno.test(`${name}: interop with ${spec.toolCompress[0]} both ways`, async () => {
    for (const level of spec.levels) {
      const ours = encodeAll(spec.encoder(level), randomChunks(rng, data, 50_000));
      const back = await runTool(spec.toolDecompress[0], spec.toolDecompress[1], ours);
      assert.deepEqual(back, data, `tool decodes our level ${level}`);
    }
    const theirs = await runTool(spec.toolCompress[0], spec.toolCompress[1], data);
    assert.deepEqual(decodeAll(spec.decoder(), randomChunks(rng, theirs, 3_000)), data);
    const flushed = spec.encoder();
    const withFlushes: Uint8Array[] = [];
    for (const c of randomChunks(rng, data, 40_000)) {
      withFlushes.push(...flushed.write(c), ...flushed.flush());
    }
    withFlushes.push(...flushed.end());
    assert.deepEqual(
      await runTool(spec.toolDecompress[0], spec.toolDecompress[1], concat(withFlushes)),
      data,
      "tool decodes a stream with flush points",
    );
  });
}
