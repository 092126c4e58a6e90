// Interop with pyarrow (the reference C++ implementation) for the types beyond the basics:
// decimal32/64/256, intervals, string/binary views, list views, unions, map, run-end encoded,
// and dictionary deltas. Both directions, stream and file, uncompressed/LZ4/ZSTD, with nulls,
// slices, empty and zero-column batches, compared value for value; pyarrow runs
// `validate(full=True)` on everything we write.
//
// Needs Python with pyarrow at .cache/py/bin/python (from the repository root):
//   python3 -m venv .cache/py && .cache/py/bin/pip install pyarrow
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  columnFromValues,
  type DataType,
  Field,
  IntervalUnit,
  readIpcFile,
  readIpcStream,
  RecordBatch,
  Schema,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import {
  binaryView,
  decimal256,
  decimal32,
  decimal64,
  denseUnion,
  int16,
  int32,
  int64,
  interval,
  largeListView,
  listView,
  map,
  runEndEncoded,
  sparseUnion,
  typeToString,
  utf8,
  utf8View,
} from "../types.ts";
import { assertBitFlipsFailCleanly, dictionaryBatch, tempDir } from "./_test_data.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = `${root}.cache/py/bin/python`;
const script = `${root}columnar/_interop/pyarrow_roundtrip.py`;

function requirePyarrow(): void {
  try {
    Deno.statSync(python);
  } catch {
    throw new Error(
      `Python with pyarrow is missing at ${python}; from the repository root run:\n` +
        "  python3 -m venv .cache/py && .cache/py/bin/pip install pyarrow",
    );
  }
}

async function runPython(mode: "make" | "check", dir: string): Promise<void> {
  const out = await new Deno.Command(python, { args: [script, mode, dir] }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `pyarrow script (${mode}) failed:\n${stderr}`);
}

const CODECS = { plain: undefined, lz4: "lz4", zstd: "zstd" } as const;

/** The normalization of pyarrow_roundtrip.py: integers as strings, bytes as hex, ... */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v;
  if (v instanceof Uint8Array) {
    return Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("nanoseconds" in o) return [String(o.months), String(o.days), String(o.nanoseconds)];
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, norm(x)]));
  }
  return v;
}

interface Dump {
  rows: number;
  columns: Record<string, unknown[] | null>;
}

/** Values of every column of `batches`, normalized, by name. */
function dumpOurs(schema: Schema, batches: RecordBatch[]): Dump {
  const columns: Record<string, unknown[]> = {};
  for (const f of schema.fields) columns[f.name] = [];
  let rows = 0;
  for (const b of batches) {
    rows += b.numRows;
    for (const f of schema.fields) {
      for (const v of b.column(f.name)) columns[f.name].push(norm(v));
    }
  }
  return { rows, columns };
}

function assertSameDump(actual: Dump, expected: Dump, label: string): void {
  assert.equal(actual.rows, expected.rows, `${label}: rows`);
  assert.deepEqual(Object.keys(actual.columns), Object.keys(expected.columns), `${label}: names`);
  for (const [name, values] of Object.entries(expected.columns)) {
    // pyarrow's Python layer cannot hand out month or day-time intervals (null here)
    if (values === null || actual.columns[name] === null) continue;
    assert.deepEqual(actual.columns[name], values, `${label}: ${name}`);
  }
}

function read(path: string, bytes: Uint8Array): { schema: Schema; batches: RecordBatch[] } {
  return path.endsWith(".arrows") ? readIpcStream(bytes) : readIpcFile(bytes);
}

/** The types we must read pyarrow's columns as. */
const PY_TYPES: Record<string, string> = {
  dec32: "decimal32(9, 2)",
  dec64: "decimal64(18, 3)",
  dec128: "decimal128(38, 0)",
  dec256: "decimal256(76, 5)",
  mdn: "month_day_nano_interval",
  string_view: "utf8_view",
  binary_view: "binary_view",
  list_view: "list_view<item: int64>",
  large_list_view: "large_list_view<item: utf8>",
  sparse_union: "sparse_union<i: int64=0, s: utf8=1>",
  dense_union: "dense_union<i: int64=0, s: utf8=1>",
  map: "map<utf8, int32>",
  ree: "run_end_encoded<run_ends: int32, values: utf8>",
  ree64: "run_end_encoded<run_ends: int64, values: float64>",
  dict: "dictionary<values=utf8, indices=int32>",
};

