// Dictionary deltas of nested value types, written by pyarrow, read exactly: every int64,
// timestamp[ns], duration and decimal value past 2^53 comes back as stored.
import assert from "node:assert/strict";
import { type Column, readIpcStream, readIpcStreamAsync, type RecordBatch } from "../../mod.ts";
import { Type } from "../../types.ts";
import { python } from "../../_test_python.ts";

// Two batches; the second one's dictionaries extend the first one's, so pyarrow sends each as a
// delta. Values past 2^53 in every nested position: list<timestamp[ns]>, struct<int64,
// duration[ns]>, list<decimal128>.
const WRITE_NESTED_DELTAS = `
import pyarrow as pa, sys, decimal
ts = pa.list_(pa.timestamp("ns", "UTC"))
st = pa.struct([("a", pa.int64()), ("d", pa.duration("ns"))])
dl = pa.list_(pa.decimal128(38, 5))
D = decimal.Decimal
first = {
  "l": pa.array([[1700000000123456789, None], None], ts),
  "s": pa.array([{"a": 2**53 + 1, "d": -(2**62) - 3}, None], st),
  "m": pa.array([[D("123456789012345678901234567.89123")]], dl),
}
second = {
  "l": pa.array([[1700000000123456789, None], None, [1700000000987654321, -1, 2**62 + 1]], ts),
  "s": pa.array([{"a": 2**53 + 1, "d": -(2**62) - 3}, None,
                 {"a": 2**63 - 1, "d": 9007199254740993}], st),
  "m": pa.array([[D("123456789012345678901234567.89123")],
                 [D("-99999999999999999999999999999999.99999"), None]], dl),
}
def batch(d, idx):
  return pa.record_batch({k: pa.DictionaryArray.from_arrays(pa.array(idx[k], pa.int32()), v)
                          for k, v in d.items()})
b1 = batch(first, {"l": [0, 1, None], "s": [1, 0, 0], "m": [0, None, 0]})
b2 = batch(second, {"l": [2, 0, 1, 2], "s": [2, 1, 0, 2], "m": [1, 0, None, 1]})
sink = pa.BufferOutputStream()
opts = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=True)
with pa.ipc.new_stream(sink, b1.schema, options=opts) as w:
  w.write_batch(b1)
  w.write_batch(b2)
sys.stdout.buffer.write(sink.getvalue().to_pybytes())
`;

/** Element `i` of `c` from its stored buffers (64-bit integers read raw, never via numbers). */
function exact(c: Column, i: number): unknown {
  if (!c.isValid(i)) return null;
  const d = c.data;
  switch (d.type.typeId) {
    case Type.Dictionary:
      return exact(d.dictionary!, Number(d.values![d.offset + i]));
    case Type.List: {
      const from = Number(d.offsets![d.offset + i]), to = Number(d.offsets![d.offset + i + 1]);
      const out = [];
      for (let k = from; k < to; k++) out.push(exact(d.children[0], k));
      return out;
    }
    case Type.Struct:
      return d.type.children.map((_, k) => exact(d.children[k], d.offset + i));
    case Type.Int:
    case Type.Timestamp:
    case Type.Duration:
      return (d.values as BigInt64Array)[d.offset + i];
    default:
      return c.get(i); // decimals: the unscaled bigint; bools
  }
}

const A = 1700000000123456789n, B = 1700000000987654321n, C = 2n ** 62n + 1n;
const S0 = [2n ** 53n + 1n, -(2n ** 62n) - 3n], S2 = [2n ** 63n - 1n, 9007199254740993n];
const M0 = [12345678901234567890123456789123n],
  M1 = [-9999999999999999999999999999999999999n, null];
const WANT = [
  { l: [[A, null], null, null], s: [null, S0, S0], m: [M0, null, M0] }, // before the deltas
  { l: [[B, -1n, C], [A, null], null, [B, -1n, C]], s: [S2, null, S0, S2], m: [M1, M0, null, M1] },
];

function rows(batches: RecordBatch[]): unknown[] {
  return batches.map((b) => {
    const out: Record<string, unknown[]> = {};
    for (const name of ["l", "s", "m"]) {
      const c = b.column(name)!;
      out[name] = Array.from({ length: c.length }, (_, i) => exact(c, i));
    }
    return out;
  });
}

Deno.test("nested dictionary deltas from pyarrow keep every value exact", async () => {
  const bytes = await python(WRITE_NESTED_DELTAS, new Uint8Array());
  assert.deepEqual(rows(readIpcStream(bytes).batches), WANT, "readIpcStream");
  const batches: RecordBatch[] = [];
  for await (const b of readIpcStreamAsync(ReadableStream.from([bytes]))) batches.push(b);
  assert.deepEqual(rows(batches), WANT, "readIpcStreamAsync");
});

// Nested dictionaries were copied whole at each delta: 12 000 one-value deltas are 72 million
// copied values, past the reader's cap of 64 million ("dictionary deltas too large"). They grow
// in place now, child by child, so each delta costs its own values and the stream reads.
const WRITE_MANY_DELTAS = `
import pyarrow as pa, sys
n = 12000
ty = pa.struct([("at", pa.list_(pa.timestamp("ns", "UTC"))), ("id", pa.int64()), ("ok", pa.bool_())])
values = [{"at": None if i % 3 == 0 else [i + 2**60, None], "id": i - 2**62, "ok": i % 2 == 0}
          for i in range(n)]
dictionary = pa.array(values, ty)
schema = pa.schema([("d", pa.dictionary(pa.int32(), ty))])
sink = pa.BufferOutputStream()
opts = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=True)
with pa.ipc.new_stream(sink, schema, options=opts) as w:
  for i in range(n):  # batch i points at value i of a dictionary that grows by one each time
    d = pa.DictionaryArray.from_arrays(pa.array([i], pa.int32()), dictionary.slice(0, i + 1))
    w.write_batch(pa.record_batch([d], schema=schema))
sys.stdout.buffer.write(sink.getvalue().to_pybytes())
`;

Deno.test("many small nested dictionary deltas cost their own values", async () => {
  const n = 12_000;
  const value = (i: number) => [
    i % 3 === 0 ? null : [BigInt(i) + 2n ** 60n, null],
    BigInt(i) - 2n ** 62n,
    i % 2 === 0,
  ];
  const read = readIpcStream(await python(WRITE_MANY_DELTAS, new Uint8Array())).batches;
  assert.equal(read.length, n);
  for (const i of [0, 1, 2, 7, 4096, n - 1]) {
    const c = read[i].columns[0];
    assert.deepEqual(exact(c, 0), value(i), `batch ${i}`);
    assert.equal(c.data.dictionary!.length, i + 1);
  }
  // the dictionary of an early batch is not changed by later deltas
  const early = read[2].columns[0].data.dictionary!;
  assert.deepEqual([0, 1, 2].map((k) => exact(early, k)), [0, 1, 2].map(value));
});
