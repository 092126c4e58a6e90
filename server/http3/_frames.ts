// HTTP/3 framing (RFC 9114 §7): frame types, which stream may carry which, SETTINGS and GOAWAY
// payloads, and an incremental reader over a QUIC receive stream that never buffers more than the
// frame it was asked for (DATA payloads are handed out as they arrive, unknown frames skipped).

import { H3, Http3Error } from "./_errors.ts";
import { encodedVarintLength, readVarint, writeVarint } from "./_varint.ts";

/** Frame types of RFC 9114 §7.2. */
export const FRAME = {
  DATA: 0x00,
  HEADERS: 0x01,
  CANCEL_PUSH: 0x03,
  SETTINGS: 0x04,
  PUSH_PROMISE: 0x05,
  GOAWAY: 0x07,
  MAX_PUSH_ID: 0x0d,
} as const;

/** Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2). */
export const STREAM = { CONTROL: 0x00, PUSH: 0x01, QPACK_ENCODER: 0x02, QPACK_DECODER: 0x03 };

/** Setting identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5). */
export const SETTING = {
  QPACK_MAX_TABLE_CAPACITY: 0x01,
  MAX_FIELD_SECTION_SIZE: 0x06,
  QPACK_BLOCKED_STREAMS: 0x07,
} as const;

/** HTTP/2 frame types with no HTTP/3 meaning: receiving one is H3_FRAME_UNEXPECTED (§7.2.8). */
const HTTP2_ONLY_FRAMES = new Set([0x02, 0x06, 0x08, 0x09]);

/** HTTP/2 settings with no HTTP/3 meaning: receiving one is H3_SETTINGS_ERROR (§7.2.4.1). */
const HTTP2_ONLY_SETTINGS = new Set([0x02, 0x03, 0x04, 0x05]);

/** Where a frame arrived. */
export type StreamKind = "control" | "request";

/**
 * Whether a frame of `type` is one this layer acts on (`true`), one to skip (`false`: unknown and
 * reserved types, §9), or throws H3_FRAME_UNEXPECTED when the RFC forbids it on `kind`.
 */
export function frameAllowed(type: number, kind: StreamKind): boolean {
  if (HTTP2_ONLY_FRAMES.has(type)) {
    throw new Http3Error(H3.FRAME_UNEXPECTED, `HTTP/2 frame type 0x${type.toString(16)}`);
  }
  switch (type) {
    case FRAME.DATA:
    case FRAME.HEADERS:
      if (kind === "control") throw unexpected(type, kind);
      return true;
    case FRAME.PUSH_PROMISE: // only servers push (§7.2.5)
      throw unexpected(type, kind);
    case FRAME.SETTINGS:
    case FRAME.GOAWAY:
    case FRAME.MAX_PUSH_ID:
    case FRAME.CANCEL_PUSH:
      if (kind === "request") throw unexpected(type, kind);
      return true;
    default:
      return false;
  }
}

function unexpected(type: number, kind: StreamKind): Http3Error {
  return new Http3Error(
    H3.FRAME_UNEXPECTED,
    `frame type 0x${type.toString(16)} is not allowed on a ${kind} stream`,
  );
}

/** A frame header followed by `payload` (or only the header when `payload` is a length). */
export function encodeFrame(type: number, payload: Uint8Array | number): Uint8Array {
  const length = typeof payload === "number" ? payload : payload.length;
  const head = encodedVarintLength(type) + encodedVarintLength(length);
  const out = new Uint8Array(head + (typeof payload === "number" ? 0 : length));
  writeVarint(out, writeVarint(out, 0, type), length);
  if (typeof payload !== "number") out.set(payload, head);
  return out;
}

/** A varint-pair payload (SETTINGS) or a single varint (GOAWAY, MAX_PUSH_ID). */
function encodeVarints(values: number[]): Uint8Array {
  const out = new Uint8Array(values.reduce((n, v) => n + encodedVarintLength(v), 0));
  let o = 0;
  for (const v of values) o = writeVarint(out, o, v);
  return out;
}

/** A SETTINGS frame with `settings` (identifier → value). */
export function encodeSettings(settings: ReadonlyMap<number, number>): Uint8Array {
  return encodeFrame(FRAME.SETTINGS, encodeVarints([...settings].flat()));
}

/** A GOAWAY frame naming the first request stream id that will not be processed. */
export function encodeGoaway(id: number): Uint8Array {
  return encodeFrame(FRAME.GOAWAY, encodeVarints([id]));
}

