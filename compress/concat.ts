// Joining output pieces: the one copy every one-shot path makes (codecs, Arrow IPC writers).

/**
 * Joins byte chunks into one array. A single chunk is returned as is (no copy).
 *
 * @example
 * ```ts
 * import { concatChunks } from "@avila/compress";
 * const joined = concatChunks([new Uint8Array([1, 2]), new Uint8Array([3])]);
 * console.log(joined); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function concatChunks(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = Array.isArray(chunks) ? chunks as Uint8Array[] : [...chunks];
  if (list.length === 1) return list[0];
  let n = 0;
  for (const c of list) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of list) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
