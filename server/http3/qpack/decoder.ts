/**
 * The QPACK decoder (RFC 9204): decodes the field sections of request streams, keeps the dynamic
 * table from the peer's encoder stream, and writes the decoder-stream instructions.
 *
 * @module
 */

import { DynamicTable } from "./dynamic_table.ts";
import { decodeRequiredInsertCount, maxEntries } from "./required_insert_count.ts";
import {
  H3_MESSAGE_ERROR,
  H3_REQUEST_CANCELLED,
  QPACK_DECOMPRESSION_FAILED,
  QPACK_ENCODER_STREAM_ERROR,
  QpackError,
} from "./errors.ts";
import { STATIC_TABLE } from "./_static_table.ts";
import { Incomplete, StringTooLong, WireError, WireReader, WireWriter } from "./_wire.ts";

/** A field line: lowercase name and value, both byte strings (one code point per byte). */
export type HeaderField = [name: string, value: string];

/** The limits a decoder enforces; the first two are what it advertises in SETTINGS. */
export interface QpackDecoderOptions {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY: the most the encoder may set the table capacity to. */
  maxTableCapacity: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS: how many streams may wait for table entries at once. */
  maxBlockedStreams: number;
  /**
   * The largest decoded field section, counted as RFC 9114 does (name + value + 32 per field):
   * a larger one is refused with `H3_MESSAGE_ERROR` as soon as it passes the limit.
   */
  maxFieldSectionSize: number;
}

/** Field sections of one stream that may wait at once: a request's headers and trailers. */
const MAX_BLOCKED_SECTIONS_PER_STREAM = 2;

interface BlockedSection {
  streamId: bigint;
  block: Uint8Array;
  requiredInsertCount: number;
  resolve: (fields: HeaderField[]) => void;
  reject: (error: QpackError) => void;
}

/**
 * Decodes QPACK field sections. One per connection: feed it the peer's encoder stream with
 * {@link receiveEncoderStream}, decode each HEADERS frame payload with {@link decode}, and write
 * what {@link takeDecoderStreamBytes} returns on our decoder stream.
 *
 * A `QpackError` whose code is 0x0200-0x0202 is a connection error: after one, every call throws
 * it again. `H3_MESSAGE_ERROR` (a section over `maxFieldSectionSize`) and `H3_REQUEST_CANCELLED`
 * concern one stream only.
 *
 * @example
 * ```ts
 * import { QpackDecoder } from "./mod.ts";
 * const decoder = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 16, maxFieldSectionSize: 16384 });
 * // RFC 9204, B.1: ":path: /index.html" with a static name reference
 * const block = new Uint8Array([0x00, 0x00, 0x51, 0x0b, ...new TextEncoder().encode("/index.html")]);
 * console.log(await decoder.decode(0n, block)); // [[":path", "/index.html"]]
 * ```
 */
export class QpackDecoder {
  readonly #maxTableCapacity: number;
  readonly #maxEntries: number;
  readonly #maxBlockedStreams: number;
  readonly #maxFieldSectionSize: number;
  readonly #table = new DynamicTable();
  /** Encoder-stream bytes not yet forming a whole instruction. */
  #pending: Uint8Array = new Uint8Array(0);
  #pendingLength = 0;
  /** Do not parse `#pending` again before it has this many bytes. */
  #pendingNeed = 0;
  #blocked: BlockedSection[] = [];
  /** The lowest Required Insert Count among the blocked sections (Infinity when none). */
  #nextUnblock = Infinity;
  /** What the encoder knows we received: the Known Received Count (Section 2.1.4). */
  #knownReceivedCount = 0;
  readonly #out = new WireWriter();
  #failed: QpackError | undefined;

