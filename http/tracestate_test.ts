import assert from "node:assert/strict";
import { normalizeTracestate, parseTracestate, startTrace } from "../middleware/telemetry/mod.ts";

const PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

Deno.test("tracestate: W3C §3.3 grammar (keys, multi-tenant keys, values, limits)", () => {
  assert.deepEqual(parseTracestate("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"), [
    { key: "congo", value: "t61rcWkgMzE" },
    { key: "rojo", value: "00f067aa0ba902b7" },
  ]);
  assert.equal(normalizeTracestate(" a=1 ,\t, b=x y "), "a=1,b=x y");
  assert.equal(normalizeTracestate("tenant1@sys=v"), "tenant1@sys=v");
  assert.equal(normalizeTracestate("1tenant@sys=v"), "1tenant@sys=v");
  assert.equal(normalizeTracestate("a_*-/9=!~"), "a_*-/9=!~");
  const max = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(",");
  assert.equal(normalizeTracestate(max), max);
  for (
    const bad of [
      "A=1", // uppercase key
      "1abc=1", // simple key starts with a letter
      "a=", // empty value
      "=1",
      "a",
      "a=1,a=2", // duplicate key
      "a=x=y", // '=' in value
      "a=\u00e9", // non-ASCII
      "t@S=1", // system id uppercase
      "t@sys12345678901234=1", // system id longer than 14
      `${"a".repeat(257)}=1`, // key longer than 256
      `a=${"v".repeat(257)}`, // value longer than 256
      Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","), // 33 members
    ]
  ) assert.equal(parseTracestate(bad), null, JSON.stringify(bad));
  assert.equal(normalizeTracestate(""), undefined);
  assert.equal(normalizeTracestate(",,"), undefined);
  assert.equal(parseTracestate("x".repeat(100_000)), null);
});

Deno.test("tracestate: kept with a valid traceparent, dropped when invalid or without parent", () => {
  assert.equal(startTrace(PARENT, "vendor=1, other=2").tracestate, "vendor=1,other=2");
  assert.equal(startTrace(PARENT, "Vendor=1").tracestate, undefined);
  assert.equal(startTrace(null, "vendor=1").tracestate, undefined);
});

Deno.test("tracestate: random inputs never throw", () => {
  const alphabet = "ab=, @\t*-/_0Z\u0000~\u00ff";
  for (let n = 0; n < 2000; n++) {
    let s = "";
    const len = Math.floor(Math.random() * 40);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
    const parsed = parseTracestate(s);
    if (parsed !== null) {
      // Whatever parses re-parses to the same members once normalised.
      const norm = normalizeTracestate(s);
      assert.deepEqual(parseTracestate(norm ?? ""), parsed.length ? parsed : []);
    }
  }
});
