/**
 * QPACK (server/http3/qpack/) side by side with nghttp3's, called through FFI in the same process
 * (libnghttp3.so.3 from Debian's ngtcp2-client). Per request: 11 browser-like request fields.
 *
 * - decode, dynamic table: sections and encoder-stream bytes made by nghttp3's encoder (4 KiB
 *   table), replayed in order into a fresh decoder per round (encoder stream, section, decoder
 *   stream), as a connection does;
 * - decode, static only: sections made by our encoder;
 * - encode: our encoder (static table and literals) on the same fields.
 *
 * The nghttp3 column is "nghttp3 bound through Deno's FFI", the alternative to writing QPACK in
 * TypeScript: about 5 FFI calls and copies per field and the garbage they make dominate it, so it
 * is an upper bound for nghttp3's own C code, not a measure of it. Rounds alternate between the
 * two, medians are reported.
 *
 *   deno run -A bench/qpack.ts
 *
 * @module
 */

import { QpackDecoder, QpackEncoder } from "../server/http3/qpack/mod.ts";
import { Nghttp3Decoder, Nghttp3Encoder, requests } from "../server/http3/qpack/_test_nghttp3.ts";

const COUNT = 300;
const fields = requests(COUNT);

// nghttp3's encoder output, recorded once with our decoder acknowledging as it goes.
const recorded: { section: Uint8Array; encoder: Uint8Array }[] = [];
{
  const encoder = new Nghttp3Encoder(4096, 16);
  const decoder = new QpackDecoder({
    maxTableCapacity: 4096,
    maxBlockedStreams: 16,
    maxFieldSectionSize: 65536,
  });
  for (let i = 0; i < COUNT; i++) {
    const r = encoder.encode(BigInt(4 * i), fields[i]);
    recorded.push(r);
    decoder.receiveEncoderStream(r.encoder);
    await decoder.decode(BigInt(4 * i), r.section);
    encoder.readDecoder(decoder.takeDecoderStreamBytes());
  }
  encoder.close();
}
const ours = new QpackEncoder();
const staticSections = fields.map((f) => ours.encode(f));

function oursDynamic(): void {
  const decoder = new QpackDecoder({
    maxTableCapacity: 4096,
    maxBlockedStreams: 16,
    maxFieldSectionSize: 65536,
  });
  for (let i = 0; i < COUNT; i++) {
    decoder.receiveEncoderStream(recorded[i].encoder);
    decoder.decode(BigInt(4 * i), recorded[i].section);
    decoder.takeDecoderStreamBytes();
  }
}

function nghttp3Dynamic(): void {
  const decoder = new Nghttp3Decoder(4096, 16);
  for (let i = 0; i < COUNT; i++) {
    decoder.readEncoder(recorded[i].encoder);
    decoder.decode(BigInt(4 * i), recorded[i].section);
    decoder.takeDecoderStreamBytes();
  }
  decoder.close();
}

function oursStatic(): void {
  const decoder = new QpackDecoder({
    maxTableCapacity: 0,
    maxBlockedStreams: 0,
    maxFieldSectionSize: 65536,
  });
  for (let i = 0; i < COUNT; i++) decoder.decode(BigInt(4 * i), staticSections[i]);
}

function nghttp3Static(): void {
  const decoder = new Nghttp3Decoder(0, 0);
  for (let i = 0; i < COUNT; i++) decoder.decode(BigInt(4 * i), staticSections[i]);
  decoder.close();
}

function oursEncode(): void {
  for (let i = 0; i < COUNT; i++) ours.encode(fields[i]);
}

const nghttp3Encoder = new Nghttp3Encoder(0, 0);
function nghttp3Encode(): void {
  for (let i = 0; i < COUNT; i++) nghttp3Encoder.encode(BigInt(4 * i), fields[i]);
}

/** µs per request of `run` (which handles COUNT requests), over ~150 ms. */
function measure(run: () => void): number {
  run(); // warm
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < 150) {
    run();
    n++;
    now = performance.now();
  }
  return ((now - start) * 1000) / (n * COUNT);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const rows: [string, () => void, () => void][] = [
  ["decode, dynamic table (nghttp3's encoder)", oursDynamic, nghttp3Dynamic],
  ["decode, static table and literals (our encoder)", oursStatic, nghttp3Static],
  ["encode (ours: static only; nghttp3: static only)", oursEncode, nghttp3Encode],
];

const wire = (xs: Uint8Array[]): number => xs.reduce((n, x) => n + x.length, 0) / COUNT;
const raw = fields.reduce((n, f) => n + f.reduce((m, [k, v]) => m + k.length + v.length, 0), 0) /
  COUNT;
console.log(
  `QPACK, ${COUNT} requests of 11 fields (${raw.toFixed(0)} B of names and values each; ` +
    `${wire(recorded.map((r) => r.section)).toFixed(0)} B per section + ` +
    `${wire(recorded.map((r) => r.encoder)).toFixed(0)} B encoder stream with nghttp3's dynamic ` +
    `table, ${wire(staticSections).toFixed(0)} B static only), 5 alternating rounds, medians\n`,
);
console.log("| operation | ours µs/req | nghttp3 via FFI µs/req | nghttp3 via FFI / ours |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, a, b] of rows) {
  const xa: number[] = [];
  const xb: number[] = [];
  for (let round = 0; round < 5; round++) {
    xa.push(measure(a));
    xb.push(measure(b));
  }
  const ma = median(xa);
  const mb = median(xb);
  console.log(`| ${name} | ${ma.toFixed(2)} | ${mb.toFixed(2)} | ${(mb / ma).toFixed(2)}x |`);
}
nghttp3Encoder.close();
