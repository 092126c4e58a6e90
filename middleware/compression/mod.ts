/**
 * HTTP content coding with zstd, br, gzip, deflate, lz4 and x-snappy-framed, for responses and
 * request bodies, on avx-http's own compression library.
 *
 * Responses: `Accept-Encoding` is negotiated (RFC 9110 §12.5.3); bodies under the threshold,
 * already-encoded bodies, 204/206/304, HEAD, `Cache-Control: no-transform` and incompressible
 * types pass untouched. Bodies built with `c.json`/`c.text`/`c.body`/`c.html` are compressed in
 * one shot with an exact `Content-Length`; streams are compressed as they flow, flushed when the
 * source pauses (and after every event for SSE) so nothing stalls.
 *
 * Requests: `Content-Encoding` is decoded before the handler reads the body, with a decoded-size
 * limit (413) and a ratio limit against decompression bombs; unknown codings get 415 with an
 * `Accept-Encoding` header listing what the server decodes (RFC 9110 §15.5.16).
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import {
  Algorithm,
  Compressor,
  compressSync,
  type StreamEncoder,
  supportedAlgorithms,
} from "../../compress/mod.ts";
import { HttpProblem, problemResponse } from "../../server/problem.ts";
import { negotiateEncoding } from "./negotiate.ts";

export { type AcceptedCoding, negotiateEncoding, parseAcceptEncoding } from "./negotiate.ts";

/** A content coding this middleware speaks. */
export type ContentCoding = "zstd" | "br" | "gzip" | "deflate" | "lz4" | "x-snappy-framed";

/** The algorithm behind each HTTP content coding (`deflate` is the zlib format, RFC 9110 §8.4.1.2). */
export const CODING_ALGORITHM: Readonly<Record<ContentCoding, Algorithm>> = {
  zstd: Algorithm.Zstd,
  br: Algorithm.Brotli,
  gzip: Algorithm.Gzip,
  deflate: Algorithm.Deflate,
  lz4: Algorithm.Lz4,
  "x-snappy-framed": Algorithm.Snappy,
};

/** Options; every field has a default. */
export interface CompressionOptions {
  /**
   * Codings offered, in the server's order of preference; limited at start-up to what the
   * runtime can encode. Default `["zstd", "br", "gzip", "deflate", "lz4", "x-snappy-framed"]`.
   */
  encodings?: readonly ContentCoding[];
  /** Codings used only when the client names them (not through `*`); default lz4, x-snappy-framed. */
  optIn?: readonly ContentCoding[];
  /** Smallest body compressed, in bytes; default 1024. */
  threshold?: number;
  /**
   * Level per coding (the codec's native scale). Defaults favour dynamic responses: zstd 1, br 4,
   * gzip 6, deflate 6, lz4 1 (zstd 1 is both faster than and, on JSON API rows, smaller than 3).
   */
  levels?: Partial<Record<ContentCoding, number>>;
  /** Bodies at least this large use `largeBodyLevels`; default 4 MiB. */
  largeBodyBytes?: number;
  /** Faster levels for large bodies. Defaults: zstd 1, br 1, gzip 1, deflate 1, lz4 -1. */
  largeBodyLevels?: Partial<Record<ContentCoding, number>>;
  /** Whether a media type is worth compressing; default: text, JSON, XML, JS, CSV, NDJSON, wasm, Arrow without IPC compression. */
  compressible?: (contentType: string) => boolean;
  /** A stream that pauses this long (ms) has its encoder flushed; default 10. */
  flushDelayMs?: number;
  /** Decode request bodies (`Content-Encoding`); default true. */
  decodeRequests?: boolean;
  /** Largest decoded request body in bytes (413 past it); default 10 MiB. */
  maxDecodedBytes?: number;
  /** Largest decoded/encoded ratio once past 1 MiB decoded (413 past it); default 100. */
  maxRatio?: number;
}

const DEFAULT_ORDER: readonly ContentCoding[] = [
  "zstd",
  "br",
  "gzip",
  "deflate",
  "lz4",
  "x-snappy-framed",
];
const DEFAULT_LEVELS: Record<ContentCoding, number> = {
  zstd: 1,
  br: 4,
  gzip: 6,
  deflate: 6,
  lz4: 1,
  "x-snappy-framed": 0,
};
const LARGE_LEVELS: Record<ContentCoding, number> = {
  zstd: 1,
  br: 1,
  gzip: 1,
  deflate: 1,
  lz4: -1,
  "x-snappy-framed": 0,
};
const NO_BODY_STATUS = new Set([101, 204, 205, 206, 304]);

const COMPRESSIBLE =
  /^(text\/(?!event-stream)|application\/(json|[a-z0-9.+-]*\+json|javascript|ecmascript|xml|[a-z0-9.+-]*\+xml|x-ndjson|ndjson|csv|wasm|graphql|x-www-form-urlencoded|vnd\.apache\.arrow\.(stream|file)|problem\+json)|image\/svg\+xml|font\/(ttf|otf))/i;

