/**
 * The one error type `columnar/` throws for bad input, broken limits and unsupported features.
 *
 * @module
 */

import { AvilaError } from "@avila/compress";

/**
 * Why a columnar operation failed.
 *
 * @example
 * ```ts
 * import { type ArrowErrorCode } from "@avila/arrow";
 * const code: ArrowErrorCode = "corrupt";
 * console.log(code); // "corrupt"
 * ```
 */
export type ArrowErrorCode =
  /** The caller passed values that do not fit the schema or the API (wrong lengths, types). */
  | "invalid"
  /** Serialized input (IPC stream/file, flatbuffer) is malformed, truncated or inconsistent. */
  | "corrupt"
  /** The input is well formed but exceeds an explicit limit (message size, rows, depth). */
  | "limit"
  /** The input uses a type, codec or feature this implementation does not provide. */
  | "unsupported";

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
export class ArrowError extends AvilaError<ArrowErrorCode> {
  /**
   * Creates an error.
   * @param code why it failed
   * @param message a human explanation, without any of the input's bytes
   */
  constructor(code: ArrowErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "ArrowError";
  }
}
