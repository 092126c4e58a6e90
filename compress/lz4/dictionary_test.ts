/**
 * LZ4 dictionaries: block and frame round trips, the Dict-ID field and its resolver, interop
 * with `lz4 -D` in both directions, and fuzzing of the dictionary decode path.
 */
import assert from "node:assert/strict";
import { concatChunks } from "../concat.ts";
import { CompressError } from "../errors.ts";
import {
  compressFrame,
  decompressFrame,
  type Lz4CompressOptions,
  Lz4FrameDecoder,
  Lz4FrameEncoder,
} from "./mod.ts";
import { decompressBlock } from "./block_decode.ts";
import { compressBlock } from "./block_encode.ts";
import { jsonRows, lz4Tool, mutate, Rng, shapedData, streamDecode } from "./_test_lz4_tool.ts";

function isCode(...codes: string[]): (e: unknown) => boolean {
  return (e) => e instanceof CompressError && codes.includes(e.code);
}

/** A dictionary of API rows, and payloads that share most of their text with it. */
const DICT = jsonRows(900, 9); // ~100 KiB: only its last 64 KiB count
const PAYLOAD = jsonRows(12, 9).subarray(0, 1100);

Deno.test("compressBlock with a dictionary: smaller blocks that decode only with the dictionary", () => {
  for (const level of [-4, 1, 3, 9, 12]) {
    const plain = compressBlock(PAYLOAD, { level });
    const block = compressBlock(PAYLOAD, { level, dictionary: DICT });
    assert.ok(
      block.length < plain.length * 0.8,
      `L${level}: ${block.length} with the dictionary, ${plain.length} without`,
    );
    assert.deepEqual(decompressBlock(block, PAYLOAD.length, { dictionary: DICT }), PAYLOAD);
    assert.throws(() => decompressBlock(block, PAYLOAD.length), isCode("corrupt"));
    // Only the last 64 KiB of the dictionary are history: that tail alone decodes it too.
    const tail = DICT.subarray(DICT.length - 65536);
    assert.deepEqual(decompressBlock(block, PAYLOAD.length, { dictionary: tail }), PAYLOAD);
  }
});

Deno.test("dictionary round trips: data and dictionaries of many shapes and sizes", () => {
  const rng = new Rng(77);
  for (let round = 0; round < 120; round++) {
    const dict = shapedData(rng, round + 3, [0, 1, 5, 300, 4000, 70_000][round % 6]);
    const size = rng.int(round % 10 === 0 ? 300_000 : 5000);
    // Data made partly of pieces of the dictionary.
    const data = shapedData(rng, round, size);
    for (let i = 0; i + 40 < size && dict.length > 40; i += 1 + rng.int(200)) {
      const from = rng.int(dict.length - 40);
      data.set(dict.subarray(from, from + 4 + rng.int(36)), i);
    }
    const level = [1, -2, 4, 9][round % 4];
    const block = compressBlock(data, { level, dictionary: dict });
    assert.deepEqual(
      decompressBlock(block, size, { dictionary: dict }),
      data,
      `block round ${round}`,
    );
    const options: Lz4CompressOptions = {
      level,
      dictionary: dict,
      blockSize: 65536,
      blockLinked: round % 2 === 1,
      blockChecksum: round % 3 === 0,
    };
    const frame = compressFrame(data, options);
    assert.deepEqual(decompressFrame(frame, { dictionary: dict }), data, `frame round ${round}`);
    const whole = new Lz4FrameDecoder({ dictionary: dict });
    assert.deepEqual(
      concatChunks([...whole.write(frame), ...whole.end()]),
      data,
      `stream round ${round}`,
    );
  }
});

