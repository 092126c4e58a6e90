/**
 * Checksums used by the codecs in `compress/`.
 *
 * @module
 */

export { crc32c, maskCrc32c, unmaskCrc32c } from "./crc32c.ts";
