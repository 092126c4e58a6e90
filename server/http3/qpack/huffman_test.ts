import assert from "node:assert/strict";
import { huffmanDecode, huffmanEncode, huffmanEncodedLength, HuffmanError } from "./huffman.ts";
import { HUFFMAN_CODES, HUFFMAN_LENGTHS } from "./_huffman_table.ts";
import { hex } from "./_test_qpack.ts";

function encode(s: string): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(s));
  assert.equal(huffmanEncode(s, out, 0), out.length);
  return out;
}

function decode(bytes: Uint8Array, max = 1 << 16): string {
  return huffmanDecode(bytes, 0, bytes.length, max);
}

// RFC 7541, C.4 (requests) and C.6 (responses): each Huffman-coded string of the examples.
const EXAMPLES: [string, string][] = [
  ["www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"],
  ["no-cache", "a8eb 1064 9cbf"],
  ["custom-key", "25a8 49e9 5ba9 7d7f"],
  ["custom-value", "25a8 49e9 5bb8 e8b4 bf"],
  ["302", "6402"],
  ["private", "aec3 771a 4b"],
  ["Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"],
  ["https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"],
  ["307", "640e ff"],
  ["Mon, 21 Oct 2013 20:13:22 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff"],
  ["gzip", "9bd9 ab"],
  [
    "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
    "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
  ],
];

Deno.test("huffman: the RFC 7541 C.4 and C.6 strings encode and decode byte for byte", () => {
  for (const [text, coded] of EXAMPLES) {
    assert.deepEqual(encode(text), hex(coded), text);
    assert.equal(decode(hex(coded)), text);
  }
});

Deno.test("huffman: the code table is the complete prefix code of RFC 7541 Appendix B", () => {
  // Kraft sum exactly 1 (2^-len summed over 257 symbols) and EOS is 30 one-bits.
  let kraft = 0;
  for (let i = 0; i <= 256; i++) kraft += 2 ** (30 - HUFFMAN_LENGTHS[i]);
  assert.equal(kraft, 2 ** 30);
  assert.equal(HUFFMAN_CODES[256], 0x3fffffff);
  assert.equal(HUFFMAN_LENGTHS[256], 30);
});

Deno.test("huffman: every byte value round-trips, alone and in a long string", () => {
  let all = "";
  for (let b = 0; b < 256; b++) {
    const s = String.fromCharCode(b);
    assert.equal(decode(encode(s)), s);
    all += s + s;
  }
  assert.equal(decode(encode(all)), all);
  assert.equal(decode(new Uint8Array(0)), "");
});

Deno.test("huffman: EOS inside, padding over 7 bits and padding not of 1-bits are rejected", () => {
  const reason = (bytes: Uint8Array, max = 1000): string => {
    try {
      decode(bytes, max);
    } catch (e) {
      assert.ok(e instanceof HuffmanError);
      return e.reason;
    }
    return "accepted";
  };
  // EOS (30 one-bits) then 2 bits of padding.
  assert.equal(reason(hex("ffff ffff")), "eos");
  // "a" (00011, 5 bits) and then a whole byte of 1-bits: 11 bits of padding.
  assert.equal(reason(hex("1fff")), "padding");
  // "0" is 00000: three bits of zero padding are not the MSBs of EOS.
  assert.equal(reason(hex("00")), "padding");
  // "0" then 111 is fine.
  assert.equal(reason(hex("07")), "accepted");
  // A lone 0xff: 8 bits of padding is more than 7.
  assert.equal(reason(hex("ff")), "padding");
  // An incomplete code that is not all 1-bits: "a" then 0b011 of a longer code.
  assert.equal(reason(hex("1b")), "padding");
  // Over the output limit: decoding stops there.
  assert.equal(reason(encode("a".repeat(100)), 99), "limit");
  assert.equal(reason(encode("a".repeat(100)), 100), "accepted");
});
