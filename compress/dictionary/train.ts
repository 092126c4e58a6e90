/**
 * Dictionary training by segment cover, after zstd's COVER (Liao, Petri, Moffat, Wirth,
 * "Effective Construction of Relative Lempel-Ziv Dictionaries", 2016):
 *
 * 1. The samples are cut into chunks of at most 4 KiB (a sample is one chunk when smaller), and
 *    every d-mer (substring of `dmerSize` bytes) is counted once per chunk it occurs in. A
 *    d-mer seen in a single chunk never helps a *different* payload, so its weight is zero.
 * 2. The chunks are grouped into epochs. Round-robin over the epochs, the best window of
 *    `segmentSize` bytes in the epoch is selected — its score is the sum of the weights of the
 *    distinct d-mers it contains — and the weights of its d-mers are zeroed so that later
 *    segments bring new content.
 * 3. The segments are laid out by ascending score: the most valuable content is at the END of
 *    the dictionary, where match offsets are shortest and where LZ4's 64 KiB window reaches.
 *
 * Cost: a few passes over the samples, 20 MiB of tables, no per-byte allocation.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { Dictionary, MAX_DICTIONARY_SIZE, type TrainOptions } from "./dictionary.ts";

const HASH_LOG = 20;
const HASH_SIZE = 1 << HASH_LOG;
/** Largest chunk a sample is cut into for counting. */
const CHUNK = 4096;
/** Segments scoring less are noise (d-mer hash collisions), not shared content. */
const MIN_SEGMENT_SCORE = 8;
/** Most samples accepted (each costs a few bytes of bookkeeping). */
const MAX_SAMPLES = 1_000_000;

function intOption(
  value: number | undefined,
  fallback: number,
  lo: number,
  hi: number,
  name: string,
): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new CompressError("unsupported", `${name} must be an integer in ${lo}..${hi}`);
  }
  return v;
}

/** 32-bit hash of the d-mer at `p` (the caller guarantees `p + d <= buf.length`). */
function dmerHash(buf: Uint8Array, p: number, d: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < d; i++) h = Math.imul(h ^ buf[p + i], 0x01000193);
  return h;
}

/** Slot in the first count table. */
function slot1(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> (32 - HASH_LOG);
}

/** Slot in the second count table (an independent mix of the same hash). */
function slot2(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> (32 - HASH_LOG);
}

/**
 * Weight of a d-mer: the smaller of its two counts (a count-min sketch), so a d-mer only
 * scores when it really recurs, not because another one shares its slot.
 */
function weightOf(weight: Uint32Array, weight2: Uint32Array, h: number): number {
  const a = weight[slot1(h)];
  const b = weight2[slot2(h)];
  return a < b ? a : b;
}

interface Segment {
  start: number;
  end: number;
  score: number;
}

/**
 * Trains a {@link Dictionary} for many small, similar payloads (JSON API responses, log lines,
 * rows): the content is chosen from substrings that recur across samples. The result is
 * deterministic for the same samples and options. It may be smaller than `size` when the
 * samples share less than that.
 *
 * @param samples representative payloads (hundreds or more work best; ideally 10-100× the
 *   dictionary size in total)
 * @param options `size` (default 16 KiB), `segmentSize` (512), `dmerSize` (6), `maxSampleBytes`
 *   (32 MiB), `id`
 * @throws {CompressError} `limit` when the samples exceed `maxSampleBytes` or number more than
 *   a million, or share nothing to learn; `unsupported` for bad options or non-byte samples
 *
 * @example
 * ```ts
 * import { trainDictionary } from "./train.ts";
 * const samples = Array.from({ length: 300 }, (_, i) =>
 *   new TextEncoder().encode(JSON.stringify({ id: i, kind: "sensor", unit: "celsius", ok: true })));
 * const dict = trainDictionary(samples, { size: 2048 });
 * console.log(new TextDecoder().decode(dict.bytes).includes("celsius")); // true
 * ```
 */
