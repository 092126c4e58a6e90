import assert from "node:assert/strict";
import { columnFromValues } from "../../infer.ts";
import { decimal128, decimal256, decimal32, decimal64, type DecimalType } from "../../types.ts";
import { codecId } from "../_codecs.ts";
import { encodeRecordBatch } from "./record_batch.ts";
import { readIpcStream } from "../read/stream.ts";
import { RecordBatch } from "../../batch.ts";
import { writeIpcStream } from "./stream.ts";

/** Decimals within the type's precision that no codec can shrink (random bits, no nulls). */
function incompressible(type: DecimalType, n: number): bigint[] {
  let x = 0x9e3779b9;
  const out: bigint[] = [];
  const bits = Math.floor(type.precision * Math.log2(10)) - 1;
  for (let i = 0; i < n; i++) {
    let v = 0n;
    for (let k = 0n; k < BigInt(bits); k += 16n) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      v |= BigInt(x >>> 16) << k;
    }
    out.push(BigInt.asIntN(bits, v));
  }
  return out;
}

Deno.test("compressed batches never store decimal buffers uncompressed (length -1)", () => {
  for (const type of [decimal32(9, 0), decimal64(18, 0), decimal128(38, 0), decimal256(76, 0)]) {
    const values = incompressible(type, 64);
    const column = columnFromValues(values, type);
    for (const codec of ["lz4", "zstd"] as const) {
      const m = encodeRecordBatch([column], 64, { codec: codecId(codec) });
      // body: the empty validity buffer is absent, then [int64 uncompressed length][data]
      const prefix = new DataView(m.body[0].buffer, m.body[0].byteOffset, 8).getBigInt64(0, true);
      assert.equal(prefix, BigInt(64 * type.bitWidth / 8), `${codec} ${type.bitWidth}`);
      const batch = RecordBatch.fromColumns({ d: column });
      const back = readIpcStream(writeIpcStream(batch, { compression: codec })).batches[0];
      assert.deepEqual(Array.from(back.column("d")), values);
    }
  }
});
