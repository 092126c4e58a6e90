// Limits, structure errors and checksums of the pure-TypeScript zstd decoder.
import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { decompressZstd, ZstdFrameDecoder } from "./mod.ts";
import { xxh64Low32 } from "./_xxh64.ts";
import { concat, run, sample, streamDecode, zstdCli } from "./_test_tools.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CompressError) return e.code;
    throw e;
  }
  return "ok";
}

/** A frame of `blocks` RLE blocks of 128 KiB each, without a content size (a decompression bomb). */
function rleBomb(blocks: number): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)]; // 8 MiB window
  for (let i = 0; i < blocks; i++) {
    const v = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Uint8Array.of(v & 255, (v >> 8) & 255, v >> 16, 0x61));
  }
  return concat(parts);
}

Deno.test("zstd: xxh64 matches the reference digests", () => {
  assert.equal(xxh64Low32(new Uint8Array(0)), 0x51d8e999); // XXH64("") = EF46DB3751D8E999
  assert.equal(xxh64Low32(new TextEncoder().encode("a")), 0xa98c6e5b); // D24EC4F1A98C6E5B
});

Deno.test("zstd: a bomb without a content size stops at maxOutputSize", () => {
  const bomb = rleBomb(64); // 256 bytes -> 8 MiB
  assert.equal(code(() => decompressZstd(bomb, { maxOutputSize: 1 << 20 })), "limit");
  assert.equal(code(() => streamDecode(bomb, 7, { maxOutputSize: 1 << 20 })), "limit");
  assert.equal(decompressZstd(bomb, { maxOutputSize: 8 << 20 }).length, 8 << 20);
});

Deno.test("zstd: a declared content size over maxOutputSize fails before decoding", async () => {
  const frame = await zstdCli(["-3", `--stream-size=${3 << 20}`], new Uint8Array(3 << 20));
  assert.equal(frame[4] >> 6, 2, "the frame declares its content size");
  assert.equal(code(() => decompressZstd(frame, { maxOutputSize: 1 << 20 })), "limit");
  const dec = new ZstdFrameDecoder({ maxOutputSize: 1 << 20 });
  assert.equal(code(() => dec.write(frame.subarray(0, 16))), "limit");
  assert.equal(code(() => dec.write(frame.subarray(16))), "limit", "the error is sticky");
});

Deno.test("zstd: a window over maxWindowSize is refused", async () => {
  const frame = await zstdCli(["--long=24", "--no-content-size", "-3"], sample(300_000));
  assert.equal(code(() => decompressZstd(frame, { maxWindowSize: 1 << 20 })), "limit");
  assert.equal(code(() => streamDecode(frame, 100, { maxWindowSize: 1 << 20 })), "limit");
  assert.equal(decompressZstd(frame).length, 300_000);
});

Deno.test("zstd: truncation, trailing bytes, empty input and bad magic are corrupt", async () => {
  const frame = await zstdCli(["-3"], sample(20_000));
  for (const cut of [0, 3, 5, 9, frame.length - 5, frame.length - 1]) {
    const part = frame.subarray(0, cut);
    assert.equal(code(() => decompressZstd(part)), "corrupt", `one-shot cut at ${cut}`);
    assert.equal(code(() => streamDecode(part, 3)), "corrupt", `streamed cut at ${cut}`);
  }
  const trailing = concat([frame, Uint8Array.of(1, 2)]);
  assert.equal(code(() => decompressZstd(trailing)), "corrupt");
  assert.equal(code(() => streamDecode(trailing, 64)), "corrupt");
  assert.equal(code(() => decompressZstd(Uint8Array.of(1, 2, 3, 4, 5, 6))), "corrupt");
});

Deno.test("zstd: results are exact-size arrays", async () => {
  const data = sample(70_000);
  const frame = await zstdCli(["-3", "--no-content-size"], data);
  const out = decompressZstd(frame);
  assert.equal(out.length, data.length);
  assert.equal(out.buffer.byteLength, data.length);
});

/**
 * A hand-built frame (RFC 8878): no content size, a 128 KiB window (Window_Descriptor 0x38),
 * three RLE blocks of 128 KiB (so the streaming decoder must slide its window), then one
 * compressed block with a single sequence: no literals, a match of `matchLength` bytes at
 * `offset`, every code in RLE mode (§3.1.1.3.2.1).
 */
function farMatchFrame(offset: number, matchLength: 32 | 67): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)];
  for (let i = 0; i < 3; i++) {
    const v = ((128 * 1024) << 3) | (1 << 1); // Block_Size | Block_Type RLE, not last
    parts.push(Uint8Array.of(v & 255, (v >> 8) & 255, v >> 16, 0x61 + i));
  }
  // Offset_Value = offset + 3 = 2^ofCode + ofExtra (§3.1.1.3.2.1.1, Offset_Codes).
  const ofValue = offset + 3;
  const ofCode = 31 - Math.clz32(ofValue);
  // Match_Length code 29 is 32 bytes with no extra bits; code 40 is 67 + 4 extra bits (0 here).
  const [mlCode, mlExtra] = matchLength === 32 ? [29, 0] : [40, 4];
  // The bitstream is read backwards: offset bits, then match-length bits (literals length and
  // the RLE states take none), so they are written forwards in the opposite order, then the
  // closing 1 bit.
  let bits = 0n;
  let n = 0n;
  const put = (value: number, width: number) => {
    bits |= BigInt(value) << n;
    n += BigInt(width);
  };
  put(0, mlExtra);
  put(ofValue - 2 ** ofCode, ofCode);
  put(1, 1);
  const stream: number[] = [];
  for (let k = 0n; k < n; k += 8n) stream.push(Number((bits >> k) & 255n));
  const body = [
    0x00, // Literals_Section_Header: raw, Regenerated_Size 0
    0x01, // Number_of_Sequences
    0x54, // Symbol_Compression_Modes: literals lengths, offsets, match lengths all RLE
    0x00, // literals length code 0
    ofCode,
    mlCode,
    ...stream,
  ];
  const v = (body.length << 3) | (2 << 1) | 1; // compressed, last block
  parts.push(Uint8Array.of(v & 255, (v >> 8) & 255, v >> 16, ...body));
  return concat(parts);
}

