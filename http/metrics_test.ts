import { ConfigurationError } from "./config_error.ts";
import assert from "node:assert/strict";
import { Counter, Gauge, Histogram, MetricsRegistry } from "../server/mod.ts";

Deno.test("exposition format: help, type, escaped labels, cumulative buckets", () => {
  const r = new MetricsRegistry();
  const c = r.register(new Counter("t_total", "A counter\nwith newline", ["path"]));
  c.inc(['a"b\\c\nd']);
  c.inc(['a"b\\c\nd'], 2);
  const g = r.register(new Gauge("t_gauge", "A gauge"));
  g.set(5);
  g.add(-2);
  const h = r.register(new Histogram("t_seconds", "A histogram", [], [0.1, 1]));
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  r.collect((out) => out.push("# extra", "extra_metric 1"));
  const text = r.render();
  assert.match(text, /^# HELP t_total A counter\\nwith newline$/m);
  assert.match(text, /^# TYPE t_total counter$/m);
  assert.match(text, /^t_total\{path="a\\"b\\\\c\\nd"\} 3$/m);
  assert.match(text, /^t_gauge 3$/m);
  assert.match(text, /^t_seconds_bucket\{le="0.1"\} 1$/m);
  assert.match(text, /^t_seconds_bucket\{le="1"\} 2$/m);
  assert.match(text, /^t_seconds_bucket\{le="\+Inf"\} 3$/m);
  assert.match(text, /^t_seconds_sum 5.55$/m);
  assert.match(text, /^t_seconds_count 3$/m);
  assert.match(text, /^extra_metric 1$/m);
  assert.ok(text.endsWith("\n"));
});

Deno.test("registry rejects bad names, duplicate families, wrong label counts and negative increments", () => {
  const r = new MetricsRegistry();
  assert.throws(() => new Counter("bad-name", "x"), ConfigurationError);
  assert.throws(() => new Counter("ok", "x", ["__reserved"]), ConfigurationError);
  r.register(new Counter("dup", "x"));
  assert.throws(() => r.register(new Counter("dup", "x")), ConfigurationError);
  const c = new Counter("two", "x", ["a", "b"]);
  assert.throws(() => c.inc(["only-one"]), TypeError);
  assert.throws(() => c.inc(["a", "b"], -1), RangeError);
  assert.throws(() => new Histogram("h", "x", [], [1, 1]), ConfigurationError);
});
