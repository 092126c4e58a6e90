/**
 * The one error type every codec in `compress/` throws for bad input or a broken limit.
 *
 * @module
 */

/**
 * The base of every error the avila packages throw (`@avila/compress`, `@avila/arrow`,
 * `@avila/avx-http`): a stable, machine-readable `code` plus a human `message`. Each area has
 * its own subclass (`CompressError`, `ArrowError`, `ConfigurationError`, `ClientError`, ...)
 * whose `code` is a narrower union. It lives here because `@avila/compress` is the lowest
 * package: the other two already depend on it, so they can extend it without a new package
 * or an upward import.
 *
 * @example
 * ```ts
 * import { AvilaError, decompress, Algorithm } from "@avila/compress";
 * try {
 *   await decompress(new Uint8Array([1, 2, 3]), Algorithm.Lz4);
 * } catch (e) {
 *   if (e instanceof AvilaError) console.log(e.name, e.code); // "CompressError" "corrupt"
 * }
 * ```
 */
export class AvilaError<Code extends string = string> extends Error {
  /** Machine-readable reason, stable across versions. */
  readonly code: Code;

  /**
   * Creates the error; subclasses set `name`.
   *
   * @param code machine-readable reason
   * @param message a human explanation, without any of the input's bytes or secrets
   * @param options standard error options (`cause`)
   */
  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AvilaError";
    this.code = code;
  }
}

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
export class CompressError extends AvilaError<
  /** The input is not valid data for the format (bad magic, bad lengths, bad offsets). */
  | "corrupt"
  /** A block or content checksum did not match. */
  | "checksum"
  /** The output would exceed `maxOutputSize` (or another explicit limit). */
  | "limit"
  /** The format is valid but uses a feature, algorithm or option this runtime does not have. */
  | "unsupported"
> {
  /** Always `"CompressError"`. */
  override name = "CompressError";
}

/** Default ceiling for decompressed output: 256 MiB. */
export const DEFAULT_MAX_OUTPUT_SIZE: number = 256 * 1024 * 1024;

/**
 * Throws a `limit` error when `size` exceeds `max`. Call before allocating.
 *
 * @example
 * ```ts
 * import { checkOutputSize } from "./errors.ts";
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
