// The package API decodes zstd with dictionaries through this decoder (node:zlib ignores them).
import assert from "node:assert/strict";
import {
  Algorithm,
  CompressError,
  compressSync,
  decompress,
  decompressSync,
  Dictionary,
  DictionarySet,
} from "../mod.ts";
import { parseZstdDictionary } from "./dictionary.ts";
import { sample, zstdCli } from "./_test_tools.ts";

Deno.test("decompress(zstd, { dictionary }) decodes zstd -D frames; compressing is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx-zstd-api-" });
  try {
    const paths: string[] = [];
    for (let i = 0; i < 100; i++) {
      paths.push(`${dir}/s${i}`);
      await Deno.writeFile(paths[i], sample(500 + i * 7, 50 + i));
    }
    const out = await new Deno.Command("zstd", {
      args: ["-q", "--train", "--maxdict=4096", "-o", `${dir}/dict`, ...paths],
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const bytes = await Deno.readFile(`${dir}/dict`);
    const message = sample(800, 999);
    const frame = await zstdCli(["-D", `${dir}/dict`, "-3"], message);
    const dictionary = new Dictionary(bytes);
    assert.deepEqual(await decompress(frame, Algorithm.Zstd, { dictionary }), message);
    assert.deepEqual(decompressSync(frame, Algorithm.Zstd, { dictionary }), message);
    assert.throws(
      () => compressSync(message, Algorithm.Zstd, { dictionary }),
      (e) => e instanceof CompressError && e.code === "unsupported",
    );
    // A set resolves the frame's Dictionary_ID: give the dictionary its zstd id.
    const set = new DictionarySet([new Dictionary(bytes, parseZstdDictionary(bytes).id)]);
    assert.deepEqual(await decompress(frame, Algorithm.Zstd, { dictionary: set }), message);
    const other = new DictionarySet([new Dictionary(bytes, 12345)]);
    await assert.rejects(
      () => decompress(frame, Algorithm.Zstd, { dictionary: other }),
      (e) => e instanceof CompressError && e.code === "unsupported",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
