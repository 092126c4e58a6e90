/**
 * A small Prometheus metrics registry: counters, gauges and histograms with labels, rendered in
 * the text exposition format 0.0.4. Hot paths (`inc`, `observe`) do one Map lookup and no
 * allocation once a label set has been seen.
 *
 * @module
 */

import { ConfigurationError } from "./config_error.ts";

/** The content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A Prometheus label value escaped for the text format (backslash, newline, double quote).
 *
 * @example
 * ```ts
 * import { escapeLabel } from "./metrics.ts";
 * console.log(escapeLabel('a"b')); // a\"b
 * ```
 */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** Anything the registry can render. */
export interface Metric {
  /** Metric family name. */
  readonly name: string;
  /** Appends this family's exposition text to `out`. */
  render(out: string[]): void;
}

/**
 * The shared base of labelled metric families: label validation and series lookup.
 *
 * @example
 * ```ts
 * import { Counter, LabelledMetric } from "@avila/avx-http/server";
 * console.log(new Counter("x_total", "x") instanceof LabelledMetric); // true
 * ```
 */
export abstract class LabelledMetric<S> implements Metric {
  /** Metric family name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  /** Label names, in the order values are passed. */
  readonly labelNames: readonly string[];
  /** Series by joined label values. */
  protected readonly series: Map<string, { labels: string; value: S }> = new Map();

  /**
   * Validates the names.
   *
   * @param name metric name
   * @param help help text
   * @param labelNames label names
   */
  constructor(name: string, help: string, labelNames: readonly string[]) {
    if (!NAME.test(name)) {
      throw new ConfigurationError("invalid_option", `invalid metric name: ${name}`);
    }
    for (const l of labelNames) {
      if (!LABEL.test(l) || l.startsWith("__")) {
        throw new ConfigurationError("invalid_option", `invalid label name: ${l}`);
      }
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** A new series value. */
  protected abstract create(): S;

  /** The series of these label values, created on first use. */
  protected get(values: readonly string[]): S {
    const key = values.length === 1 ? values[0] : values.join("\u0000");
    let s = this.series.get(key);
    if (s === undefined) {
      if (values.length !== this.labelNames.length) {
        throw new TypeError(
          `${this.name} takes ${this.labelNames.length} label values, got ${values.length}`,
        );
      }
      const labels = values.length === 0 ? "" : this.labelNames
        .map((n, i) => `${n}="${escapeLabel(String(values[i]))}"`)
        .join(",");
      s = { labels, value: this.create() };
      this.series.set(key, s);
    }
    return s.value;
  }

  /** Appends the `# HELP` and `# TYPE` lines. */
  protected header(out: string[], type: string): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${type}`);
  }

  /** Appends the family's exposition text. */
  abstract render(out: string[]): void;
}

/**
 * A monotonically increasing counter.
 *
 * @example
 * ```ts
 * import { Counter } from "@avila/avx-http/server";
 * const requests = new Counter("app_requests_total", "Requests served", ["route"]);
 * requests.inc(["/api/data"]);
 * ```
 */
export class Counter extends LabelledMetric<{ v: number }> {
  /**
   * Creates a counter family.
   *
   * @param name metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`)
   * @param help one line of help text
   * @param labelNames label names, in the order values are passed
   */
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames);
  }

  /** A new series cell. */
  protected create(): { v: number } {
    return { v: 0 };
  }

  /** Adds `amount` (default 1, must not be negative) to the series named by `labels`. */
  inc(labels: readonly string[] = [], amount = 1): void {
    if (!(amount >= 0)) throw new RangeError("a counter only goes up");
    this.get(labels).v += amount;
  }

  /** The current value of one series (0 when never incremented). */
  value(labels: readonly string[] = []): number {
    return this.get(labels).v;
  }

  /**
   * The live cell of one series, for hot paths that resolve labels once: `handle(l).v++`.
   * Callers must only ever add non-negative amounts.
   */
  handle(labels: readonly string[] = []): { v: number } {
    return this.get(labels);
  }

  /** Renders the family. */
  render(out: string[]): void {
    this.header(out, "counter");
    for (const { labels, value } of this.series.values()) {
      out.push(`${this.name}${labels ? `{${labels}}` : ""} ${formatValue(value.v)}`);
    }
  }
}

/**
 * A value that goes up and down (in-flight requests, queue depth).
 *
 * @example
 * ```ts
 * import { Gauge } from "@avila/avx-http/server";
 * const inFlight = new Gauge("app_in_flight", "Requests being served");
 * inFlight.add(1);
 * inFlight.add(-1);
 * ```
 */
