import assert from "node:assert/strict";
import { platformCodecSuite } from "./_test_suite.ts";
import { concat, runTool } from "./_test_tools.ts";
import { PlatformDecoder, PlatformEncoder } from "./codecs.ts";

platformCodecSuite({
  name: "gzip",
  encoder: (level) => new PlatformEncoder("gzip", { level }),
  decoder: (maxOutputSize) => new PlatformDecoder("gzip", { maxOutputSize }),
  levels: [1, 6, 9],
  badLevels: [10, -1, 0.5],
  toolCompress: ["gzip", ["-c"]],
  toolDecompress: ["gzip", ["-d", "-c"]],
});

// zlib-wrapped and raw deflate have no command-line tool in every image; Python's zlib (the
// reference zlib library) is the reference decoder/encoder here.
const py = (mode: string): [string, string[]] => [
  "python3",
  ["-c", `import sys,zlib;d=sys.stdin.buffer.read();sys.stdout.buffer.write(${mode})`],
];

platformCodecSuite({
  name: "deflate",
  encoder: (level) => new PlatformEncoder("deflate", { level }),
  decoder: (maxOutputSize) => new PlatformDecoder("deflate", { maxOutputSize }),
  levels: [1, 6, 9],
  badLevels: [10, -1],
  toolCompress: py("zlib.compress(d)"),
  toolDecompress: py("zlib.decompress(d)"),
});

platformCodecSuite({
  name: "deflate-raw",
  encoder: (level) => new PlatformEncoder("deflate-raw", { level }),
  decoder: (maxOutputSize) => new PlatformDecoder("deflate-raw", { maxOutputSize }),
  levels: [1, 6, 9],
  badLevels: [10],
  toolCompress: py("(lambda c: c.compress(d)+c.flush())(zlib.compressobj(6, zlib.DEFLATED, -15))"),
  toolDecompress: py("zlib.decompress(d, -15)"),
});

Deno.test("gzip: multi-member files decode to the concatenation", async () => {
  const a = new TextEncoder().encode("member one\n");
  const b = new TextEncoder().encode("member two\n");
  const both = concat([await runTool("gzip", ["-c"], a), await runTool("gzip", ["-c"], b)]);
  const d = new PlatformDecoder("gzip");
  assert.deepEqual(concat([...d.write(both), ...d.end()]), concat([a, b]));
});
