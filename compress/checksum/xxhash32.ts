/**
 * xxHash32 (XXH32), the checksum of the LZ4 frame format: header, block and content checksums
 * (lz4_Frame_format.md). Implemented from the xxHash specification (doc/xxhash_spec.md, "XXH32
 * Algorithm Description"): four 32-bit lanes over 16-byte stripes, then a tail and an avalanche.
 *
 * Everything is 32-bit integer math: `Math.imul` for the multiplications, `>>> 0` to read the
 * unsigned result. Stripes are read with `DataView.getInt32(i, true)`, which V8 compiles to a
 * single unaligned load (about 3x faster here than assembling bytes with shifts).
 *
 * @module
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

/** Folds the lanes, length and the tail `data[i, end)` into the final hash (spec steps 4-6). */
function finish(acc: number, data: Uint8Array, i: number, end: number): number {
  let h = acc | 0;
  while (i + 4 <= end) {
    const lane = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    h = (h + Math.imul(lane, P3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), P4);
    i += 4;
  }
  while (i < end) {
    h = (h + Math.imul(data[i], P5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), P1);
    i++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Sets the four lanes to their initial values for `seed` (spec step 1). */
function initLanes(lanes: Int32Array, seed: number): void {
  lanes[0] = seed + P1 + P2;
  lanes[1] = seed + P2;
  lanes[2] = seed;
  lanes[3] = seed - P1;
}

/**
 * Consumes the 16-byte stripes of `[i, end)` (a multiple of 16), read through `dv`, into the
 * lanes (spec step 2). The one-shot and the incremental hash share it; the lanes live in locals
 * for the loop.
 */
function stripes(dv: DataView, i: number, end: number, lanes: Int32Array): void {
  let v1 = lanes[0], v2 = lanes[1], v3 = lanes[2], v4 = lanes[3];
  while (i < end) {
    let lane = dv.getInt32(i, true);
    v1 = (v1 + Math.imul(lane, P2)) | 0;
    v1 = Math.imul((v1 << 13) | (v1 >>> 19), P1);
    lane = dv.getInt32(i + 4, true);
    v2 = (v2 + Math.imul(lane, P2)) | 0;
    v2 = Math.imul((v2 << 13) | (v2 >>> 19), P1);
    lane = dv.getInt32(i + 8, true);
    v3 = (v3 + Math.imul(lane, P2)) | 0;
    v3 = Math.imul((v3 << 13) | (v3 >>> 19), P1);
    lane = dv.getInt32(i + 12, true);
    v4 = (v4 + Math.imul(lane, P2)) | 0;
    v4 = Math.imul((v4 << 13) | (v4 >>> 19), P1);
    i += 16;
  }
  lanes[0] = v1;
  lanes[1] = v2;
  lanes[2] = v3;
  lanes[3] = v4;
}

/** The lanes folded into one accumulator (spec step 3). */
function converge(lanes: Int32Array): number {
  const v1 = lanes[0], v2 = lanes[1], v3 = lanes[2], v4 = lanes[3];
  return (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) +
    ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14))) | 0;
}

/** Lanes of the one-shot hash (synchronous, so one set serves every call). */
const oneShotLanes = new Int32Array(4);

/**
 * Computes the xxHash32 of `data` in one call.
 *
 * @param data the bytes to hash
 * @param seed a 32-bit seed (LZ4 frames use 0)
 * @returns the hash as an unsigned 32-bit integer
 *
 * @example
 * ```ts
 * import { xxhash32 } from "./xxhash32.ts";
 * console.log(xxhash32(new Uint8Array(0)).toString(16)); // "2cc5d05"
 * ```
 */
export function xxhash32(data: Uint8Array, seed = 0): number {
  return xxhash32WithView(data, null, seed);
}

/**
 * {@link xxhash32} for a caller that already holds a DataView over exactly `data` (or null):
 * creating a view costs about as much as hashing a few hundred bytes, so an encoder that made
 * one for its own reads shares it. Not re-exported; for the codecs of this package.
 *
 * @example
 * ```ts
 * import { xxhash32, xxhash32WithView } from "./xxhash32.ts";
 * const data = new TextEncoder().encode("a view shared with the checksum");
 * const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
 * console.log(xxhash32WithView(data, view) === xxhash32(data)); // true
 * ```
 */
export function xxhash32WithView(data: Uint8Array, view: DataView | null, seed = 0): number {
  const dv = view ?? new DataView(data.buffer, data.byteOffset, data.byteLength);
  return xxhash32Range(data, dv, 0, data.length, seed);
}

/**
 * {@link xxhash32} of `data[start, end)`, read through `view`, a DataView over all of `data`:
 * hashes part of a buffer without making a subarray or a view for it (each costs about as much
 * as hashing 1 KiB). Not re-exported; for the codecs of this package.
 *
 * @example
 * ```ts
 * import { xxhash32, xxhash32Range } from "./xxhash32.ts";
 * const data = new TextEncoder().encode("..a part of a buffer..");
 * const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
 * console.log(xxhash32Range(data, view, 2, 20) === xxhash32(data.subarray(2, 20))); // true
 * ```
 */
