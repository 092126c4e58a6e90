import assert from "node:assert/strict";
import { RecordBatch, writeIpcStream } from "../columnar/mod.ts";

// 16 zstd messages of 2^21 zero float64s (16 MiB each once decoded): a stream of a few
// tens of KB that decodes to 256 MiB.
function bombStream(): Uint8Array {
  const batch = RecordBatch.fromColumns({ x: new Float64Array(2 ** 21) });
  return writeIpcStream(Array.from({ length: 16 }, () => batch), { compression: "zstd" });
}

Deno.test("readArrow refuses a decompression bomb with a 413 and bounded memory", async () => {
  const bomb = bombStream();
  assert.ok(bomb.length < 64 * 1024, `bomb is ${bomb.length} bytes`);
  const path = await Deno.makeTempFile({ suffix: ".arrows" });
  try {
    await Deno.writeFile(path, bomb);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_test_arrow_bomb.ts", import.meta.url).pathname, path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim());
    assert.equal(r.status, 413, r.body);
    assert.equal(r.contentType, "application/problem+json");
    const problem = JSON.parse(r.body);
    assert.match(problem.detail, /maxOutputSize/);
    assert.ok(!/\bat \S+:\d+/.test(r.body), "no stack trace in the problem");
    // The budget for this body is 16 MiB + 16 x its size: one message (16 MiB) may decode,
    // the second is refused before its buffer is allocated. Unbounded, all 256 MiB would be
    // held at once; the stated bound on the growth of peak RSS is 96 MiB.
    const grewMiB = (r.afterKiB - r.beforeKiB) / 1024;
    assert.ok(grewMiB < 96, `peak RSS grew by ${grewMiB.toFixed(1)} MiB`);
  } finally {
    await Deno.remove(path);
  }
});
