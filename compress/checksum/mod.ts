/**
 * Checksums used by the codecs in `compress/`.
 *
 * @module
 */

export { crc32c, maskCrc32c, unmaskCrc32c } from "./crc32c.ts";
export { XxHash32, xxhash32 } from "./xxhash32.ts";
