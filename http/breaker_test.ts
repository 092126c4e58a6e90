import assert from "node:assert/strict";
import { type BreakerState, CircuitBreaker } from "./breaker.ts";

Deno.test("breaker: consecutive failures open, one probe after openMs, success closes", () => {
  let t = 0;
  const b = new CircuitBreaker({ failureThreshold: 3, openMs: 100, now: () => t });
  assert.equal(b.state, "closed");
  b.failure();
  b.failure();
  b.success(); // resets the consecutive count
  b.failure();
  b.failure();
  assert.equal(b.state, "closed");
  b.failure();
  assert.equal(b.state, "open");
  assert.equal(b.tryAcquire(), false);
  t = 99;
  assert.equal(b.allows(), false);
  t = 100;
  assert.equal(b.state, "half-open");
  assert.equal(b.tryAcquire(), true);
  assert.equal(b.tryAcquire(), false, "only one probe at a time");
  b.failure();
  assert.equal(b.state, "open", "a failed probe reopens");
  t = 200;
  assert.equal(b.tryAcquire(), true);
  b.release();
  assert.equal(b.tryAcquire(), true, "a released probe frees the slot");
  b.success();
  assert.equal(b.state, "closed");
});

Deno.test("breaker: rolling window needs the volume threshold, then opens on the failure rate", () => {
  let t = 0;
  const changes: Array<[BreakerState, BreakerState]> = [];
  const b = new CircuitBreaker({
    failureRate: 0.5,
    volumeThreshold: 10,
    windowMs: 1000,
    buckets: 10,
    openMs: 500,
    halfOpenProbes: 2,
    now: () => t,
    onStateChange: (from, to) => changes.push([from, to]),
  });
  // 9 failures in a row: below the volume threshold, and no consecutive limit in rate mode.
  for (let i = 0; i < 9; i++) b.failure();
  assert.equal(b.state, "closed");
  assert.deepEqual(b.window, { successes: 0, failures: 9 });
  // The window rolls: a second later those failures are gone.
  t = 1000;
  assert.deepEqual(b.window, { successes: 0, failures: 0 });
  for (let i = 0; i < 6; i++) b.success();
  for (let i = 0; i < 3; i++) b.failure();
  assert.equal(b.state, "closed", "9 outcomes < volume 10");
  b.failure(); // 4 of 10 = 40% < 50%
  assert.equal(b.state, "closed");
  b.failure(); // 5 of 11 = 45%
  assert.equal(b.state, "closed");
  b.failure(); // 6 of 12 = 50%
  assert.equal(b.state, "open");
  t = 1500;
  assert.equal(b.tryAcquire(), true);
  assert.equal(b.tryAcquire(), true);
  assert.equal(b.tryAcquire(), false, "two probes at most");
  b.success();
  assert.equal(b.state, "half-open", "one probe success is not enough");
  b.success();
  assert.equal(b.state, "closed");
  assert.deepEqual(b.window, { successes: 0, failures: 0 }, "closing starts a fresh window");
  assert.deepEqual(changes, [["closed", "open"], ["open", "half-open"], ["half-open", "closed"]]);
});

Deno.test("breaker: partial window expiry keeps recent buckets only", () => {
  let t = 0;
  const b = new CircuitBreaker({ failureRate: 0.9, windowMs: 1000, buckets: 4, now: () => t });
  b.failure(); // bucket 0 (0..249)
  t = 300;
  b.success(); // bucket 1
  t = 1100; // bucket 4: bucket 0 expired, bucket 1 still inside (4 - 1 < 4)
  assert.deepEqual(b.window, { successes: 1, failures: 0 });
  t = 1250; // bucket 5: bucket 1 expired
  assert.deepEqual(b.window, { successes: 0, failures: 0 });
});

Deno.test("breaker: bad options are clamped to safe values", () => {
  let t = 0;
  const b = new CircuitBreaker({
    failureThreshold: -3,
    failureRate: 7,
    buckets: 1e9,
    windowMs: -1,
    openMs: -5,
    now: () => t,
  });
  b.failure(); // threshold clamps to 1; rate 7 is ignored
  assert.equal(b.state, "half-open", "openMs clamps to 0: probe at once");
  t = 1;
  assert.equal(b.tryAcquire(), true);
  b.success();
  assert.equal(b.state, "closed");
  b.reset();
  assert.equal(b.failures, 0);
});

Deno.test("breaker: waitMs says when to ask again; changed() settles on the probe's outcome", async () => {
  let t = 0;
  const b = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now: () => t });
  assert.equal(b.waitMs, 0);
  b.failure();
  assert.equal(b.waitMs, 100);
  t = 60;
  assert.equal(b.waitMs, 40);
  t = 100;
  assert.equal(b.waitMs, 0, "half-open with a free probe slot");
  assert.equal(b.tryAcquire(), true);
  assert.equal(b.waitMs, Infinity, "the probe is out: its outcome decides");
  let settled = 0;
  const first = b.changed().then(() => settled++);
  assert.equal(b.changed(), b.changed(), "one promise per change, whoever waits");
  await Promise.resolve();
  assert.equal(settled, 0);
  b.release(); // the probe said nothing (aborted): the slot is free again
  await first;
  assert.equal(settled, 1);
  assert.equal(b.waitMs, 0);
  assert.equal(b.tryAcquire(), true);
  const second = b.changed();
  b.failure(); // a failed probe reopens
  await second;
  assert.equal(b.state, "open");
  assert.equal(b.waitMs, 100);
  t = 200;
  b.tryAcquire();
  const third = b.changed();
  b.success();
  await third;
  assert.equal(b.state, "closed");
  assert.equal(b.waitMs, 0);
});