/** A batch of every new type built with our builders, nulls included. */
function builtBatch(): RecordBatch {
  const cols: Record<string, [DataType, unknown[]]> = {
    dec32: [decimal32(9, 2), [1n, null, -999_999_999n, 999_999_999n, "12.5", 0n]],
    dec64: [decimal64(18, 0), [-(10n ** 18n) + 1n, 5n, null, 0n, 7n, 2n ** 40n]],
    dec256: [decimal256(76, 3), [10n ** 75n, null, -(10n ** 75n), 1n, -1n, 0n]],
    month: [interval(IntervalUnit.YEAR_MONTH), [1, null, -(2 ** 31), 2 ** 31 - 1, 0, 12]],
    day_time: [interval(IntervalUnit.DAY_TIME), [
      { days: 1, milliseconds: 2 },
      null,
      { days: -5, milliseconds: -86_399_999 },
      { days: 0, milliseconds: 0 },
      { days: 2 ** 31 - 1, milliseconds: 1 },
      null,
    ]],
    mdn: [interval(IntervalUnit.MONTH_DAY_NANO), [
      { months: 1, days: 2, nanoseconds: 3n },
      null,
      { months: -1, days: -2, nanoseconds: -(2n ** 63n) },
      { months: 0, days: 0, nanoseconds: 2n ** 63n - 1n },
      { months: 5, days: 0, nanoseconds: 0 },
      null,
    ]],
    string_view: [utf8View(), [
      "short",
      null,
      "exactly12chr",
      "longer than twelve bytes ψ",
      "",
      "z",
    ]],
    binary_view: [binaryView(), [
      new Uint8Array([1, 2]),
      new Uint8Array(13).fill(7),
      null,
      new Uint8Array(0),
      new Uint8Array(40).map((_, i) => i),
      new Uint8Array([255]),
    ]],
    list_view: [listView(int32()), [[1, 2], null, [], [3, null, 4], [5], [6, 7, 8, 9]]],
    large_list_view: [largeListView(utf8()), [["a"], [], null, ["b", "c"], [null], [
      "long string value here",
    ]]],
    sparse_union: [sparseUnion({ i: int32(), s: utf8() }), [1, "one", null, -7, "", 2 ** 31 - 1]],
    dense_union: [denseUnion({ i: int64(), s: utf8() }, [5, 9]), [10n, "ten", null, "x", -3n, "y"]],
    map: [map(utf8(), int16()), [
      { a: 1, b: null },
      null,
      {},
      [["k", 3], ["k", 4]],
      new Map([["m", -1]]),
      { z: 9 },
    ]],
    ree: [runEndEncoded(int32(), utf8()), ["a", "a", null, null, "b", "a"]],
    ree16: [runEndEncoded(int16(), decimal64(10, 2)), [1n, 1n, 1n, 1n, 2n, null]],
    ree64: [runEndEncoded(int64(), int32()), [7, 7, 7, 7, 7, 7]],
  };
  const fields = Object.entries(cols).map(([name, [t]]) => new Field(name, t, true));
  const columns = Object.values(cols).map(([t, values]) => columnFromValues(values, t));
  return RecordBatch.tryNew(new Schema(fields), columns, 6);
}

Deno.test("pyarrow: we read every new type pyarrow writes, any codec, slices, empty, no columns, V4", async () => {
  requirePyarrow();
  await using tmp = await tempDir("avx-pyarrow-");
  const dir = tmp.path;
  await runPython("make", dir);
  const expected: Record<string, Dump> = JSON.parse(await Deno.readTextFile(`${dir}/py.json`));
  let files = 0;
  for (const [name, dump] of Object.entries(expected)) {
    for (const codec of Object.keys(CODECS)) {
      for (const ext of ["arrows", "arrow"]) {
        const path = `${dir}/py.${name}.${codec}.${ext}`;
        const { schema, batches } = read(path, await Deno.readFile(path));
        assertSameDump(dumpOurs(schema, batches), dump, path);
        for (const f of schema.fields) {
          assert.equal(typeToString(f.type), PY_TYPES[f.name], `${path}: type of ${f.name}`);
        }
        files++;
      }
    }
  }
  assert.equal(files, 30);
  // pyarrow's layouts of these types, mutated: only typed errors, never a crash or a hang
  for (const path of [`${dir}/py.full.plain.arrows`, `${dir}/py.full.plain.arrow`]) {
    assertBitFlipsFailCleanly(await Deno.readFile(path), 300, 0x2545f491, (m) => {
      for (const b of read(path, m).batches) {
        b.toRows();
        writeIpcStream(b, { compression: "lz4" });
      }
    }, `${path} `);
  }
});

