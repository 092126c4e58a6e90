import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { Algorithm, Compressor, decompressSync } from "../mod.ts";
import { BrotliStreamDecoder, decompressBrotli } from "./mod.ts";
import { runTool } from "../platform/_test_tools.ts";
import { sourceText } from "./_test_corpora.ts";

const isCode = (code: string) => (e: unknown) => e instanceof CompressError && e.code === code;

Deno.test("a 16 MiB bomb of a few bytes is refused before its output exists", async () => {
  const bomb = await runTool("brotli", ["-c", "-q", "11"], new Uint8Array(16 << 20));
  assert.ok(bomb.length < 64, `${bomb.length} bytes`);
  const dec = new BrotliStreamDecoder({ maxOutputSize: 1 << 20 });
  // The meta-block declares 16 MiB: the limit fails at its header, with no output produced.
  assert.throws(() => dec.write(bomb), isCode("limit"));
  assert.throws(() => dec.end(), isCode("limit"), "the error sticks");
  assert.equal(decompressBrotli(bomb).length, 16 << 20, "the default limit lets it through");
  assert.throws(
    () => decompressSync(bomb, Algorithm.Brotli, { maxOutputSize: 1000 }),
    isCode("limit"),
  );
});

Deno.test("maxWindowBits refuses larger windows; options are checked", async () => {
  const data = sourceText(5000);
  const w24 = await runTool("brotli", ["-c", "-w", "24"], data);
  assert.throws(() => decompressBrotli(w24, { maxWindowBits: 16 }), isCode("limit"));
  assert.deepEqual(decompressBrotli(w24, { maxWindowBits: 24 }), data);
  const w16 = await runTool("brotli", ["-c", "-w", "16"], data);
  assert.deepEqual(decompressBrotli(w16, { maxWindowBits: 16 }), data);
  for (const bad of [9, 25, 16.5, NaN]) {
    assert.throws(() => new BrotliStreamDecoder({ maxWindowBits: bad }), isCode("unsupported"));
  }
  assert.throws(() => new BrotliStreamDecoder({ maxOutputSize: -1 }), isCode("unsupported"));
});

Deno.test("truncation at every cut, trailing bytes and garbage are corrupt", async () => {
  const data = sourceText(4000);
  const packed = await runTool("brotli", ["-c", "-q", "9"], data);
  for (let cut = 0; cut < packed.length; cut++) {
    assert.throws(() => decompressBrotli(packed.subarray(0, cut)), isCode("corrupt"), `cut ${cut}`);
  }
  const trailing = new Uint8Array(packed.length + 1);
  trailing.set(packed);
  assert.throws(() => decompressBrotli(trailing), isCode("corrupt"), "a trailing zero byte");
  const dec = new BrotliStreamDecoder();
  dec.write(packed);
  assert.throws(() => dec.write(Uint8Array.of(1)), isCode("corrupt"), "data after the end");
  // Large-window brotli (WBITS escape 0b1000 then 001) is not RFC 7932.
  assert.throws(() => decompressBrotli(Uint8Array.of(0x11, 0, 0, 0)), isCode("corrupt"));
  // Non-zero padding after the last meta-block.
  const padded = packed.slice();
  padded[padded.length - 1] |= 0x80;
  assert.throws(() => decompressBrotli(padded), isCode("corrupt"));
});

Deno.test("the codec table decodes brotli with the TypeScript decoder everywhere", async () => {
  const data = sourceText(30_000);
  const packed = await runTool("brotli", ["-c", "-q", "6"], data);
  assert.deepEqual(decompressSync(packed, Algorithm.Brotli), data);
  const c = Compressor.new(Algorithm.Brotli).maxOutputSize(1 << 20).build();
  const parts = [...c.decoder().write(packed)];
  assert.ok(parts.length > 0);
  const streamed = await new Response(
    ReadableStream.from([packed.subarray(0, 100), packed.subarray(100)]).pipeThrough(
      c.decompressTransform(),
    ),
  ).bytes();
  assert.deepEqual(streamed, data);
  // Our own encoder's output (native, flushed per event) round-trips.
  const enc = Compressor.new(Algorithm.Brotli).build();
  assert.deepEqual(decompressSync(enc.compressSync(data), Algorithm.Brotli), data);
});
