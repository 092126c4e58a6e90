/**
 * The cost of the read budget (`limits.maxOutputSize`): reading 1M-row IPC streams with the
 * current reader and with a copy of the reader from before the budget, interleaved in one
 * process (ratios survive a loaded machine better than absolute times).
 *
 * Run: `git archive 7b21b3c columnar compress | tar -x -C /tmp/before`, the same with `HEAD`
 * into /tmp/after, then `deno run -A bench/_arrow_budget_quick.ts /tmp/before /tmp/after`
 * (and again with `--old-first`).
 *
 * @module
 */
import { RecordBatch } from "../columnar/batch.ts";
import { writeIpcStream } from "../columnar/ipc/write/stream.ts";

type Read = (bytes: Uint8Array) => { batches: unknown[] };

const [oldDir, newDir] = Deno.args;
if (!oldDir || !newDir) {
  throw new Error("usage: bench/_arrow_budget_quick.ts <old copy> <new copy> [--old-first]");
}
// Both readers are pristine copies loaded the same way: the copy this script writes the
// streams with has its classes' call sites warmed by the writer, and an identical reader
// there measured up to 1.9x apart from a fresh copy.
const load = async (root: string): Promise<Read> =>
  (await import(`file://${root}/columnar/ipc/read/stream.ts`)).readIpcStream;
let readIpcStream: Read, before: Read;
if (Deno.args[2] === "--old-first") {
  before = await load(oldDir);
  readIpcStream = await load(newDir);
} else {
  readIpcStream = await load(newDir);
  before = await load(oldDir);
}

const N = 1_000_000;
const a = new Float64Array(N), b = new BigInt64Array(N), s: string[] = [];
for (let i = 0; i < N; i++) {
  a[i] = Math.sin(i);
  b[i] = BigInt(i * 7);
  s.push(i % 3 === 0 ? "H1" : "strain-" + (i % 1000));
}
const batch = RecordBatch.fromColumns({ a, b, s });
// 8 batches of 125k rows, so the budget is charged many times
const parts = Array.from({ length: 8 }, (_, k) => batch.slice(k * 125_000, 125_000));
const streams: Array<[string, Uint8Array]> = [
  ["uncompressed (zero-copy)", writeIpcStream(parts)],
  ["lz4 (every buffer decompressed and charged)", writeIpcStream(parts, { compression: "lz4" })],
];

function sample(read: Read, bytes: Uint8Array, calls: number): number {
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < calls; i++) rows += read(bytes).batches.length;
  if (rows === 0) throw new Error("no rows");
  return (performance.now() - t0) / calls;
}

for (const [name, bytes] of streams) {
  const calls = name.startsWith("unc") ? 400 : 4;
  // warm both up in alternating order: the first-warmed of two identical copies measured
  // up to 2x slower with a single warm-up each
  for (let w = 0; w < 6; w++) {
    sample(w % 2 ? readIpcStream : before, bytes, calls);
    sample(w % 2 ? before : readIpcStream, bytes, calls);
  }
  const now: number[] = [], old: number[] = [];
  for (let r = 0; r < 15; r++) {
    // interleaved, alternating which goes first
    if (r % 2) {
      now.push(sample(readIpcStream, bytes, calls));
      old.push(sample(before, bytes, calls));
    } else {
      old.push(sample(before, bytes, calls));
      now.push(sample(readIpcStream, bytes, calls));
    }
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  const n = med(now), o = med(old);
  console.log(
    `${name}: with budget ${n.toFixed(3)} ms, before ${o.toFixed(3)} ms, ratio ${
      (n / o).toFixed(3)
    }`,
  );
}
