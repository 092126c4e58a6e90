// The content-coding engine behind `compression()` and `routeCompression()`: negotiation,
// request decoding and response encoding on plain Request/Response values, so it runs inside a
// Hono middleware, around a single route handler, or around a whole fetch handler alike.

import {
  CompressError,
  Compressor,
  compressSync,
  concatChunks,
  type StreamEncoder,
  supportedAlgorithms,
} from "@avila/compress";
import { HttpProblem, problemResponse } from "../../http/problem.ts";
import {
  bodyProblem,
  bodyState,
  bodyTooLarge,
  carryBody,
  payloadLength,
  trackBody,
  withBody,
  writableResponse,
} from "../../http/mod.ts";
import { negotiateEncoding } from "./negotiate.ts";
import {
  CODING_ALGORITHM,
  type CompressionOptions,
  type ContentCoding,
  DEFAULT_LEVELS,
  DEFAULT_ORDER,
  isCompressible,
  LARGE_LEVELS,
  NO_BODY_STATUS,
} from "./options.ts";

const encoder = new TextEncoder();

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

// How long the encoder may run on a fast source before it hands the event loop back. A source
// that always has the next chunk ready (a generated body, a file read ahead) resolves each read in
// a microtask, so without a yield the whole body would be compressed before the first flushed
// bytes reach the socket, and every other request on this isolate would wait meanwhile. A yield
// is a macrotask (setTimeout 0: the runtime polls its I/O first; setImmediate does not let Deno
// write the socket) and costs ~1-2 ms of clamping, so it comes once after the first flush and then
// after every 20 ms of work: large streams lose at most ~10% throughput for bounded latency.
const YIELD_AFTER_MS = 20;

/** "later" on the next macrotask: a read that has not resolved by then waits on its source. */
function nextTick(): Promise<"later"> {
  return new Promise((resolve) => setTimeout(resolve, 0, "later"));
}

/** Resolves on a later macrotask: lets the runtime write what was enqueued and serve others. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * `decoded`, the server's own answer being decoded for a client that cannot read its `coding`,
 * with its failures as plain errors: a `CompressError` reads as a broken *request* body (the
 * error handler's 400/413/415), while here the answer is what broke, a server fault (500, logged).
 */
