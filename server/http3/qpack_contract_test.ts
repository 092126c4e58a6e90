// The QPACK contract the connection code relies on (qpack/mod.ts), checked with the examples of
// RFC 9204 Appendix B.1 and RFC 7541 §C.4 (Huffman): any implementation of the contract passes.
import assert from "node:assert/strict";
import { type HeaderField, QpackDecoder, QpackEncoder, QpackError } from "./qpack/mod.ts";

const hex = (s: string) => Uint8Array.from((s.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const decoder = () =>
  new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 16384 });

Deno.test("qpack contract: RFC 9204 B.1 and a Huffman string decode", async () => {
  assert.deepEqual(await decoder().decode(0n, hex("0000510b2f696e6465782e68746d6c")), [
    [":path", "/index.html"],
  ]);
  // :authority with the Huffman-coded "www.example.com" of RFC 7541 §C.4.1.
  assert.deepEqual(await decoder().decode(4n, hex("0000508cf1e3c2e5f23a6ba0ab90f4ff")), [
    [":authority", "www.example.com"],
  ]);
});

Deno.test("qpack contract: what the encoder writes decodes to the same fields", async () => {
  const fields: HeaderField[] = [
    [":status", "200"],
    ["content-type", "application/json"],
    ["content-length", "1234"],
    ["x-custom-header", "v".repeat(300)],
    ["set-cookie", "a=b; Path=/"],
    ["x-latin1", "caf\u00e9"],
  ];
  assert.deepEqual(await decoder().decode(0n, new QpackEncoder().encode(fields)), fields);
});

Deno.test("qpack contract: malformed blocks are QpackError, never another error", async () => {
  const bad = [
    "", // no prefix
    "00", // no delta base
    "0000ff", // static index past the end (truncated integer)
    "0000ff7f", // static index 126: out of range
    "00005f", // name reference, then nothing
    "0000510b2f", // value longer than the block
    "0000508cf1e3c2e5f23a6ba0ab90f400", // Huffman padding not all ones
  ];
  for (const b of bad) {
    await assert.rejects(decoder().decode(0n, hex(b)), QpackError, b);
  }
  const code = await decoder().decode(0n, hex("0000ff7f")).catch((e) => e.code);
  assert.equal(code, 0x200, "QPACK_DECOMPRESSION_FAILED");
});
