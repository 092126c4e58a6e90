import assert from "node:assert/strict";
import { compress, compressSync } from "../compress.ts";
import { CompressError } from "../errors.ts";
import { Algorithm } from "../types.ts";
import { ZstdFrameWalker } from "./_zstd_frames.ts";
import { platformCodecSuite } from "./_test_suite.ts";
import { concat, runTool } from "./_test_tools.ts";
import { PlatformDecoder, PlatformEncoder } from "./codecs.ts";

platformCodecSuite({
  name: "zstd",
  encoder: (level) => new PlatformEncoder("zstd", { level }),
  decoder: (maxOutputSize) => new PlatformDecoder("zstd", { maxOutputSize }),
  levels: [1, 3, 19, -5],
  badLevels: [23, -200000, 2.5, NaN],
  toolCompress: ["zstd", ["-c", "-q", "--check"]],
  toolDecompress: ["zstd", ["-d", "-c", "-q"]],
});

function decode(bytes: Uint8Array, max?: number): Uint8Array {
  const d = new PlatformDecoder("zstd", { maxOutputSize: max });
  return concat([...d.write(bytes), ...d.end()]);
}

Deno.test("zstd: concatenated frames and skippable frames decode as one stream", async () => {
  const a = new TextEncoder().encode("first frame ".repeat(50));
  const b = new TextEncoder().encode("second frame ".repeat(50));
  const fa = await runTool("zstd", ["-c", "-q", "--check"], a);
  const fb = await runTool("zstd", ["-c", "-q", "--no-check"], b);
  const skip = new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
  assert.deepEqual(decode(concat([skip, fa, skip, fb])), concat([a, b]));
  // Only a skippable frame: valid, empty.
  assert.equal(decode(skip).length, 0);
});

Deno.test("zstd: truncation inside a checksum or a skippable frame is corrupt", async () => {
  const fa = await runTool(
    "zstd",
    ["-c", "-q", "--check"],
    new TextEncoder().encode("x".repeat(999)),
  );
  for (const cut of [1, 2, 3, 4]) {
    assert.throws(
      () => decode(fa.subarray(0, fa.length - cut)),
      (e) => e instanceof CompressError && e.code === "corrupt",
    );
  }
  const skip = new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 9, 0, 0, 0, 1, 2, 3]);
  assert.throws(() => decode(skip), (e) => e instanceof CompressError && e.code === "corrupt");
});

Deno.test("zstd: a flipped content checksum is reported", async () => {
  const data = new TextEncoder().encode("checksummed ".repeat(300));
  const fa = (await runTool("zstd", ["-c", "-q", "--check"], data)).slice();
  fa[fa.length - 1] ^= 0xff;
  assert.throws(
    () => decode(fa),
    (e) => e instanceof CompressError && (e.code === "checksum" || e.code === "corrupt"),
  );
});

Deno.test("zstd frame walker: structure checks", () => {
  const w = new ZstdFrameWalker();
  assert.throws(() => w.push(new Uint8Array([1, 2, 3, 4])), CompressError);
  const empty = new ZstdFrameWalker();
  assert.throws(() => empty.finish(), CompressError);
  // Reserved block type 3.
  const bad = new ZstdFrameWalker();
  assert.throws(
    () => bad.push(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x07, 0x00, 0x00])),
    CompressError,
  );
  // A minimal valid frame: single segment, FCS 1 byte = 0, one last raw block of size 0.
  const ok = new ZstdFrameWalker();
  for (const b of [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00]) {
    ok.push(new Uint8Array([b]));
  }
  ok.finish();
  assert.equal(ok.frames, 1);
});

Deno.test("zstd one-shot: frames carry the content size and a window no larger than the input", async () => {
  // 1 KiB at level 19 took ~50 ms (422 ms at 22) with the level's 8 MiB window and tables; the
  // zstd tool sizes both to the input. `zstd -lv` reads what the frame header declares.
  const data = new TextEncoder().encode("sensor=17,temp=21.5;".repeat(52)).subarray(0, 1024);
  const dir = await Deno.makeTempDir();
  try {
    for (const level of [3, 19, 22]) {
      for (
        const packed of [
          compressSync(data, Algorithm.Zstd, { level }),
          await compress(data, Algorithm.Zstd, { level }),
        ]
      ) {
        const path = `${dir}/l${level}.zst`;
        await Deno.writeFile(path, packed);
        const out = await new Deno.Command("zstd", { args: ["-lv", path], stdout: "piped" })
          .output();
        const text = new TextDecoder().decode(out.stdout);
        assert.match(text, /Decompressed Size: 1\.000 KiB \(1024 B\)/, `level ${level}:\n${text}`);
        const window = /Window Size: .*\((\d+) B\)/.exec(text);
        assert.ok(window && Number(window[1]) <= 1024, `level ${level} window: ${window?.[1]}`);
        assert.deepEqual(await runTool("zstd", ["-d", "-c", "-q"], packed), data);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// Frame headers needing a 2^28-byte window: Window_Descriptor exponent 18, and a single-segment
// frame whose 4-byte Frame_Content_Size is 2^28.
const HUGE_WINDOW = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3, 0x01, 0x00, 0x00]);
const HUGE_SINGLE = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x10, 0x01, 0, 0]);

Deno.test("zstd: a frame needing a window over 2^27 bytes is a limit, found in its header", () => {
  for (const frame of [HUGE_WINDOW, HUGE_SINGLE]) {
    assert.throws(
      () => new ZstdFrameWalker().push(frame),
      (e) => e instanceof CompressError && e.code === "limit",
    );
    const dec = new PlatformDecoder("zstd");
    assert.throws(
      () => [...dec.write(frame), ...dec.end()],
      (e) => e instanceof CompressError && e.code === "limit",
    );
  }
  // The largest allowed window passes the header check.
  const ok = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 17 << 3]);
  new ZstdFrameWalker().push(ok);
});
