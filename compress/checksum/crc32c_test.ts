import assert from "node:assert/strict";
import { crc32c, maskCrc32c, unmaskCrc32c } from "./crc32c.ts";
import { rng as seeded } from "../_test_rng.ts";

/** Bit-at-a-time reference straight from the definition (RFC 3720 §12.1), no tables. */
function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

Deno.test("crc32c: standard check value of '123456789' is 0xE3069283", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
});

Deno.test("crc32c: empty input is 0", () => {
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

// RFC 3720 appendix B.4 (CRC examples). The RFC prints the CRC bytes in wire order
// (little-endian), e.g. "aa 36 91 8a" for 32 zero bytes, i.e. the value 0x8a9136aa.
Deno.test("crc32c: RFC 3720 B.4 vectors", () => {
  const zeros = new Uint8Array(32);
  const ones = new Uint8Array(32).fill(0xff);
  const inc = Uint8Array.from({ length: 32 }, (_, i) => i);
  const dec = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
  assert.equal(crc32c(zeros), 0x8a9136aa);
  assert.equal(crc32c(ones), 0x62a8ab43);
  assert.equal(crc32c(inc), 0x46dd794e);
  assert.equal(crc32c(dec), 0x113fdb5c);
});

Deno.test("crc32c: matches the bitwise definition for every length 0..300 and random data", () => {
  const rand = seeded(42);
  const data = Uint8Array.from({ length: 300 }, () => Math.floor(rand() * 256));
  for (let n = 0; n <= data.length; n++) {
    const part = data.subarray(0, n);
    assert.equal(crc32c(part), crc32cBitwise(part), `length ${n}`);
  }
  const big = Uint8Array.from({ length: 100_003 }, () => Math.floor(rand() * 256));
  assert.equal(crc32c(big), crc32cBitwise(big));
});

Deno.test("crc32c: works on subarrays with a non-zero byteOffset", () => {
  const buf = new TextEncoder().encode("xx123456789yy");
  assert.equal(crc32c(buf.subarray(2, 11)), 0xe3069283);
});

Deno.test("crc32c: continuing with `initial` equals one pass over the concatenation", () => {
  const rand = seeded(7);
  const data = Uint8Array.from({ length: 5000 }, () => Math.floor(rand() * 256));
  const whole = crc32c(data);
  for (const cut of [0, 1, 15, 16, 17, 2500, 4999, 5000]) {
    const first = crc32c(data.subarray(0, cut));
    assert.equal(crc32c(data.subarray(cut), first), whole, `cut at ${cut}`);
  }
});

Deno.test("maskCrc32c: matches the formula of the framing spec §3 and unmask reverses it", () => {
  // ((x >> 15) | (x << 17)) + 0xa282ead8 computed with BigInt to avoid sharing our int tricks.
  const rand = seeded(99);
  const samples = [0, 1, 0xffffffff, 0x80000000, 0xe3069283];
  for (let i = 0; i < 1000; i++) samples.push(Math.floor(rand() * 2 ** 32));
  for (const x of samples) {
    const bx = BigInt(x);
    const rot = ((bx >> 15n) | (bx << 17n)) & 0xffffffffn;
    const expected = Number((rot + 0xa282ead8n) & 0xffffffffn);
    assert.equal(maskCrc32c(x), expected);
    assert.equal(unmaskCrc32c(maskCrc32c(x)), x);
  }
});
