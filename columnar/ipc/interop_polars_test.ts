// Interop with polars (nodejs-polars 0.26.1 under Node): polars reads our IPC files and streams
// (uncompressed, LZ4, ZSTD) and writes them back (LZ4/ZSTD files, ZSTD streams, with its large
// and view layouts), which we read and compare value by value.
//
// nodejs-polars cannot be imported by Deno, so it is installed with npm into a private folder:
//   mkdir -p .cache/node-interop && cd .cache/node-interop &&
//   npm install --no-save nodejs-polars@0.26.1 nodejs-polars-linux-x64-gnu@0.26.1
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  type Column,
  columnFromValues,
  Field,
  readIpcFile,
  readIpcStream,
  RecordBatch,
  Schema,
  Type,
  writeIpcFile,
  writeIpcStream,
} from "../mod.ts";
import { decimal128 } from "../types.ts";
import { assertBitFlipsFailCleanly, everyType, randomBatch, rng, tempDir } from "./_test_data.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const installDir = `${root}.cache/node-interop`;
const script = `${root}columnar/_interop/polars_roundtrip.mjs`;
const INSTALL = "mkdir -p .cache/node-interop && cd .cache/node-interop && npm install --no-save " +
  "nodejs-polars@0.26.1 nodejs-polars-linux-x64-gnu@0.26.1";

function requirePolars(): void {
  try {
    Deno.statSync(`${installDir}/node_modules/nodejs-polars/package.json`);
  } catch {
    throw new Error(`nodejs-polars is not installed; run from the repository root:\n  ${INSTALL}`);
  }
}

interface Summary {
  [file: string]: {
    height: number;
    columns: Record<string, { dtype: string; nullCount: number; values: unknown[] | null }>;
  };
}

async function runPolars(dir: string): Promise<Summary> {
  const out = await new Deno.Command("node", { args: [script, installDir, dir] }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `node polars script failed:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const TIME_TO_NS = [1e9, 1e6, 1e3, 1];

/** A comparable JS value, normalizing what polars legitimately changes (time units). */
function norm(c: Column, i: number): unknown {
  const v = c.get(i);
  if (v === null) return null;
  if (c.type.typeId === Type.Time) return (v as number) * TIME_TO_NS[c.type.unit];
  if (v instanceof Uint8Array) return Array.from(v);
  if (typeof v === "bigint") return `${v}n`;
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)));
}

function assertSameValues(actual: RecordBatch, expected: RecordBatch, label: string): void {
  assert.deepEqual(actual.schema.names, expected.schema.names, label);
  assert.equal(actual.numRows, expected.numRows, label);
  for (const name of expected.schema.names) {
    const a = actual.column(name);
    const e = expected.column(name);
    assert.equal(a.nullCount, e.nullCount, `${label}: nulls of ${name}`);
    for (let i = 0; i < e.length; i++) {
      assert.deepEqual(norm(a, i), norm(e, i), `${label}: ${name}[${i}]`);
    }
  }
}

Deno.test("polars reads our IPC files and streams (any codec) and we read what it writes back", async () => {
  requirePolars();
  await using tmp = await tempDir("avx-polars-");
  const dir = tmp.path;
  const batch = randomBatch(everyType(), 200, 2718, { "avila:instrument": "H1" });
  const codecs = { plain: undefined, lz4: "lz4", zstd: "zstd" } as const;
  for (const [label, compression] of Object.entries(codecs)) {
    await Deno.writeFile(`${dir}/${label}.arrow`, writeIpcFile(batch, { compression }));
    await Deno.writeFile(`${dir}/${label}.arrows`, writeIpcStream(batch, { compression }));
  }
  const summary = await runPolars(dir);
  assert.equal(Object.keys(summary).length, 6);
  for (const [file, s] of Object.entries(summary)) {
    assert.equal(s.height, 200, file);
    assert.deepEqual(Object.keys(s.columns), batch.schema.names, file);
    for (const name of batch.schema.names) {
      assert.equal(s.columns[name].nullCount, batch.column(name).nullCount, `${file}: ${name}`);
    }
    // values polars hands to JS directly
    for (const name of ["int8", "int32", "uint16", "float32", "float64", "utf8", "bool"]) {
      const got = s.columns[name].values;
      assert.ok(got, `${file}: polars gave no values for ${name}`);
      assert.deepEqual(got, Array.from(batch.column(name), (v) => v), `${file}: ${name}`);
    }
    // nodejs-polars hands int64 to JS as (rounded) numbers
    assert.deepEqual(
      s.columns.int64.values,
      Array.from(batch.column("int64"), (v) => (v === null ? null : Number(v))),
    );
    assert.match(s.columns.dict.dtype, /Categorical/);
    assert.match(s.columns.ts_ns_utc.dtype, /Datetime\(ns,\s*UTC\)/);
    assert.match(s.columns.decimal.dtype, /Decimal\(18,\s*3\)/);
  }
  for (const label of Object.keys(codecs)) {
    for (const ext of ["arrow", "arrows"]) {
      for (const variant of ["polars.arrow", "polars-zstd.arrow", "polars.arrows"]) {
        const path = `${dir}/${label}.${ext}.${variant}`;
        const bytes = await Deno.readFile(path);
        const back = variant.endsWith(".arrows") ? readIpcStream(bytes) : readIpcFile(bytes);
        const rows = back.batches.reduce((n, b) => n + b.numRows, 0);
        assert.equal(rows, 200, path);
        assertSameValues(back.batches[0], batch, `${label}.${ext} via ${variant}`);
      }
    }
  }
  // polars' files use layouts our writer never produces (views, large lists): fuzz them too
  const polarsFile = await Deno.readFile(`${dir}/plain.arrow.polars.arrow`);
  assertBitFlipsFailCleanly(polarsFile, 400, 4, (m) => {
    for (const b of readIpcFile(m).batches) b.slice(0, 50).toRows();
  });
});

Deno.test("polars reads compressed batches of incompressible decimals", async () => {
  requirePolars();
  await using tmp = await tempDir("avx-polars-");
  const dir = tmp.path;
  // random 120-bit values: no codec shrinks them, and polars panics on a decimal buffer
  // stored uncompressed (length -1) in a compressed batch
  const r = rng(11);
  const values = Array.from({ length: 200 }, () => {
    let v = 0n;
    for (let k = 0n; k < 120n; k += 30n) v |= BigInt(Math.floor(r() * 2 ** 30)) << k;
    return BigInt.asIntN(120, v);
  });
  const type = decimal128(38, 2);
  const batch = RecordBatch.tryNew(
    new Schema([new Field("d", type, true)]),
    [columnFromValues(values, type)],
    200,
  );
  await Deno.writeFile(`${dir}/d.arrow`, writeIpcFile(batch, { compression: "lz4" }));
  await Deno.writeFile(`${dir}/d.arrows`, writeIpcStream(batch, { compression: "zstd" }));
  const summary = await runPolars(dir);
  for (const file of ["d.arrow", "d.arrows"]) {
    assert.equal(summary[file].height, 200, file);
    assert.match(summary[file].columns.d.dtype, /Decimal\(38,\s*2\)/);
    const back = readIpcFile(await Deno.readFile(`${dir}/${file}.polars.arrow`));
    assert.deepEqual(Array.from(back.batches[0].column("d")), values, file);
  }
});
