/**
 * Compressor statistics on `/metrics`: a scrape-time collector that renders every named
 * `Compressor`'s `stats()` as Prometheus counter and gauge families.
 *
 * | Family                                     | Type    | Labels                          |
 * | ------------------------------------------ | ------- | ------------------------------- |
 * | `avx_compressor_calls_total`               | counter | name, algorithm                 |
 * | `avx_compressor_bytes_in_total`            | counter | name, algorithm                 |
 * | `avx_compressor_bytes_out_total`           | counter | name, algorithm                 |
 * | `avx_compressor_seconds_total`             | counter | name, algorithm                 |
 * | `avx_compressor_ratio`                     | gauge   | name                            |
 * | `avx_compressor_errors_total`              | counter | name                            |
 * | `avx_compressor_decompress_calls_total`    | counter | name                            |
 * | `avx_compressor_decompress_bytes_in_total` | counter | name                            |
 * | `avx_compressor_decompress_bytes_out_total`| counter | name                            |
 * | `avx_compressor_decompress_seconds_total`  | counter | name                            |
 * | `avx_compressor_choices_total`             | counter | name, algorithm, level, reason  |
 *
 * `algorithm` is the one actually used (what `Algorithm.Auto` picked); `reason` is bounded
 * (`stored`, the columnar transforms, the element type, or `bytes`).
 *
 * @module
 */

import type { Compressor } from "@avila/compress";
import { escapeLabel, type MetricsRegistry } from "../../http/metrics.ts";

type CompressorSource = Parameters<typeof exportCompressorStats>[1];

function entries(source: CompressorSource): Iterable<readonly [string, Compressor]> {
  if (typeof source === "function") return source();
  if (source instanceof Map) return source.entries();
  return Object.entries(source as Record<string, Compressor>);
}

interface Family {
  name: string;
  type: "counter" | "gauge";
  help: string;
  lines: string[];
}

function family(name: string, type: "counter" | "gauge", help: string): Family {
  return { name: `avx_compressor_${name}`, type, help, lines: [] };
}

function labels(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/**
 * Registers a collector that renders the stats of `compressors` on every scrape of
 * `registry` (the server's `/metrics`). Values are read live; nothing is copied in between.
 *
 * @param registry the app's registry (`app.metrics`, or `appRuntime(c).metrics`)
 * @param compressors compressors by name (the `name` label)
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor } from "@avila/compress";
 * import { exportCompressorStats, MetricsRegistry } from "@avila/avx-http/server";
 * const registry = new MetricsRegistry();
 * const api = Compressor.new(Algorithm.Zstd).build();
 * exportCompressorStats(registry, { api });
 * await api.compress(new TextEncoder().encode("hello hello hello hello"));
 * console.log(registry.render().includes('avx_compressor_calls_total{name="api",algorithm="zstd"} 1'));
 * // true
 * ```
 */
export function exportCompressorStats(
  registry: MetricsRegistry,
  compressors:
    | Readonly<Record<string, Compressor>>
    | ReadonlyMap<string, Compressor>
    | (() => Iterable<readonly [string, Compressor]>),
): void {
  registry.collect((out) => renderCompressorStats(compressors, out));
}

/**
 * Appends the exposition lines of `compressors`' stats to `out` (what the collector of
 * {@link exportCompressorStats} does at each scrape). Families without series are omitted.
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor } from "@avila/compress";
 * import { renderCompressorStats } from "./compressor.ts";
 * const c = Compressor.new(Algorithm.Lz4).build();
 * c.compressSync(new Uint8Array(1000));
 * const out: string[] = [];
 * renderCompressorStats({ c }, out);
 * console.log(out.includes('avx_compressor_bytes_in_total{name="c",algorithm="lz4"} 1000')); // true
 * ```
 */
export function renderCompressorStats(compressors: CompressorSource, out: string[]): void {
  const calls = family("calls_total", "counter", "Compress calls, by the algorithm used.");
  const bytesIn = family("bytes_in_total", "counter", "Uncompressed bytes compressed.");
  const bytesOut = family("bytes_out_total", "counter", "Compressed bytes produced.");
  const seconds = family("seconds_total", "counter", "Time spent compressing.");
  const ratio = family("ratio", "gauge", "Uncompressed over compressed bytes, all calls.");
  const errors = family("errors_total", "counter", "Compress or decompress calls that failed.");
  const dCalls = family("decompress_calls_total", "counter", "Decompress calls.");
  const dIn = family("decompress_bytes_in_total", "counter", "Compressed bytes decoded.");
  const dOut = family("decompress_bytes_out_total", "counter", "Bytes restored by decoding.");
  const dSeconds = family("decompress_seconds_total", "counter", "Time spent decompressing.");
  const choices = family(
    "choices_total",
    "counter",
    "Algorithm.Auto decisions by algorithm, level and kind of evidence.",
  );
  for (const [name, compressor] of entries(compressors)) {
    const s = compressor.stats();
    for (const [alg, c] of Object.entries(s.byAlgorithm)) {
      const l = labels([["name", name], ["algorithm", alg]]);
      calls.lines.push(`${calls.name}{${l}} ${num(c.calls)}`);
      bytesIn.lines.push(`${bytesIn.name}{${l}} ${num(c.bytesIn)}`);
      bytesOut.lines.push(`${bytesOut.name}{${l}} ${num(c.bytesOut)}`);
      seconds.lines.push(`${seconds.name}{${l}} ${num(c.timeMs / 1000)}`);
    }
    const n = labels([["name", name]]);
    ratio.lines.push(`${ratio.name}{${n}} ${num(s.ratio)}`);
    errors.lines.push(`${errors.name}{${n}} ${num(s.errors)}`);
    dCalls.lines.push(`${dCalls.name}{${n}} ${num(s.decompress.calls)}`);
    dIn.lines.push(`${dIn.name}{${n}} ${num(s.decompress.bytesIn)}`);
    dOut.lines.push(`${dOut.name}{${n}} ${num(s.decompress.bytesOut)}`);
    dSeconds.lines.push(`${dSeconds.name}{${n}} ${num(s.decompress.timeMs / 1000)}`);
    for (const ch of s.choices) {
      const l = labels([
        ["name", name],
        ["algorithm", ch.algorithm],
        ["level", String(ch.level)],
        ["reason", ch.reason],
      ]);
      choices.lines.push(`${choices.name}{${l}} ${num(ch.count)}`);
    }
  }
  for (
    const f of [
      calls,
      bytesIn,
      bytesOut,
      seconds,
      ratio,
      errors,
      dCalls,
      dIn,
      dOut,
      dSeconds,
      choices,
    ]
  ) {
    if (f.lines.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines);
  }
}