export function trainDictionary(
  samples: readonly Uint8Array[],
  options: TrainOptions = {},
): Dictionary {
  const size = intOption(options.size, 16 * 1024, 64, MAX_DICTIONARY_SIZE, "size");
  const k = intOption(options.segmentSize, 512, 16, 4096, "segmentSize");
  const d = intOption(options.dmerSize, 6, 4, 16, "dmerSize");
  if (d > k) throw new CompressError("unsupported", "dmerSize must not exceed segmentSize");
  const maxBytes = intOption(
    options.maxSampleBytes,
    32 * 1024 * 1024,
    1,
    1024 * 1024 * 1024,
    "maxSampleBytes",
  );
  if (!Array.isArray(samples)) {
    throw new CompressError("unsupported", "samples must be an array of Uint8Array");
  }
  if (samples.length > MAX_SAMPLES) {
    throw new CompressError("limit", `more than ${MAX_SAMPLES} samples`);
  }
  // Sizes first: nothing is allocated for an oversized training set.
  let total = 0;
  let chunkCount = 0;
  for (const s of samples) {
    if (!(s instanceof Uint8Array)) {
      throw new CompressError("unsupported", "every sample must be a Uint8Array");
    }
    total += s.length;
    if (total > maxBytes) {
      throw new CompressError("limit", `samples exceed maxSampleBytes (${maxBytes} bytes)`);
    }
    chunkCount += Math.ceil(s.length / CHUNK);
  }
  const buf = new Uint8Array(total);
  const chunkStart = new Int32Array(chunkCount + 1);
  let off = 0;
  let c = 0;
  for (const s of samples) {
    buf.set(s, off);
    for (let p = 0; p < s.length; p += CHUNK) chunkStart[c++] = off + p;
    off += s.length;
  }
  chunkStart[c] = off;
  // A chunk ends at the next chunk's start, or at its sample's end: keep explicit ends.
  const chunkEnd = new Int32Array(chunkCount);
  off = 0;
  c = 0;
  for (const s of samples) {
    for (let p = 0; p < s.length; p += CHUNK) {
      chunkEnd[c++] = off + Math.min(p + CHUNK, s.length);
    }
    off += s.length;
  }

  // 1. Weights: in how many chunks each d-mer occurs, in two tables (count-min); a d-mer seen
  // in fewer than 2 chunks is worth nothing.
  const weight = new Uint32Array(HASH_SIZE);
  const weight2 = new Uint32Array(HASH_SIZE);
  const lastChunk = new Int32Array(HASH_SIZE).fill(-1);
  const lastChunk2 = new Int32Array(HASH_SIZE).fill(-1);
  for (let ci = 0; ci < chunkCount; ci++) {
    const last = chunkEnd[ci] - d;
    for (let p = chunkStart[ci]; p <= last; p++) {
      const h = dmerHash(buf, p, d);
      const a = slot1(h);
      const b = slot2(h);
      if (lastChunk[a] !== ci) {
        lastChunk[a] = ci;
        weight[a]++;
      }
      if (lastChunk2[b] !== ci) {
        lastChunk2[b] = ci;
        weight2[b]++;
      }
    }
  }

  // 2. Segment selection, round-robin over epochs of chunks.
  const wanted = Math.ceil(size / k);
  const epochs = Math.max(1, Math.min(chunkCount, Math.ceil(wanted / 2)));
  const active = new Uint32Array(HASH_SIZE);
  const picked: Segment[] = [];
  let filled = 0;
  let progress = true;
  while (filled < size && progress) {
    progress = false;
    for (let e = 0; e < epochs && filled < size; e++) {
      const from = Math.floor((e * chunkCount) / epochs);
      const to = Math.floor(((e + 1) * chunkCount) / epochs);
      const best = bestSegment(buf, chunkStart, chunkEnd, from, to, k, d, weight, weight2, active);
      // A stray hash collision scores 2 or 4; real shared content scores far more.
      if (best.score < MIN_SEGMENT_SCORE) continue;
      progress = true;
      if (best.end - best.start > size - filled) best.end = best.start + (size - filled);
      for (let p = best.start; p + d <= best.end; p++) {
        const h = dmerHash(buf, p, d);
        weight[slot1(h)] = 0;
        weight2[slot2(h)] = 0;
      }
      picked.push(best);
      filled += best.end - best.start;
    }
  }
  if (filled === 0) {
    throw new CompressError("limit", "the samples share no content to build a dictionary from");
  }

  // 3. Layout: least valuable first, most valuable last (closest to the data).
  picked.sort((a, b) => a.score - b.score || a.start - b.start);
  const content = new Uint8Array(filled);
  let o = 0;
  for (const s of picked) {
    content.set(buf.subarray(s.start, s.end), o);
    o += s.end - s.start;
  }
  return new Dictionary(content, options.id);
}

/** A d-mer found in a single chunk cannot help another payload. */
function useful(w: number): number {
  return w >= 2 ? w : 0;
}

/**
 * The best window of up to `k` bytes inside chunks `from..to` (windows never cross a chunk):
 * a sliding window over the d-mer positions, scoring each distinct d-mer once.
 */
function bestSegment(
  buf: Uint8Array,
  chunkStart: Int32Array,
  chunkEnd: Int32Array,
  from: number,
  to: number,
  k: number,
  d: number,
  weight: Uint32Array,
  weight2: Uint32Array,
  active: Uint32Array,
): Segment {
  const best: Segment = { start: 0, end: 0, score: 0 };
  const span = k - d + 1; // d-mer positions inside one window
  for (let ci = from; ci < to; ci++) {
    const start = chunkStart[ci];
    const last = chunkEnd[ci] - d; // last d-mer position
    if (last < start) continue;
    let score = 0;
    let head = start; // first d-mer position in the window
    for (let p = start; p <= last; p++) {
      const h = dmerHash(buf, p, d);
      if (active[slot1(h)]++ === 0) score += useful(weightOf(weight, weight2, h));
      if (p - head + 1 > span) {
        const g = dmerHash(buf, head, d);
        if (--active[slot1(g)] === 0) score -= useful(weightOf(weight, weight2, g));
        head++;
      }
      if (score > best.score) {
        best.score = score;
        best.start = head;
        best.end = p + d;
      }
    }
    for (let p = head; p <= last; p++) active[slot1(dmerHash(buf, p, d))]--;
  }
  return best;
}
