import assert from "node:assert/strict";
import { RecordBatch } from "../batch.ts";
import { columnFromValues } from "../infer.ts";
import { readIpcStream } from "../ipc/read/stream.ts";
import { writeIpcStream } from "../ipc/write/stream.ts";
import { Field, Schema } from "../schema.ts";
import { utf8View } from "../types.ts";
import { col, lit } from "./expr.ts";
import { predicateMask } from "./evaluate.ts";

Deno.test("expr: string view columns (what polars writes) filter like utf8", () => {
  const values = ["H1", null, "a string longer than twelve bytes", "H1", ""];
  const batch = RecordBatch.tryNew(
    new Schema([new Field("s", utf8View(), true)]),
    [columnFromValues(values, utf8View())],
    values.length,
  );
  // read back through IPC, where the views become the offsets layout
  const read = readIpcStream(writeIpcStream(batch)).batches[0];
  for (const b of [batch, read]) {
    assert.deepEqual(Array.from(predicateMask(b, col("s").eq(lit("H1")))), [1, 0, 0, 1, 0]);
  }
});
