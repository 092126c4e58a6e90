// Hostile and edge-case input for the Arrow module, found by a fresh-eyes attack pass.
import assert from "node:assert/strict";
import {
  ArrowError,
  makeBuilder,
  makeColumn,
  readIpcStream,
  readIpcStreamAsync,
  RecordBatch,
  TimeUnit,
  types as T,
  writeIpcStream,
} from "./mod.ts";
import { type DataType, Type } from "./types.ts";

function dictBatch(valueType: DataType, values: unknown[]): RecordBatch {
  const b = makeBuilder(T.dictionary(valueType, T.int32()));
  for (const v of values) b.append(v as never);
  return RecordBatch.fromColumns({ d: b.finish() });
}

// A delta dictionary batch is concatenated to the dictionary already read. Going through
// `get()` and a builder rounded nanosecond timestamps and large durations (get returns
// float milliseconds / numbers), so every row of the batches after the delta read a wrong value.
Deno.test("dictionary deltas keep values exact (ns timestamps, durations past 2^53, decimals)", async () => {
  const cases: [string, DataType, unknown[], unknown[]][] = [
    [
      "timestamp ns",
      T.timestamp(TimeUnit.NANOSECOND, "UTC"),
      [1700000000123456789n, null],
      [1700000000123456789n, null, 1700000000987654321n, -1n],
    ],
    [
      "duration ns",
      T.duration(TimeUnit.NANOSECOND),
      [9007199254740993n],
      [9007199254740993n, 9007199254740995n, -9007199254740995n],
    ],
    [
      "timestamp us",
      T.timestamp(TimeUnit.MICROSECOND),
      [1700000000123457n],
      [1700000000123457n, 2n ** 62n + 1n],
    ],
    [
      "decimal128",
      T.decimal128(38, 5),
      [12345678901234567890123456789n],
      [12345678901234567890123456789n, -(10n ** 37n) + 1n],
    ],
  ];
  for (const [name, type, first, second] of cases) {
    const bytes = writeIpcStream([dictBatch(type, first), dictBatch(type, second)]);
    for (const read of [readIpcStream(bytes), await readAsync(bytes)]) {
      const last = read.batches[1].columns[0];
      const dict = last.data.dictionary!;
      const raw: unknown[] = [];
      for (let i = 0; i < last.length; i++) {
        if (!last.isValid(i)) raw.push(null);
        else {
          const k = Number(last.data.values![last.data.offset + i]);
          raw.push(rawValue(dict.data, k));
        }
      }
      assert.deepEqual(raw, second.map((v) => v ?? null), name);
    }
  }
});

function rawValue(data: { type: DataType; values: unknown; offset: number }, k: number): unknown {
  const values = data.values as ArrayLike<number | bigint>;
  if (data.type.typeId === Type.Decimal) {
    // 4 little-endian 32-bit words, two's complement
    let v = 0n;
    for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(values[(data.offset + k) * 4 + w]);
    return BigInt.asIntN(128, v);
  }
  return values[data.offset + k];
}

async function readAsync(bytes: Uint8Array): Promise<{ batches: RecordBatch[] }> {
  const batches: RecordBatch[] = [];
  for await (const b of readIpcStreamAsync(ReadableStream.from([bytes]))) batches.push(b);
  return { batches };
}

// Every child of a sparse union has the union's length (Columnar format, "Sparse Union"). A
// shorter child was accepted: `get()` of the chosen child was right, but `take`/`filter`
// gathered the other children past their end and wrote the made-up values ("") back out.
Deno.test("a sparse union child shorter than the union is corrupt, not padded with made-up values", () => {
  const ints = makeBuilder(T.int32());
  for (const v of [1, 2, 3, 4]) ints.append(v);
  const strs = makeBuilder(T.utf8());
  strs.append("a");
  const union = makeColumn({
    type: T.sparseUnion({ i: T.int32(), s: T.utf8() }),
    length: 4,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: new Int8Array(4),
    offsets: null,
    children: [ints.finish(), strs.finish()],
    dictionary: null,
  });
  const bytes = writeIpcStream(RecordBatch.fromColumns({ u: union }));
  assert.throws(() => readIpcStream(bytes), (e) => {
    assert.ok(e instanceof ArrowError, String(e));
    assert.equal(e.code, "corrupt");
    return true;
  });
});
