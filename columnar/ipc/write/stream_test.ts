// Dictionary deltas of the stream and file writers (pyarrow reads them in
// ../interop_pyarrow_test.ts).
import assert from "node:assert/strict";
import type { RecordBatch } from "../../batch.ts";
import { ArrowError } from "../../errors.ts";
import { type DataType, float64, utf8 } from "../../types.ts";
import { readIpcFile } from "../read/file.ts";
import { readIpcStream } from "../read/stream.ts";
import { writeIpcFile } from "./file.ts";
import { writeIpcStream } from "./stream.ts";
import { dictionaryBatch } from "../_test_data.ts";

function valuesOf(batches: RecordBatch[]): unknown[] {
  return batches.flatMap((b) => Array.from(b.column("d")));
}

Deno.test("dictionary deltas: grown dictionaries with nulls and NaN, stream and file", () => {
  const cases: [DataType, unknown[][]][] = [
    [utf8(), [["a", null], ["a", null, "b"], ["a", null, "b", null, "c"]]],
    [float64(), [[NaN, 1.5], [NaN, 1.5, -0], [NaN, 1.5, -0, Infinity]]],
  ];
  for (const [type, dicts] of cases) {
    const batches = dicts.map((d) => dictionaryBatch(type, d, d.map((_, i) => i)));
    const deltas = writeIpcStream(batches);
    const full = writeIpcStream(batches, { dictionaryDeltas: false });
    assert.ok(deltas.length < full.length, `${deltas.length} < ${full.length}`);
    const want = valuesOf(batches);
    assert.deepEqual(valuesOf(readIpcStream(deltas).batches), want);
    assert.deepEqual(valuesOf(readIpcFile(writeIpcFile(batches)).batches), want);
  }
});

Deno.test("dictionary deltas: a changed prefix is a replacement (stream) or refused (file)", () => {
  const batches = [
    dictionaryBatch(utf8(), ["a", "b"], [0, 1]),
    dictionaryBatch(utf8(), ["b", "a", "c"], [2, 1]),
  ];
  const deltas = writeIpcStream(batches);
  assert.equal(deltas.length, writeIpcStream(batches, { dictionaryDeltas: false }).length);
  assert.deepEqual(valuesOf(readIpcStream(deltas).batches), ["a", "b", "c", "a"]);
  assert.throws(
    () => writeIpcFile(batches),
    (e: unknown) => e instanceof ArrowError && e.code === "unsupported",
  );
  // -0 is not 0 (a null in the prefix makes the check compare values, not bytes)
  const zeros = [
    dictionaryBatch(float64(), [null, 0], [1]),
    dictionaryBatch(float64(), [null, -0, 1], [1, 2]),
  ];
  assert.deepEqual(
    valuesOf(readIpcStream(writeIpcStream(zeros)).batches).map((v) => Object.is(v, -0)),
    [false, true, false],
  );
  // same values in a new column: nothing is resent
  const same = [dictionaryBatch(utf8(), ["a", "b"], [0]), dictionaryBatch(utf8(), ["a", "b"], [1])];
  const resent = writeIpcStream(same, { dictionaryDeltas: false }).length;
  assert.ok(writeIpcStream(same).length < resent);
});
