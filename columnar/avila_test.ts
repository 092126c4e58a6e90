import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as fl from "@uwdata/flechette";
import {
  ArrowError,
  readAvilaFile,
  readIpcFile,
  RecordBatch,
  writeAvilaFile,
  writeIpcFile,
} from "./mod.ts";
import { avilaFileChunks } from "./avila.ts";

const strain = RecordBatch.fromColumns(
  { t: new Float64Array([0, 1 / 16384, 2 / 16384]), h: new Float64Array([1e-21, -3e-22, 2e-21]) },
  { metadata: { units: "strain" } },
);
const provenance = {
  instrument: "LIGO Hanford H1",
  observatory: "LHO",
  startTime: new Date("2015-09-14T09:50:45Z"),
  sampleRate: 16384,
  channel: "H1:GDS-CALIB_STRAIN",
};

Deno.test(".avila files carry provenance and round-trip", () => {
  const bytes = writeAvilaFile([strain, strain.slice(1)], provenance, { compression: "zstd" });
  const f = readAvilaFile(bytes);
  assert.deepEqual(f.provenance, {
    version: "1",
    instrument: "LIGO Hanford H1",
    observatory: "LHO",
    startTime: "2015-09-14T09:50:45.000Z",
    sampleRate: 16384,
    channel: "H1:GDS-CALIB_STRAIN",
  });
  assert.equal(f.schema.metadata.get("units"), "strain"); // existing metadata kept
  assert.equal(f.batches.length, 2);
  assert.deepEqual(f.batches[1].toRows(), strain.slice(1).toRows());
  const chunked = new Uint8Array(
    [...avilaFileChunks(strain, provenance)].flatMap((c) => [...c]),
  );
  assert.deepEqual(readAvilaFile(chunked).provenance.sampleRate, 16384);
});

Deno.test(".avila files are plain Arrow files for apache-arrow, flechette and our reader", () => {
  const bytes = writeAvilaFile(strain, provenance);
  const a = arrow.tableFromIPC(bytes);
  assert.equal(a.schema.metadata.get("avila:instrument"), "LIGO Hanford H1");
  assert.equal(a.schema.metadata.get("avila:sampleRate"), "16384");
  assert.deepEqual(a.getChild("h")!.toArray(), strain.column("h").data.values);
  const f = fl.tableFromIPC(bytes);
  assert.equal(f.schema.metadata?.get("avila:startTime"), "2015-09-14T09:50:45.000Z");
  assert.equal(readIpcFile(bytes).schema.metadata.get("avila:observatory"), "LHO");
  // and a plain .arrow file reads as an .avila file with empty provenance
  assert.deepEqual(readAvilaFile(writeIpcFile(strain)).provenance, {});
});

Deno.test(".avila provenance is validated", () => {
  const bad = (p: Record<string, unknown>) => () => writeAvilaFile(strain, p as never);
  const invalid = (e: unknown) => e instanceof ArrowError && e.code === "invalid";
  assert.throws(bad({ sampleRate: "fast" }), invalid);
  assert.throws(bad({ sampleRate: NaN }), invalid);
  assert.throws(bad({ startTime: new Date("nope") }), invalid);
  assert.throws(bad({ extra: { nested: 1 } }), invalid);
  assert.throws(() => writeAvilaFile([], provenance), invalid);
  const md = new Map(strain.schema.metadata).set("avila:sampleRate", "n/a");
  const broken = writeIpcFile(strain.withMetadata(md));
  assert.throws(
    () => readAvilaFile(broken),
    (e) => e instanceof ArrowError && e.code === "corrupt",
  );
});