function answerDecoding(
  decoded: ReadableStream<Uint8Array>,
  coding: string,
): ReadableStream<Uint8Array> {
  const reader = decoded.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new Error(`the answer's ${coding} body could not be decoded for this client`, {
          cause: e,
        });
      }
      if (r.done) ctl.close();
      else ctl.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
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
  let busySince = 0;
  // Yields, then starts the next stretch of work.
  const pause = () =>
    yieldToEventLoop().then(() => {
      busySince = performance.now();
    });
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
    transform(chunk): Promise<void> | void {
      clearTimeout(timer);
      emit(enc.write(chunk));
      // The first chunk is flushed at once and the event loop gets a turn to send it, so the
      // client's time to first byte stays that of an uncompressed stream; afterwards the encoder
      // fills its blocks, flushed on pauses, and yields after every few ms of work.
      if (flushEachChunk || first) {
        emit(enc.flush());
        if (first) {
          first = false;
          return pause();
        }
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
      if (performance.now() - busySince >= YIELD_AFTER_MS) return pause();
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
 * The init of a coded response. `encodeBody: "manual"` tells the Workers runtime the body is
 * already encoded as `Content-Encoding` says (without it, workerd compresses a gzip or br body
 * again); other runtimes ignore the member.
 */
function codedInit(res: Response, headers: Headers): ResponseInit {
  return {
    status: res.status,
    statusText: res.statusText,
    headers,
    encodeBody: "manual",
  } as ResponseInit;
}

/** The typed problem for a failure while decoding a request body. */
function decodeProblem(e: unknown, maxDecoded: number): HttpProblem {
  if (e instanceof HttpProblem) return e; // the wire body's own (limit, timeout, cut short)
  if (e instanceof CompressError) {
    if (e.code === "limit") return bodyTooLarge(maxDecoded, "decoded request body");
    if (e.code === "unsupported") {
      return bodyProblem(415, "body_coding_unsupported", `request body coding: ${e.message}`);
    }
  }
  // Corrupt, truncated or failing its checksum (CompressError), or refused by a platform
  // decoder (a TypeError from DecompressionStream): the client sent a broken coding.
  return bodyProblem(
    400,
    "body_coding_invalid",
    "request body could not be decoded: " +
      (e instanceof CompressError ? e.message : "corrupt or truncated content coding"),
  );
}

/** What the middleware forms share. */
export interface Engine {
  /** Decodes a request's `Content-Encoding`: a new request, a 415 problem, or undefined (as is). */
  decodeRequest(req: Request): Request | Response | undefined;
  /** Whether request decoding is on. */
  readonly decodesRequests: boolean;
  /** Whether a captured payload is under the threshold (never compressed). */
  isSmall(payload: string | Uint8Array): boolean;
  /**
   * The response as it goes on the wire for this request: `res` itself when nothing applies.
   * `captured` is the payload `res` was built from, when known.
   */
  encode(
    req: Request,
    res: Response,
    captured: string | Uint8Array | undefined,
  ): Response | Promise<Response>;
}

/** Builds the engine for one set of options. */
export function createEngine(options: CompressionOptions = {}): Engine {
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
  // The deprecated name is honoured for one release.
  const maxDecoded = options.maxOutputSize ?? options.maxDecodedBytes ?? 10 * 1024 * 1024;
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

  const isSmall = (captured: string | Uint8Array): boolean =>
    typeof captured === "string"
      ? captured.length < threshold && payloadLength(captured) < threshold
      : captured.byteLength < threshold;

  function decodeRequest(raw: Request): Request | Response | undefined {
    const header = raw.headers.get("content-encoding");
    if (!header) return;
    const codings = header.split(",").map((s) => s.trim().toLowerCase()).filter((s) =>
      s && s !== "identity"
    );
    if (codings.length === 0) return;
    for (const coding of codings) {
      if (!(decodable as readonly string[]).includes(coding)) {
        return bodyProblem(
          415,
          "body_coding_unsupported",
          `request Content-Encoding "${coding}" is not supported; use one of: ${acceptHeader}`,
          {},
          { "accept-encoding": acceptHeader },
        ).toResponse();
      }
    }
    if (raw.body === null) return;
    // The wire body, counted and shared with the layers around (a no-op when the server core
    // tracks it already): its failures and byte count stay visible after decoding.
    const wire = trackBody(raw);
    const state = bodyState(wire)!;
    let body: ReadableStream<Uint8Array> = wire.body!;
    // Codings are listed in the order they were applied (RFC 9110 §8.4): undo the last first.
    for (let i = codings.length - 1; i >= 0; i--) {
      const coder = Compressor.new(CODING_ALGORITHM[codings[i] as ContentCoding]).maxOutputSize(
        maxDecoded,
      ).build();
      body = body.pipeThrough(coder.decompressTransform());
    }
    // Every failure of the decoded body becomes a typed problem recorded on the body, so code
    // that swallows the read error (a validator's "Malformed JSON") cannot hide it.
    const decoded = body.getReader();
    let decodedBytes = 0;
    const fail = (ctl: ReadableStreamDefaultController<Uint8Array>, p: HttpProblem): void => {
      state.failure ??= p;
      ctl.error(state.failure);
      decoded.cancel(p).catch(() => {});
    };
    body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await decoded.read();
        } catch (e) {
          return fail(ctl, decodeProblem(e, maxDecoded));
        }
        if (r.done) return ctl.close();
        decodedBytes += r.value.byteLength;
        if (decodedBytes > maxDecoded) {
          return fail(ctl, bodyTooLarge(maxDecoded, "decoded request body"));
        }
        if (decodedBytes > 1024 * 1024 && decodedBytes > state.wireBytes * maxRatio) {
          return fail(
            ctl,
            bodyProblem(413, "body_too_large", `request body expands more than ${maxRatio}x`, {
              maxRatio,
            }),
          );
        }
        ctl.enqueue(r.value);
      },
      cancel(reason) {
        return decoded.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(raw.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    // The copy keeps the client's signal without reading it (see withBody).
    return carryBody(wire, withBody(raw, body, headers));
  }

  /**
   * `res` with its body decoded when its `Content-Encoding` is one this client does not accept
   * (RFC 9110 §12.5.3) and one we decode; `res` as it is when the client accepts it; undefined
   * when it cannot be helped (several or unknown codings). Either answer depends on
   * Accept-Encoding, so both carry `Vary` (§12.5.5); the decoded one is another
   * representation, so its ETag is weak (§8.8.1).
   */
  function decodeForClient(
    res: Response,
    contentEncoding: string,
    accepted: string | undefined,
  ): Response | undefined {
    const name = decodableCoding(contentEncoding);
    if (name === undefined || res.body === null) return undefined;
    if (negotiateEncoding(accepted, [name], optIn) === name) {
      res = writableResponse(res);
      appendVary(res.headers);
      return res;
    }
    const headers = new Headers(res.headers);
    appendVary(headers);
    asDecoded(headers);
    const coder = Compressor.new(CODING_ALGORITHM[name as ContentCoding]).build();
    return new Response(answerDecoding(res.body.pipeThrough(coder.decompressTransform()), name), {
      status: res.status,
      statusText: res.statusText,
      headers,
    });
  }

  /**
   * `headers` of a coded answer made those of its decoded body, as GET sends it and HEAD names it:
   * no coding, no length (it may be coded anew), a weak ETag (another representation, §8.8.1).
   */
  function asDecoded(headers: Headers): void {
    headers.delete("content-encoding");
    headers.delete("content-length");
    weakenEtag(headers);
  }

  /** The one coding `contentEncoding` names when we can decode it, else undefined. */
  function decodableCoding(contentEncoding: string): string | undefined {
    let name = contentEncoding.trim().toLowerCase();
    if (name === "x-gzip") name = "gzip";
    return (decodable as readonly string[]).includes(name) ? name : undefined;
  }

  /**
   * HEAD's answer with the header fields a GET would get (RFC 9110 §9.3.2) when its body is
   * already coded: a client that does not accept the coding would get it decoded, so HEAD does
   * not name it, omits the length (GET may code it anew) and weakens the ETag; both vary.
   */
  function headForClient(req: Request, res: Response): Response {
    const already = res.headers.get("content-encoding");
    const name = already === null ? undefined : decodableCoding(already);
    if (name === undefined) return res;
    res = writableResponse(res);
    appendVary(res.headers);
    const accepted = req.headers.get("accept-encoding") ?? undefined;
    if (negotiateEncoding(accepted, [name], optIn) !== name) asDecoded(res.headers);
    return res;
  }

  async function encode(
    req: Request,
    res: Response,
    captured: string | Uint8Array | undefined,
  ): Promise<Response> {
    // Note: reading res.body turns Deno's fast string body into a stream; only the stream paths do.
    if (NO_BODY_STATUS.has(res.status)) return res;
    if (req.method === "HEAD") return headForClient(req, res);
    // Tiny bodies built with c.json/c.text/c.body leave untouched, before any header is read:
    // on Deno every header access of a Response costs on the serving path.
    if (captured !== undefined && isSmall(captured)) return res;
    // Reading a request header materialises Deno's header list: only now that it matters.
    const accepted = req.headers.get("accept-encoding") ?? undefined;
    // A body coded before it got here (a replayed or cached response, a pre-compressed file) is
    // sent only to a client that can read it; for any other it is decoded and coded anew below.
    const already = res.headers.get("content-encoding");
    if (already !== null) {
      const decoded = decodeForClient(res, already, accepted);
      if (decoded === undefined || decoded.headers.has("content-encoding")) return decoded ?? res;
      res = decoded;
      captured = undefined; // the coded bytes, not the body now
    }
    const coding = negotiate(accepted) as ContentCoding | "identity" | null;
    // An identity response is valid for every client, so it needs no Vary.
    if (coding === "identity") return res;
    let h = res.headers;
    const type = h.get("content-type") ?? "";
    const sseStream = type.startsWith("text/event-stream");
    if (!sseStream && !isCompressibleCached(type)) return res;
    const cacheControl = h.get("cache-control");
    if (cacheControl !== null && /(^|,)\s*no-transform\s*(,|$)/i.test(cacheControl)) return res;
    // Vary goes on whatever leaves: a proxied response (immutable headers) is copied once here.
    res = writableResponse(res);
    h = res.headers;
    appendVary(h);
    if (coding === null) {
      return (problemResponse(406, {
        detail: `no acceptable content coding; this server sends: ${offered.join(", ")}, identity`,
        code: "not_acceptable",
      }, { vary: "Accept-Encoding" }));
    }
    const algorithm = CODING_ALGORITHM[coding];

    // One shot when the whole payload is at hand: exact Content-Length, no stream machinery.
    let payload: Uint8Array | undefined;
    if (captured !== undefined) {
      payload = typeof captured === "string" ? encoder.encode(captured) : captured;
    } else {
      const declared = h.get("content-length");
      if (declared !== null && Number(declared) < threshold) return res;
    }

    const headers = new Headers(h);
    headers.set("content-encoding", coding);
    weakenEtag(headers);

    if (payload === undefined && res.body === null) return res;
    if (payload === undefined && !type.startsWith("text/event-stream")) {
      // Unknown payload: read what the body has ready, up to the threshold; if it then ends at
      // once, go one-shot. A body that pauses is a live stream (NDJSON lines, progress): the
      // headers and what it sent go out now, not when 1 KiB has gathered or the stream ended.
      const reader = res.body!.getReader();
      const head: Uint8Array[] = [];
      let size = 0;
      let ended = false;
      let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined = reader.read();
      // Each part is read only if it is ready at once (the headers wait for nothing more). Past
      // the threshold, one more read tells a body that ends there (one-shot) from one that goes
      // on (a stream).
      let r: ReadableStreamReadResult<Uint8Array> | "later" = await Promise.race([
        pending,
        nextTick(),
      ]);
      for (;;) {
        if (r === "later") break;
        pending = undefined;
        if (r.done) {
          ended = true;
          break;
        }
        const before = size;
        head.push(r.value);
        size += r.value.byteLength;
        if (before >= threshold) break;
        pending = reader.read();
        r = await Promise.race([pending, nextTick()]);
      }
      if (ended) {
        reader.releaseLock();
        const all = concatChunks(head);
        if (size < threshold) {
          const plain = new Headers(h);
          plain.set("content-length", String(size));
          return (new Response(all as Uint8Array<ArrayBuffer>, {
            status: res.status,
            statusText: res.statusText,
            headers: plain,
          }));
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
        return new Response(
          rest.pipeThrough(compressingStream(enc, false, flushDelay, () => {})),
          codedInit(res, headers),
        );
      }
    }

    if (payload !== undefined) {
      const level = payload.byteLength >= largeBytes ? largeLevels[coding] : levels[coding];
      const out = compressSync(payload, algorithm, { level });
      if (out.byteLength >= payload.byteLength) {
        // Incompressible after all: send it as it is, still with an exact length.
        const plain = new Headers(h);
        plain.set("content-length", String(payload.byteLength));
        return (new Response(payload as Uint8Array<ArrayBuffer>, {
          status: res.status,
          statusText: res.statusText,
          headers: plain,
        }));
      }
      headers.set("content-length", String(out.byteLength));
      return new Response(out as Uint8Array<ArrayBuffer>, codedInit(res, headers));
    }

    // Server-sent events: compressed, flushed after every event so none is held back.
    const enc = Compressor.new(algorithm).level(levels[coding]).build().encoder();
    headers.delete("content-length");
    return new Response(
      res.body!.pipeThrough(compressingStream(enc, true, flushDelay, () => {})),
      codedInit(res, headers),
    );
  }

  return {
    decodeRequest,
    decodesRequests: decodeRequests,
    isSmall,
    encode(req, res, captured) {
      // Tiny captured bodies return synchronously: no promise on the common small-response path.
      if (captured !== undefined && isSmall(captured)) return res;
      return encode(req, res, captured);
    },
  };
}