/**
 * The default compressibility test. Arrow IPC that already carries body compression
 * (`codecs=` parameter) is not compressed again.
 *
 * @example
 * ```ts
 * import { isCompressible } from "@avila/avx-http/middleware";
 * console.log(isCompressible("application/json"), isCompressible("image/png")); // true false
 * ```
 */
export function isCompressible(contentType: string): boolean {
  if (/^application\/vnd\.apache\.arrow\./i.test(contentType) && /codecs\s*=/i.test(contentType)) {
    return false;
  }
  return COMPRESSIBLE.test(contentType);
}

const encoder = new TextEncoder();

function utf8Length(s: string): number {
  // Exact UTF-8 length without encoding (surrogate pairs count 4, lone surrogates 3 like U+FFFD).
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
        continue;
      }
      n += 2;
    } else n += 2;
  }
  return n;
}

function weakenEtag(h: Headers): void {
  const etag = h.get("etag");
  if (etag && !etag.startsWith("W/")) h.set("etag", `W/${etag}`);
}

function appendVary(h: Headers): void {
  const vary = h.get("vary");
  if (!vary) h.set("vary", "Accept-Encoding");
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) {
    h.set("vary", `${vary}, Accept-Encoding`);
  }
}

/** Replaces `c.res` without Hono copying the old headers back over the new ones. */
function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}

/** A TransformStream around a streaming encoder that flushes when the source pauses. */
function compressingStream(
  enc: StreamEncoder,
  flushEachChunk: boolean,
  delayMs: number,
  onBytes: (n: number) => void,
): TransformStream<Uint8Array, Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctl: TransformStreamDefaultController<Uint8Array> | undefined;
  let done = false;
  let first = true;
  const emit = (chunks: Uint8Array[]) => {
    for (const c of chunks) {
      if (c.byteLength > 0) {
        onBytes(c.byteLength);
        ctl!.enqueue(c);
      }
    }
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      ctl = controller;
    },
    transform(chunk) {
      clearTimeout(timer);
      emit(enc.write(chunk));
      // The first chunk is flushed at once so the client's time to first byte stays that of an
      // uncompressed stream; afterwards the encoder fills its blocks, flushed on pauses.
      if (flushEachChunk || first) {
        first = false;
        emit(enc.flush());
      } else {
        timer = setTimeout(() => {
          if (!done) {
            try {
              emit(enc.flush());
            } catch (e) {
              ctl!.error(e);
            }
          }
        }, delayMs);
      }
    },
    flush() {
      done = true;
      clearTimeout(timer);
      emit(enc.end());
    },
    cancel() {
      done = true;
      clearTimeout(timer);
      (enc as { close?: () => void }).close?.();
    },
  });
}

/**
 * The content-coding middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { compression } from "@avila/avx-http/middleware";
 * const app = new Hono();
 * app.use(compression({ threshold: 512, levels: { zstd: 5 } }));
 * app.get("/rows", (c) => c.json(Array.from({ length: 500 }, (_, i) => ({ i }))));
 * const res = await app.request("/rows", { headers: { "accept-encoding": "zstd, gzip" } });
 * console.log(res.headers.get("content-encoding")); // "zstd"
 * ```
 */
