import assert from "node:assert/strict";
import { gcraStep } from "./gcra.ts";
import { RateLimitError, resolvePolicy } from "./policy.ts";
import { slidingWindowStep } from "./sliding_window.ts";
import { applyPolicy, type RateLimitState } from "./store.ts";

Deno.test("resolvePolicy fills defaults and rejects bad policies with typed errors", () => {
  const p = resolvePolicy({ limit: 100, windowSeconds: 60 });
  assert.equal(p.name, "default");
  assert.equal(p.algorithm, "gcra");
  assert.equal(p.burst, 100);
  assert.equal(p.policyItem, '"default";q=100;w=60');
  const b = resolvePolicy({ name: "bw", limit: 65535, windowSeconds: 10, unit: "content-bytes" });
  assert.equal(b.policyItem, '"bw";q=65535;qu="content-bytes";w=10');
  for (
    const bad of [
      { limit: 0, windowSeconds: 1 },
      { limit: 1.5, windowSeconds: 1 },
      { limit: 10, windowSeconds: 0 },
      { limit: 10, windowSeconds: 1, name: 'a"b' },
      { limit: 10, windowSeconds: 1, algorithm: "leaky" },
      { limit: 10, windowSeconds: 1, unit: "bytes" },
      { limit: 10, windowSeconds: 1, cost: 11 },
      { limit: Number.NaN, windowSeconds: 1 },
      { limit: 600_001, windowSeconds: 60 }, // finer than GCRA's epoch-ms clock counts exactly
    ]
  ) {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => resolvePolicy(bad as any),
      (e) => e instanceof RateLimitError && e.code === "invalid_policy",
      JSON.stringify(bad),
    );
  }
});

Deno.test("GCRA counts every request up to its finest limit (10,000 per second) on an epoch clock", () => {
  const p = resolvePolicy({ limit: 600_000, windowSeconds: 60 });
  const now = 1_795_000_000_000; // epoch ms in 2026: doubles here step by ~0.24 µs
  let s: RateLimitState | undefined;
  let last = p.limit;
  for (let i = 0; i < 100_000; i++) {
    const step = gcraStep(p, s, now, 1, 1);
    assert.ok(step.decision.allowed);
    assert.ok(step.decision.remaining < last, `request ${i} was not counted`);
    last = step.decision.remaining;
    s = step.state;
  }
  // Rounding at epoch magnitude skews each step by < 0.12% at this interval (never loses one).
  const counted = p.limit - last;
  assert.ok(counted >= 100_000 && counted <= 100_200, `${counted} counted for 100000`);
  // The same limit as a sliding window is not bounded by the clock.
  assert.doesNotThrow(() =>
    resolvePolicy({ limit: 1e12, windowSeconds: 60, algorithm: "sliding-window" })
  );
});

Deno.test("GCRA admits exactly burst units at once and refills at limit/window", () => {
  const p = resolvePolicy({ limit: 10, windowSeconds: 10, burst: 3 }); // 1 unit per second
  let s: RateLimitState | undefined;
  const admitted: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    const step = gcraStep(p, s, 1_000_000, 1, 1);
    admitted.push(step.decision.allowed);
    if (step.state) s = step.state;
  }
  assert.deepEqual(admitted, [true, true, true, false, false]);
  const denied = gcraStep(p, s, 1_000_000, 1, 1);
  assert.equal(denied.decision.retryAfterSeconds, 1);
  assert.equal(denied.decision.remaining, 0);
  // 999 ms later still nothing; at 1000 ms one unit is back.
  assert.equal(gcraStep(p, s, 1_000_999, 1, 1).decision.allowed, false);
  const later = gcraStep(p, s, 1_001_000, 1, 1);
  assert.equal(later.decision.allowed, true);
  assert.equal(later.decision.remaining, 0);
  // Full after 3 s of no traffic.
  assert.equal(gcraStep(p, s, 1_003_000, 0, 1).decision.remaining, 3);
});

