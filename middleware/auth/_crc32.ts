// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib and PNG: the checksum that
// makes API keys recognisable offline.

const TABLE = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of the low bytes of `s`'s UTF-16 code units (callers pass ASCII only). */
export function crc32Ascii(s: string, end: number = s.length): number {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) c = TABLE[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
