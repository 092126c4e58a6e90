// The record batch reader on patched IPC bytes: offsets checked on first use (per element by
// get, whole buffer by bulk paths), node and buffer lengths read without bigints, and random
// offset corruption through every consuming path only ever yielding ArrowError.
import assert from "node:assert/strict";
import {
  ArrowError,
  columnFromValues,
  readIpcFile,
  readIpcStream,
  RecordBatch,
  writeIpcFile,
  writeIpcStream,
} from "../../mod.ts";
import { int32, list } from "../../types.ts";
import { rng } from "../_test_data.ts";

/** Position of `needle` in `hay` (the first one), failing the test when it is absent. */
function find(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  throw new Error("pattern not found in the IPC bytes");
}

const bytesOf = (a: Int32Array | BigInt64Array) => new Uint8Array(a.buffer);

function isCorrupt(e: unknown): boolean {
  return e instanceof ArrowError && e.code === "corrupt";
}

const STRINGS = ["alpha", "be", "", "gamma-ray", "δ", "epsilon"];
/** offsets of STRINGS in UTF-8 */
function offsetsOf(strings: string[]): Int32Array {
  const o = new Int32Array(strings.length + 1);
  strings.forEach((s, i) => o[i + 1] = o[i] + new TextEncoder().encode(s).length);
  return o;
}

Deno.test("read: utf8 offsets are checked when used, per element and per buffer", () => {
  const bytes = writeIpcStream(RecordBatch.fromColumns({ s: STRINGS }));
  const o = offsetsOf(STRINGS);
  const at = find(bytes, bytesOf(o));
  const bad = bytes.slice();
  // element 3 now ends past the data: 10_000 as its end offset (and element 4's start)
  new DataView(bad.buffer).setInt32(at + 4 * 4, 10_000, true);
  const col = readIpcStream(bad).batches[0].column("s");
  assert.equal(col.get(0), "alpha");
  assert.equal(col.get(1), "be");
  assert.equal(col.get(2), "");
  assert.throws(() => col.get(3), isCorrupt);
  assert.throws(() => col.get(4), isCorrupt);
  assert.equal(col.get(5), "epsilon");
  assert.throws(() => col.data.offsets, isCorrupt);
  const batch = readIpcStream(bad).batches[0];
  assert.throws(() => batch.toRows(), isCorrupt);
  assert.throws(() => batch.take(new Int32Array([0, 1])), isCorrupt);
  assert.throws(() => writeIpcStream(batch), (e) => e instanceof ArrowError);
  // the intact input reads back entirely
  assert.deepEqual([...readIpcStream(bytes).batches[0].column("s")], STRINGS);
});

Deno.test("read: decreasing and negative offsets throw corrupt on access, in files too", () => {
  const o = offsetsOf(STRINGS);
  for (const [index, value] of [[2, 1], [0, -3], [6, 2]] as const) {
    const bytes = writeIpcFile(RecordBatch.fromColumns({ s: STRINGS }));
    const at = find(bytes, bytesOf(o));
    new DataView(bytes.buffer).setInt32(at + 4 * index, value, true);
    const col = readIpcFile(bytes).batches[0].column("s");
    const touched = index === 0 ? [0] : [index - 1];
    for (const i of touched) assert.throws(() => col.get(i), isCorrupt, `${index}:${i}`);
    assert.throws(() => [...col], isCorrupt);
  }
});

Deno.test("read: list offsets are checked against the child length when used", () => {
  const batch = RecordBatch.fromColumns({
    l: columnFromValues([[1, 2], [3], [], [4, 5, 6]], list(int32())),
  });
  const bytes = writeIpcStream(batch);
  const at = find(bytes, bytesOf(new Int32Array([0, 2, 3, 3, 6])));
  new DataView(bytes.buffer).setInt32(at + 4 * 2, 99, true);
  const col = readIpcStream(bytes).batches[0].column("l");
  assert.deepEqual(col.get(0), [1, 2]);
  assert.throws(() => col.get(1), isCorrupt);
  assert.throws(() => col.get(2), isCorrupt);
  assert.deepEqual(col.get(3), [4, 5, 6]);
  assert.throws(() => col.data.offsets, isCorrupt);
});

Deno.test("read: node lengths past 2^53 or negative are corrupt, not rounded", () => {
  const n = 1234567;
  const bytes = writeIpcStream(RecordBatch.fromColumns({ x: new Int32Array(n) }));
  // the FieldNode struct: length n, null count 0 (its first occurrence is in the metadata)
  const node = bytesOf(new BigInt64Array([BigInt(n), 0n]));
  const at = find(bytes, node);
  for (const hi of [0x00200000, -1, 0x7fffffff]) {
    const bad = bytes.slice();
    new DataView(bad.buffer).setInt32(at + 4, hi, true);
    assert.throws(() => readIpcStream(bad), (e) => e instanceof ArrowError, String(hi));
  }
  // the largest exact length still reads as a number and then meets the row limit
  const bad = bytes.slice();
  new DataView(bad.buffer).setInt32(at + 4, 0x001fffff, true);
  assert.throws(() => readIpcStream(bad), (e) => e instanceof ArrowError && e.code === "limit");
});

Deno.test("read: random offset corruption only ever gives ArrowError on every path", () => {
  const r = rng(7);
  const strings = Array.from(
    { length: 200 },
    (_, i) => i % 7 === 0 ? "" : `v${i}-${"ψ".repeat(i % 3)}`,
  );
  const good = writeIpcStream(RecordBatch.fromColumns({ s: strings, n: new Int32Array(200) }));
  const at = find(good, bytesOf(offsetsOf(strings)));
  const mask = Uint8Array.from(strings, (_, i) => i % 3);
  let failures = 0;
  for (let round = 0; round < 400; round++) {
    const bad = good.slice();
    const dv = new DataView(bad.buffer);
    for (let k = 0, m = 1 + Math.floor(r() * 3); k < m; k++) {
      const i = Math.floor(r() * (strings.length + 1));
      const v = [-1, 0, 0x7fffffff, dv.getInt32(at + 4 * i, true) + 1, Math.floor(r() * 2000)][
        Math.floor(r() * 5)
      ];
      dv.setInt32(at + 4 * i, v, true);
    }
    const paths: (() => unknown)[] = [
      () => readIpcStream(bad).batches[0].column("s").get(Math.floor(r() * strings.length)),
      () => readIpcStream(bad).batches[0].toRows(),
      () => [...readIpcStream(bad).batches[0].slice(50, 100).column("s")],
      () => readIpcStream(bad).batches[0].take(new Int32Array([3, 1, 4, 1, 5])),
      () => readIpcStream(bad).batches[0].filter(mask),
      () => writeIpcStream(readIpcStream(bad).batches[0].slice(10, 20)),
    ];
    for (const path of paths) {
      try {
        path();
      } catch (e) {
        if (!(e instanceof ArrowError)) throw new Error(`round ${round}: ${e}`, { cause: e });
        failures++;
      }
    }
  }
  assert.ok(failures > 400, `only ${failures} corrupt reads were caught`);
});
