// One HTTP/3 connection (RFC 9114 §6): our control stream with SETTINGS, the peer's control and
// QPACK streams, request streams handed to `serveRequest`, GOAWAY for a graceful end, and every
// connection error turned into CONNECTION_CLOSE with the RFC's code.

import { H3, Http3Error } from "./_errors.ts";
import {
  encodeGoaway,
  encodeSettings,
  FRAME,
  frameAllowed,
  parseSettings,
  parseSingleVarint,
  SETTING,
  STREAM,
  StreamReader,
} from "./_frames.ts";
import { encodeVarint } from "./_varint.ts";
import type { QuicConn, QuicReceiveStream } from "./_quic.ts";
import { type Http3Handler, type RequestLimits, serveRequest } from "./_request.ts";
import { QpackDecoder, QpackEncoder, QpackError } from "./qpack/mod.ts";

/** Settings and limits of every connection. */
export interface ConnectionOptions extends RequestLimits {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY we advertise. */
  qpackMaxTableCapacity: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS we advertise. */
  qpackBlockedStreams: number;
}

/** Largest control-stream frame we buffer (SETTINGS, GOAWAY, ...); past it H3_EXCESSIVE_LOAD. */
const MAX_CONTROL_FRAME = 16 * 1024;

/** Serves one QUIC connection until it closes. */
export class Http3Connection {
  readonly #conn: QuicConn;
  readonly #handler: Http3Handler;
  readonly #options: ConnectionOptions;
  readonly #decoder: QpackDecoder;
  readonly #encoder = new QpackEncoder();
  readonly #closed = new AbortController();
  readonly #requests = new Set<Promise<void>>();
  #control: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #decoderStream: Promise<WritableStreamDefaultWriter<Uint8Array>> | undefined;
  #decoderWriting = false;
  #peerStreams = new Set<number>();
  /** Next request stream id not yet seen (the GOAWAY id once draining). */
  #nextId = 0n;
  #goaway: bigint | undefined;
  /** The peer, as `Deno.serve` names a TCP one (Deno's QUIC address has no `transport`). */
  readonly #remoteAddr: Deno.NetAddr;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;

