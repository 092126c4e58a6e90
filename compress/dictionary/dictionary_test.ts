import assert from "node:assert/strict";
import { compress, compressSync, decompress, decompressSync } from "../compress.ts";
import { Compressor } from "../compressor.ts";
import { CompressError } from "../errors.ts";
import { Algorithm, Level } from "../types.ts";
import { runTool } from "../platform/_test_tools.ts";
import {
  Dictionary,
  dictionaryIdOf,
  DictionarySet,
  MAX_DICTIONARY_SIZE,
  trainDictionary,
} from "./mod.ts";

const enc = new TextEncoder();
const PLANS = ["free", "pro", "enterprise"];
const STATUS = ["active", "suspended", "pending", "closed"];

/** Similar JSON API responses: same shape, varying ids, names, dates, optional fields. */
function response(i: number): Uint8Array {
  const items = 1 + (i % 3);
  return enc.encode(JSON.stringify({
    data: Array.from({ length: items }, (_, j) => ({
      id: `acct_${((i * 7919 + j * 104729) % 999983).toString(36)}`,
      owner: { name: `user${(i + j) % 541}`, email: `user${(i + j) % 541}@example.com` },
      plan: PLANS[(i + j) % 3],
      status: STATUS[(i * 3 + j) % 4],
      region: (i + j) % 2 ? "eu-west-1" : "sa-east-1",
      updatedAt: new Date(1_700_000_000_000 + (i * 7 + j) * 3_600_000).toISOString(),
      ...(j % 2 ? { trial: { endsAt: "2024-12-31T00:00:00.000Z", extended: false } } : {}),
    })),
    meta: { page: i % 50, pageSize: items, next: i % 4 ? `cursor_${i}` : null },
  }));
}

const TRAIN = Array.from({ length: 1500 }, (_, i) => response(i));
const HELD_OUT = Array.from({ length: 300 }, (_, i) => response(20_000 + i * 13));
const DICT = Dictionary.train(TRAIN, { size: 8192 });

const isCode = (code: string) => (e: unknown) => e instanceof CompressError && e.code === code;

Deno.test("train: deterministic, within size, made of content the samples share", () => {
  assert.ok(DICT.bytes.length > 4096 && DICT.bytes.length <= 8192, `size ${DICT.bytes.length}`);
  assert.deepEqual(Dictionary.train(TRAIN, { size: 8192 }).bytes, DICT.bytes);
  assert.equal(DICT.id, dictionaryIdOf(DICT.bytes));
  const text = new TextDecoder().decode(DICT.bytes);
  for (const common of ['"region":"eu-west-1"', "@example.com", '"meta":{"page":']) {
    assert.ok(text.includes(common), `dictionary lacks ${common}`);
  }
  assert.equal(trainDictionary(TRAIN, { size: 4096, id: 77 }).id, 77);
});

Deno.test("dictionary: LZ4 on small similar JSON responses compresses far better", () => {
  let raw = 0;
  let plain = 0;
  let withDict = 0;
  for (const body of HELD_OUT) {
    raw += body.length;
    plain += compressSync(body, Algorithm.Lz4).length;
    const packed = compressSync(body, Algorithm.Lz4, { dictionary: DICT });
    withDict += packed.length;
    assert.deepEqual(decompressSync(packed, Algorithm.Lz4, { dictionary: DICT }), body);
  }
  const gain = plain / withDict;
  // Measured about 2.5x smaller; 1.8x is the floor that catches a useless dictionary.
  assert.ok(
    gain > 1.8,
    `dictionary output only ${gain.toFixed(2)}x smaller (${plain} -> ${withDict})`,
  );
  // Better than a dictionary that is merely the same amount of one sample family repeated.
  const naive = new Dictionary(response(3).subarray(0, 300));
  let naiveOut = 0;
  for (const body of HELD_OUT) {
    naiveOut += compressSync(body, Algorithm.Lz4, { dictionary: naive }).length;
  }
  assert.ok(withDict < naiveOut, `trained ${withDict} vs one-sample ${naiveOut}`);
  assert.ok(raw / withDict > 2.5, `ratio ${(raw / withDict).toFixed(2)}`);
});

