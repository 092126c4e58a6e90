// Test helpers: seeded random batches covering every type, and column comparison.
import assertStrict from "node:assert/strict";
import { RecordBatch } from "../batch.ts";
import { makeBuilder } from "../builders/make.ts";
import { type Column, makeColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { columnFromValues } from "../infer.ts";
import { Field, Schema } from "../schema.ts";
import {
  binary,
  bool,
  type DataType,
  date32,
  date64,
  decimal128,
  dictionary,
  duration,
  fixedSizeBinary,
  fixedSizeList,
  float16,
  float32,
  float64,
  int16,
  int32,
  int64,
  int8,
  largeBinary,
  largeList,
  largeUtf8,
  list,
  nullType,
  runEndEncoded,
  struct,
  time,
  timestamp,
  TimeUnit,
  Type,
  typeToString,
  uint16,
  uint32,
  uint64,
  uint8,
  utf8,
} from "../types.ts";
import { rng } from "../../compress/_test_rng.ts";
import { writeIpcStream } from "./write/stream.ts";

/** Deterministic PRNG (mulberry32), the one of the codec tests. */
export { rng };

/**
 * Gives `consume` `rounds` copies of `bytes`, each with three bits flipped at places drawn from
 * `rng(seed)`: whatever it throws must be an `ArrowError`, never another kind of failure.
 */
export function assertBitFlipsFailCleanly(
  bytes: Uint8Array,
  rounds: number,
  seed: number,
  consume: (mutated: Uint8Array) => void,
  label = "",
): void {
  const r = rng(seed);
  for (let i = 0; i < rounds; i++) {
    const m = bytes.slice();
    for (let k = 0; k < 3; k++) m[Math.floor(r() * m.length)] ^= 1 << Math.floor(r() * 8);
    try {
      consume(m);
    } catch (e) {
      assertStrict.ok(e instanceof ArrowError, `${label}mutation ${i}: ${e}`);
    }
  }
}

/** A new temporary directory, removed with its contents when the `await using` scope ends. */
export async function tempDir(prefix: string): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** A POST of `bytes` as an Arrow IPC stream, as a client sends it to `readArrowBody`. */
export function arrowRequest(bytes: Uint8Array): Request {
  return new Request("http://x/", {
    method: "POST",
    body: bytes.slice(),
    headers: { "content-type": "application/vnd.apache.arrow.stream" },
  });
}

/** POSTs an Arrow stream to `url` asking for JSON rows back (a 10 s timeout). */
export function postArrow(url: string, body: Uint8Array): Promise<Response> {
  return fetch(url, {
    method: "POST",
    body: body.slice(),
    headers: { "content-type": "application/vnd.apache.arrow.stream", accept: "application/json" },
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * A zstd-compressed stream of `messages` batches of `rows` zero values of 4 KiB (fixed-size
 * binary): a few KB that decode to `messages * rows * 4 KiB`. Wide values keep rows and elements
 * few, so the decoding budget, not `maxValues`, is what refuses it.
 */
export function zstdArrowBomb(rows: number, messages: number): Uint8Array<ArrayBuffer> {
  const width = 4096;
  const x = makeColumn({
    type: fixedSizeBinary(width),
    length: rows,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: new Uint8Array(width * rows),
    offsets: null,
    children: [],
    dictionary: null,
  });
  const batch = RecordBatch.fromColumns({ x });
  return writeIpcStream(Array.from({ length: messages }, () => batch), { compression: "zstd" })
    .slice();
}

/** `n` logical values held in a few bytes: one run of a run-end encoded int8 (size limits). */
export function oneRunColumn(n: number): Column {
  return makeColumn({
    type: runEndEncoded(int32(), int8()),
    length: n,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: null,
    offsets: null,
    children: [columnFromValues([n], int32()), columnFromValues([1], int8())],
    dictionary: null,
  });
}

/** One int32-indexed dictionary column `d` of `valueType`: `indices` into `values`. */
export function dictionaryBatch(
  valueType: DataType,
  values: unknown[],
  indices: number[],
): RecordBatch {
  const type = dictionary(valueType, int32());
  const column = makeColumn({
    type,
    length: indices.length,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: Int32Array.from(indices),
    offsets: null,
    children: [],
    dictionary: columnFromValues(values, valueType),
  });
  return RecordBatch.tryNew(new Schema([new Field("d", type, true)]), [column], indices.length);
}

const WORDS = ["H1", "L1", "V1", "K1", "strain", "ψ", "ünïcødé", "", "a longer string value here"];

/** A random JS value of `type` accepted by its builder (null with probability `pNull`). */
export function randomValue(type: DataType, r: () => number, pNull: number, depth = 0): unknown {
  if (type.typeId === Type.Null || r() < pNull) return null;
  const int = (lo: number, hi: number) => Math.floor(lo + r() * (hi - lo));
  switch (type.typeId) {
    case Type.Bool:
      return r() < 0.5;
    case Type.Int: {
      if (type.bitWidth === 64) {
        const v = BigInt(int(-(2 ** 31), 2 ** 31)) * BigInt(int(0, 2 ** 31));
        return type.signed ? v : (v < 0n ? -v : v);
      }
      const span = 2 ** type.bitWidth;
      return type.signed ? int(-span / 2, span / 2) : int(0, span);
    }
    case Type.Float:
      if (type.precision === 0) return int(-2048, 2048) / 4; // exact in half precision
      if (type.precision === 1) return Math.fround((r() - 0.5) * 1e6);
      return (r() - 0.5) * 10 ** int(-30, 30);
    case Type.Decimal: // within the precision, which builders check
      return (BigInt(int(-1e9, 1e9)) * 1000n + BigInt(int(0, 1000))) %
        10n ** BigInt(type.precision);
    case Type.Utf8:
    case Type.LargeUtf8:
      return WORDS[int(0, WORDS.length)] + (r() < 0.3 ? String(int(0, 1000)) : "");
    case Type.Binary:
    case Type.LargeBinary: {
      const n = int(0, 12);
      return Uint8Array.from({ length: n }, () => int(0, 256));
    }
    case Type.FixedSizeBinary:
      return Uint8Array.from({ length: type.byteWidth }, () => int(0, 256));
    case Type.Date:
      return type.unit === 0 ? int(-10000, 30000) * 86_400_000 : int(-1e12, 2e12);
    case Type.Time:
      return type.bitWidth === 32 ? int(0, 86_400_000) : int(0, 86_400_000) * 1000;
    case Type.Timestamp:
    case Type.Duration:
      return BigInt(int(-(2 ** 31), 2 ** 31)) * 1000n + BigInt(int(0, 1000));
    case Type.List: {
      const n = int(0, 4);
      return Array.from({ length: n }, () => randomValue(type.child.type, r, pNull, depth + 1));
    }
    case Type.FixedSizeList:
      return Array.from(
        { length: type.listSize },
        () => randomValue(type.child.type, r, pNull, depth + 1),
      );
    case Type.Struct: {
      const o: Record<string, unknown> = {};
      for (const f of type.children) o[f.name] = randomValue(f.type, r, pNull, depth + 1);
      return o;
    }
    case Type.Dictionary:
      return WORDS[int(0, 5)];
  }
}

/** Builds a column of `n` random values. */
export function randomColumn(type: DataType, n: number, r: () => number, pNull = 0.15): Column {
  const b = makeBuilder(type);
  for (let i = 0; i < n; i++) b.append(randomValue(type, r, pNull));
  return b.finish();
}

/** Every type this module supports, by name (tz/unit variety included). */
export function everyType(): Record<string, DataType> {
  return {
    null: nullType(),
    bool: bool(),
    int8: int8(),
    int16: int16(),
    int32: int32(),
    int64: int64(),
    uint8: uint8(),
    uint16: uint16(),
    uint32: uint32(),
    uint64: uint64(),
    float16: float16(),
    float32: float32(),
    float64: float64(),
    decimal: decimal128(18, 3),
    utf8: utf8(),
    large_utf8: largeUtf8(),
    binary: binary(),
    large_binary: largeBinary(),
    fixed_binary: fixedSizeBinary(5),
    date32: date32(),
    date64: date64(),
    time32: time(TimeUnit.MILLISECOND),
    time64: time(TimeUnit.MICROSECOND),
    ts_ns_utc: timestamp(TimeUnit.NANOSECOND, "UTC"),
    ts_s: timestamp(TimeUnit.SECOND, null),
    duration: duration(TimeUnit.MICROSECOND),
    list: list(int32()),
    list_utf8: list(utf8()),
    large_list: largeList(float64()),
    fixed_list: fixedSizeList(float32(), 3),
    struct: struct({ a: int32(), b: utf8(), c: list(float64()) }),
    dict: dictionary(utf8(), int32()),
  };
}

/** A batch with one random column per type in `types`. */
export function randomBatch(
  types: Record<string, DataType>,
  n: number,
  seed: number,
  metadata?: Record<string, string>,
): RecordBatch {
  const r = rng(seed);
  const fields: Field[] = [];
  const cols: Column[] = [];
  for (const [name, t] of Object.entries(types)) {
    const c = randomColumn(t, n, r);
    cols.push(c);
    fields.push(new Field(name, t, true, { "test:type": typeToString(t) }));
  }
  return RecordBatch.tryNew(new Schema(fields, metadata), cols, n);
}

function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  return v;
}

/** Asserts two columns hold the same type and values (compared through `get`). */
export function assertColumnsEqual(actual: Column, expected: Column, name = ""): void {
  assertStrict.equal(typeToString(actual.type), typeToString(expected.type), `type of ${name}`);
  assertStrict.equal(actual.length, expected.length, `length of ${name}`);
  assertStrict.equal(actual.nullCount, expected.nullCount, `null count of ${name}`);
  for (let i = 0; i < expected.length; i++) {
    assertStrict.deepEqual(
      normalize(actual.get(i)),
      normalize(expected.get(i)),
      `${name}[${i}]`,
    );
  }
}

/** Asserts two batches have equal schemas (names, types, metadata) and values. */
export function assertBatchesEqual(actual: RecordBatch, expected: RecordBatch): void {
  assertStrict.deepEqual(actual.schema.names, expected.schema.names);
  assertStrict.equal(actual.numRows, expected.numRows);
  expected.schema.fields.forEach((f, i) => {
    assertStrict.deepEqual(
      [...actual.schema.fields[i].metadata],
      [...f.metadata],
      `metadata of ${f.name}`,
    );
    assertColumnsEqual(actual.columns[i], expected.columns[i], f.name);
  });
}
