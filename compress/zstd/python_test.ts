// Frames written by python-zstandard (libzstd through its C extension) decode bit-exact:
// compression parameters the CLI does not expose, streaming writers that flush many small
// blocks, multi-threaded frames, and dictionaries (trained, raw content, precomputed).
import assert from "node:assert/strict";
import { decompressZstd } from "./mod.ts";
import { PYTHON, sample, streamDecode } from "./_test_tools.ts";

const SCRIPT = `
import sys, json, zstandard as z
data = sys.stdin.buffer.read()
out = {}
def put(name, b):
    out[name] = b.hex()
for level in (-5, 1, 4, 12, 22):
    put(f"level {level}", z.ZstdCompressor(level=level, write_checksum=True).compress(data))
put("no content size", z.ZstdCompressor(level=3, write_content_size=False).compress(data))
put("threads", z.ZstdCompressor(level=5, threads=2).compress(data * 3))
p = z.ZstdCompressionParameters.from_level(9, window_log=17, hash_log=12, strategy=z.STRATEGY_BTULTRA2)
put("btultra2 wlog 17", z.ZstdCompressor(compression_params=p).compress(data))
p = z.ZstdCompressionParameters.from_level(3, enable_ldm=True, window_log=26)
put("ldm", z.ZstdCompressor(compression_params=p).compress(data))
# A stream writer that flushes after every small write: many tiny blocks, repeat modes.
c = z.ZstdCompressor(level=6).compressobj()
parts = []
for i in range(0, len(data), 777):
    parts.append(c.compress(data[i:i + 777]))
    parts.append(c.flush(z.COMPRESSOBJ_FLUSH_BLOCK))
parts.append(c.flush())
put("flushed blocks", b"".join(parts))
samples = [data[i:i + 600] for i in range(0, len(data) - 600, 300)]
d = z.train_dictionary(4096, samples)
out["dict"] = d.as_bytes().hex()
msg = data[1234:2234]
put("trained dict", z.ZstdCompressor(level=3, dict_data=d).compress(msg))
put("trained dict 19", z.ZstdCompressor(level=19, dict_data=d).compress(msg))
d.precompute_compress(level=1)
put("precomputed dict", z.ZstdCompressor(dict_data=d).compress(msg))
raw = z.ZstdCompressionDict(data[:8000], dict_type=z.DICT_TYPE_RAWCONTENT)
out["raw"] = data[:8000].hex()
put("raw dict", z.ZstdCompressor(level=3, dict_data=raw).compress(msg))
json.dump(out, sys.stdout)
`;

function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function same(got: Uint8Array, want: Uint8Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${label}: first difference at byte ${i}`);
  }
}

Deno.test("python-zstandard: levels, parameters, threads, flushed blocks and dictionaries", async () => {
  const data = sample(90_000, 11);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(PYTHON, {
      args: ["-c", SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error(`this test needs ${PYTHON} with python-zstandard (pip install zstandard)`, {
      cause: e,
    });
  }
  const w = child.stdin.getWriter();
  await w.write(data);
  await w.close();
  const res = await child.output();
  assert.ok(res.success, new TextDecoder().decode(res.stderr));
  const frames: Record<string, string> = JSON.parse(new TextDecoder().decode(res.stdout));
  const dict = hex(frames.dict);
  const raw = hex(frames.raw);
  const msg = data.subarray(1234, 2234);
  let checked = 0;
  for (const [name, h] of Object.entries(frames)) {
    if (name === "dict" || name === "raw") continue;
    const frame = hex(h);
    const dictionary = name === "raw dict" ? raw : name.includes("dict") ? dict : undefined;
    const want = dictionary
      ? msg
      : name === "threads"
      ? new Uint8Array([...data, ...data, ...data])
      : data;
    same(decompressZstd(frame, { dictionary }), want, name);
    same(streamDecode(frame, 1 + (frame.length % 997), { dictionary }), want, `${name} streamed`);
    checked++;
  }
  assert.equal(checked, 14);
});
