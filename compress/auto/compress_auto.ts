/**
 * `Algorithm.Auto`: compress with what {@link chooseAlgorithm} picks; decode any frame it
 * can produce (columnar, zstd, LZ4), recognised by its magic number.
 *
 * @module
 */

import { compressFrame, decompressFrame } from "../lz4/mod.ts";
import { concatChunks, ZlibEngine } from "../platform/_engine.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { Algorithm } from "../types.ts";
import { hasMagic } from "../columnar/_format.ts";
import { decompressColumnar } from "../columnar/decode.ts";
import { encodeColumnar, storedColumnar } from "../columnar/encode.ts";
import { type AutoChoice, type AutoOptions, chooseAlgorithm } from "./choose.ts";

/** Result of {@link compressAuto}. */
export interface AutoResult {
  /** The compressed, self-describing bytes (decode with `decompress(..., Algorithm.Auto)`). */
  data: Uint8Array;
  /** What was chosen and why. */
  choice: AutoChoice;
}

function zstd(data: Uint8Array, decompress: boolean, opt: number): Uint8Array {
  const e = new ZlibEngine(
    "zstd",
    decompress,
    decompress ? { maxOutputSize: opt } : { level: opt },
  );
  try {
    const out: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += 1 << 20) {
      out.push(...e.write(data.subarray(off, off + (1 << 20))));
    }
    out.push(...e.end());
    return concatChunks(out);
  } finally {
    e.close();
  }
}

/**
 * Samples `data`, chooses a codec (see `chooseAlgorithm`), compresses, and reports the choice
 * with the ratio achieved.
 *
 * @throws {CompressError} `unsupported` for bad options; `corrupt` when a declared element type
 *   does not divide the input
 *
 * @example
 * ```ts
 * import { compressAuto, decompress, Algorithm } from "@avila/compress";
 * const text = new TextEncoder().encode("status=ok ".repeat(500));
 * const { data, choice } = compressAuto(text);
 * console.log(choice.algorithm); // "zstd"
 * console.log((await decompress(data, Algorithm.Auto)).length); // 5000
 * ```
 */
export function compressAuto(data: Uint8Array, opts: AutoOptions = {}): AutoResult {
  const choice = chooseAlgorithm(data, opts);
  let out: Uint8Array;
  if (choice.stored) {
    out = storedColumnar(data);
  } else if (choice.algorithm === Algorithm.Columnar) {
    const r = encodeColumnar(data, { elementType: choice.elementType!, level: choice.level });
    out = r.frame;
    choice.transforms = r.info.transforms;
    if (r.info.inner !== "none") choice.transforms = [...r.info.transforms, r.info.inner];
  } else if (choice.algorithm === Algorithm.Lz4) {
    out = compressFrame(data, { level: choice.level });
  } else {
    out = zstd(data, false, choice.level);
  }
  if (out.length > data.length + 40 && !choice.stored) {
    out = storedColumnar(data);
    choice.stored = true;
    choice.algorithm = Algorithm.Columnar;
    choice.transforms = [];
    choice.reason += "; stored: the chosen codec expanded the data";
  }
  choice.reason += `; achieved ${(data.length / Math.max(1, out.length)).toFixed(2)}x`;
  return { data: out, choice };
}

/**
 * Decodes an Auto frame: columnar, zstd or LZ4, told apart by magic number.
 *
 * @throws {CompressError} `corrupt` for anything else, and the codec's own errors
 *
 * @example
 * ```ts
 * import { compressAuto, decompressAutoFrame } from "@avila/compress";
 * const v = new Float64Array([1.5, -0, NaN, Infinity]);
 * const back = decompressAutoFrame(compressAuto(new Uint8Array(v.buffer)).data);
 * console.log(back.length); // 32
 * ```
 */
export function decompressAutoFrame(
  bytes: Uint8Array,
  maxOutputSize: number = DEFAULT_MAX_OUTPUT_SIZE,
): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  if (hasMagic(bytes)) return decompressColumnar(bytes, { maxOutputSize });
  if (bytes.length >= 4) {
    const magic = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    if (magic === 0x184d2204) return decompressFrame(bytes, { maxOutputSize });
    if (magic === 0xfd2fb528) return zstd(bytes, true, maxOutputSize);
  }
  throw new CompressError("corrupt", "auto: not a columnar, zstd or LZ4 frame");
}