  /**
   * Creates a decoder with an empty dynamic table.
   *
   * @param options the limits it advertises and enforces
   */
  constructor(options: QpackDecoderOptions) {
    for (const key of ["maxTableCapacity", "maxBlockedStreams", "maxFieldSectionSize"] as const) {
      const v = options[key];
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new RangeError(`QpackDecoderOptions.${key} must be a non-negative integer`);
      }
    }
    this.#maxTableCapacity = options.maxTableCapacity;
    this.#maxEntries = maxEntries(options.maxTableCapacity);
    this.#maxBlockedStreams = options.maxBlockedStreams;
    this.#maxFieldSectionSize = options.maxFieldSectionSize;
  }

  /**
   * Processes bytes received on the peer's encoder stream, in any chunking; an instruction split
   * across chunks is kept until it is whole. Sections waiting for the new entries are decoded.
   *
   * @param chunk the next bytes of the encoder stream
   * @throws {QpackError} QPACK_ENCODER_STREAM_ERROR on a bad instruction
   */
  receiveEncoderStream(chunk: Uint8Array): void {
    if (this.#failed) throw this.#failed;
    if (chunk.length === 0) return;
    let buf = chunk;
    let end = chunk.length;
    if (this.#pendingLength > 0) {
      // Append to the kept bytes (the buffer doubles, so a long instruction arriving in small
      // pieces costs linear time) and wait until the instruction's known length is there.
      end = this.#pendingLength + chunk.length;
      if (end > this.#pending.length) {
        const grown = new Uint8Array(Math.max(end, 2 * this.#pending.length));
        grown.set(this.#pending.subarray(0, this.#pendingLength));
        this.#pending = grown;
      }
      this.#pending.set(chunk, this.#pendingLength);
      this.#pendingLength = end;
      if (end < this.#pendingNeed) return;
      buf = this.#pending;
    }
    const reader = new WireReader(buf, 0, end);
    let start = 0;
    try {
      while (reader.pos < reader.end) {
        start = reader.pos;
        this.#encoderInstruction(reader);
        if (this.#table.insertCount >= this.#nextUnblock) {
          this.#unblock();
          // A section that failed to decode failed the connection (its promise has the error).
          if (this.#failed) return;
        }
      }
      this.#pendingLength = 0;
      this.#pendingNeed = 0;
    } catch (e) {
      if (e instanceof Incomplete) {
        // Keep the incomplete instruction's bytes at the front of `#pending`.
        const rest = buf.subarray(start, end);
        if (buf === this.#pending) this.#pending.copyWithin(0, start, end);
        else this.#pending = rest.slice();
        this.#pendingLength = rest.length;
        this.#pendingNeed = e.need - start;
        return;
      }
      throw this.#fail(
        e instanceof WireError
          ? new QpackError(QPACK_ENCODER_STREAM_ERROR, `encoder stream: ${e.message}`)
          : e,
      );
    }
  }

  /**
   * Decodes one encoded field section (a HEADERS frame payload). When it needs dynamic table
   * entries that have not arrived yet, the stream is blocked and the promise resolves once they
   * have.
   *
   * @param streamId the request stream the section came on
   * @param block the encoded field section; copied if the stream has to wait
   * @returns the field lines, in order
   * @throws {QpackError} (as a rejection) QPACK_DECOMPRESSION_FAILED on bad input or one blocked
   * stream too many, H3_MESSAGE_ERROR when the section is over `maxFieldSectionSize`
   */
  decode(streamId: bigint, block: Uint8Array): Promise<HeaderField[]> {
    try {
      if (this.#failed) throw this.#failed;
      const reader = new WireReader(block, 0, block.length);
      const required = this.#requiredInsertCount(reader);
      // A section waits for the entries it needs, and behind an earlier section of its stream.
      if (
        required > this.#table.insertCount || this.#blocked.some((s) => s.streamId === streamId)
      ) {
        return this.#block(streamId, block, required);
      }
      return Promise.resolve(this.#decodeSection(streamId, block, required));
    } catch (e) {
      return Promise.reject(this.#fail(e));
    }
  }

  /**
   * Forgets a stream that was reset or abandoned before its sections were decoded: a section of it
   * still waiting for entries is dropped (its promise rejects with H3_REQUEST_CANCELLED) and a
   * Stream Cancellation is queued for the encoder (RFC 9204, Section 4.4.2).
   *
   * @param streamId the request stream
   */
  cancel(streamId: bigint): void {
    if (this.#failed) return;
    const kept: BlockedSection[] = [];
    for (const section of this.#blocked) {
      if (section.streamId !== streamId) {
        kept.push(section);
        continue;
      }
      section.reject(new QpackError(H3_REQUEST_CANCELLED, "stream cancelled while blocked"));
    }
    if (kept.length !== this.#blocked.length) this.#setBlocked(kept);
    // With a maximum capacity of 0 the encoder can hold no references: the instruction may be
    // omitted (Section 4.4.2).
    if (this.#maxTableCapacity > 0) this.#out.integer(0x40, 6, streamId);
  }

  /**
   * The decoder-stream instructions produced since the last call: Section Acknowledgments, Stream
   * Cancellations, then one Insert Count Increment for the entries received and not yet
   * acknowledged. Empty when there is nothing to send.
   *
   * @returns the bytes to write on our decoder stream
   */
  takeDecoderStreamBytes(): Uint8Array {
    const increment = this.#table.insertCount - this.#knownReceivedCount;
    if (increment > 0 && !this.#failed) {
      this.#out.integer(0x00, 6, increment);
      this.#knownReceivedCount += increment;
    }
    return this.#out.take();
  }

  /** Puts the decoder in the failed state if `error` is a connection error; returns it. */
  #fail(error: unknown): unknown {
    if (!(error instanceof QpackError) || error.code < 0x0200 || error.code > 0x0202) return error;
    this.#failed = error;
    const blocked = this.#blocked;
    this.#setBlocked([]);
    for (const section of blocked) section.reject(error);
    return error;
  }

  // ---- encoder stream (Section 4.3) ----

  #encoderInstruction(reader: WireReader): void {
    const first = reader.peek();
    const table = this.#table;
    if (first & 0x80) {
      // Insert with Name Reference: 1 T index(6+), value (8+ string).
      const isStatic = (first & 0x40) !== 0;
      const index = reader.integer(6);
      let name: string | undefined;
      if (isStatic) {
        name = STATIC_TABLE[index]?.[0];
      } else {
        name = table.name(table.insertCount - 1 - index);
      }
      if (name === undefined) throw new WireError("name reference out of range");
      const value = reader.string(7, this.#valueBudget(name.length));
      this.#insert(name, value);
    } else if (first & 0x40) {
      // Insert with Literal Name: 01 H length(5+) name, value (8+ string).
      const name = reader.string(5, this.#valueBudget(0));
      const value = reader.string(7, this.#valueBudget(name.length));
      this.#insert(name, value);
    } else if (first & 0x20) {
      // Set Dynamic Table Capacity: 001 capacity(5+).
      const capacity = reader.integer(5);
      if (capacity > this.#maxTableCapacity) {
        throw new WireError("capacity above SETTINGS_QPACK_MAX_TABLE_CAPACITY");
      }
      table.setCapacity(capacity);
    } else {
      // Duplicate: 000 relative index(5+).
      const index = reader.integer(5);
      const entry = table.get(table.insertCount - 1 - index);
      if (entry === undefined) throw new WireError("duplicate of an entry out of range");
      this.#insert(entry[0], entry[1]);
    }
  }

  /** The longest string that can still fit in an entry, given `used` bytes of it. */
  #valueBudget(used: number): number {
    return Math.max(this.#table.capacity - 32 - used, 0);
  }

  #insert(name: string, value: string): void {
    if (!this.#table.insert(name, value)) {
      throw new WireError("entry larger than the table capacity");
    }
  }

  // ---- field sections (Section 4.5) ----

  /** Reads the Encoded Required Insert Count and returns the Required Insert Count (4.5.1.1). */
  #requiredInsertCount(reader: WireReader): number {
    let encoded: number;
    try {
      encoded = reader.integer(8);
    } catch (e) {
      throw decompressionFailed(e);
    }
    const required = decodeRequiredInsertCount(encoded, this.#maxEntries, this.#table.insertCount);
    if (required === undefined) {
      throw new QpackError(QPACK_DECOMPRESSION_FAILED, "Required Insert Count out of range");
    }
    return required;
  }

  #block(streamId: bigint, block: Uint8Array, required: number): Promise<HeaderField[]> {
    const blockedStreams = new Set(this.#blocked.map((s) => s.streamId));
    if (!blockedStreams.has(streamId) && blockedStreams.size >= this.#maxBlockedStreams) {
      throw new QpackError(
        QPACK_DECOMPRESSION_FAILED,
        "more blocked streams than SETTINGS_QPACK_BLOCKED_STREAMS",
      );
    }
    // A request stream carries at most two field sections (headers and trailers): more waiting at
    // once is not a conforming peer, and each would hold a copy of its bytes.
    let sameStream = 0;
    for (const s of this.#blocked) if (s.streamId === streamId) sameStream++;
    if (sameStream >= MAX_BLOCKED_SECTIONS_PER_STREAM) {
      throw new QpackError(QPACK_DECOMPRESSION_FAILED, "too many blocked sections on one stream");
    }
    const { promise, resolve, reject } = Promise.withResolvers<HeaderField[]>();
    // A caller that abandons the stream may not await the rejection `cancel()` causes.
    promise.catch(() => {});
    this.#setBlocked([
      ...this.#blocked,
      { streamId, block: block.slice(), requiredInsertCount: required, resolve, reject },
    ]);
    return promise;
  }

  #setBlocked(blocked: BlockedSection[]): void {
    this.#blocked = blocked;
    // Only the first waiting section of each stream can be decoded next.
    const seen = new Set<bigint>();
    let next = Infinity;
    for (const s of blocked) {
      if (seen.has(s.streamId)) continue;
      seen.add(s.streamId);
      next = Math.min(next, s.requiredInsertCount);
    }
    this.#nextUnblock = next;
  }

  /**
   * Decodes, in arrival order, the blocked sections whose entries have all arrived and that have
   * no earlier section of their stream still waiting.
   */
  #unblock(): void {
    const ready: BlockedSection[] = [];
    const still: BlockedSection[] = [];
    const waiting = new Set<bigint>();
    for (const s of this.#blocked) {
      if (s.requiredInsertCount <= this.#table.insertCount && !waiting.has(s.streamId)) {
        ready.push(s);
      } else {
        still.push(s);
        waiting.add(s.streamId);
      }
    }
    this.#setBlocked(still);
    for (const s of ready) {
      if (this.#failed) {
        s.reject(this.#failed);
        continue;
      }
      try {
        s.resolve(this.#decodeSection(s.streamId, s.block, s.requiredInsertCount));
      } catch (e) {
        s.reject(e as QpackError);
      }
    }
  }

  /** Decodes a section whose Required Insert Count, `required`, is at most the Insert Count. */
  #decodeSection(streamId: bigint, block: Uint8Array, required: number): HeaderField[] {
    const reader = new WireReader(block, 0, block.length);
    const table = this.#table;
    let budget = this.#maxFieldSectionSize;
    const fields: HeaderField[] = [];
    try {
      reader.integer(8); // the Encoded Required Insert Count, already decoded into `required`
      // Base (4.5.1.2): S bit and Delta Base (7+).
      const sign = (reader.peek() & 0x80) !== 0;
      const delta = reader.integer(7);
      if (sign && required <= delta) throw new WireError("negative Base");
      const base = sign ? required - delta - 1 : required + delta;
      /** The dynamic entry at an absolute index, if the section may reference it. */
      const dynamic = (absolute: number): [string, string] => {
        const entry = absolute < required ? table.get(absolute) : undefined;
        if (entry === undefined) throw new WireError("dynamic table reference out of range");
        return entry;
      };
      const field = (name: string, value: string): void => {
        budget -= name.length + value.length + 32;
        if (budget < 0) throw new StringTooLong();
        fields.push([name, value]);
      };
      /** The value budget left once a field of this name is counted. */
      const left = (name: string): number => Math.max(budget - name.length - 32, 0);
      while (reader.pos < reader.end) {
        const first = reader.buf[reader.pos];
        if (first & 0x80) {
          // Indexed Field Line: 1 T index(6+).
          const index = reader.integer(6);
          if (first & 0x40) {
            const entry = STATIC_TABLE[index];
            if (entry === undefined) throw new WireError("static table index out of range");
            field(entry[0], entry[1]);
          } else {
            const entry = dynamic(base - 1 - index);
            field(entry[0], entry[1]);
          }
        } else if (first & 0x40) {
          // Literal Field Line with Name Reference: 01 N T index(4+), value (8+ string).
          const index = reader.integer(4);
          let name: string;
          if (first & 0x10) {
            const entry = STATIC_TABLE[index];
            if (entry === undefined) throw new WireError("static table index out of range");
            name = entry[0];
          } else {
            name = dynamic(base - 1 - index)[0];
          }
          field(name, reader.string(7, left(name)));
        } else if (first & 0x20) {
          // Literal Field Line with Literal Name: 001 N H length(3+) name, value (8+ string).
          const name = reader.string(3, left(""));
          field(name, reader.string(7, left(name)));
        } else if (first & 0x10) {
          // Indexed Field Line with Post-Base Index: 0001 index(4+).
          const entry = dynamic(base + reader.integer(4));
          field(entry[0], entry[1]);
        } else {
          // Literal Field Line with Post-Base Name Reference: 0000 N index(3+), value.
          const name = dynamic(base + reader.integer(3))[0];
          field(name, reader.string(7, left(name)));
        }
      }
    } catch (e) {
      if (e instanceof StringTooLong) {
        // A stream error: the table is intact. The entries the section names were all received,
        // so acknowledging it lets the encoder release them (Section 4.4.1).
        if (required > 0) this.#acknowledge(streamId, required);
        throw new QpackError(H3_MESSAGE_ERROR, "field section larger than maxFieldSectionSize");
      }
      throw this.#fail(decompressionFailed(e));
    }
    if (required > 0) this.#acknowledge(streamId, required);
    return fields;
  }

  #acknowledge(streamId: bigint, required: number): void {
    this.#out.integer(0x80, 7, streamId);
    if (required > this.#knownReceivedCount) this.#knownReceivedCount = required;
  }
}

function decompressionFailed(e: unknown): unknown {
  if (e instanceof Incomplete) {
    return new QpackError(QPACK_DECOMPRESSION_FAILED, "field section truncated");
  }
  if (e instanceof WireError) {
    return new QpackError(QPACK_DECOMPRESSION_FAILED, `field section: ${e.message}`);
  }
  return e;
}
