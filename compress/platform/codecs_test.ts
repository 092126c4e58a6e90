import assert from "node:assert/strict";
import { CompressError } from "../errors.ts";
import { PlatformDecoder, PlatformEncoder, type PlatformFormat } from "./codecs.ts";

const FORMATS: PlatformFormat[] = ["zstd", "br", "gzip", "deflate", "deflate-raw"];

function isUnsupported(e: unknown): boolean {
  return e instanceof CompressError && e.code === "unsupported";
}

Deno.test("platform codecs: one encoder and one decoder class round-trip every format", () => {
  const data = new TextEncoder().encode("composition over a shared engine ".repeat(40));
  for (const f of FORMATS) {
    const enc = new PlatformEncoder(f);
    assert.equal(enc.format, f);
    const packed = [...enc.write(data), ...enc.flush(), ...enc.end()];
    const dec = new PlatformDecoder(f, { maxOutputSize: data.length });
    const out = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
    assert.deepEqual(new Uint8Array(out.flatMap((c) => [...c])), data, f);
  }
});

Deno.test("platform codecs: a name that is not a format is CompressError(unsupported)", () => {
  for (const name of ["lz4", "constructor", "__proto__", "toString"]) {
    const f = name as PlatformFormat;
    assert.throws(() => new PlatformEncoder(f), isUnsupported, name);
    assert.throws(() => new PlatformDecoder(f), isUnsupported, name);
  }
});

Deno.test("platform codecs: each format's level range and default", () => {
  const ranges: [PlatformFormat, number, number][] = [
    ["zstd", -131072, 22],
    ["br", 0, 11],
    ["gzip", 0, 9],
    ["deflate", 0, 9],
    ["deflate-raw", 0, 9],
  ];
  for (const [f, lo, hi] of ranges) {
    new PlatformEncoder(f, { level: lo }).close();
    new PlatformEncoder(f, { level: hi }).close();
    assert.throws(() => new PlatformEncoder(f, { level: lo - 1 }), isUnsupported, f);
    assert.throws(() => new PlatformEncoder(f, { level: hi + 1 }), isUnsupported, f);
    assert.throws(() => new PlatformEncoder(f, { level: 1.5 }), isUnsupported, f);
  }
});