export class Gauge extends LabelledMetric<{ v: number }> {
  /**
   * Creates a gauge family.
   *
   * @param name metric name
   * @param help one line of help text
   * @param labelNames label names
   */
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames);
  }

  /** A new series cell. */
  protected create(): { v: number } {
    return { v: 0 };
  }

  /** Sets the series to `value`. */
  set(value: number, labels: readonly string[] = []): void {
    this.get(labels).v = value;
  }

  /** Adds `delta` (may be negative). */
  add(delta: number, labels: readonly string[] = []): void {
    this.get(labels).v += delta;
  }

  /** The current value of one series. */
  value(labels: readonly string[] = []): number {
    return this.get(labels).v;
  }

  /** The live cell of one series, for hot paths: `handle(l).v += d`. */
  handle(labels: readonly string[] = []): { v: number } {
    return this.get(labels);
  }

  /** Renders the family. */
  render(out: string[]): void {
    this.header(out, "gauge");
    for (const { labels, value } of this.series.values()) {
      out.push(`${this.name}${labels ? `{${labels}}` : ""} ${formatValue(value.v)}`);
    }
  }
}

/** Default latency buckets in seconds: 0.5 ms to 10 s. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** One histogram series (per-bucket counts, sum and count), as `Histogram` declares it. */
type HistogramSeries = { counts: Float64Array; sum: number; count: number };

/**
 * A histogram with cumulative buckets, `_sum` and `_count`.
 *
 * @example
 * ```ts
 * import { Histogram } from "@avila/avx-http/server";
 * const latency = new Histogram("app_latency_seconds", "Latency", ["route"]);
 * latency.observe(0.003, ["/api/data"]);
 * ```
 */
export class Histogram extends LabelledMetric<{
  /** Observations per bucket, not cumulative (the last one's upper bound is the last bucket). */
  counts: Float64Array;
  /** Sum of observations. */
  sum: number;
  /** Number of observations. */
  count: number;
}> {
  /** Upper bounds of the buckets, ascending (`+Inf` is implicit). */
  readonly buckets: readonly number[];

  /**
   * Creates a histogram family.
   *
   * @param name metric name
   * @param help one line of help text
   * @param labelNames label names
   * @param buckets ascending upper bounds (defaults to {@link DEFAULT_LATENCY_BUCKETS})
   */
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ) {
    super(name, help, labelNames);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i] > buckets[i - 1])) {
        throw new ConfigurationError("invalid_option", "buckets must ascend");
      }
    }
    this.buckets = buckets;
  }

  /** A new, empty series. */
  protected create(): { counts: Float64Array; sum: number; count: number } {
    return { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
  }

  /** Records one observation. */
  observe(value: number, labels: readonly string[] = []): void {
    this.#record(this.get(labels), value);
  }

  /** An observer bound to one series, for hot paths that resolve labels once. */
  handle(labels: readonly string[] = []): (value: number) => void {
    const s = this.get(labels);
    return (value) => this.#record(s, value);
  }

  #record(s: HistogramSeries, value: number): void {
    const b = this.buckets;
    // Non-cumulative counts here; render() accumulates, so observe stays O(log n)-free and tiny.
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]) {
        s.counts[i]++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }

  /** Count and sum of one series. */
  snapshot(labels: readonly string[] = []): { count: number; sum: number } {
    const s = this.get(labels);
    return { count: s.count, sum: s.sum };
  }

  /** Renders the family. */
  render(out: string[]): void {
    this.header(out, "histogram");
    for (const { labels, value } of this.series.values()) {
      const pre = labels ? `${labels},` : "";
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += value.counts[i];
        out.push(`${this.name}_bucket{${pre}le="${formatValue(this.buckets[i])}"} ${acc}`);
      }
      out.push(`${this.name}_bucket{${pre}le="+Inf"} ${value.count}`);
      const l = labels ? `{${labels}}` : "";
      out.push(
        `${this.name}_sum${l} ${formatValue(value.sum)}`,
        `${this.name}_count${l} ${value.count}`,
      );
    }
  }
}

/**
 * A set of metric families rendered together on `/metrics`. Collectors are callbacks run at
 * scrape time for values kept elsewhere (compressor stats, store sizes).
 *
 * @example
 * ```ts
 * import { Counter, MetricsRegistry } from "@avila/avx-http/server";
 * const registry = new MetricsRegistry();
 * const c = registry.register(new Counter("jobs_total", "Jobs run"));
 * c.inc();
 * console.log(registry.render());
 * ```
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();
  readonly #collectors: Array<(out: string[]) => void> = [];

  /** Adds a metric family; its name must be new to this registry. Returns the metric. */
  register<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new ConfigurationError("invalid_option", `metric ${metric.name} is already registered`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** The registered family of that name, if any. */
  get(name: string): Metric | undefined {
    return this.#metrics.get(name);
  }

  /** Adds a scrape-time collector that appends exposition lines. */
  collect(collector: (out: string[]) => void): void {
    this.#collectors.push(collector);
  }

  /** The whole registry in the Prometheus text format. */
  render(): string {
    const out: string[] = [];
    for (const m of this.#metrics.values()) m.render(out);
    for (const c of this.#collectors) c(out);
    return out.join("\n") + "\n";
  }
}