Deno.test("dictionary: the frame carries the id; sets resolve it; a mismatch is a typed error", async () => {
  const body = HELD_OUT[0];
  const packed = await compress(body, Algorithm.Lz4, { dictionary: DICT, level: Level.Max });
  assert.equal(packed[4] & 1, 1, "FLG Dict-ID bit");
  const idInFrame = new DataView(packed.buffer, packed.byteOffset).getUint32(6, true);
  assert.equal(idInFrame, DICT.id);
  const other = Dictionary.train(TRAIN.slice(0, 400), { size: 2048, id: 12345 });
  const set = new DictionarySet([other, DICT]);
  assert.deepEqual(await decompress(packed, Algorithm.Lz4, { dictionary: set }), body);
  await assert.rejects(
    decompress(packed, Algorithm.Lz4, { dictionary: other }),
    isCode("unsupported"),
  );
  await assert.rejects(
    decompress(packed, Algorithm.Lz4, { dictionary: new DictionarySet([other]) }),
    isCode("unsupported"),
  );
  // Without any dictionary the frame is refused, not mis-decoded.
  assert.throws(() => decompressSync(packed, Algorithm.Lz4), (e) => e instanceof CompressError);
  // lz4-block: no id on the wire; the dictionary itself is needed.
  const block = compressSync(body, Algorithm.Lz4Block, { dictionary: DICT });
  assert.deepEqual(
    decompressSync(block, Algorithm.Lz4Block, { dictionary: DICT, decompressedSize: body.length }),
    body,
  );
  assert.throws(
    () =>
      decompressSync(block, Algorithm.Lz4Block, { dictionary: set, decompressedSize: body.length }),
    isCode("unsupported"),
  );
});

Deno.test("dictionary: algorithms without dictionaries refuse the option with unsupported", async () => {
  const body = HELD_OUT[1];
  for (const alg of [Algorithm.Zstd, Algorithm.Gzip, Algorithm.Snappy, Algorithm.Brotli]) {
    assert.throws(() => compressSync(body, alg, { dictionary: DICT }), isCode("unsupported"), alg);
    // zstd decodes with dictionaries (pure TypeScript): this body is simply not a zstd frame.
    const want = alg === Algorithm.Zstd ? "corrupt" : "unsupported";
    await assert.rejects(decompress(body, alg, { dictionary: DICT }), isCode(want));
  }
  assert.throws(
    () => compressSync(body, Algorithm.Lz4, { dictionary: new DictionarySet([DICT]) as never }),
    isCode("unsupported"),
  );
  assert.throws(
    () => compressSync(body, Algorithm.Lz4, { dictionary: body as never }),
    isCode("unsupported"),
  );
});

Deno.test("dictionary: serialize / from round trip, and every corruption is a typed error", () => {
  const bytes = DICT.serialize();
  const back = Dictionary.from(bytes);
  assert.equal(back.id, DICT.id);
  assert.deepEqual(back.bytes, DICT.bytes);
  assert.throws(() => Dictionary.from(bytes.subarray(0, 10)), isCode("corrupt"));
  assert.throws(() => Dictionary.from(bytes.subarray(0, bytes.length - 1)), isCode("corrupt"));
  const flipped = bytes.slice();
  flipped[100] ^= 1;
  assert.throws(() => Dictionary.from(flipped), isCode("checksum"));
  const huge = bytes.slice();
  new DataView(huge.buffer).setUint32(12, MAX_DICTIONARY_SIZE + 1, true);
  assert.throws(() => Dictionary.from(huge), isCode("limit"));
  // Fuzz: random mutations and truncations never escape as anything but CompressError.
  let x = 0x9e3779b9;
  const rnd = () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0);
  for (let n = 0; n < 2000; n++) {
    const m = bytes.slice(0, 16 + (rnd() % (bytes.length - 15)));
    for (let k = 1 + (rnd() % 4); k > 0; k--) m[rnd() % m.length] = rnd() & 0xff;
    try {
      Dictionary.from(m);
    } catch (e) {
      assert.ok(e instanceof CompressError, String(e));
    }
  }
});

Deno.test("dictionary: bad construction and training input are typed errors", () => {
  assert.throws(() => new Dictionary(new Uint8Array(0)), isCode("limit"));
  assert.throws(() => new Dictionary(new Uint8Array(MAX_DICTIONARY_SIZE + 1)), isCode("limit"));
  assert.throws(() => new Dictionary(new Uint8Array(4), 0), isCode("unsupported"));
  assert.throws(() => new Dictionary(new Uint8Array(4), 2 ** 32), isCode("unsupported"));
  assert.throws(() => new Dictionary([1, 2] as never), isCode("unsupported"));
  assert.throws(() => trainDictionary(TRAIN, { maxSampleBytes: 1000 }), isCode("limit"));
  assert.throws(() => trainDictionary(TRAIN, { size: 10 }), isCode("unsupported"));
  assert.throws(
    () => trainDictionary(TRAIN, { segmentSize: 8, dmerSize: 6 }),
    isCode("unsupported"),
  );
  assert.throws(() => trainDictionary(TRAIN, { dmerSize: 2.5 }), isCode("unsupported"));
  assert.throws(() => trainDictionary(["x"] as never), isCode("unsupported"));
  assert.throws(() => trainDictionary("abc" as never), isCode("unsupported"));
  // Random, unrelated samples share nothing.
  let x = 7;
  const noise = Array.from(
    { length: 50 },
    () =>
      Uint8Array.from({ length: 200 }, () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24),
  );
  assert.throws(() => trainDictionary(noise), isCode("limit"));
  assert.throws(() => trainDictionary([]), isCode("limit"));
  // One large sample still trains (it is cut into chunks that can share content).
  const log = enc.encode(TRAIN.slice(0, 200).map((b) => new TextDecoder().decode(b)).join("\n"));
  assert.ok(trainDictionary([log], { size: 2048 }).bytes.length > 0);
});