Deno.test("zstd: a match reaching before the streaming window is corrupt", async () => {
  // After three 128 KiB blocks the streaming decoder keeps only the last 128 KiB (the window);
  // offsets up to 128 KiB still decode, farther ones point at bytes it let go. (libzstd's
  // buffer happens to hold more than the window, so the CLI still decodes the far frame.)
  const near = farMatchFrame(100_000, 67);
  const want = new Uint8Array(3 * 131072 + 67);
  for (let i = 0; i < 3; i++) want.fill(0x61 + i, i * 131072, (i + 1) * 131072);
  want.fill(0x63, 3 * 131072); // 100,000 bytes back is inside the third block
  const same = (a: Uint8Array) => a.length === want.length && a.every((x, i) => x === want[i]);
  assert.ok(same(streamDecode(near, 1000)));
  assert.ok(same(await run("zstd", ["-d", "-q", "-c"], near)), "the zstd CLI agrees");
  for (const matchLength of [32, 67] as const) {
    const far = farMatchFrame(200_000, matchLength);
    assert.equal(code(() => streamDecode(far, 1000)), "corrupt", `match of ${matchLength}`);
    assert.equal(code(() => streamDecode(far, far.length)), "corrupt", `one chunk`);
  }
});

Deno.test("zstd: short copies at the very end of the output decode exactly", async () => {
  // Short literal runs and matches move 8 bytes at a time and may write past their end while
  // the output has room; at the end of an exact-size output (declared content size) or of a
  // frame sized from its block headers (no content size, as node:zlib writes by default) they
  // must fall back to byte copies. Every length 1-160 puts the last sequences at the edge.
  const { zstdCompressSync, constants: C } = await import("node:zlib");
  const inputs: Uint8Array[] = [];
  for (let n = 1; n <= 160; n++) inputs.push(sample(n, n));
  for (const n of [131071, 131073, 262150]) inputs.push(sample(n, n));
  for (const data of inputs) {
    const frames = [1, 3].map((level) =>
      zstdCompressSync(data, { params: { [C.ZSTD_c_compressionLevel]: level } })
    );
    // The same data with its size declared (libzstd's pledged source size).
    frames.push(zstdCompressSync(data, { pledgedSrcSize: data.length } as object));
    for (const frame of frames) {
      const got = decompressZstd(frame);
      assert.equal(got.buffer.byteLength, data.length, "an exact-size result");
      assert.ok(got.every((x, i) => x === data[i]), `length ${data.length}`);
    }
    if (data.length < 1000) {
      const streamed = streamDecode(frames[1], 7);
      assert.ok(streamed.length === data.length && streamed.every((x, i) => x === data[i]));
    }
  }
  assert.equal((await zstdCli(["-d"], zstdCompressSync(inputs[40]))).length, 41, "the CLI agrees");
});

Deno.test("zstd: a dictionary resolver that decodes a frame itself leaves ours intact", async () => {
  // Frames without a content size decode into a buffer shared between calls; a resolver (user
  // code, called between frames) that decodes another such frame must get its own buffer.
  const first = sample(150_000, 1);
  const inner = sample(90_000, 2);
  const unsized = (data: Uint8Array) => zstdCli(["-3", "--no-content-size"], data);
  const [firstFrame, innerFrame] = [await unsized(first), await unsized(inner)];
  // A frame naming Dictionary_ID 5 (one byte, §3.1.1.1.3), no content size, 1 KiB window, and
  // one raw last block "xyz".
  const withId = Uint8Array.of(
    0x28,
    0xb5,
    0x2f,
    0xfd,
    0x01,
    0x00,
    0x05,
    0x19,
    0,
    0,
    0x78,
    0x79,
    0x7a,
  );
  let innerOut: Uint8Array = new Uint8Array(0);
  const out = decompressZstd(concat([firstFrame, withId]), {
    dictionary: (id) => {
      assert.equal(id, 5);
      innerOut = decompressZstd(innerFrame);
      return new Uint8Array(0);
    },
  });
  assert.equal(innerOut.length, inner.length);
  assert.ok(innerOut.every((x, i) => x === inner[i]), "the resolver's own decode");
  const want = concat([first, new TextEncoder().encode("xyz")]);
  assert.equal(out.length, want.length);
  assert.ok(out.every((x, i) => x === want[i]), "the outer decode");
  // And the shared buffer is free again afterwards.
  assert.ok(decompressZstd(firstFrame).every((x, i) => x === first[i]));
});