Deno.test("pyarrow: reads and fully validates every new type we write, and writes it back", async () => {
  requirePyarrow();
  await using tmp = await tempDir("avx-pyarrow-");
  const dir = tmp.path;
  await runPython("make", dir);
  const fromPy = readIpcStream(await Deno.readFile(`${dir}/py.full.plain.arrows`)).batches[0];
  const built = builtBatch();
  const noColumns = RecordBatch.tryNew(new Schema([]), [], 3);
  const cases: Record<string, RecordBatch> = {
    built,
    built_slice: built.slice(1, 4),
    built_tail: built.slice(5, 1),
    empty: built.slice(0, 0),
    // pyarrow's own layouts: overlapping list views, dense offsets, shared runs
    py: fromPy,
    py_slice: fromPy.slice(1, 5),
    nocols: noColumns,
  };
  for (const [name, batch] of Object.entries(cases)) {
    for (const [codec, compression] of Object.entries(CODECS)) {
      const base = `${dir}/ours.${name}.${codec}`;
      await Deno.writeFile(`${base}.arrows`, writeIpcStream(batch, { compression }));
      await Deno.writeFile(`${base}.arrow`, writeIpcFile(batch, { compression }));
    }
  }
  await runPython("check", dir);
  for (const [name, batch] of Object.entries(cases)) {
    const want = dumpOurs(batch.schema, [batch]);
    for (const codec of Object.keys(CODECS)) {
      for (const ext of ["arrows", "arrow"]) {
        const path = `${dir}/ours.${name}.${codec}.${ext}`;
        const got: Dump = JSON.parse(await Deno.readTextFile(`${path}.json`));
        assertSameDump(got, want, `pyarrow read ${path}`);
        // pyarrow's own writing of what it read (covers the intervals Python cannot show)
        const back = readIpcStream(await Deno.readFile(`${path}.py.arrows`));
        assertSameDump(dumpOurs(back.schema, back.batches), want, `${path} via pyarrow`);
        back.schema.fields.forEach((f, i) => {
          assert.equal(typeToString(f.type), typeToString(batch.schema.fields[i].type), f.name);
        });
      }
    }
  }
});

Deno.test("pyarrow: a growing dictionary is sent as deltas, stream and file", async () => {
  requirePyarrow();
  await using tmp = await tempDir("avx-pyarrow-");
  const dir = tmp.path;
  const batches = [
    dictionaryBatch(utf8(), ["a", "b"], [0, 1, 1]),
    dictionaryBatch(utf8(), ["a", "b"], [1, 0]), // same values, another column: nothing resent
    dictionaryBatch(utf8(), ["a", "b", "c", "long dictionary value"], [2, 0, 3]),
  ];
  const stream = writeIpcStream(batches);
  const whole = writeIpcStream(batches, { dictionaryDeltas: false });
  // two dictionary messages (2 values, then a 2-value delta) instead of three (2, 2, 4)
  assert.ok(stream.length < whole.length, `${stream.length} < ${whole.length}`);
  await Deno.writeFile(`${dir}/ours.delta.plain.arrows`, stream);
  await Deno.writeFile(
    `${dir}/ours.delta.zstd.arrow`,
    writeIpcFile(batches, { compression: "zstd" }),
  );
  await runPython("check", dir);
  const want = {
    rows: 8,
    columns: { d: ["a", "b", "b", "b", "a", "c", "a", "long dictionary value"] },
  };
  for (const path of [`${dir}/ours.delta.plain.arrows`, `${dir}/ours.delta.zstd.arrow`]) {
    assertSameDump(JSON.parse(await Deno.readTextFile(`${path}.json`)), want, path);
    const ours = read(path, await Deno.readFile(path));
    assertSameDump(dumpOurs(ours.schema, ours.batches), want, `we read ${path}`);
  }
});