Deno.test("Lz4FrameEncoder with a dictionary, linked and independent, with flushes", () => {
  const rng = new Rng(5);
  for (const blockLinked of [false, true]) {
    for (const level of [1, 9]) {
      const enc = new Lz4FrameEncoder({
        dictionary: DICT,
        dictionaryId: 7,
        blockLinked,
        level,
        blockSize: 65536,
      });
      const input: Uint8Array[] = [];
      const out: Uint8Array[] = [];
      for (let i = 0; i < 40; i++) {
        const chunk = jsonRows(1 + rng.int(60), 9).subarray(0, 1 + rng.int(9000));
        input.push(chunk);
        out.push(...enc.write(chunk));
        if (i % 3 === 0) out.push(...enc.flush());
      }
      out.push(...enc.end());
      const frame = concatChunks(out);
      const data = concatChunks(input);
      const label = `linked ${blockLinked}, L${level}`;
      assert.deepEqual(decompressFrame(frame, { dictionary: () => DICT }), data, label);
      // The small flushed blocks benefit from the dictionary.
      const plain = new Lz4FrameEncoder({ blockLinked, level, blockSize: 65536 });
      const plainOut: Uint8Array[] = [];
      input.forEach((c, i) => {
        plainOut.push(...plain.write(c));
        if (i % 3 === 0) plainOut.push(...plain.flush());
      });
      plainOut.push(...plain.end());
      assert.ok(frame.length < concatChunks(plainOut).length, label);
      // Streamed decode in small pieces.
      const streamed = streamDecode(frame, rng, 5000, { dictionary: DICT });
      assert.deepEqual(streamed, data, `${label} (streamed)`);
    }
  }
});

Deno.test("dictionaryId: written in the descriptor and passed to the resolver", () => {
  const frame = compressFrame(PAYLOAD, { dictionary: DICT, dictionaryId: 0xdeadbeef });
  assert.equal(frame[4] & 0x01, 0x01, "FLG Dict-ID bit");
  assert.deepEqual([...frame.subarray(6, 10)], [0xef, 0xbe, 0xad, 0xde], "DictID, little endian");
  const withSize = compressFrame(PAYLOAD, {
    dictionary: DICT,
    dictionaryId: 3,
    contentSize: true,
  });
  // Descriptor order: FLG BD ContentSize(8) DictID(4) HC.
  assert.deepEqual([...withSize.subarray(14, 18)], [3, 0, 0, 0]);
  const seen: number[] = [];
  const resolver = (id: number) => {
    seen.push(id);
    return id === 0xdeadbeef || id === 3 ? DICT : undefined;
  };
  assert.deepEqual(decompressFrame(frame, { dictionary: resolver }), PAYLOAD);
  assert.deepEqual(decompressFrame(withSize, { dictionary: resolver }), PAYLOAD);
  assert.deepEqual(seen, [0xdeadbeef, 3]);
  // Two frames with different dictionaries in one input, each resolved.
  const other = jsonRows(200, 4);
  const second = compressFrame(PAYLOAD, { dictionary: other, dictionaryId: 4 });
  const both = concatChunks([frame, second]);
  const byId = (id: number) => (id === 4 ? other : id === 0xdeadbeef ? DICT : undefined);
  assert.deepEqual(decompressFrame(both, { dictionary: byId }), concatChunks([PAYLOAD, PAYLOAD]));
  const dec = new Lz4FrameDecoder({ dictionary: byId });
  assert.deepEqual(
    concatChunks([...dec.write(both), ...dec.end()]),
    concatChunks([PAYLOAD, PAYLOAD]),
  );
  // No ID without the option, and 0 writes none.
  assert.equal(compressFrame(PAYLOAD, { dictionary: DICT })[4] & 0x01, 0);
  assert.equal(compressFrame(PAYLOAD, { dictionary: DICT, dictionaryId: 0 })[4] & 0x01, 0);
});

