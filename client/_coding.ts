// Content coding on the client side: what to advertise in Accept-Encoding, which codings the
// runtime's fetch already decoded, and streaming decoders (compress/) for the ones it did not.

import { Algorithm, Compressor, supportedAlgorithms } from "@avila/compress";

/** Codings fetch decodes itself (Fetch standard "handle content codings"; Deno, browsers, workerd). */
const RUNTIME_DECODED = new Set(["gzip", "x-gzip", "br", "deflate"]);

/** Codings fetch passes through undecoded and our compress/ library decodes. */
const OURS: Readonly<Record<string, Algorithm>> = {
  zstd: Algorithm.Zstd,
  lz4: Algorithm.Lz4,
  "x-snappy-framed": Algorithm.Snappy,
};

const PREFERENCE: ReadonlyArray<[string, Algorithm]> = [
  ["zstd", Algorithm.Zstd],
  ["br", Algorithm.Brotli],
  ["gzip", Algorithm.Gzip],
  ["lz4", Algorithm.Lz4],
  ["x-snappy-framed", Algorithm.Snappy],
];

let accept: string | undefined;

/** `zstd, br, gzip, lz4, x-snappy-framed`, limited to what this runtime can decode. */
export function acceptEncodingValue(): string {
  if (accept === undefined) {
    const have = new Set(supportedAlgorithms());
    accept = PREFERENCE.filter(([name, alg]) => RUNTIME_DECODED.has(name) || have.has(alg)).map((
      [name],
    ) => name).join(", ");
  }
  return accept;
}

/** How a response body arrives. */
export type BodyCoding =
  | { kind: "identity" }
  | { kind: "runtime"; coding: string }
  | { kind: "ours"; coding: string; algorithm: Algorithm }
  | { kind: "unsupported"; coding: string };

/** Classifies a response's `Content-Encoding`. */
export function classifyCoding(contentEncoding: string | null): BodyCoding {
  if (contentEncoding === null) return { kind: "identity" };
  const codings = contentEncoding.split(",").map((c) => c.trim().toLowerCase()).filter((c) =>
    c !== "" && c !== "identity"
  );
  if (codings.length === 0) return { kind: "identity" };
  if (codings.length > 1) return { kind: "unsupported", coding: codings.join(", ") };
  const c = codings[0];
  if (RUNTIME_DECODED.has(c)) return { kind: "runtime", coding: c };
  const alg = OURS[c];
  return alg ? { kind: "ours", coding: c, algorithm: alg } : { kind: "unsupported", coding: c };
}

/** A decompressing transform bounded by `maxBytes` of output. */
export function decoderFor(
  algorithm: Algorithm,
  maxBytes: number,
): TransformStream<Uint8Array, Uint8Array> {
  return Compressor.new(algorithm).maxOutputSize(maxBytes).build().decompressTransform();
}