Deno.test("GCRA with a fractional emission interval stays exact over a whole window", () => {
  const p = resolvePolicy({ limit: 7, windowSeconds: 60 });
  let s: RateLimitState | undefined;
  let n = 0;
  for (let i = 0; i < 20; i++) {
    const step = gcraStep(p, s, 5_000, 1, 1);
    if (step.decision.allowed) n++;
    if (step.state) s = step.state;
  }
  assert.equal(n, 7);
});

Deno.test("GCRA weighted cost and post-hoc overdraft", () => {
  const p = resolvePolicy({ limit: 100, windowSeconds: 100 }); // 1 unit/s
  const a = applyPolicy(p, undefined, 0, 40, 40);
  assert.equal(a.decision.remaining, 60);
  const b = applyPolicy(p, a.state, 0, 70, 70);
  assert.equal(b.decision.allowed, false);
  assert.equal(b.decision.retryAfterSeconds, 10);
  // need 1, cost 500: admitted and overdrawn; the next request waits out the debt.
  const c = applyPolicy(p, a.state, 0, 500, 1);
  assert.equal(c.decision.allowed, true);
  assert.equal(c.decision.remaining, 0);
  const d = applyPolicy(p, c.state, 0, 0, 1);
  assert.equal(d.decision.allowed, false);
  assert.equal(d.decision.retryAfterSeconds, 441); // 540 s of debt - 100 s bucket + 1 unit
});

Deno.test("sliding window weighs the previous window by its overlap", () => {
  const p = resolvePolicy({ limit: 10, windowSeconds: 60, algorithm: "sliding-window" });
  let s: RateLimitState | undefined;
  for (let i = 0; i < 10; i++) {
    const step = slidingWindowStep(p, s, 30_000, 1, 1);
    assert.equal(step.decision.allowed, true);
    assert.equal(step.decision.remaining, 9 - i);
    s = step.state;
  }
  const full = slidingWindowStep(p, s, 59_000, 1, 1);
  assert.equal(full.decision.allowed, false);
  assert.equal(full.decision.resetSeconds, 1);
  // Next window at 60 s: previous 10 weighted by (60-e)/60: room for 1 once e >= 6 s.
  assert.equal(full.decision.retryAfterSeconds, 7);
  assert.equal(slidingWindowStep(p, s, 65_999, 1, 1).decision.allowed, false);
  const ok = slidingWindowStep(p, s, 66_000, 1, 1);
  assert.equal(ok.decision.allowed, true);
  assert.equal(ok.decision.remaining, 0);
  // At 90 s half the previous window counts: 5 + 1 used.
  const half = slidingWindowStep(p, ok.state, 90_000, 1, 1);
  assert.equal(half.decision.remaining, 3);
  // Two windows later everything is forgotten.
  assert.equal(slidingWindowStep(p, half.state, 180_000, 0, 1).decision.remaining, 10);
});

Deno.test("random sequences: no algorithm ever admits more than burst + elapsed refill", () => {
  for (const algorithm of ["gcra", "sliding-window"] as const) {
    const p = resolvePolicy({ limit: 20, windowSeconds: 2, algorithm });
    let s: RateLimitState | undefined;
    let t = 0;
    let admitted = 0;
    for (let i = 0; i < 5000; i++) {
      t += Math.floor(Math.random() * 30);
      const cost = 1 + Math.floor(Math.random() * 3);
      const step = applyPolicy(p, s, t, cost, cost);
      if (step.decision.allowed) admitted += cost;
      assert.ok(step.decision.remaining >= 0 && Number.isInteger(step.decision.remaining));
      assert.ok(step.decision.allowed || step.decision.retryAfterSeconds >= 1);
      if (step.state) s = step.state;
    }
    // GCRA: burst + rate·t. Sliding window: at most 2·limit per fixed window of 2 s.
    const bound = algorithm === "gcra" ? 20 + (t / 2000) * 20 : (Math.floor(t / 2000) + 1) * 20;
    assert.ok(admitted <= bound + 1e-9, `${algorithm}: ${admitted} > ${bound}`);
    assert.ok(admitted > 0);
  }
});
