/**
 * The one error type `columnar/` throws for bad input, broken limits and unsupported features.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";

/**
 * A typed failure from `columnar/`. Readers throw nothing else on hostile input.
 *
 * @example
 * ```ts
 * import { ArrowError, readIpcStream } from "@avila/arrow";
 * try {
 *   readIpcStream(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   if (e instanceof ArrowError) console.log(e.code); // "corrupt"
 * }
 * ```
 */
export class ArrowError extends AvilaError<
  /** The caller passed values that do not fit the schema or the API (wrong lengths, types). */
  | "invalid"
  /** Serialized input (IPC stream/file, flatbuffer) is malformed, truncated or inconsistent. */
  | "corrupt"
  /** The input is well formed but exceeds an explicit limit (message size, rows, depth). */
  | "limit"
  /** The input uses a type, codec or feature this implementation does not provide. */
  | "unsupported"
> {
  /** Always `"ArrowError"`. */
  override name = "ArrowError";
}
