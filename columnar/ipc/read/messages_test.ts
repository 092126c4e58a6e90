import assert from "node:assert/strict";
import { ArrowError, ipcMessages, RecordBatch, writeIpcFile, writeIpcStream } from "../../mod.ts";

const batches = [RecordBatch.fromRows([{ a: 1 }, { a: 2 }]), RecordBatch.fromRows([{ a: 3 }])];

Deno.test("ipcMessages lists a stream's and a file's messages with rows and compression", () => {
  for (const bytes of [writeIpcStream(batches, { compression: "zstd" }), writeIpcFile(batches)]) {
    const m = ipcMessages(bytes);
    assert.deepEqual(m.map((x) => x.kind), ["schema", "record", "record"]);
    assert.deepEqual(m.map((x) => x.rows), [0, 2, 1]);
    assert.ok(m.slice(1).every((x) => x.bodyBytes > 0));
  }
  assert.deepEqual(
    ipcMessages(writeIpcStream(batches, { compression: "zstd" })).map((x) => x.compression),
    ["none", "zstd", "zstd"],
  );
});

Deno.test("ipcMessages: truncated or bad footers are typed errors", () => {
  const file = writeIpcFile(batches);
  const badFooter = file.slice();
  new DataView(badFooter.buffer).setInt32(badFooter.length - 10, 1 << 30, true);
  for (const bad of [file.subarray(0, 12), badFooter, writeIpcStream(batches).subarray(0, 40)]) {
    assert.throws(() => ipcMessages(bad), (e) => e instanceof ArrowError && e.code === "corrupt");
  }
});