export function compression(options: CompressionOptions = {}): MiddlewareHandler {
  const runtime = new Set<string>(supportedAlgorithms());
  const offered = (options.encodings ?? DEFAULT_ORDER).filter((e) =>
    runtime.has(CODING_ALGORITHM[e])
  );
  const decodable = DEFAULT_ORDER.filter((e) => runtime.has(CODING_ALGORITHM[e]));
  const optIn = options.optIn ?? ["lz4", "x-snappy-framed"];
  const threshold = options.threshold ?? 1024;
  const levels = { ...DEFAULT_LEVELS, ...options.levels };
  const largeLevels = { ...LARGE_LEVELS, ...options.largeBodyLevels };
  const largeBytes = options.largeBodyBytes ?? 4 * 1024 * 1024;
  const compressible = options.compressible ?? isCompressible;
  const flushDelay = options.flushDelayMs ?? 10;
  const decodeRequests = options.decodeRequests ?? true;
  const maxDecoded = options.maxDecodedBytes ?? 10 * 1024 * 1024;
  const maxRatio = options.maxRatio ?? 100;
  const acceptHeader = decodable.join(", ");
  // Media types repeat: remember the compressibility verdicts (bounded).
  const typeVerdicts = new Map<string, boolean>();
  const isCompressibleCached = (type: string | null): boolean => {
    if (type === null) return false;
    let v = typeVerdicts.get(type);
    if (v === undefined) {
      v = compressible(type);
      if (typeVerdicts.size >= 256) typeVerdicts.clear();
      typeVerdicts.set(type, v);
    }
    return v;
  };
  // Clients send a handful of distinct Accept-Encoding values: remember the answers (bounded).
  const negotiated = new Map<string, string | null>();
  const negotiate = (header: string | undefined): string | null => {
    if (header === undefined) return "identity";
    let v = negotiated.get(header);
    if (v === undefined && !negotiated.has(header)) {
      v = negotiateEncoding(header, offered, optIn);
      if (negotiated.size >= 256) negotiated.clear();
      negotiated.set(header, v);
    }
    return v ?? null;
  };

  function decodeRequest(c: Context): Response | undefined {
    const header = c.req.header("content-encoding");
    if (!header) return;
    const codings = header.split(",").map((s) => s.trim().toLowerCase()).filter((s) =>
      s && s !== "identity"
    );
    if (codings.length === 0) return;
    for (const coding of codings) {
      if (!(decodable as readonly string[]).includes(coding)) {
        return problemResponse(415, {
          detail:
            `request Content-Encoding "${coding}" is not supported; use one of: ${acceptHeader}`,
        }, { "accept-encoding": acceptHeader });
      }
    }
    const raw = c.req.raw;
    if (raw.body === null) return;
    let encodedBytes = 0;
    let body: ReadableStream<Uint8Array> = raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          encodedBytes += chunk.byteLength;
          ctl.enqueue(chunk);
        },
      }),
    );
    // Codings are listed in the order they were applied (RFC 9110 §8.4): undo the last first.
    for (let i = codings.length - 1; i >= 0; i--) {
      const coder = Compressor.new(CODING_ALGORITHM[codings[i] as ContentCoding]).maxOutputSize(
        maxDecoded,
      ).build();
      body = body.pipeThrough(coder.decompressTransform());
    }
    let decodedBytes = 0;
    body = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          decodedBytes += chunk.byteLength;
          if (decodedBytes > 1024 * 1024 && decodedBytes > encodedBytes * maxRatio) {
            ctl.error(
              new HttpProblem(413, {
                detail: `request body expands more than ${maxRatio}x when decoded`,
              }),
            );
            return;
          }
          ctl.enqueue(chunk);
        },
      }),
    );
    const headers = new Headers(raw.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    c.req.raw = new Request(raw.url, {
      method: raw.method,
      headers,
      body,
      duplex: "half",
      signal: raw.signal,
    } as RequestInit);
  }

  return async function compression(c, next) {
    // GET and HEAD carry no body: skip the header read (on Deno it materialises the header list).
    const method = c.req.method;
    if (decodeRequests && method !== "GET" && method !== "HEAD") {
      const refused = decodeRequest(c);
      if (refused) return refused;
    }

    // Capture the payload of c.json/c.text/c.body so small bodies never need a stream read.
    let captured: string | Uint8Array | undefined;
    let capturedRes: Response | undefined;
    // deno-lint-ignore no-explicit-any
    type Fn = (...a: any[]) => Response | Promise<Response>;
    // deno-lint-ignore no-explicit-any
    const cc = c as any;
    const body: Fn = cc.body;
    const text: Fn = cc.text;
    cc.json = (object: unknown, arg?: unknown, headers?: unknown) => {
      // Stringify once, as Hono's c.json does, and keep the string.
      const json = JSON.stringify(object);
      const res = body(json, arg, headers) as Response;
      if (!res.headers.has("content-type")) res.headers.set("content-type", "application/json");
      captured = json;
      capturedRes = res;
      return res;
    };
    cc.text = (t: unknown, arg?: unknown, headers?: unknown) => {
      const res = text(t, arg, headers) as Response;
      if (typeof t === "string") {
        captured = t;
        capturedRes = res;
      }
      return res;
    };
    cc.body = (d: unknown, arg?: unknown, headers?: unknown) => {
      const res = body(d, arg, headers);
      if ((typeof d === "string" || d instanceof Uint8Array) && res instanceof Response) {
        captured = d;
        capturedRes = res;
      }
      return res;
    };

    await next();

    const res = c.res;
    // Note: reading res.body turns Deno's fast string body into a stream; only the stream paths do.
    if (c.req.method === "HEAD" || NO_BODY_STATUS.has(res.status)) return;
    // Tiny bodies built with c.json/c.text/c.body leave untouched, before any header is read:
    // on Deno every header access of a Response costs on the serving path.
    if (capturedRes === res && captured !== undefined) {
      const small = typeof captured === "string"
        ? captured.length < threshold && utf8Length(captured) < threshold
        : captured.byteLength < threshold;
      if (small) return;
    }
    // Reading a request header materialises Deno's header list: only now that it matters.
    const coding = negotiate(c.req.header("accept-encoding")) as ContentCoding | "identity" | null;
    // An identity response is valid for every client, so it needs no Vary.
    if (coding === "identity") return;
    const h = res.headers;
    const type = h.get("content-type") ?? "";
    const sseStream = type.startsWith("text/event-stream");
    if (!sseStream && !isCompressibleCached(type)) return;
    if (h.has("content-encoding")) return;
    const cacheControl = h.get("cache-control");
    if (cacheControl !== null && /(^|,)\s*no-transform\s*(,|$)/i.test(cacheControl)) return;
    appendVary(h);
    if (coding === null) {
      replaceResponse(
        c,
        problemResponse(406, {
          detail: `no acceptable content coding; this server sends: ${
            offered.join(", ")
          }, identity`,
        }, { vary: "Accept-Encoding" }),
      );
      return;
    }
    const algorithm = CODING_ALGORITHM[coding];

    // One shot when the whole payload is at hand: exact Content-Length, no stream machinery.
    let payload: Uint8Array | undefined;
    if (capturedRes === res && captured !== undefined) {
      payload = typeof captured === "string" ? encoder.encode(captured) : captured;
    } else {
      const declared = h.get("content-length");
      if (declared !== null && Number(declared) < threshold) return;
    }

    const headers = new Headers(h);
    headers.set("content-encoding", coding);
    weakenEtag(headers);

    if (payload === undefined && res.body === null) return;
    if (payload === undefined && !type.startsWith("text/event-stream")) {
      // Unknown payload: read until the threshold; if the body then ends at once, go one-shot.
      const reader = res.body!.getReader();
      const head: Uint8Array[] = [];
      let size = 0;
      let ended = false;
      while (size < threshold) {
        const r = await reader.read();
        if (r.done) {
          ended = true;
          break;
        }
        head.push(r.value);
        size += r.value.byteLength;
      }
      let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
      if (!ended) {
        pending = reader.read();
        const tick = new Promise<"later">((r) => setTimeout(() => r("later"), 0));
        const first = await Promise.race([pending, tick]);
        if (first !== "later" && first.done) ended = true;
        else if (first !== "later") {
          head.push(first.value);
          size += first.value.byteLength;
          pending = undefined;
        }
      }
      const joined = () => {
        const all = new Uint8Array(size);
        let o = 0;
        for (const part of head) (all.set(part, o), (o += part.byteLength));
        return all;
      };
      if (ended) {
        reader.releaseLock();
        const all = joined();
        if (size < threshold) {
          const plain = new Headers(h);
          plain.set("content-length", String(size));
          replaceResponse(
            c,
            new Response(all as Uint8Array<ArrayBuffer>, {
              status: res.status,
              statusText: res.statusText,
              headers: plain,
            }),
          );
          return;
        }
        payload = all;
      } else {
        // A real stream: replay what was read, then the rest, through the encoder.
        const rest = new ReadableStream<Uint8Array>({
          start(ctl) {
            for (const part of head) ctl.enqueue(part);
          },
          async pull(ctl) {
            const r = await (pending ?? reader.read());
            pending = undefined;
            if (r.done) ctl.close();
            else ctl.enqueue(r.value);
          },
          cancel(reason) {
            return reader.cancel(reason);
          },
        });
        const level = levels[coding];
        const enc = Compressor.new(algorithm).level(level).build().encoder();
        headers.delete("content-length");
        replaceResponse(
          c,
          new Response(rest.pipeThrough(compressingStream(enc, false, flushDelay, () => {})), {
            status: res.status,
            statusText: res.statusText,
            headers,
          }),
        );
        return;
      }
    }

    if (payload !== undefined) {
      const level = payload.byteLength >= largeBytes ? largeLevels[coding] : levels[coding];
      const out = compressSync(payload, algorithm, { level });
      if (out.byteLength >= payload.byteLength) {
        // Incompressible after all: send it as it is, still with an exact length.
        const plain = new Headers(h);
        plain.set("content-length", String(payload.byteLength));
        replaceResponse(
          c,
          new Response(payload as Uint8Array<ArrayBuffer>, {
            status: res.status,
            statusText: res.statusText,
            headers: plain,
          }),
        );
        return;
      }
      headers.set("content-length", String(out.byteLength));
      replaceResponse(
        c,
        new Response(out as Uint8Array<ArrayBuffer>, {
          status: res.status,
          statusText: res.statusText,
          headers,
        }),
      );
      return;
    }

    // Server-sent events: compressed, flushed after every event so none is held back.
    const enc = Compressor.new(algorithm).level(levels[coding]).build().encoder();
    headers.delete("content-length");
    replaceResponse(
      c,
      new Response(res.body!.pipeThrough(compressingStream(enc, true, flushDelay, () => {})), {
        status: res.status,
        statusText: res.statusText,
        headers,
      }),
    );
  };
}
