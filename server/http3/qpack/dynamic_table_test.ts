import assert from "node:assert/strict";
import { DynamicTable } from "./dynamic_table.ts";

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
