import assert from "node:assert/strict";
import {
  DICTIONARY_OFFSETS,
  DICTIONARY_SIZE,
  DICTIONARY_SIZE_BITS,
  staticDictionary,
} from "./dictionary.ts";
import { TRANSFORM_COUNT, transformWord } from "./transforms.ts";
import { TRANSFORMS } from "./_tables_data.ts";
import { readLibraryTables } from "./_generate_tables.ts";

const hex = (b: ArrayBuffer): string =>
  [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("static dictionary: 122,784 bytes with a pinned SHA-256, word groups fill it", async () => {
  const d = staticDictionary();
  assert.equal(d.length, DICTIONARY_SIZE);
  assert.equal(
    hex(await crypto.subtle.digest("SHA-256", new Uint8Array(d))),
    "20e42eb1b511c21806d4d227d07e5dd06877d8ce7b3a817f378f313653f35c70",
  );
  // RFC 7932 §8: lengths 4..24, 2^NDBITS words each, back to back.
  assert.equal(DICTIONARY_OFFSETS[24] + (24 << DICTIONARY_SIZE_BITS[24]), DICTIONARY_SIZE);
  const word = (len: number, i: number) =>
    new TextDecoder().decode(
      d.subarray(DICTIONARY_OFFSETS[len] + i * len, DICTIONARY_OFFSETS[len] + (i + 1) * len),
    );
  assert.equal(word(4, 0), "time"); // the RFC's first word
});

Deno.test("transforms: 121 of them, RFC 7932 Appendix B examples", () => {
  assert.equal(TRANSFORMS.length, TRANSFORM_COUNT);
  const out = new Uint8Array(64);
  const run = (w: string, id: number) => {
    const b = new TextEncoder().encode(w);
    return new TextDecoder().decode(out.subarray(0, transformWord(out, b, 0, b.length, id)));
  };
  assert.equal(run("time", 0), "time");
  assert.equal(run("time", 1), "time ");
  assert.equal(run("time", 3), "ime"); // omit first 1
  assert.equal(run("time", 4), "Time "); // uppercase first + " "
  assert.equal(run("time", 5), "time the ");
  assert.equal(run("time", 12), "tim"); // omit last 1
  const upperAll = TRANSFORMS.findIndex((t) => t[0] === "" && t[1] === 11 && t[2] === "");
  assert.equal(run("naïve", upperAll), "NAÏVE"); // uppercase all: UTF-8 ferment
  assert.equal(run("ärger", upperAll), "ÄRGER");
  const omitFirst9 = TRANSFORMS.findIndex((t) => t[1] === 20);
  assert.equal(run("time", omitFirst9), TRANSFORMS[omitFirst9][0] + TRANSFORMS[omitFirst9][2]);
});

Deno.test("generated tables equal libbrotlicommon's (the brotli package's library)", () => {
  const lib = readLibraryTables();
  if (lib === null) {
    throw new Error("needs libbrotlicommon.so.1 (apt-get install brotli)");
  }
  assert.deepEqual(lib.dictionary, staticDictionary());
  assert.deepEqual(lib.transforms, TRANSFORMS.map((t) => [...t]));
  assert.deepEqual(lib.sizeBitsByLength.slice(0, 25), [...DICTIONARY_SIZE_BITS]);
});
