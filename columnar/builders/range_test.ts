import assert from "node:assert/strict";
import { ArrowError } from "../errors.ts";
import { columnFromValues } from "../infer.ts";
import { readIpcStream, writeIpcStream } from "../ipc/mod.ts";
import { RecordBatch } from "../batch.ts";
import {
  date32,
  date64,
  decimal128,
  decimal256,
  decimal32,
  decimal64,
  duration,
  float16,
  int16,
  int32,
  int64,
  int8,
  time,
  timestamp,
  TimeUnit,
  uint32,
  uint64,
  uint8,
} from "../types.ts";
import { makeBuilder } from "./make.ts";
import { python } from "../_test_python.ts";

const invalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";

Deno.test("builders refuse values their type cannot hold unless asked to wrap", () => {
  const bad: Array<[Parameters<typeof makeBuilder>[0], unknown]> = [
    [int8(), 200],
    [int8(), -129],
    [uint8(), -1],
    [uint8(), 256],
    [int16(), 40_000],
    [int32(), 1.5],
    [int32(), NaN],
    [int32(), Infinity],
    [int32(), 2 ** 31],
    [uint32(), 2 ** 32],
    [uint64(), -1n],
    [uint64(), 2n ** 64n],
    [int64(), 2n ** 63n],
    [int64(), -(2n ** 63n) - 1n],
    [date32(), 2 ** 40 * 86_400_000],
    [time(TimeUnit.SECOND), 2 ** 31],
    [duration(TimeUnit.SECOND), 1.5],
    [timestamp(TimeUnit.NANOSECOND), new Date(8.64e15)], // 8.64e21 ns is past int64
    [decimal128(5, 2), "1234567.89"],
    [decimal128(5, 2), 1234.5],
    [decimal128(5, 2), 100_000n],
    [decimal128(5, 2), "1.234"],
    [decimal128(5, 2), 1.005],
    [decimal128(38, 0), 10n ** 38n],
  ];
  for (const [type, value] of bad) {
    const b = makeBuilder(type);
    assert.throws(() => b.append(value), invalid, `${String(value)} into ${JSON.stringify(type)}`);
    // the failed append left nothing behind
    assert.equal(b.length, 0);
    b.append(null);
    assert.equal(b.finish().length, 1);
  }
  // date32 holds every Date (the last one is day 10^8)
  assert.equal(columnFromValues([new Date(8.64e15)], date32()).data.values![0], 100_000_000);
  assert.throws(() => decimal128(39, 0), invalid);
  assert.throws(() => decimal128(0, 0), invalid);
  assert.throws(() => columnFromValues([1, 2.5], int32()), invalid);
  assert.throws(() => RecordBatch.fromColumns({ x: columnFromValues([300], uint8()) }), invalid);
  // values at the edges fit exactly; { overflow: "wrap" } wraps, only when asked
  assert.deepEqual(columnFromValues([-128, 127], int8()).toArray(), Int8Array.of(-128, 127));
  assert.deepEqual(columnFromValues([0, 255], uint8()).toArray(), Uint8Array.of(0, 255));
  const u = columnFromValues([0n, 2n ** 64n - 1n], uint64());
  assert.deepEqual([u.get(0), u.get(1)], [0n, 2n ** 64n - 1n]);
  const d = columnFromValues(["999.99", "-999.99", 999.99, 12345n], decimal128(5, 2));
  assert.deepEqual(d.toArray(), [99999n, -99999n, 99999n, 12345n]);
  assert.deepEqual(columnFromValues([0.1, 1e-2], decimal128(5, 2)).toArray(), [10n, 1n]);
  // wrapping only when asked
  const wrap = { overflow: "wrap" } as const;
  assert.deepEqual(
    columnFromValues([200, -1, 1.5], int8(), wrap).toArray(),
    Int8Array.of(-56, -1, 1),
  );
  assert.deepEqual(columnFromValues([-1], uint8(), wrap).toArray(), Uint8Array.of(255));
  assert.deepEqual(columnFromValues([NaN], int32(), wrap).toArray(), Int32Array.of(0));
  assert.equal(columnFromValues([-1n], uint64(), wrap).get(0), 2n ** 64n - 1n);
  assert.equal(columnFromValues([2 ** 40 * 86_400_000], date32(), wrap).data.values![0], 0);
  // float16 is unaffected by integer checks; date64 floors a Date to its day, like date32
  assert.equal(columnFromValues([1e6], float16()).get(0), Infinity);
  assert.equal(columnFromValues([new Date(5)], date64()).get(0), 0);
});