export function xxhash32Range(
  data: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  seed = 0,
): number {
  const n = end - start;
  let i = start;
  let acc: number;
  if (n >= 16) {
    initLanes(oneShotLanes, seed);
    i = start + (n & ~15);
    stripes(view, start, i, oneShotLanes);
    acc = converge(oneShotLanes);
  } else {
    acc = (seed + P5) | 0;
  }
  // The input length is added modulo 2^32 (spec step 4).
  acc = (acc + n) | 0;
  return finish(acc, data, i, end);
}

/**
 * Incremental xxHash32: feed the data in any number of pieces, then read the digest. The result
 * equals {@link xxhash32} of the concatenated pieces. Used for the LZ4 frame content checksum,
 * which covers content that arrives as a stream.
 *
 * @example
 * ```ts
 * import { XxHash32, xxhash32 } from "./xxhash32.ts";
 * const bytes = new TextEncoder().encode("hello, streaming world");
 * const h = new XxHash32();
 * h.update(bytes.subarray(0, 5));
 * h.update(bytes.subarray(5));
 * console.log(h.digest() === xxhash32(bytes)); // true
 * ```
 */
export class XxHash32 {
  #seed: number;
  #lanes = new Int32Array(4);
  /** Total length hashed so far, modulo 2^32 (the spec adds it modulo 2^32). */
  #total = 0;
  /** True once at least 16 bytes were seen: the lanes are in use. */
  #large = false;
  /** Up to 15 bytes that do not fill a stripe yet. */
  #mem = new Uint8Array(16);
  #memSize = 0;

  /**
   * Creates a hasher in its initial state.
   *
   * @param seed a 32-bit seed (LZ4 frames use 0)
   */
  constructor(seed = 0) {
    this.#seed = seed | 0;
    this.reset();
  }

  /**
   * Starts over with the same seed, so one instance can hash many inputs.
   *
   * @example
   * ```ts
   * import { XxHash32 } from "./xxhash32.ts";
   * const h = new XxHash32();
   * h.update(new Uint8Array([1, 2, 3]));
   * h.reset();
   * console.log(h.digest().toString(16)); // "2cc5d05", the hash of nothing
   * ```
   */
  reset(): void {
    initLanes(this.#lanes, this.#seed);
    this.#total = 0;
    this.#large = false;
    this.#memSize = 0;
  }

  /**
   * Adds `chunk` to the hashed data. The chunk is not retained.
   *
   * @param chunk the next bytes
   * @returns this hasher, for chaining
   *
   * @example
   * ```ts
   * import { XxHash32 } from "./xxhash32.ts";
   * const digest = new XxHash32().update(new Uint8Array([1])).update(new Uint8Array([2])).digest();
   * console.log(typeof digest); // "number"
   * ```
   */
  update(chunk: Uint8Array): this {
    const n = chunk.length;
    if (n === 0) return this;
    this.#total = (this.#total + n) | 0;
    if (this.#memSize + n < 16) {
      this.#mem.set(chunk, this.#memSize);
      this.#memSize += n;
      return this;
    }
    this.#large = true;
    let i = 0;
    if (this.#memSize > 0) {
      const take = 16 - this.#memSize;
      this.#mem.set(chunk.subarray(0, take), this.#memSize);
      this.#stripes(this.#mem, 0, 16);
      this.#memSize = 0;
      i = take;
    }
    const stripeEnd = i + ((n - i) & ~15);
    if (stripeEnd > i) this.#stripes(chunk, i, stripeEnd);
    if (stripeEnd < n) {
      this.#mem.set(chunk.subarray(stripeEnd), 0);
      this.#memSize = n - stripeEnd;
    }
    return this;
  }

  /** Consumes whole 16-byte stripes of `data[i, end)`; `end - i` is a multiple of 16. */
  #stripes(data: Uint8Array, i: number, end: number): void {
    stripes(new DataView(data.buffer, data.byteOffset, data.byteLength), i, end, this.#lanes);
  }

  /**
   * Returns the hash of everything added so far. Does not change the state: more data may be
   * added afterwards.
   *
   * @returns the hash as an unsigned 32-bit integer
   *
   * @example
   * ```ts
   * import { XxHash32 } from "./xxhash32.ts";
   * console.log(new XxHash32().digest().toString(16)); // "2cc5d05"
   * ```
   */
  digest(): number {
    let acc = this.#large ? converge(this.#lanes) : (this.#seed + P5) | 0;
    acc = (acc + this.#total) | 0;
    return finish(acc, this.#mem, 0, this.#memSize);
  }
}
