/**
 * Test helpers: run the reference `lz4` command line tool and make seeded test data.
 * Private to the tests (excluded from publishing by the `_test_` prefix).
 *
 * @module
 */

import { concatChunks } from "../concat.ts";
import { mutate as mutateWith } from "../_test_fuzz.ts";
import { rng } from "../_test_rng.ts";
import { Lz4FrameDecoder } from "./frame_decoder.ts";
import type { Lz4DecompressOptions } from "./options.ts";

/**
 * Runs `lz4 -q <args> <file>` with `input` in a temporary file (so the tool knows the input
 * size, as for `--content-size`); returns stdout. Fails loudly if the tool is absent.
 */
export async function lz4Tool(args: string[], input: Uint8Array): Promise<Uint8Array> {
  const path = await Deno.makeTempFile({ prefix: "avx-lz4-" });
  try {
    await Deno.writeFile(path, input);
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("lz4", {
        args: ["-q", ...args, path],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(
          "the `lz4` command line tool is required by the LZ4 interop tests but is not " +
            "installed (Debian/Ubuntu: apt-get install lz4)",
        );
      }
      throw e;
    }
    if (!out.success) {
      throw new Error(
        `lz4 ${args.join(" ")} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return out.stdout;
  } finally {
    await Deno.remove(path);
  }
}

/** A small seeded PRNG (the shared {@link rng}, mulberry32): deterministic test data. */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = rng(seed);
  }
  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    // Exact: the shared generator's values are 32-bit integers over 2^32.
    return this.#next() * 4294967296;
  }
  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** `n` uniformly random bytes. */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

/** JSON rows like an API response: the typical payload of avx-http. */
export function jsonRows(rows: number, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  const cities = ["Lisbon", "Porto", "Berlin", "São Paulo", "Tokyo", "Nairobi", "Toronto"];
  const out: unknown[] = [];
  for (let i = 0; i < rows; i++) {
    out.push({
      id: i,
      user: `user_${rng.int(100000)}`,
      city: cities[rng.int(cities.length)],
      score: rng.int(1000000) / 100,
      active: rng.int(2) === 1,
      tags: ["a", "bb", "ccc"].slice(0, rng.int(4)),
      ts: new Date(1700000000000 + rng.int(1e9)).toISOString(),
    });
  }
  return new TextEncoder().encode(JSON.stringify(out));
}

/**
 * Data of many shapes: random, repetitive, runs, text-like, small alphabets, mixtures.
 * `kind` picks the shape, `n` the length.
 */
export function shapedData(rng: Rng, kind: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  switch (kind % 7) {
    case 0: // incompressible
      for (let i = 0; i < n; i++) b[i] = rng.u32() & 0xff;
      break;
    case 1: // one byte repeated
      b.fill(rng.u32() & 0xff);
      break;
    case 2: { // short repeating pattern
      const p = 1 + rng.int(12);
      for (let i = 0; i < n; i++) b[i] = i < p ? rng.u32() & 0xff : b[i - p];
      break;
    }
    case 3: // small alphabet
      for (let i = 0; i < n; i++) b[i] = 97 + rng.int(4);
      break;
    case 4: { // copies of earlier pieces at random distances (LZ-friendly, long offsets)
      let i = 0;
      while (i < n) {
        if (i > 8 && rng.int(3) > 0) {
          const dist = 1 + rng.int(Math.min(i, 70000));
          const len = Math.min(n - i, 4 + rng.int(300));
          for (let k = 0; k < len; k++, i++) b[i] = b[i - dist];
        } else {
          const len = Math.min(n - i, 1 + rng.int(20));
          for (let k = 0; k < len; k++, i++) b[i] = rng.u32() & 0xff;
        }
      }
      break;
    }
    case 5: { // runs of random lengths
      let i = 0;
      while (i < n) {
        const v = rng.u32() & 0xff;
        const len = Math.min(n - i, 1 + rng.int(600));
        b.fill(v, i, i + len);
        i += len;
      }
      break;
    }
    default: { // text-like
      const words = ["the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog. "];
      let s = "";
      while (s.length < n) s += words[rng.int(words.length)];
      b.set(new TextEncoder().encode(s).subarray(0, n));
    }
  }
  return b;
}

/** The shared edge bytes plus 0x0f and 0xf0: a token whose length continues in the next bytes. */
const EDGE_BYTES = [0, 0xff, 0x7f, 0x80, 0xfe, 0x01, 0x0f, 0xf0];

/** The codecs' fuzz {@link mutateWith mutate} with LZ4's edge bytes, drawing from `rng`. */
export function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  return mutateWith(src, () => rng.u32() / 4294967296, EDGE_BYTES);
}

/** A streaming encoder or decoder, as the frame coders are. */
interface Coder {
  write(chunk: Uint8Array): Uint8Array[];
  flush?(): Uint8Array[];
  end(): Uint8Array[];
}

/**
 * Feeds `input` to `coder` in random pieces of 1 to `maxPiece` bytes, flushing after about one
 * piece in `flushOneIn` (never when 0), and joins what it writes.
 */
export function streamThrough(
  coder: Coder,
  input: Uint8Array,
  rng: Rng,
  maxPiece: number,
  flushOneIn = 0,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let i = 0;
  while (i < input.length) {
    const n = 1 + rng.int(maxPiece);
    parts.push(...coder.write(input.subarray(i, i + n)));
    if (flushOneIn > 0 && rng.int(flushOneIn) === 0) parts.push(...coder.flush!());
    i += n;
  }
  parts.push(...coder.end());
  return concatChunks(parts);
}

/** Decodes `frame` with an {@link Lz4FrameDecoder} fed in random pieces of 1 to `maxPiece` bytes. */
export function streamDecode(
  frame: Uint8Array,
  rng: Rng,
  maxPiece: number,
  options: Lz4DecompressOptions = {},
): Uint8Array {
  return streamThrough(new Lz4FrameDecoder(options), frame, rng, maxPiece);
}