Deno.test("DictionarySet: lookup, idempotent add, conflicting ids refused", () => {
  const a = new Dictionary(enc.encode("alpha alpha"), 5);
  const set = new DictionarySet([a]);
  set.add(new Dictionary(enc.encode("alpha alpha"), 5));
  assert.equal(set.size, 1);
  assert.equal(set.get(5), a);
  assert.equal(set.get(6), undefined);
  assert.throws(() => set.add(new Dictionary(enc.encode("beta"), 5)), isCode("unsupported"));
  assert.throws(() => set.add({ id: 1, bytes: new Uint8Array(1) } as never), isCode("unsupported"));
  assert.deepEqual([...set].map((d) => d.id), [5]);
});

Deno.test("dictionary: mutated dictionary frames decode only to typed errors (fuzz)", () => {
  const set = new DictionarySet([DICT]);
  const frames = HELD_OUT.slice(0, 20).map((b) =>
    compressSync(b, Algorithm.Lz4, { dictionary: DICT })
  );
  let x = 12345;
  const rnd = () => (x = (Math.imul(x ^ (x >>> 13), 0x5bd1e995) + 0x3c6ef372) >>> 0);
  for (let n = 0; n < 3000; n++) {
    const f = frames[n % frames.length];
    const m = f.slice(0, 1 + (rnd() % f.length));
    for (let k = 1 + (rnd() % 3); k > 0; k--) m[rnd() % m.length] ^= 1 + (rnd() % 255);
    for (const dictionary of [DICT, set]) {
      try {
        decompressSync(m, Algorithm.Lz4, { dictionary, maxOutputSize: 1 << 16 });
      } catch (e) {
        assert.ok(e instanceof CompressError, String(e));
      }
    }
  }
});

function bodyTwice(body: Uint8Array): Uint8Array {
  return new Uint8Array([...body, ...body]);
}

Deno.test("dictionary: interop with the lz4 tool's -D in both directions", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/dict`;
    await Deno.writeFile(path, DICT.bytes);
    const body = HELD_OUT[7];
    // Ours (with a Dict-ID in the frame) -> lz4 -d -D.
    const ours = compressSync(body, Algorithm.Lz4, { dictionary: DICT });
    assert.deepEqual(await runTool("lz4", ["-d", "-c", "-D", path], ours), body);
    // lz4 -D (no Dict-ID in the frame) -> ours with the one Dictionary.
    const theirs = await runTool("lz4", ["-c", "-D", path], body);
    assert.equal(theirs[4] & 1, 0, "lz4 writes no Dict-ID");
    assert.deepEqual(decompressSync(theirs, Algorithm.Lz4, { dictionary: DICT }), body);
    assert.ok(theirs.length < compressSync(body, Algorithm.Lz4).length);
    // ... and on the streaming paths, split anywhere, with two lz4 -D frames back to back.
    const c = Compressor.new(Algorithm.Lz4).dictionary(DICT).build();
    const two = new Uint8Array([...theirs, ...theirs]);
    const dec = c.decoder();
    const parts: Uint8Array[] = [];
    for (let p = 0; p < two.length; p += 100) parts.push(...dec.write(two.subarray(p, p + 100)));
    parts.push(...dec.end());
    assert.deepEqual(new Uint8Array(parts.flatMap((p) => [...p])), bodyTwice(body));
    const streamed = ReadableStream.from([two]).pipeThrough(c.decompressTransform());
    assert.deepEqual(new Uint8Array(await new Response(streamed).arrayBuffer()), bodyTwice(body));
    // A DictionarySet cannot tell which dictionary a frame without an id wants: none is applied.
    const set = new DictionarySet([DICT]);
    assert.throws(
      () => decompressSync(theirs, Algorithm.Lz4, { dictionary: set }),
      isCode("corrupt"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
