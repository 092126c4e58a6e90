/**
 * The one error type every codec in `compress/` throws for bad input or a broken limit.
 *
 * @module
 */

/** Why a compress or decompress call failed. */
export type CompressErrorCode =
  /** The input is not valid data for the format (bad magic, bad lengths, bad offsets). */
  | "corrupt"
  /** A block or content checksum did not match. */
  | "checksum"
  /** The output would exceed `maxOutputSize` (or another explicit limit). */
  | "limit"
  /** The format is valid but uses a feature, algorithm or option this runtime does not have. */
  | "unsupported";

/**
 * A typed failure from a codec. Decoders throw nothing else on hostile input.
 *
 * @example
 * ```ts
 * import { CompressError, decompress, Algorithm } from "@avila/compress";
 * try {
 *   await decompress(new Uint8Array([1, 2, 3]), Algorithm.Lz4);
 * } catch (e) {
 *   if (e instanceof CompressError) console.log(e.code); // "corrupt"
 * }
 * ```
 */
export class CompressError extends Error {
  /** Machine-readable reason. */
  readonly code: CompressErrorCode;

  /**
   * Creates the error.
   *
   * @param code why it failed
   * @param message a human explanation, without any of the input's bytes
   */
  constructor(code: CompressErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CompressError";
    this.code = code;
  }
}

/** Default ceiling for decompressed output: 256 MiB. */
export const DEFAULT_MAX_OUTPUT_SIZE: number = 256 * 1024 * 1024;

/**
 * Throws a `limit` error when `size` exceeds `max`. Call before allocating.
 *
 * @example
 * ```ts
 * import { checkOutputSize } from "@avila/compress";
 * checkOutputSize(10, 100); // fine
 * ```
 */
export function checkOutputSize(size: number, max: number): void {
  if (size > max) {
    throw new CompressError(
      "limit",
      `decompressed size ${size} exceeds the limit of ${max} bytes`,
    );
  }
}
