import assert from "node:assert/strict";
import {
  decodeRequiredInsertCount,
  encodeRequiredInsertCount,
  maxEntries,
} from "./required_insert_count.ts";

Deno.test("required insert count: decode(encode(x)) = x for every value the decoder can see", () => {
  for (const capacity of [32, 100, 220, 4096]) {
    const entries = maxEntries(capacity);
    for (let inserts = 0; inserts < 6 * entries + 3; inserts++) {
      // A conformant encoder's value lies within MaxEntries of the decoder's Insert Count: at
      // most `entries` ahead (blocked), and not older than the oldest entry that can remain.
      const low = Math.max(1, inserts - entries + 1);
      for (let ric = low; ric <= inserts + entries; ric++) {
        const encoded = encodeRequiredInsertCount(ric, entries);
        assert.equal(decodeRequiredInsertCount(encoded, entries, inserts), ric);
      }
    }
  }
  assert.equal(decodeRequiredInsertCount(0, 3, 10), 0);
  assert.equal(decodeRequiredInsertCount(4, 3, 10), 9); // the RFC's example
  assert.equal(decodeRequiredInsertCount(7, 3, 10), undefined); // above 2 * MaxEntries
  assert.equal(decodeRequiredInsertCount(1, 3, 0), undefined); // would be 0
  assert.equal(decodeRequiredInsertCount(5, 3, 0), undefined); // 4 > MaxValue 3, not wrapped
  assert.equal(decodeRequiredInsertCount(1, 0, 0), undefined); // no table: only 0 is valid
});