/** Parses a SETTINGS payload; duplicates and HTTP/2 settings are H3_SETTINGS_ERROR. */
export function parseSettings(payload: Uint8Array): Map<number, number> {
  const settings = new Map<number, number>();
  let o = 0;
  while (o < payload.length) {
    const id = readVarint(payload, o);
    const value = id && readVarint(payload, o + id.length);
    if (!id || !value) throw new Http3Error(H3.FRAME_ERROR, "truncated SETTINGS frame");
    o += id.length + value.length;
    if (HTTP2_ONLY_SETTINGS.has(id.value)) {
      throw new Http3Error(H3.SETTINGS_ERROR, `HTTP/2 setting 0x${id.value.toString(16)}`);
    }
    if (settings.has(id.value)) {
      throw new Http3Error(H3.SETTINGS_ERROR, `duplicate setting 0x${id.value.toString(16)}`);
    }
    settings.set(id.value, value.value);
  }
  return settings;
}

/** Parses a payload that is exactly one varint (GOAWAY, MAX_PUSH_ID, CANCEL_PUSH). */
export function parseSingleVarint(payload: Uint8Array, what: string): number {
  const v = readVarint(payload, 0);
  if (!v || v.length !== payload.length) {
    throw new Http3Error(H3.FRAME_ERROR, `malformed ${what} frame`);
  }
  return v.value;
}

/** A frame's type and payload length. */
export interface FrameHeader {
  type: number;
  length: number;
}

/**
 * Reads varints and frames from a QUIC receive stream. Only the bytes of the item being read are
 * kept; a frame whose stream ends early is H3_FRAME_ERROR (§7.1).
 */
export class StreamReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #off = 0;
  #ended = false;
  #cancelled = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Whether the stream ended and every byte was read. */
  get done(): boolean {
    return this.#ended && this.#off >= this.#chunk.length;
  }

  /** Reads the next chunk into the buffer (keeping unread bytes); false at the end. */
  async #more(): Promise<boolean> {
    if (this.#ended) return false;
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    const rest = this.#chunk.length - this.#off;
    if (rest === 0) this.#chunk = value;
    else {
      const joined = new Uint8Array(rest + value.length);
      joined.set(this.#chunk.subarray(this.#off));
      joined.set(value, rest);
      this.#chunk = joined;
    }
    this.#off = 0;
    return true;
  }

  /** The next varint, or null when the stream ends cleanly before it. */
  async varint(): Promise<number | null> {
    while (true) {
      if (this.#off < this.#chunk.length) {
        const v = readVarint(this.#chunk, this.#off);
        if (v) {
          this.#off += v.length;
          return v.value;
        }
      }
      const atStart = this.#off >= this.#chunk.length;
      if (!(await this.#more())) {
        if (atStart) return null;
        throw new Http3Error(H3.FRAME_ERROR, "stream ended inside a varint");
      }
    }
  }

  /** The next frame header, or null when the stream ends cleanly between frames. */
  async frameHeader(): Promise<FrameHeader | null> {
    const type = await this.varint();
    if (type === null) return null;
    const length = await this.varint();
    if (length === null) throw new Http3Error(H3.FRAME_ERROR, "stream ended inside a frame");
    return { type, length };
  }

  /** Exactly `n` bytes (a frame payload the caller already bounded). */
  async bytes(n: number): Promise<Uint8Array> {
    while (this.#chunk.length - this.#off < n) {
      if (!(await this.#more())) {
        throw new Http3Error(H3.FRAME_ERROR, "stream ended inside a frame");
      }
    }
    const out = this.#chunk.subarray(this.#off, this.#off + n);
    this.#off += n;
    return out;
  }

  /** Between 1 and `n` bytes, as soon as any are there (DATA payloads, streamed). */
  async upTo(n: number): Promise<Uint8Array> {
    if (this.#off >= this.#chunk.length && !(await this.#more())) {
      throw new Http3Error(H3.FRAME_ERROR, "stream ended inside a frame");
    }
    const take = Math.min(n, this.#chunk.length - this.#off);
    const out = this.#chunk.subarray(this.#off, this.#off + take);
    this.#off += take;
    return out;
  }

  /** The next bytes as they come (unframed streams: QPACK), or null at the end. */
  async chunk(): Promise<Uint8Array | null> {
    if (this.#off >= this.#chunk.length && !(await this.#more())) return null;
    const out = this.#chunk.subarray(this.#off);
    this.#off = this.#chunk.length;
    return out;
  }

  /** Skips `n` bytes without keeping them (unknown frames). */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) left -= (await this.upTo(left)).length;
  }

  /**
   * Whether we stopped reading: a read pending at that moment ends as if the stream had, which
   * is our doing, not the peer truncating a frame.
   */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Stops reading: the peer is told to stop sending (STOP_SENDING). */
  cancel(): void {
    this.#cancelled = true;
    this.#reader.cancel().catch(() => {});
  }
}
