// Column reading paths owned by column.ts: offsets checked eagerly (checkOffsets) or on first
// use (deferOffsetsCheck), per-element offset checks of utf8/binary/list columns, decodeUtf8's
// short-ASCII path, and NumberColumn.values.
import assert from "node:assert/strict";
import {
  ArrowError,
  type Column,
  type ColumnData,
  columnFromValues,
  RecordBatch,
  writeIpcStream,
} from "./mod.ts";
import { makeColumn } from "./column.ts";
import { checkOffsets, decodeUtf8, deferOffsetsCheck, type NumberColumn } from "./column.ts";
import { takeColumn } from "./take.ts";
import { binary, float64, int32, largeUtf8, list, utf8 } from "./types.ts";

const enc = new TextEncoder();

function corrupt(fn: () => unknown): void {
  assert.throws(fn, (e) => e instanceof ArrowError && e.code === "corrupt");
}

function utf8Data(offsets: Int32Array | BigInt64Array, text: string, large = false): ColumnData {
  return {
    type: large ? largeUtf8() : utf8(),
    length: offsets.length - 1,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: enc.encode(text),
    offsets,
    children: [],
    dictionary: null,
  };
}

Deno.test("checkOffsets: accepts ordered in-bounds offsets, rejects every kind of bad one", () => {
  checkOffsets(new Int32Array([0, 0, 3, 3, 7]), 4, 7);
  checkOffsets(new Int32Array([2, 5]), 1, 5); // need not start at 0
  checkOffsets(new BigInt64Array([0n, 4n, 9n]), 2, 9);
  corrupt(() => checkOffsets(new Int32Array([-1, 2]), 1, 5));
  corrupt(() => checkOffsets(new Int32Array([0, 3, 2]), 2, 5));
  corrupt(() => checkOffsets(new Int32Array([0, 3, 6]), 2, 5));
  corrupt(() => checkOffsets(new Int32Array([0, 3]), 2, 5)); // too few offsets
  corrupt(() => checkOffsets(new BigInt64Array([0n, 9n, 8n]), 2, 9));
  corrupt(() => checkOffsets(new BigInt64Array([-4n, 0n]), 1, 9));
  corrupt(() => checkOffsets(new BigInt64Array([0n, 2n ** 40n]), 1, 9));
});

Deno.test("deferOffsetsCheck: good elements read, bad ones throw corrupt on access", () => {
  // element 1 runs backwards, element 3 ends past the 8 bytes
  const data = deferOffsetsCheck(utf8Data(new Int32Array([0, 3, 2, 5, 40]), "abcdefgh"), 8);
  const c = makeColumn(data);
  assert.equal(c.get(0), "abc");
  assert.equal(c.get(2), "cde"); // offsets 2..5 are fine on their own
  corrupt(() => c.get(1));
  corrupt(() => c.get(3));
  corrupt(() => c.toArray());
  corrupt(() => [...c]);
  // bulk readers of data.offsets get the whole-buffer check
  corrupt(() => c.data.offsets);
  corrupt(() => ({ ...c.data }));
  corrupt(() => takeColumn(c, new Int32Array([0])));
});

Deno.test("deferOffsetsCheck: valid offsets read exactly as eagerly checked ones", () => {
  const strings = ["", "ψ", "plain ascii", "x".repeat(100), "naïve", "", "end"];
  const eager = columnFromValues(strings);
  const lazy = makeColumn(deferOffsetsCheck(eager.data, eager.data.values!.length));
  assert.deepEqual([...lazy], strings);
  assert.equal(lazy.data.offsets, eager.data.offsets); // checked once, then the same buffer
  assert.deepEqual([...lazy.slice(2, 3)], strings.slice(2, 5));
  const large = columnFromValues(strings, largeUtf8());
  const lazyLarge = makeColumn(deferOffsetsCheck(large.data, large.data.values!.length));
  assert.deepEqual([...lazyLarge], strings);
  const bin = columnFromValues([enc.encode("ab"), enc.encode("")], binary());
  const lazyBin = makeColumn(deferOffsetsCheck(bin.data, bin.data.values!.length));
  assert.deepEqual([...lazyBin], [enc.encode("ab"), new Uint8Array(0)]);
});

