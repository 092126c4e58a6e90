/**
 * Test helpers shared by the platform codec tests: running the reference tools and a
 * deterministic random source. A missing tool fails the test loudly.
 *
 * @module
 */

import { rng } from "../_test_rng.ts";

/** Runs `cmd args` with `input` on stdin; returns stdout or throws with stderr. */
export async function runTool(cmd: string, args: string[], input: Uint8Array): Promise<Uint8Array> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `interop test needs the "${cmd}" tool, which is not installed (apt-get install ${cmd})`,
      );
    }
    throw e;
  }
  const writer = child.stdin.getWriter();
  const writing = writer.write(input).then(() => writer.close()).catch(() => {});
  const out = await child.output();
  await writing;
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

/** Small deterministic PRNG: the shared {@link rng} (mulberry32) with integer draws. */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = rng(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Compressible sample data: JSON-ish rows mixed with random bytes. */
export function sampleData(rng: Rng, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const words = ["sensor", "value", "temperature", "id", "ts", "tags", "north", "south", "{", "}"];
  let i = 0;
  const enc = new TextEncoder();
  while (i < size) {
    if (rng.int(10) === 0) {
      out[i++] = rng.int(256);
      continue;
    }
    const w = enc.encode(
      words[rng.int(words.length)] + (rng.int(3) === 0 ? String(rng.int(1000)) : ""),
    );
    const n = Math.min(w.length, size - i);
    out.set(w.subarray(0, n), i);
    i += n;
  }
  return out;
}

/** Splits `data` into random-sized chunks (some empty). */
export function randomChunks(rng: Rng, data: Uint8Array, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    const n = Math.min(rng.int(maxChunk + 1), data.length - off);
    chunks.push(data.subarray(off, off + n));
    off += n;
  }
  return chunks;
}

/** Concatenates chunks. */
export { concatChunks as concat } from "../concat.ts";
