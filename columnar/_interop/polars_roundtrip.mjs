// Node script for the nodejs-polars interop test (columnar/ipc/interop_polars_test.ts).
// Usage: node polars_roundtrip.mjs <polars-install-dir> <work-dir>
// Reads every *.arrow (IPC file) and *.arrows (IPC stream) in <work-dir> with polars, prints a
// JSON summary (shape, dtypes, values of the columns polars can convert to JS), and writes each
// frame back as <file>.polars.arrow (LZ4), <file>.polars-zstd.arrow and <file>.polars.arrows
// (IPC stream, ZSTD).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [installDir, workDir] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(installDir), "index.js"));
const pl = require("nodejs-polars");

const replacer = (_k, v) => (typeof v === "bigint" ? `${v}n` : v);
const summary = {};
for (const name of fs.readdirSync(workDir).sort()) {
  const full = path.join(workDir, name);
  if (name.includes(".polars")) continue;
  let df;
  if (name.endsWith(".arrow")) df = pl.readIPC(fs.readFileSync(full));
  else if (name.endsWith(".arrows")) df = pl.readIPCStream(fs.readFileSync(full));
  else continue;
  const columns = {};
  for (const col of df.columns) {
    const s = df.getColumn(col);
    let dtype = "?";
    let values = null;
    try {
      dtype = String(s.dtype);
    } catch { /* dtype not convertible */ }
    try {
      values = JSON.parse(JSON.stringify(s.toArray(), replacer));
    } catch { /* values not convertible to JS by nodejs-polars */ }
    columns[col] = { dtype, nullCount: s.nullCount(), values };
  }
  summary[name] = { height: df.height, columns };
  const base = full;
  fs.writeFileSync(`${base}.polars.arrow`, df.writeIPC(undefined, { compression: "lz4" }));
  fs.writeFileSync(`${base}.polars-zstd.arrow`, df.writeIPC(undefined, { compression: "zstd" }));
  fs.writeFileSync(`${base}.polars.arrows`, df.writeIPCStream(undefined, { compression: "zstd" }));
}
process.stdout.write(JSON.stringify(summary));