Deno.test("deferOffsetsCheck: slices share the pending check and stay element-checked", () => {
  const c = makeColumn(
    deferOffsetsCheck(utf8Data(new Int32Array([0, 1, 2, 9, 3]), "abcd"), 4),
  );
  const s = c.slice(0, 2);
  assert.deepEqual([...s], ["a", "b"]);
  corrupt(() => c.slice(2, 1).get(0)); // 2..9 past the 4 bytes
  corrupt(() => c.slice(3).get(0)); // 9..3 backwards
  corrupt(() => s.data.offsets); // the whole buffer is still checked for bulk use
});

Deno.test("deferOffsetsCheck: large offsets beyond 2^53 and lists", () => {
  const large = makeColumn(
    deferOffsetsCheck(utf8Data(new BigInt64Array([0n, 2n ** 60n]), "abc", true), 3),
  );
  corrupt(() => large.get(0));
  const ints = columnFromValues(new Int32Array([1, 2, 3]));
  const listData: ColumnData = {
    type: list(int32()),
    length: 2,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: null,
    offsets: new Int32Array([0, 2, 7]),
    children: [ints],
    dictionary: null,
  };
  const l = makeColumn(deferOffsetsCheck(listData, ints.length)) as Column<number[]>;
  assert.deepEqual(l.get(0), [1, 2]);
  corrupt(() => l.get(1)); // 2..7 past the 3 child values
  corrupt(() => l.data.offsets);
});

Deno.test("deferOffsetsCheck: rejects data without offsets or with too few", () => {
  assert.throws(
    () => deferOffsetsCheck(columnFromValues(new Float64Array(2)).data, 0),
    (e) => e instanceof ArrowError && e.code === "invalid",
  );
  corrupt(() => deferOffsetsCheck({ ...utf8Data(new Int32Array([0, 1]), "a"), length: 3 }, 1));
});

Deno.test("deferOffsetsCheck: writing a batch with bad deferred offsets is a typed error", () => {
  const c = makeColumn(deferOffsetsCheck(utf8Data(new Int32Array([0, 5, 1]), "abcde"), 5));
  const batch = RecordBatch.fromColumns({ s: c });
  assert.throws(() => writeIpcStream(batch), (e) => e instanceof ArrowError);
});

Deno.test("decodeUtf8: short ASCII, non-ASCII, long and empty ranges", () => {
  const text = "H1-event-12 ψω " + "y".repeat(70) + " end";
  const bytes = enc.encode(text);
  const dec = new TextDecoder();
  for (let start = 0; start < bytes.length; start += 7) {
    for (const len of [0, 1, 5, 13, 64, 65, 90]) {
      const end = Math.min(bytes.length, start + len);
      let expected: string;
      try {
        expected = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, end));
      } catch {
        expected = dec.decode(bytes.subarray(start, end)); // split code point: replacement
      }
      assert.equal(decodeUtf8(bytes, start, end), expected, `${start}..${end}`);
    }
  }
  assert.equal(decodeUtf8(bytes, 5, 5), "");
  assert.equal(decodeUtf8(bytes, 5, 2), "");
});

Deno.test("NumberColumn.values: the buffer itself for whole columns, a view for slices", () => {
  const v = new Float64Array([1, 2, 3, 4]);
  const c = columnFromValues(v, float64()) as NumberColumn;
  assert.equal(c.values, v);
  const s = c.slice(1, 2) as NumberColumn;
  assert.deepEqual(s.values, new Float64Array([2, 3]));
  assert.equal(s.values.buffer, v.buffer);
});