  constructor(conn: QuicConn, handler: Http3Handler, options: ConnectionOptions) {
    this.#conn = conn;
    this.#handler = handler;
    this.#options = options;
    const { hostname, port } = conn.remoteAddr;
    this.#remoteAddr = { transport: "udp", hostname, port };
    this.#decoder = new QpackDecoder({
      maxTableCapacity: options.qpackMaxTableCapacity,
      maxBlockedStreams: options.qpackBlockedStreams,
      maxFieldSectionSize: options.maxFieldSectionSize,
    });
    this.closed = conn.closed.then(() => {}, () => {}).finally(() => this.#closed.abort());
  }

  /** Requests being served now. */
  get active(): number {
    return this.#requests.size;
  }

  /** Opens our control stream and serves the peer's streams. */
  async run(): Promise<void> {
    try {
      const control = await this.#conn.createUnidirectionalStream();
      this.#control = control.getWriter();
      const settings = new Map([
        [SETTING.QPACK_MAX_TABLE_CAPACITY, this.#options.qpackMaxTableCapacity],
        [SETTING.QPACK_BLOCKED_STREAMS, this.#options.qpackBlockedStreams],
        [SETTING.MAX_FIELD_SECTION_SIZE, this.#options.maxFieldSectionSize],
      ]);
      await this.#control.write(concat(encodeVarint(STREAM.CONTROL), encodeSettings(settings)));
    } catch (e) {
      return this.fail(e);
    }
    await Promise.all([this.#acceptUni(), this.#acceptRequests()]);
  }

  /** Closes the connection with the code of `error` (a connection error). */
  fail(error: unknown): void {
    if (this.#closed.signal.aborted) return;
    const code = error instanceof Http3Error
      ? error.wireCode
      : error instanceof QpackError
      ? error.code
      : H3.INTERNAL_ERROR;
    const reason = error instanceof Error ? error.message.slice(0, 100) : "";
    this.close(code, reason);
  }

  /** Closes the connection now. */
  close(code: number = H3.NO_ERROR, reason = ""): void {
    this.#closed.abort();
    try {
      this.#conn.close({ closeCode: code, reason });
    } catch { /* already closed */ }
  }

  /**
   * Sends GOAWAY: requests already seen are served, later ones are not (§5.2). Resolves once the
   * requests in flight have been answered.
   */
  async drain(): Promise<void> {
    if (this.#goaway === undefined) {
      this.#goaway = this.#nextId;
      await this.#control?.write(encodeGoaway(Number(this.#goaway))).catch(() => {});
    }
    while (this.#requests.size > 0) await Promise.all(this.#requests);
  }

  async #acceptRequests(): Promise<void> {
    try {
      for await (const stream of this.#conn.incomingBidirectionalStreams) {
        const id = stream.readable.id;
        if (this.#goaway !== undefined && id >= this.#goaway) {
          // Past our GOAWAY: not processed, and the client knows it may retry (§5.2).
          stream.readable.cancel().catch(() => {});
          stream.writable.close().catch(() => {});
          continue;
        }
        if (id >= this.#nextId) this.#nextId = id + 4n;
        const served = serveRequest(stream, {
          decoder: this.#decoder,
          encoder: this.#encoder,
          handler: this.#handler,
          limits: this.#options,
          remoteAddr: this.#remoteAddr,
          fail: (e) => this.fail(e),
          closed: this.#closed.signal,
          flushDecoder: () => this.#flushDecoder(),
        }).catch((e) => this.fail(e)).finally(() => this.#requests.delete(served));
        this.#requests.add(served);
      }
    } catch { /* the connection closed */ }
  }

  async #acceptUni(): Promise<void> {
    // Held only while they run: a peer opening stream after stream costs no memory.
    const streams = new Set<Promise<void>>();
    try {
      for await (const stream of this.#conn.incomingUnidirectionalStreams) {
        const p: Promise<void> = this.#uni(stream).catch((e) => this.fail(e))
          .finally(() => streams.delete(p));
        streams.add(p);
      }
    } catch { /* the connection closed */ }
    await Promise.all(streams);
  }

  async #uni(stream: QuicReceiveStream): Promise<void> {
    const reader = new StreamReader(stream);
    let type: number | null;
    try {
      type = await reader.varint();
    } catch {
      return; // ended inside the stream type: nothing was said
    }
    if (type === null) return;
    if (type === STREAM.PUSH) {
      throw new Http3Error(H3.STREAM_CREATION_ERROR, "a client opened a push stream");
    }
    if (type !== STREAM.CONTROL && type !== STREAM.QPACK_ENCODER && type !== STREAM.QPACK_DECODER) {
      // Unknown or reserved stream type (§6.2): not read; STOP_SENDING (Deno sends code 0).
      reader.cancel();
      return;
    }
    if (this.#peerStreams.has(type)) {
      throw new Http3Error(H3.STREAM_CREATION_ERROR, `second stream of type ${type}`);
    }
    this.#peerStreams.add(type);
    if (type === STREAM.CONTROL) await this.#readControl(reader);
    else {
      while (true) {
        const chunk = await reader.chunk();
        if (chunk === null) break;
        // The peer's decoder stream only acknowledges our dynamic table, which we never use.
        if (type === STREAM.QPACK_ENCODER) {
          this.#decoder.receiveEncoderStream(chunk);
          this.#flushDecoder(); // Insert Count Increment, when the decoder has one
        }
      }
    }
    if (!this.#closed.signal.aborted) {
      throw new Http3Error(H3.CLOSED_CRITICAL_STREAM, "the peer closed a critical stream");
    }
  }

  async #readControl(reader: StreamReader): Promise<void> {
    let first = true;
    while (true) {
      const frame = await reader.frameHeader();
      if (frame === null) return;
      if (first && frame.type !== FRAME.SETTINGS) {
        throw new Http3Error(H3.MISSING_SETTINGS, "the control stream must start with SETTINGS");
      }
      if (!frameAllowed(frame.type, "control")) {
        await reader.skip(frame.length);
        continue;
      }
      if (frame.length > MAX_CONTROL_FRAME) {
        throw new Http3Error(H3.EXCESSIVE_LOAD, "control frame too large");
      }
      const payload = await reader.bytes(frame.length);
      switch (frame.type) {
        case FRAME.SETTINGS:
          if (!first) throw new Http3Error(H3.FRAME_UNEXPECTED, "second SETTINGS frame");
          parseSettings(payload); // we need none of the client's settings: no push, no table
          break;
        case FRAME.GOAWAY:
          parseSingleVarint(payload, "GOAWAY"); // a client's GOAWAY names push ids: none
          break;
        case FRAME.MAX_PUSH_ID:
          parseSingleVarint(payload, "MAX_PUSH_ID");
          break;
        case FRAME.CANCEL_PUSH:
          parseSingleVarint(payload, "CANCEL_PUSH");
          break;
      }
      first = false;
    }
  }

  #flushDecoder(): void {
    // One write in flight at a time: while it waits (the peer holds back flow control on our
    // decoder stream), new instructions stay in the decoder, which merges its Insert Count
    // Increments, instead of queueing a write per encoder-stream chunk without bound.
    if (this.#decoderWriting) return;
    const bytes = this.#decoder.takeDecoderStreamBytes();
    if (bytes.length === 0) return;
    this.#decoderWriting = true;
    this.#decoderStream ??= this.#conn.createUnidirectionalStream().then(async (s) => {
      const w = s.getWriter();
      await w.write(encodeVarint(STREAM.QPACK_DECODER));
      return w;
    });
    this.#decoderStream.then((w) => w.write(bytes)).then(() => {
      this.#decoderWriting = false;
      this.#flushDecoder(); // what arrived meanwhile
    }, (e) => this.fail(e));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