Deno.test("decimal widths, times and date64 take only what Arrow readers accept", async () => {
  // precision past what the width holds: pyarrow and our reader refuse such files
  for (const make of [() => decimal32(10), () => decimal64(19), () => decimal256(77)]) {
    assert.throws(make, invalid);
  }
  assert.throws(() => decimal32(0), invalid);
  assert.throws(() => decimal64(5, 1.5), invalid);
  assert.equal(decimal32(9, 2).precision, 9);
  assert.equal(decimal256(76, -3).scale, -3);
  // a time of day lies in [0, one day); date64 holds whole days (pyarrow's full validation)
  const bad: Array<[Parameters<typeof makeBuilder>[0], unknown]> = [
    [time(TimeUnit.SECOND), 86_400],
    [time(TimeUnit.SECOND), -1],
    [time(TimeUnit.MILLISECOND), 86_400_000],
    [time(TimeUnit.MICROSECOND), 86_400_000_000n],
    [time(TimeUnit.NANOSECOND), -1n],
    [date64(), 1n],
    [date64(), 86_400_001n],
  ];
  for (const [type, value] of bad) {
    for (const options of [{}, { overflow: "wrap" } as const]) {
      const b = makeBuilder(type, options);
      assert.throws(
        () => b.append(value as never),
        invalid,
        `${value} into ${JSON.stringify(type)}`,
      );
      assert.equal(b.length, 0);
    }
  }
  const noon = new Date(Date.UTC(2024, 0, 1, 12));
  const batch = RecordBatch.fromColumns({
    s: columnFromValues([0, 86_399], time(TimeUnit.SECOND)),
    ns: columnFromValues([0n, 86_400n * 10n ** 9n - 1n], time(TimeUnit.NANOSECOND)),
    d: columnFromValues([noon, new Date(-1)], date64()),
    k: columnFromValues([86_400_000n, -86_400_000n], date64()),
    d9: columnFromValues(["9999999.99", "-0.01"], decimal32(9, 2)),
  });
  const out = await python(
    `import sys, pyarrow as pa
t = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all()
t.validate(full=True)
raw = lambda c: c.combine_chunks().view(pa.int32() if c.type.bit_width == 32 else pa.int64())
print([raw(c).to_pylist() for c in t.columns[:4]], t.column("d9").to_pylist())`,
    writeIpcStream(batch),
  );
  assert.equal(
    new TextDecoder().decode(out).trim(),
    `[[0, 86399], [0, 86399999999999], [${BigInt(noon.getTime()) - 43_200_000n}, -86400000], ` +
      `[86400000, -86400000]] [Decimal('9999999.99'), Decimal('-0.01')]`,
  );
});

Deno.test("fractional epoch milliseconds convert exactly, without a float product", () => {
  const raw = (v: number, unit: TimeUnit) =>
    (columnFromValues([v], timestamp(unit)).data.values as BigInt64Array)[0];
  // 1.7e12 + 0.5 is an exact double: 1_700_000_000_000_500_000 ns, not ...499_968
  assert.equal(raw(1.7e12 + 0.5, TimeUnit.NANOSECOND), 1_700_000_000_000_500_000n);
  assert.equal(raw(1.7e12 + 0.25, TimeUnit.MICROSECOND), 1_700_000_000_000_250n);
  assert.equal(raw(-1.5, TimeUnit.MICROSECOND), -1_500n);
  // coarser units floor: -0.5 ms is second -1, 2999.9999999999995 ms is second 2
  assert.equal(raw(-0.5, TimeUnit.SECOND), -1n);
  assert.equal(raw(2999.9999999999995, TimeUnit.SECOND), 2n);
});

Deno.test("timestamps from Dates are exact and floored to coarser units", () => {
  const at = new Date(Date.UTC(2024, 0, 1, 12, 0, 1, 900));
  const ms = BigInt(at.getTime());
  const raw = (unit: TimeUnit) =>
    (columnFromValues([at], timestamp(unit)).data.values as BigInt64Array)[0];
  assert.equal(raw(TimeUnit.SECOND), ms / 1000n); // 12:00:01, not 12:00:02
  assert.equal(raw(TimeUnit.MILLISECOND), ms);
  assert.equal(raw(TimeUnit.MICROSECOND), ms * 1000n);
  assert.equal(raw(TimeUnit.NANOSECOND), ms * 1_000_000n); // past 2^53: exact
  // before the epoch, floor is toward the past: -0.5 s is second -1
  const before = new Date(-500);
  assert.equal(
    (columnFromValues([before], timestamp(TimeUnit.SECOND)).data.values as BigInt64Array)[0],
    -1n,
  );
  assert.equal(columnFromValues([new Date(-1)], date32()).data.values![0], -1);
});

Deno.test("builders: what we build, pyarrow validates and reads back the same", async () => {
  const at = new Date(Date.UTC(2024, 0, 1, 12, 0, 1, 900));
  const batch = RecordBatch.fromColumns({
    s: columnFromValues([at, null], timestamp(TimeUnit.SECOND, "UTC")),
    ns: columnFromValues([at, new Date(-1)], timestamp(TimeUnit.NANOSECOND, "UTC")),
    d: columnFromValues(["999.99", "-0.01"], decimal128(5, 2)),
    u: columnFromValues([2n ** 64n - 1n, 0n], uint64()),
  });
  const out = await python(
    `import sys, pyarrow as pa
t = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all()
t.validate(full=True)
print(t.column("s")[0].value, t.column("ns")[0].value, t.column("ns")[1].value)
print(t.column("d").to_pylist(), t.column("u").to_pylist())`,
    writeIpcStream(batch),
  );
  assert.equal(
    new TextDecoder().decode(out).trim(),
    `${BigInt(at.getTime()) / 1000n} ${BigInt(at.getTime()) * 1_000_000n} -1000000\n` +
      `[Decimal('999.99'), Decimal('-0.01')] [18446744073709551615, 0]`,
  );
  assert.equal(readIpcStream(writeIpcStream(batch)).batches[0].numRows, 2);
});
