import assert from "node:assert/strict";
import { DynamicTable } from "./dynamic_table.ts";
import {
  decodeRequiredInsertCount,
  encodeRequiredInsertCount,
  maxEntries,
} from "./required_insert_count.ts";

Deno.test("dynamic table: an endless stream of inserts stays within the capacity", () => {
  const table = new DynamicTable();
  table.setCapacity(4096);
  for (let i = 0; i < 100_000; i++) {
    assert.ok(table.insert(`x-name-${i % 7}`, "v".repeat(i % 200)));
    assert.ok(table.size <= 4096);
  }
  assert.equal(table.insertCount, 100_000);
  // Only the newest entries remain; the oldest of them is exactly the first that still fits.
  const first = table.firstIndex;
  assert.equal(table.get(first - 1), undefined);
  assert.deepEqual(table.get(99_999), [`x-name-${99_999 % 7}`, "v".repeat(99_999 % 200)]);
  let size = 0;
  for (let i = first; i < 100_000; i++) size += DynamicTable.entrySize(...table.get(i)!);
  assert.equal(size, table.size);
  // The entry evicted last would not have fitted next to them.
  const evicted = DynamicTable.entrySize(
    `x-name-${(first - 1) % 7}`,
    "v".repeat((first - 1) % 200),
  );
  assert.ok(size + evicted > 4096);
});

Deno.test("dynamic table: capacity changes evict, an entry larger than the capacity is refused", () => {
  const table = new DynamicTable();
  table.setCapacity(100);
  assert.ok(table.insert("a", "b")); // 34
  assert.ok(table.insert("c", "d")); // 34
  assert.equal(table.size, 68);
  table.setCapacity(40);
  assert.equal(table.size, 34);
  assert.equal(table.get(0), undefined);
  assert.deepEqual(table.get(1), ["c", "d"]);
  assert.equal(table.insert("x", "y".repeat(8)), false); // 41 > 40
  assert.equal(table.insertCount, 2);
  table.setCapacity(0);
  assert.equal(table.size, 0);
  assert.equal(table.firstIndex, 2);
});

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
