/**
 * The cost of the read budget (`limits.maxOutputSize`): reading 1M-row IPC streams with the
 * current reader and with a copy of the reader from before the budget, interleaved in one
 * process (ratios survive a loaded machine better than absolute times).
 *
 * Run: `git archive 7b21b3c columnar compress | tar -x -C /tmp/before`, the same with `HEAD`
 * into /tmp/after, then `deno run -A bench/_arrow_budget_quick.ts /tmp/before /tmp/after`
 * (and again with `--old-first`; `--rounds 31` for more pairs; `--cpu` to time by process CPU
 * time, steadier than the wall clock on a loaded machine). Prints the medians and the
 * spread of the per-round ratios (quartiles and range), since one median hides the noise.
 *
 * @module
 */
import process from "node:process";
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
if (Deno.args.includes("--old-first")) {
  before = await load(oldDir);
  readIpcStream = await load(newDir);
} else {
  readIpcStream = await load(newDir);
  before = await load(oldDir);
}

const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 15;

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

// --cpu: time by the process's CPU time (user + system, all threads) instead of the wall clock:
// on a shared machine the wall clock also counts the time other processes hold the cores.
const CPU = Deno.args.includes("--cpu");
const clock = CPU
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();

function sample(read: Read, bytes: Uint8Array, calls: number): number {
  const t0 = clock();
  let rows = 0;
  for (let i = 0; i < calls; i++) rows += read(bytes).batches.length;
  if (rows === 0) throw new Error("no rows");
  return (clock() - t0) / calls;
}

for (const [name, bytes] of streams) {
  // CPU time is counted in scheduler ticks (a few ms): samples of ~0.2 s keep that error small
  const calls = (name.startsWith("unc") ? 400 : 4) * (CPU ? 20 : 1);
  // warm both up in alternating order: the first-warmed of two identical copies measured
  // up to 2x slower with a single warm-up each
  for (let w = 0; w < 6; w++) {
    sample(w % 2 ? readIpcStream : before, bytes, calls);
    sample(w % 2 ? before : readIpcStream, bytes, calls);
  }
  const now: number[] = [], old: number[] = [], ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // interleaved, alternating which goes first; each round's pair gives one ratio
    if (r % 2) {
      now.push(sample(readIpcStream, bytes, calls));
      old.push(sample(before, bytes, calls));
    } else {
      old.push(sample(before, bytes, calls));
      now.push(sample(readIpcStream, bytes, calls));
    }
    ratios.push(now[r] / old[r]);
  }
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const q = (xs: number[], f: number) =>
    sorted(xs)[Math.min(xs.length - 1, Math.floor(f * xs.length))];
  const n = q(now, 0.5), o = q(old, 0.5);
  console.log(
    `${name}: with budget ${n.toFixed(3)} ms, before ${o.toFixed(3)} ms (medians of ${ROUNDS}); ` +
      `per-round ratio median ${q(ratios, 0.5).toFixed(3)}, quartiles ${
        q(ratios, 0.25).toFixed(3)
      }` +
      `..${q(ratios, 0.75).toFixed(3)}, range ${q(ratios, 0).toFixed(3)}..${
        q(ratios, 1).toFixed(3)
      }`,
  );
}
