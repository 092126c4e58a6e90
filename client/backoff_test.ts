import assert from "node:assert/strict";
import { fullJitterDelay, parseRateLimitReset, parseRetryAfter } from "./backoff.ts";
import { seeded } from "./_test_servers.ts";

Deno.test("fullJitterDelay is random() * min(cap, base * 2^attempt)", () => {
  assert.equal(fullJitterDelay(0, { baseMs: 100, capMs: 5000 }, () => 1), 100);
  assert.equal(fullJitterDelay(3, { baseMs: 100, capMs: 5000 }, () => 1), 800);
  assert.equal(fullJitterDelay(10, { baseMs: 100, capMs: 5000 }, () => 1), 5000);
  assert.equal(fullJitterDelay(5000, { baseMs: 100, capMs: 5000 }, () => 1), 5000);
  assert.equal(fullJitterDelay(3, {}, () => 0), 0);
  // garbage from a random source is clamped, never negative or NaN
  assert.equal(fullJitterDelay(1, { baseMs: 10 }, () => NaN), 0);
  assert.equal(fullJitterDelay(1, { baseMs: 10 }, () => 7), 20);
  const rng = seeded(3);
  for (let a = 0; a < 20; a++) {
    const d = fullJitterDelay(a, { baseMs: 50, capMs: 2000 }, rng);
    assert.ok(d >= 0 && d <= Math.min(2000, 50 * 2 ** a), `attempt ${a}: ${d}`);
  }
  // full jitter spreads delays across the whole window
  const spread = Array.from({ length: 2000 }, () => fullJitterDelay(4, { baseMs: 100 }, rng));
  const mean = spread.reduce((a, b) => a + b, 0) / spread.length;
  assert.ok(mean > 700 && mean < 900, `mean ${mean}`);
});

Deno.test("parseRetryAfter: delay-seconds and the three HTTP-date forms", () => {
  const now = Date.parse("Sun, 06 Nov 1994 08:49:30 GMT");
  assert.equal(parseRetryAfter("0", now), 0);
  assert.equal(parseRetryAfter(" 120 ", now), 120_000);
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), 7000);
  assert.equal(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), 7000);
  assert.equal(parseRetryAfter("Sun Nov  6 08:49:37 1994", now) !== null, true);
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);
  for (const bad of [null, undefined, "", "-1", "1.5", "soon", "12345678901", "99999999999999"]) {
    assert.equal(parseRetryAfter(bad, now), null, String(bad));
  }
});

Deno.test("parseRateLimitReset: current draft list, older dictionary, separate headers", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  assert.equal(parseRateLimitReset(h({ ratelimit: '"default";r=0;t=5' })), 5000);
  assert.equal(parseRateLimitReset(h({ ratelimit: '"default";r=3;t=5' })), null);
  assert.equal(
    parseRateLimitReset(h({ ratelimit: '"a";r=0;t=5, "b";r=0;t=30, "c";r=9;t=99' })),
    30_000,
  );
  assert.equal(parseRateLimitReset(h({ ratelimit: '"p;x,y";r=0;t=2' })), 2000);
  assert.equal(parseRateLimitReset(h({ ratelimit: "limit=10, remaining=0, reset=7" })), 7000);
  assert.equal(parseRateLimitReset(h({ ratelimit: "limit=10, remaining=4, reset=7" })), null);
  assert.equal(
    parseRateLimitReset(h({ "ratelimit-remaining": "0", "ratelimit-reset": "9" })),
    9000,
  );
  assert.equal(parseRateLimitReset(h({})), null);
  for (const junk of ['"x";r=0;t=-1', '"x";r=0;t=abc', '"x;r=0;t=5', ";;;", '"x";r=0']) {
    assert.equal(parseRateLimitReset(h({ ratelimit: junk })), null, junk);
  }
});

Deno.test("header parsers never throw on random input", () => {
  const rng = seeded(11);
  const alphabet = '0123456789;=,"\\ rtabcGMTSun:-';
  for (let i = 0; i < 3000; i++) {
    let v = "";
    const len = Math.floor(rng() * 40);
    for (let j = 0; j < len; j++) v += alphabet[Math.floor(rng() * alphabet.length)];
    const ra = parseRetryAfter(v, 0);
    assert.ok(ra === null || (Number.isFinite(ra) && ra >= 0), v);
    const rl = parseRateLimitReset(new Headers({ ratelimit: v, "ratelimit-reset": v }));
    assert.ok(rl === null || (Number.isFinite(rl) && rl >= 0), v);
  }
});
