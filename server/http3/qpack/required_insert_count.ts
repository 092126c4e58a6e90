/**
 * The Required Insert Count of an encoded field section, as it goes on the wire (RFC 9204,
 * Section 4.5.1.1): modulo twice the most entries the table can hold, so the prefix stays short on
 * long-lived connections.
 *
 * @module
 */

/**
 * The most entries a dynamic table of `maxTableCapacity` bytes can hold (an entry takes at least
 * 32 bytes).
 *
 * @param maxTableCapacity SETTINGS_QPACK_MAX_TABLE_CAPACITY of the decoder
 * @returns `MaxEntries`
 *
 * @example
 * ```ts
 * import { maxEntries } from "./required_insert_count.ts";
 * console.log(maxEntries(100)); // 3
 * ```
 */
export function maxEntries(maxTableCapacity: number): number {
  return Math.floor(maxTableCapacity / 32);
}

/**
 * Encodes a Required Insert Count: 0 stays 0, anything else is `(ric mod 2 * MaxEntries) + 1`.
 *
 * @param requiredInsertCount the Required Insert Count
 * @param entries `MaxEntries` of the decoder's table
 * @returns the Encoded Required Insert Count
 *
 * @example
 * ```ts
 * import { encodeRequiredInsertCount } from "./required_insert_count.ts";
 * console.log(encodeRequiredInsertCount(9, 3)); // 4
 * ```
 */
export function encodeRequiredInsertCount(requiredInsertCount: number, entries: number): number {
  return requiredInsertCount === 0 ? 0 : (requiredInsertCount % (2 * entries)) + 1;
}

/**
 * Decodes an Encoded Required Insert Count against the inserts the decoder has received, with the
 * RFC's algorithm. Returns `undefined` for a value no conformant encoder could have sent (the
 * caller's QPACK_DECOMPRESSION_FAILED).
 *
 * @param encoded the Encoded Required Insert Count
 * @param entries `MaxEntries` of the decoder's table
 * @param totalInserts the decoder's Insert Count
 * @returns the Required Insert Count, or `undefined` when `encoded` is invalid
 *
 * @example
 * ```ts
 * import { decodeRequiredInsertCount } from "./required_insert_count.ts";
 * // RFC 9204, 4.5.1.1: a 100-byte table (MaxEntries 3), 10 inserts received, encoded 4.
 * console.log(decodeRequiredInsertCount(4, 3, 10)); // 9
 * ```
 */
export function decodeRequiredInsertCount(
  encoded: number,
  entries: number,
  totalInserts: number,
): number | undefined {
  if (encoded === 0) return 0;
  const fullRange = 2 * entries;
  if (encoded > fullRange) return undefined;
  const maxValue = totalInserts + entries;
  // The largest value of the Required Insert Count that is 0 modulo fullRange.
  const maxWrapped = Math.floor(maxValue / fullRange) * fullRange;
  let required = maxWrapped + encoded - 1;
  // Past maxValue, the encoder's value must have wrapped one time fewer.
  if (required > maxValue) {
    if (required <= fullRange) return undefined;
    required -= fullRange;
  }
  // 0 is encoded as 0.
  return required === 0 ? undefined : required;
}
