// Content coding on the client side: what to advertise in Accept-Encoding, which codings the
// runtime's fetch already decoded, and streaming decoders (@avila/compress) for the ones it did
// not. The codecs are loaded on first use, by a dynamic import: a program that imports the client
// pays for them only once a client with compression sends a request or meets a coded body.

import type { Algorithm, CompressError } from "@avila/compress";

/** The `@avila/compress` module, once loaded. */
type Codecs = typeof import("@avila/compress");

let loading: Promise<Codecs> | undefined;
let loaded: Codecs | undefined;

/** Loads the codecs (once; a failed load is tried again on the next call). */
export function loadCodecs(): Promise<Codecs> {
  loading ??= import("@avila/compress").then(
    (m) => loaded = m,
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** Whether `error` is a codec's error: only a loaded codec can have thrown one. */
export function isCodecError(error: unknown): error is CompressError {
  return loaded !== undefined && error instanceof loaded.CompressError;
}

/** Codings fetch decodes itself (Fetch standard "handle content codings"; Deno, browsers, workerd). */
const RUNTIME_DECODED = new Set(["gzip", "x-gzip", "br", "deflate"]);

/** Codings fetch passes through undecoded and our compress/ library decodes. */
const OURS: Readonly<Record<string, Algorithm>> = {
  zstd: "zstd",
  lz4: "lz4",
  "x-snappy-framed": "snappy",
};

const PREFERENCE: ReadonlyArray<[string, Algorithm]> = [
  ["zstd", "zstd"],
  ["br", "br"],
  ["gzip", "gzip"],
  ["lz4", "lz4"],
  ["x-snappy-framed", "snappy"],
];

let accept: string | undefined;

/**
 * `zstd, br, gzip, lz4, x-snappy-framed`, limited to what this runtime can decode. A client that
 * advertises codings must be able to decode them, so this loads the codecs (first call only).
 */
export async function acceptEncodingValue(): Promise<string> {
  if (accept === undefined) {
    const have = new Set((await loadCodecs()).supportedAlgorithms());
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

/**
 * `source` decoded, bounded by `maxBytes` of output. Pulled: the codecs load and the decoder
 * opens on the first read, so a body that is never read costs nothing.
 */
export function decodeStream(
  source: ReadableStream<Uint8Array>,
  algorithm: Algorithm,
  maxBytes: number,
): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (reader === undefined) {
        const { Compressor } = await loadCodecs();
        const decoder = Compressor.new(algorithm).maxOutputSize(maxBytes).build();
        reader = source.pipeThrough(decoder.decompressTransform()).getReader();
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader === undefined ? source.cancel(reason) : reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