Deno.test("missing or wrong dictionaries give CompressErrors", () => {
  const frame = compressFrame(PAYLOAD, { dictionary: DICT, dictionaryId: 9 });
  assert.throws(() => decompressFrame(frame), isCode("unsupported"));
  assert.throws(
    () => decompressFrame(frame, { dictionary: () => undefined }),
    isCode("unsupported"),
  );
  assert.throws(() => new Lz4FrameDecoder().write(frame), isCode("unsupported"));
  // A frame without an ID (as `lz4 -D` writes) needs the dictionary given as bytes, or from a
  // resolver asked for id 0.
  const noId = compressFrame(PAYLOAD, { dictionary: DICT });
  assert.throws(() => decompressFrame(noId), isCode("corrupt"));
  assert.throws(() => decompressFrame(noId, { dictionary: () => undefined }), isCode("corrupt"));
  const asked: number[] = [];
  const zero = (id: number) => (asked.push(id), id === 0 ? DICT : undefined);
  assert.deepEqual(decompressFrame(noId, { dictionary: zero }), PAYLOAD);
  const dec = new Lz4FrameDecoder({ dictionary: zero });
  assert.deepEqual(concatChunks([...dec.write(noId), ...dec.end()]), PAYLOAD);
  assert.deepEqual(asked, [0, 0]);
  // The wrong dictionary: the content checksum (or an offset check) catches it.
  const wrong = jsonRows(900, 10);
  assert.throws(() => decompressFrame(frame, { dictionary: wrong }), isCode("checksum", "corrupt"));
  assert.throws(
    () => decompressFrame(noId, { dictionary: new Uint8Array(10) }),
    isCode("checksum", "corrupt"),
  );
  // Encoder option checks.
  assert.throws(() => compressFrame(PAYLOAD, { dictionaryId: 1 }), isCode("unsupported"));
  for (const id of [-1, 1.5, 2 ** 32, NaN]) {
    assert.throws(
      () => compressFrame(PAYLOAD, { dictionary: DICT, dictionaryId: id }),
      isCode("unsupported"),
      String(id),
    );
  }
  assert.throws(
    () => decompressFrame(frame, { dictionary: "x" as unknown as Uint8Array }),
    isCode("unsupported"),
  );
});

Deno.test("a dictionary changed after first use still gives correct output", () => {
  const dict = jsonRows(300, 2);
  const data = jsonRows(30, 2).subarray(0, 3000);
  const first = compressFrame(data, { dictionary: dict });
  assert.deepEqual(decompressFrame(first, { dictionary: dict }), data);
  dict.fill(0x41, 0, dict.length >> 1); // the cached index now points at different bytes
  const second = compressFrame(data, { dictionary: dict });
  assert.deepEqual(decompressFrame(second, { dictionary: dict }), data);
  const block = compressBlock(data, { dictionary: dict, level: 9 });
  assert.deepEqual(decompressBlock(block, data.length, { dictionary: dict }), data);
});

Deno.test("interop: lz4 -D frames decode with our decoders, and ours with lz4 -d -D", async () => {
  const dictPath = await Deno.makeTempFile({ prefix: "avx-lz4-dict-" });
  try {
    await Deno.writeFile(dictPath, DICT);
    const rng = new Rng(99);
    const big = concatChunks(Array.from({ length: 8 }, (_, i) => jsonRows(1000, 20 + i)));
    const samples: [string, Uint8Array][] = [
      ["1 KiB payload", PAYLOAD],
      ["text", shapedData(rng, 6, 5000)],
      ["multi-block rows", big.subarray(0, 300_000)],
    ];
    const toolFlags = [[], ["-B4"], ["-B4", "-BD"], ["-9", "-B4", "-BD"], ["--content-size"]];
    for (const [name, data] of samples) {
      for (const flags of toolFlags) {
        const label = `${name}, lz4 -D ${flags.join(" ")}`;
        const frame = await lz4Tool(["-c", "-D", dictPath, ...flags], data);
        assert.equal(frame[4] & 0x01, 0, `${label}: the tool writes no Dict-ID`);
        assert.deepEqual(decompressFrame(frame, { dictionary: DICT }), data, label);
        const dec = new Lz4FrameDecoder({ dictionary: DICT });
        assert.deepEqual(
          concatChunks([...dec.write(frame), ...dec.end()]),
          data,
          `${label} (stream)`,
        );
        if (name === "1 KiB payload" && flags.length === 0) {
          assert.throws(() => decompressFrame(frame), isCode("corrupt"), "needs the dictionary");
        }
      }
      const ours: [string, Lz4CompressOptions][] = [
        ["default", {}],
        ["with Dict-ID", { dictionaryId: 12345 }],
        ["64 KiB independent", { blockSize: 65536 }],
        ["64 KiB linked", { blockSize: 65536, blockLinked: true }],
        ["L9 linked", { blockSize: 65536, blockLinked: true, level: 9 }],
      ];
      for (const [what, options] of ours) {
        const frame = compressFrame(data, { ...options, dictionary: DICT });
        const back = await lz4Tool(["-d", "-c", "-D", dictPath], frame);
        assert.deepEqual(back, data, `${name}, ours ${what} -> lz4 -d -D`);
      }
      const enc = new Lz4FrameEncoder({ dictionary: DICT, blockLinked: true, blockSize: 65536 });
      const parts: Uint8Array[] = [];
      for (let i = 0; i < data.length; i += 7000) {
        parts.push(...enc.write(data.subarray(i, i + 7000)), ...enc.flush());
      }
      parts.push(...enc.end());
      assert.deepEqual(
        await lz4Tool(["-d", "-c", "-D", dictPath], concatChunks(parts)),
        data,
        `${name}, our stream -> lz4 -d -D`,
      );
    }
  } finally {
    await Deno.remove(dictPath);
  }
});

