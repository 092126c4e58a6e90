import assert from "node:assert/strict";
import { encodeVarint, readVarint } from "./_varint.ts";
import {
  encodeFrame,
  encodeGoaway,
  encodeSettings,
  FRAME,
  frameAllowed,
  parseSettings,
  parseSingleVarint,
  StreamReader,
} from "./_frames.ts";
import { H3, Http3Error } from "./_errors.ts";

const hex = (s: string) => Uint8Array.from((s.match(/../g) ?? []).map((b) => parseInt(b, 16)));

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
}

function wireCode(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Http3Error, String(e));
    return e.wireCode;
  }
  assert.fail("expected an Http3Error");
}

async function wireCodeAsync(f: () => Promise<unknown>): Promise<number> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof Http3Error, String(e));
    return e.wireCode;
  }
  assert.fail("expected an Http3Error");
}

Deno.test("varints: the examples of RFC 9000 §A.1 decode, and values round-trip", () => {
  assert.deepEqual(readVarint(hex("9d7f3e7d"), 0), { value: 494878333, length: 4 });
  assert.deepEqual(readVarint(hex("7bbd"), 0), { value: 15293, length: 2 });
  assert.deepEqual(readVarint(hex("25"), 0), { value: 37, length: 1 });
  assert.deepEqual(readVarint(hex("4025"), 0), { value: 37, length: 2 });
  assert.equal(readVarint(hex("c2197c5eff14e88c"), 0)!.length, 8);
  assert.equal(readVarint(hex("c2197c5eff14e8"), 0), undefined, "truncated");
  assert.equal(readVarint(new Uint8Array(0), 0), undefined);
  for (const v of [0, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, 2 ** 53 - 1]) {
    const e = encodeVarint(v);
    assert.deepEqual(readVarint(e, 0), { value: v, length: e.length }, String(v));
  }
  assert.deepEqual(encodeVarint(15293), hex("7bbd"));
  assert.deepEqual(encodeVarint(494878333), hex("9d7f3e7d"));
  assert.throws(() => encodeVarint(-1), RangeError);
});

Deno.test("frames: SETTINGS and GOAWAY round-trip; bad payloads are the RFC's errors", () => {
  const settings = new Map([[0x06, 16384], [0x01, 0], [0x07, 0], [0x21, 7]]);
  const frame = encodeSettings(settings);
  assert.equal(frame[0], FRAME.SETTINGS);
  assert.deepEqual(parseSettings(frame.subarray(2)), settings);
  assert.equal(wireCode(() => parseSettings(hex("0601" + "0602"))), H3.SETTINGS_ERROR);
  assert.equal(wireCode(() => parseSettings(hex("0201"))), H3.SETTINGS_ERROR, "HTTP/2 setting");
  assert.equal(wireCode(() => parseSettings(hex("06"))), H3.FRAME_ERROR, "truncated");
  assert.equal(wireCode(() => parseSettings(hex("0640"))), H3.FRAME_ERROR, "truncated value");
  const goaway = encodeGoaway(400);
  assert.equal(parseSingleVarint(goaway.subarray(2), "GOAWAY"), 400);
  assert.equal(wireCode(() => parseSingleVarint(hex("0101"), "GOAWAY")), H3.FRAME_ERROR);
  assert.equal(wireCode(() => parseSingleVarint(hex(""), "GOAWAY")), H3.FRAME_ERROR);
});

Deno.test("frames: each stream kind accepts its frames, skips unknown ones, rejects the rest", () => {
  assert.equal(frameAllowed(FRAME.HEADERS, "request"), true);
  assert.equal(frameAllowed(FRAME.DATA, "request"), true);
  assert.equal(frameAllowed(FRAME.SETTINGS, "control"), true);
  assert.equal(frameAllowed(FRAME.GOAWAY, "control"), true);
  assert.equal(frameAllowed(0x21, "request"), false, "reserved (grease) type is skipped");
  assert.equal(frameAllowed(0x1f * 7 + 0x21, "control"), false);
  assert.equal(frameAllowed(0xabcdef, "control"), false, "unknown type is skipped");
  for (
    const [type, kind] of [
      [FRAME.DATA, "control"],
      [FRAME.HEADERS, "control"],
      [FRAME.SETTINGS, "request"],
      [FRAME.GOAWAY, "request"],
      [FRAME.MAX_PUSH_ID, "request"],
      [FRAME.CANCEL_PUSH, "request"],
      [FRAME.PUSH_PROMISE, "request"],
      [0x02, "request"], // HTTP/2 PRIORITY
      [0x06, "control"], // HTTP/2 PING
      [0x08, "control"], // HTTP/2 WINDOW_UPDATE
      [0x09, "request"], // HTTP/2 CONTINUATION
    ] as const
  ) {
    assert.equal(wireCode(() => frameAllowed(type, kind)), H3.FRAME_UNEXPECTED, `${type} ${kind}`);
  }
});

Deno.test("StreamReader: frames split across chunks at every byte, DATA streamed", async () => {
  const wire = new Uint8Array([
    ...encodeFrame(0x21, new Uint8Array(300)), // reserved frame to skip, 2-byte length
    ...encodeFrame(FRAME.HEADERS, hex("00000102")),
    ...encodeFrame(FRAME.DATA, new TextEncoder().encode("hello world")),
  ]);
  for (let cut = 0; cut <= wire.length; cut += 7) {
    const r = new StreamReader(streamOf(wire.subarray(0, cut), wire.subarray(cut)));
    const skip = await r.frameHeader();
    assert.deepEqual(skip, { type: 0x21, length: 300 });
    await r.skip(300);
    assert.deepEqual(await r.frameHeader(), { type: FRAME.HEADERS, length: 4 });
    assert.deepEqual(await r.bytes(4), hex("00000102"));
    const data = await r.frameHeader();
    assert.deepEqual(data, { type: FRAME.DATA, length: 11 });
    let text = "";
    for (let left = 11; left > 0;) {
      const part = await r.upTo(left);
      left -= part.length;
      text += new TextDecoder().decode(part);
    }
    assert.equal(text, "hello world");
    assert.equal(await r.frameHeader(), null, "clean end between frames");
    assert.ok(r.done);
  }
});

Deno.test("StreamReader: a stream that ends inside a frame is H3_FRAME_ERROR", async () => {
  const frame = encodeFrame(FRAME.HEADERS, hex("0000d1d7"));
  for (let cut = 1; cut < frame.length; cut++) {
    const r = new StreamReader(streamOf(frame.subarray(0, cut)));
    const code = await wireCodeAsync(async () => {
      const h = await r.frameHeader();
      await r.bytes(h!.length);
    });
    assert.equal(code, H3.FRAME_ERROR, `cut at ${cut}`);
  }
  const r = new StreamReader(streamOf(hex("40")));
  assert.equal(await wireCodeAsync(() => r.varint()), H3.FRAME_ERROR, "ends inside a varint");
  assert.equal(await new StreamReader(streamOf()).varint(), null, "empty stream");
});
