import assert from "node:assert/strict";
import { STREAMING } from "./_codecs.ts";
import { Compressor } from "./compressor.ts";
import { CompressError } from "./errors.ts";
import { concat, randomChunks, Rng, runTool, sampleData } from "./platform/_test_tools.ts";
import { Algorithm, Level } from "./types.ts";

const rng = new Rng(99);
const data = sampleData(rng, 300_000);

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c);
  return concat(parts);
}

Deno.test("transform / decompressTransform round trip with random chunkings", async () => {
  for (const a of STREAMING) {
    const c = Compressor.new(a).level(Level.Fast).build();
    for (let round = 0; round < 2; round++) {
      const packed = await collect(
        ReadableStream.from(randomChunks(rng, data, 70_000)).pipeThrough(c.transform()),
      );
      assert.deepEqual(await c.decompress(packed), data, `${a}: one-shot reads the stream`);
      const back = await collect(
        ReadableStream.from(randomChunks(rng, packed, 9_000)).pipeThrough(c.decompressTransform()),
      );
      assert.deepEqual(back, data, `${a}: stream reads the stream`);
    }
  }
});

Deno.test("compressStream / decompressStream into a WritableStream", async () => {
  const c = Compressor.new(Algorithm.Zstd).build();
  const packed: Uint8Array[] = [];
  await c.compressStream(
    ReadableStream.from(randomChunks(rng, data, 50_000)),
    new WritableStream({ write: (x) => void packed.push(x) }),
  );
  assert.deepEqual(await runTool("zstd", ["-d", "-c", "-q"], concat(packed)), data);
  const out: Uint8Array[] = [];
  await c.decompressStream(
    ReadableStream.from(packed),
    new WritableStream({ write: (x) => void out.push(x) }),
  );
  assert.deepEqual(concat(out), data);
});

Deno.test("backpressure: a slow reader holds the writer back", async () => {
  // Codecs whose output flows chunk by chunk (an LZ4 frame's 4 MiB block would hold all of it).
  for (const a of [Algorithm.Gzip, Algorithm.Zstd]) {
    const c = Compressor.new(a).build();
    const packed = c.compressSync(data);
    const t = c.decompressTransform();
    // Feed the compressed input in 1 KiB chunks, counting how many the transform accepts.
    const chunks = randomChunks(new Rng(1), packed, 1024).filter((x) => x.length > 0);
    let pulled = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (pulled < chunks.length) ctl.enqueue(chunks[pulled++]);
        else ctl.close();
      },
    }, { highWaterMark: 0 });
    const out = source.pipeThrough(t);
    const reader = out.getReader();
    const first = await reader.read();
    assert.ok(!first.done);
    // With nobody reading, the pipe stops pulling once output is waiting (the decoder may need
    // a few input chunks to complete its next output piece, then it must stall).
    await new Promise((r) => setTimeout(r, 30));
    const stalledAt = pulled;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(pulled, stalledAt, `${a}: input kept flowing with a stalled reader`);
    assert.ok(pulled < chunks.length / 2, `${a}: pulled ${pulled} of ${chunks.length}`);
    const rest: Uint8Array[] = [first.value];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest.push(value);
      await new Promise((r) => setTimeout(r, 0)); // slow reader
    }
    assert.equal(pulled, chunks.length);
    assert.deepEqual(concat(rest), data);
  }
});

Deno.test("errors surface as CompressError through the stream (corrupt, limit, truncated)", async () => {
  for (const a of STREAMING) {
    const c = Compressor.new(a).maxOutputSize(100_000).build();
    const packed = c.compressSync(data.subarray(0, 50_000));
    // Corrupt: garbage in the middle.
    const bad = packed.slice();
    bad.fill(0xee, bad.length >> 2, (bad.length >> 2) + 64);
    // Brotli carries no checksum: damage inside a block may decode to wrong bytes silently.
    try {
      const out = await collect(ReadableStream.from([bad]).pipeThrough(c.decompressTransform()));
      assert.ok(a === Algorithm.Brotli, `${a}: corruption went unnoticed`);
      assert.notDeepEqual(out, data.subarray(0, 50_000));
    } catch (e) {
      assert.ok(e instanceof CompressError, `${a}: ${e}`);
      assert.ok(["corrupt", "checksum"].includes(e.code), `${a}: ${e.code}`);
    }
    // Truncated.
    await assert.rejects(
      collect(
        ReadableStream.from([packed.subarray(0, packed.length - 5)]).pipeThrough(
          c.decompressTransform(),
        ),
      ),
      (e) => e instanceof CompressError && e.code === "corrupt",
      `${a}: truncated`,
    );
    // Over the limit, detected while streaming.
    const big = c.compressSync(new Uint8Array(500_000));
    await assert.rejects(
      collect(
        ReadableStream.from(randomChunks(rng, big, 100)).pipeThrough(c.decompressTransform()),
      ),
      (e) => e instanceof CompressError && e.code === "limit",
      `${a}: limit`,
    );
  }
  // Non-bytes chunks.
  const c = Compressor.new(Algorithm.Gzip).build();
  await assert.rejects(
    collect(ReadableStream.from(["text" as unknown as Uint8Array]).pipeThrough(c.transform())),
    (e) => e instanceof CompressError && e.code === "unsupported",
  );
});

Deno.test("encoder().flush() makes each event decodable as it is sent", async () => {
  const events = Array.from(
    { length: 20 },
    (_, i) => new TextEncoder().encode(`id: ${i}\ndata: {"seq":${i},"value":${i * 1.5}}\n\n`),
  );
  for (const a of STREAMING) {
    const c = Compressor.new(a).build();
    const enc = c.encoder();
    const dec = c.decoder();
    let expected: Uint8Array = new Uint8Array(0);
    let got: Uint8Array = new Uint8Array(0);
    for (const ev of events) {
      const wire = [...enc.write(ev), ...enc.flush()];
      expected = concat([expected, ev]);
      for (const w of wire) got = concat([got, ...dec.write(w)]);
      assert.deepEqual(got, expected, `${a}: event decodable right after flush`);
    }
    for (const w of enc.end()) got = concat([got, ...dec.write(w)]);
    got = concat([got, ...dec.end()]);
    assert.deepEqual(got, expected);
  }
  // flushEachChunk through the transform, read incrementally.
  const c = Compressor.new(Algorithm.Gzip).build();
  const ts = c.transform({ flushEachChunk: true });
  const w = ts.writable.getWriter();
  const r = ts.readable.getReader();
  const dec = c.decoder();
  for (const ev of events.slice(0, 3)) {
    void w.write(ev);
    // Read until this event decodes; no later write is needed to push it out.
    let decoded: Uint8Array = new Uint8Array(0);
    while (decoded.length < ev.length) {
      const { value, done } = await r.read();
      assert.ok(!done);
      decoded = concat([decoded, ...dec.write(value)]);
    }
    assert.deepEqual(decoded, ev);
  }
  void w.close();
});

Deno.test("lz4-block and snappy-raw have no stream form", () => {
  for (const a of [Algorithm.Lz4Block, Algorithm.SnappyRaw]) {
    const c = Compressor.new(a).build();
    assert.throws(() => c.encoder(), (e) => e instanceof CompressError && e.code === "unsupported");
    assert.throws(() => c.transform(), CompressError);
  }
});