Deno.test("fuzz: the dictionary decode path on mutated blocks and frames", () => {
  const rng = new Rng(0xd1c7);
  const dicts = [DICT, jsonRows(20, 3), rng.bytes(100), new Uint8Array(0)];
  const blocks: [Uint8Array, number, Uint8Array][] = [];
  const frames: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i < 16; i++) {
    const dict = dicts[i % 3];
    const data = i % 2 ? jsonRows(5 + rng.int(40), 9) : shapedData(rng, i, rng.int(4000));
    blocks.push([
      compressBlock(data, { dictionary: dict, level: [1, 9][i % 2] }),
      data.length,
      dict,
    ]);
    frames.push([
      compressFrame(data, {
        dictionary: dict,
        dictionaryId: i % 4,
        blockSize: 65536,
        blockLinked: i % 3 === 0,
        contentChecksum: i % 2 === 0,
      }),
      dict,
    ]);
  }
  const codes = new Map<string, number>();
  const run = (fn: () => Uint8Array, limit: number, label: string) => {
    try {
      const out = fn();
      assert.ok(out.length <= limit, label);
      codes.set("ok", (codes.get("ok") ?? 0) + 1);
    } catch (e) {
      if (!(e instanceof CompressError)) {
        throw new Error(`${label}: threw a non-CompressError: ${e}`, { cause: e });
      }
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
  };
  for (let round = 0; round < 3000; round++) {
    // Sometimes the right dictionary, sometimes another one (or none).
    const pick = (own: Uint8Array) => (rng.int(4) === 0 ? dicts[rng.int(dicts.length)] : own);
    if (round % 2 === 0) {
      const [seed, n, own] = blocks[rng.int(blocks.length)];
      const size = rng.int(3) === 0 ? rng.int(2 * n + 1) : n;
      run(
        () => decompressBlock(mutate(seed, rng), size, { dictionary: pick(own) }),
        size,
        `block round ${round}`,
      );
    } else {
      const [seed, own] = frames[rng.int(frames.length)];
      const input = mutate(seed, rng);
      const dict = pick(own);
      const option = round % 3 === 0 ? dict : (id: number) => (id < 3 ? dict : undefined);
      run(
        () => decompressFrame(input, { dictionary: option, maxOutputSize: 1 << 20 }),
        1 << 20,
        `frame round ${round}`,
      );
      run(
        () => {
          const dec = new Lz4FrameDecoder({ dictionary: option, maxOutputSize: 1 << 20 });
          const parts: Uint8Array[] = [];
          for (let i = 0; i < input.length; i += 700) {
            parts.push(...dec.write(input.subarray(i, i + 700)));
          }
          return concatChunks([...parts, ...dec.end()]);
        },
        1 << 20,
        `stream round ${round}`,
      );
    }
  }
  for (const c of ["ok", "corrupt", "checksum", "unsupported"]) {
    assert.ok((codes.get(c) ?? 0) > 0, `no "${c}" outcome in ${[...codes]}`);
  }
});
