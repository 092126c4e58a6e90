import assert from "node:assert/strict";
import { concatChunks } from "../concat.ts";
import { BrotliStreamDecoder, decompressBrotli } from "./mod.ts";
import { runTool } from "../platform/_test_tools.ts";
import { rng } from "../_test_rng.ts";
import { binary, jsonRows, prose, randomBytes, sourceText } from "./_test_corpora.ts";

/** Decodes `packed` fed in random chunks of 1..`maxChunk` bytes. */
function decodeChunked(packed: Uint8Array, maxChunk: number, seed: number): Uint8Array {
  const r = rng(seed);
  const dec = new BrotliStreamDecoder();
  const parts: Uint8Array[] = [];
  for (let at = 0; at < packed.length;) {
    const n = 1 + ((r() * maxChunk) | 0);
    parts.push(...dec.write(packed.subarray(at, at + n)));
    at += n;
  }
  parts.push(...dec.end());
  return concatChunks(parts);
}

const CORPORA: [string, Uint8Array][] = [
  ["source text", sourceText(40_000)],
  ["binary", binary(40_000)],
  ["prose", prose(30_000, 3)],
  ["json", jsonRows(30_000, 4)],
  ["random", randomBytes(10_000, 5)],
  ["zeros", new Uint8Array(70_000)],
  ["empty", new Uint8Array(0)],
  ["one byte", Uint8Array.of(42)],
];

Deno.test("brotli CLI output decodes bit-exact at qualities 0..11", async () => {
  for (const [name, data] of CORPORA) {
    for (let q = 0; q <= 11; q++) {
      const packed = await runTool("brotli", ["-c", "-q", String(q)], data);
      assert.deepEqual(decompressBrotli(packed), data, `${name} q${q}`);
    }
  }
});

Deno.test("brotli CLI output decodes at windows 10..24 (-w), streamed in small chunks", async () => {
  const data = sourceText(80_000);
  for (const w of [10, 16, 18, 24]) {
    for (const q of [2, 9, 11]) {
      const packed = await runTool("brotli", ["-c", "-q", String(q), "-w", String(w)], data);
      assert.deepEqual(decompressBrotli(packed), data, `w${w} q${q}`);
      assert.deepEqual(decodeChunked(packed, 7, w * 100 + q), data, `w${w} q${q} chunked`);
    }
  }
  // A 3 MiB input with distances beyond 1 MiB: only a 16 MiB window (-w 24) reaches back.
  const block = binary(1 << 20);
  const big = new Uint8Array(3 << 20);
  big.set(block, 0);
  big.set(randomBytes(1 << 20, 9), 1 << 20);
  big.set(block, 2 << 20);
  const packed = await runTool("brotli", ["-c", "-q", "5", "-w", "24"], big);
  assert.ok(packed.length < big.length * 0.8, "the window reaches the repeated block");
  assert.deepEqual(decompressBrotli(packed), big);
});

Deno.test("every byte split of a small stream decodes (resumption at each bit position)", async () => {
  const data = prose(3000, 8);
  const packed = await runTool("brotli", ["-c", "-q", "11"], data);
  for (let cut = 0; cut <= packed.length; cut++) {
    const dec = new BrotliStreamDecoder();
    const parts = [...dec.write(packed.subarray(0, cut)), ...dec.write(packed.subarray(cut))];
    parts.push(...dec.end());
    const total = parts.reduce((n, p) => n + p.length, 0);
    assert.equal(total, data.length, `cut ${cut}`);
  }
  assert.deepEqual(decodeChunked(packed, 1, 1), data, "one byte at a time");
});

/** The venv `.cache/py` (tools/test_deps.ts installs PyPI's `brotli` there). */
const PYTHON = new URL("../../.cache/py/bin/python", import.meta.url).pathname;

Deno.test("python brotli (PyPI, a newer libbrotli) output decodes bit-exact", async () => {
  const script = [
    "import brotli, sys",
    "data = sys.stdin.buffer.read()",
    "out = b''",
    "for q in range(12):",
    "  for w, mode in ((10, brotli.MODE_GENERIC), (24, brotli.MODE_TEXT)):",
    "    c = brotli.compress(data, quality=q, lgwin=w, mode=mode)",
    "    out += len(c).to_bytes(4, 'little') + c",
    "sys.stdout.buffer.write(out)",
  ].join("\n");
  for (const [name, data] of [CORPORA[0], CORPORA[2], CORPORA[3]]) {
    let all: Uint8Array;
    try {
      all = await runTool(PYTHON, ["-c", script], data);
    } catch (e) {
      throw new Error(`needs PyPI brotli in .cache/py (deno run -A tools/test_deps.ts): ${e}`);
    }
    let n = 0;
    for (let at = 0; at < all.length; n++) {
      const len = new DataView(all.buffer, all.byteOffset + at).getUint32(0, true);
      assert.deepEqual(decompressBrotli(all.subarray(at + 4, at + 4 + len)), data, `${name} #${n}`);
      at += 4 + len;
    }
    assert.equal(n, 24);
  }
});
