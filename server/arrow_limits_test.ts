import assert from "node:assert/strict";
import { RecordBatch, writeIpcStream } from "../columnar/mod.ts";
import { arrow, readArrow, Route, Server } from "./mod.ts";
import { listenLocal } from "./_test_util.ts";
import { oneRunColumn, postArrow, zstdArrowBomb } from "../columnar/ipc/_test_data.ts";

Deno.test("readArrow refuses a decompression bomb with a 413 and bounded memory", async () => {
  const bomb = zstdArrowBomb(4096, 16); // 256 MiB decoded
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

Deno.test("readArrow refuses a 480-byte body of 2^31 - 1 run-end encoded rows with a 413", async () => {
  const n = 2 ** 31 - 1;
  const ree = oneRunColumn(n);
  const body = writeIpcStream(RecordBatch.fromColumns({ x: ree })).slice();
  assert.ok(body.length < 600, `${body.length} bytes`);
  // a handler answering JSON rows would allocate one per row: it must never get the batch
  let reached = false;
  const app = new Server()
    .route(
      "/rows",
      Route.post(async (c) => {
        const read = await readArrow(c.req.raw);
        reached = true;
        return arrow(c, read.batches);
      }),
    )
    .build();
  await using srv = listenLocal(app);
  const res = await postArrow(srv.url + "/rows", body);
  const text = await res.text();
  assert.equal(res.status, 413, text.slice(0, 200));
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.match(JSON.parse(text).detail, /maxValues/);
  assert.ok(!/\bat \S+:\d+/.test(text), "no stack trace in the problem");
  assert.equal(reached, false);
});
