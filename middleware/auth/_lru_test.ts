import assert from "node:assert/strict";
import { ExpiringLru } from "./_lru.ts";

Deno.test("ExpiringLru evicts the least recently used entry, with recency kept to a second", () => {
  const lru = new ExpiringLru<string, number>(2);
  lru.set("a", 1, 60_000);
  lru.set("b", 2, 60_000);
  assert.equal(lru.get("a", 0), 1); // a's first hit moves it after b
  lru.set("c", 3, 60_000); // evicts b
  assert.equal(lru.get("b", 1), undefined);
  assert.equal(lru.get("a", 2), 1);
  // a was moved at t=0: hits within the next second leave it where it is, so c (moved first
  // at t=500) ends up the most recent and a is evicted next.
  assert.equal(lru.get("c", 500), 3);
  lru.set("d", 4, 60_000);
  assert.equal(lru.get("a", 600), undefined);
  assert.equal(lru.get("c", 600), 3);
  assert.equal(lru.get("d", 600), 4);
  assert.equal(lru.size, 2);
});

Deno.test("ExpiringLru drops entries at their expiry and holds nothing with capacity 0", () => {
  const lru = new ExpiringLru<string, number>(10);
  lru.set("k", 1, 100);
  assert.equal(lru.get("k", 99), 1);
  assert.equal(lru.get("k", 100), undefined);
  assert.equal(lru.size, 0);
  const none = new ExpiringLru<string, number>(0);
  none.set("k", 1, 100);
  assert.equal(none.get("k", 0), undefined);
});
