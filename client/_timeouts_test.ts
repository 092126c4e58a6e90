import assert from "node:assert/strict";
import { TimeoutQueue } from "./_timeouts.ts";
import { seeded } from "./_test_servers.ts";

function until(p: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (p()) return resolve();
      if (performance.now() > end) return reject(new Error("condition not reached"));
      setTimeout(tick, 2);
    };
    tick();
  });
}

for (const shared of [true, false]) {
  Deno.test(`TimeoutQueue (${shared ? "one shared timer" : "a timer per entry"}): fires due entries in order, never deleted ones`, async () => {
    const q = new TimeoutQueue({ shared });
    const rng = seeded(shared ? 11 : 12);
    const fired: Array<{ id: number; at: number; late: number }> = [];
    const expected = new Set<number>();
    const entries = [];
    for (let id = 0; id < 300; id++) {
      const ms = Math.floor(rng() * 40);
      const t = q.add(
        ms,
        () => fired.push({ id, at: t.at, late: performance.now() - t.at }),
        id % 2 === 0,
      );
      entries.push(t);
      expected.add(id);
    }
    // Delete a random third, some twice (a no-op the second time).
    for (let id = 0; id < 300; id++) {
      if (rng() < 0.33) {
        q.delete(entries[id]);
        if (rng() < 0.5) q.delete(entries[id]);
        expected.delete(id);
      }
    }
    if (shared) assert.equal(q.size, expected.size);
    await until(() => fired.length >= expected.size);
    await new Promise((r) => setTimeout(r, 50)); // nothing else may fire later
    assert.deepEqual(new Set(fired.map((f) => f.id)), expected);
    assert.equal(fired.length, expected.size);
    for (const f of fired) assert.ok(f.late >= -1, `entry ${f.id} fired ${-f.late} ms early`);
    if (shared) {
      for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1].at <= fired[i].at);
      assert.equal(q.size, 0);
    }
    // A fired entry's delete is a no-op.
    q.delete(entries[[...expected][0]]);
  });
}

Deno.test("TimeoutQueue: holds the process up only while a keep-alive entry is pending", async () => {
  const q = new TimeoutQueue({ shared: true });
  assert.equal(q.referenced, false);
  const body = q.add(60_000, () => {}, false);
  assert.equal(q.referenced, false);
  const attempt = q.add(30_000, () => {}, true);
  assert.equal(q.referenced, true);
  const attempt2 = q.add(30_000, () => {}, true);
  q.delete(attempt);
  assert.equal(q.referenced, true);
  q.delete(attempt2);
  assert.equal(q.referenced, false);
  // An entry added from inside a firing callback is armed too.
  let inner = false;
  q.add(1, () => q.add(1, () => inner = true, true), true);
  assert.equal(q.referenced, true);
  await until(() => inner);
  assert.equal(q.referenced, false);
  q.delete(body);
  assert.equal(q.size, 0);
});

Deno.test("TimeoutQueue: a long timeout armed first does not delay a shorter one added later", async () => {
  const q = new TimeoutQueue({ shared: true });
  const long = q.add(60_000, () => assert.fail("the long entry fired"), true);
  let short = false;
  q.add(5, () => short = true, true);
  await until(() => short, 1000);
  q.delete(long);
  assert.equal(q.referenced, false);
});

Deno.test("TimeoutQueue: delays past the 32-bit timer limit wait instead of firing at once", async () => {
  for (const shared of [true, false]) {
    const q = new TimeoutQueue({ shared });
    let fired = false;
    const far = q.add(2 ** 33, () => fired = true, false);
    let near = false;
    q.add(20, () => near = true, true);
    await until(() => near);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(fired, false);
    q.delete(far);
  }
});
