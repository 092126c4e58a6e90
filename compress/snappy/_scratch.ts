/**
 * One reusable output buffer for the encoders. Encoding is synchronous, so a module-level buffer
 * can never be shared by two calls at once; every caller copies its result out before returning.
 *
 * @module
 */

/** Buffers up to this size are kept between calls; larger requests get a fresh allocation. */
const KEEP_LIMIT = 1536 * 1024;

let scratch = new Uint8Array(0);

/**
 * Returns a buffer of at least `size` bytes. Its contents are garbage and it is only valid until
 * the next call; copy the used part out (`slice`) before handing it to anyone.
 */
export function encodeBuffer(size: number): Uint8Array {
  if (size <= scratch.length) return scratch;
  if (size > KEEP_LIMIT) return new Uint8Array(size);
  scratch = new Uint8Array(Math.min(KEEP_LIMIT, Math.max(size, scratch.length * 2, 4096)));
  return scratch;
}
