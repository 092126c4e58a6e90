import assert from "node:assert/strict";
import { Algorithm, Compressor } from "../../compress/mod.ts";
import { Route, Server } from "../mod.ts";
import { listenLocal } from "../_test_util.ts";
import { MetricsRegistry } from "../../http/metrics.ts";
import { exportCompressorStats, renderCompressorStats } from "./compressor.ts";

const body = new TextEncoder().encode(JSON.stringify(
  Array.from({ length: 300 }, (_, i) => ({ id: i, region: "eu-west-1", status: "ok" })),
));

/** Parses exposition lines into `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

Deno.test("exportCompressorStats: live values per name and algorithm at every scrape", async () => {
  const registry = new MetricsRegistry();
  const api = Compressor.new(Algorithm.Zstd).build();
  const auto = Compressor.forAvilaDB().autoDetectPattern().build();
  exportCompressorStats(registry, { api, 'we"ird\nname': auto });
  assert.ok(!registry.render().includes("avx_compressor_calls_total{"), "no series before use");
  const packed = await api.compress(body);
  await api.compress(body);
  await api.decompress(packed);
  await assert.rejects(api.decompress(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xff])));
  await auto.compress(body);
  const text = registry.render();
  const s = samples(text);
  const a = 'name="api",algorithm="zstd"';
  assert.equal(s.get(`avx_compressor_calls_total{${a}}`), 2);
  assert.equal(s.get(`avx_compressor_bytes_in_total{${a}}`), 2 * body.length);
  assert.equal(s.get(`avx_compressor_bytes_out_total{${a}}`), 2 * packed.length);
  assert.ok(s.get(`avx_compressor_seconds_total{${a}}`)! > 0);
  assert.equal(s.get('avx_compressor_ratio{name="api"}'), body.length / packed.length);
  assert.equal(s.get('avx_compressor_errors_total{name="api"}'), 1);
  assert.equal(s.get('avx_compressor_decompress_calls_total{name="api"}'), 1);
  assert.equal(s.get('avx_compressor_decompress_bytes_out_total{name="api"}'), body.length);
  const weird = 'name="we\\"ird\\nname"';
  assert.equal(
    s.get(`avx_compressor_choices_total{${weird},algorithm="zstd",level="3",reason="bytes"}`),
    1,
    text,
  );
  // One HELP/TYPE per family, before its series.
  assert.equal(text.match(/# TYPE avx_compressor_calls_total counter/g)?.length, 1);
  assert.ok(
    text.indexOf("# TYPE avx_compressor_ratio gauge") < text.indexOf("avx_compressor_ratio{"),
  );
  // Live: a later call shows up in the next scrape.
  api.compressSync(body);
  assert.equal(samples(registry.render()).get(`avx_compressor_calls_total{${a}}`), 3);
});

Deno.test("renderCompressorStats: Map and function sources", () => {
  const c = Compressor.new(Algorithm.Lz4).build();
  c.compressSync(body);
  for (const source of [new Map([["m", c]]), () => [["m", c] as const]]) {
    const out: string[] = [];
    renderCompressorStats(source, out);
    assert.ok(
      out.includes(`avx_compressor_bytes_in_total{name="m",algorithm="lz4"} ${body.length}`),
    );
  }
});

Deno.test("exportCompressorStats: served on the app's /metrics over a real socket", async () => {
  const app = new Server().route("/data", Route.get((c) => c.text("ok"))).build();
  const responses = Compressor.new(Algorithm.Lz4).build();
  exportCompressorStats(app.metrics, { responses });
  responses.compressSync(body);
  await using srv = listenLocal(app);
  const res = await fetch(new URL("/metrics", srv.url));
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.equal(
    samples(text).get('avx_compressor_bytes_in_total{name="responses",algorithm="lz4"}'),
    body.length,
  );
});
