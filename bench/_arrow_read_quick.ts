/**
 * Quick Arrow IPC read comparison (not part of `deno task bench`): the two reading cases of
 * bench/columnar.ts section 4, same data and same work per library, plus a breakdown of our
 * reader's stages.
 *
 * Warm (default): cases run interleaved in rounds of 20 calls, each case keeps its median over
 * all rounds, so a busy machine skews every library alike; ratios are what to compare.
 * `ONLY=num` (a name prefix) runs a subset.
 *
 * Cold (`--cold N`): N fresh processes each time the cases the way bench/columnar.ts does
 * (2 warm-up calls, median of 7 single calls, mostly before the JIT has optimised anything),
 * then the median over processes is reported.
 *
 *   deno run -A bench/_arrow_read_quick.ts [--rounds 15] [--cold 5]
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as flechette from "@uwdata/flechette";
import { RecordBatch } from "../columnar/batch.ts";
import { arrowBenchColumns } from "./_arrow_data.ts";
import { median } from "./_timing.ts";
import type { NumberColumn } from "../columnar/column.ts";
import { writeIpcStream } from "../columnar/ipc/write/stream.ts";
import { readIpcStream } from "../columnar/ipc/read/stream.ts";
import { readMessageAt } from "../columnar/ipc/read/message.ts";
import { resolveLimits } from "../columnar/ipc/limits.ts";

function arg(name: string, dflt: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : dflt;
}
const ROUNDS = arg("--rounds", 15);
const COLD = arg("--cold", 0);
const CHILD = Deno.args.includes("--child");

function report(med: Map<string, number>): void {
  for (const [k, v] of med) {
    console.log(`${k.padEnd(24)} ${(v * 1000).toFixed(1).padStart(8)} µs`);
  }
  for (const kind of ["num", "str"]) {
    const avx = med.get(`${kind} avx`), fl = med.get(`${kind} flechette`);
    const ar = med.get(`${kind} arrow`);
    if (avx === undefined || fl === undefined || ar === undefined) continue;
    console.log(
      `${kind}: flechette/avx ${(fl / avx).toFixed(2)}x, apache-arrow/avx ${
        (ar / avx).toFixed(2)
      }x`,
    );
  }
}

if (COLD > 0) {
  // parent: fresh processes, each printing its medians as JSON
  const all = new Map<string, number[]>();
  for (let p = 0; p < COLD; p++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--child"],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`child process ${p} failed`);
    const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, number>;
    for (const [k, v] of Object.entries(r)) all.set(k, [...(all.get(k) ?? []), v]);
  }
  console.log(`cold: ${COLD} processes, median of their medians`);
  report(new Map([...all].map(([k, v]) => [k, median(v)])));
  Deno.exit(0);
}

const N = 1_000_000;
const { a, b, c, strings } = arrowBenchColumns(N);

const numBytes = writeIpcStream(RecordBatch.fromColumns({ a, b, c }));
const strBytes = writeIpcStream(RecordBatch.fromColumns({ s: strings }));

function scan(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i += 1024) s += v[i];
  return s;
}

const allCases: [string, () => number][] = [
  // 1M×3 float64: decode, then scan every 1024th value of column "b"
  ["num avx", () => scan((readIpcStream(numBytes).batches[0].column("b") as NumberColumn).values)],
  ["num arrow", () => scan(arrow.tableFromIPC(numBytes).getChild("b")!.toArray() as Float64Array)],
  [
    "num flechette",
    () => scan(flechette.tableFromIPC(numBytes).getChild("b").toArray() as Float64Array),
  ],
  // 1M strings: decode, then materialise every 100th value
  ["str avx", () => {
    const col = readIpcStream(strBytes).batches[0].column("s");
    let n = 0;
    for (let i = 0; i < N; i += 100) n += (col.get(i) as string).length;
    return n;
  }],
  ["str arrow", () => {
    const col = arrow.tableFromIPC(strBytes).getChild("s")!;
    let n = 0;
    for (let i = 0; i < N; i += 100) n += (col.get(i) as string).length;
    return n;
  }],
  ["str flechette", () => {
    const col = flechette.tableFromIPC(strBytes).getChild("s");
    let n = 0;
    for (let i = 0; i < N; i += 100) n += (col.at(i) as string).length;
    return n;
  }],
  // stages of ours: message framing only, then decode without value access
  ["num avx: framing only", () => {
    const limits = resolveLimits();
    const view = new DataView(numBytes.buffer, numBytes.byteOffset, numBytes.byteLength);
    let pos = 0, n = 0;
    for (;;) {
      const m = readMessageAt(numBytes, view, pos, numBytes.length, limits);
      if (m === null) break;
      n += m.body.length;
      pos = m.next;
    }
    return n;
  }],
  ["str avx: decode only", () => readIpcStream(strBytes).batches[0].numRows],
];
const ONLY = Deno.env.get("ONLY");
const cases = ONLY ? allCases.filter(([k]) => k.startsWith(ONLY)) : allCases;

let sink = 0;
if (CHILD) {
  // the bench/columnar.ts protocol, in its order: 2 warm-up calls, median of 7 timed calls
  const out: Record<string, number> = {};
  for (const [name, fn] of cases) {
    if (name.includes(":")) continue;
    for (let i = 0; i < 2; i++) sink += fn();
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      sink += fn();
      xs.push(performance.now() - t0);
    }
    out[name] = median(xs);
  }
  console.log(JSON.stringify(out));
  if (sink === 42) console.error(""); // keep results alive
  Deno.exit(0);
}

const INNER = 20; // calls per timing, so sub-millisecond cases are above timer resolution
const times = new Map<string, number[]>(cases.map(([k]) => [k, []]));
for (const [, fn] of cases) for (let i = 0; i < 3; i++) sink += fn(); // warm up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of cases) {
    const t0 = performance.now();
    for (let i = 0; i < INNER; i++) sink += fn();
    times.get(name)!.push((performance.now() - t0) / INNER);
  }
}
report(new Map([...times].map(([k, v]) => [k, median(v)])));
if (sink === 42) console.log(""); // keep results alive
