/**
 * Deterministic benchmark corpora: JSON API rows, log text, a float64 series, int64
 * timestamps, and a real text file present on every Debian/Ubuntu machine.
 *
 * @module
 */

import { rng } from "../compress/_test_rng.ts";
import { concatChunks } from "../compress/concat.ts";

const MiB = 1024 * 1024;
const SENSORS = ["temp", "humidity", "pressure", "co2", "pm25", "noise", "lux", "wind"];
const SITES = ["north", "south", "east", "west", "roof", "basement"];

/** ~1 MiB of JSON rows `{id, ts, sensor, value, tags}` as an API would send them. */
export function jsonRows(bytes = MiB): Uint8Array {
  const r = rng(1);
  const rows: string[] = [];
  let size = 2;
  let ts = Date.UTC(2024, 0, 1);
  for (let id = 1; size < bytes; id++) {
    ts += 1000 + Math.floor(r() * 50);
    const row = JSON.stringify({
      id,
      ts: new Date(ts).toISOString(),
      sensor: `${SENSORS[Math.floor(r() * SENSORS.length)]}-${Math.floor(r() * 40)}`,
      value: Math.round(r() * 100000) / 100,
      tags: [SITES[Math.floor(r() * SITES.length)], r() < 0.1 ? "alert" : "ok"],
    });
    rows.push(row);
    size += row.length + 1;
  }
  return new TextEncoder().encode("[" + rows.join(",") + "]").subarray(0, bytes);
}

/** ~1 MiB of access-log style lines. */
export function logText(bytes = MiB): Uint8Array {
  const r = rng(2);
  const paths = ["/api/v1/rows", "/api/v1/sensors", "/health", "/metrics", "/api/v1/upload"];
  const agents = ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.31"];
  const lines: string[] = [];
  let size = 0;
  let t = Date.UTC(2024, 0, 1);
  while (size < bytes) {
    t += Math.floor(r() * 300);
    const ip = `10.${Math.floor(r() * 4)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
    const status = r() < 0.9 ? 200 : r() < 0.5 ? 404 : 500;
    const line = `${ip} - - [${new Date(t).toISOString()}] "GET ${
      paths[Math.floor(r() * paths.length)]
    }?page=${Math.floor(r() * 50)} HTTP/1.1" ${status} ${Math.floor(r() * 50000)} "${
      agents[Math.floor(r() * agents.length)]
    }" rt=${(r() * 0.5).toFixed(4)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return new TextEncoder().encode(lines.join("\n")).subarray(0, bytes);
}

/** 1 MiB of float64: a noisy random walk (sensor readings). */
export function float64Series(bytes = MiB): Uint8Array {
  const r = rng(3);
  const a = new Float64Array(bytes / 8);
  let v = 20;
  for (let i = 0; i < a.length; i++) {
    v += (r() - 0.5) * 0.1;
    a[i] = Math.round(v * 1000) / 1000;
  }
  return new Uint8Array(a.buffer);
}

/** 1 MiB of int64 millisecond timestamps, ~1 s apart with jitter. */
export function int64Timestamps(bytes = MiB): Uint8Array {
  const r = rng(4);
  const a = new BigInt64Array(bytes / 8);
  let t = BigInt(Date.UTC(2024, 0, 1));
  for (let i = 0; i < a.length; i++) {
    t += 1000n + BigInt(Math.floor(r() * 20));
    a[i] = t;
  }
  return new Uint8Array(a.buffer);
}

/** Where the real-text corpus comes from. */
export const REAL_TEXT_SOURCE = "/usr/share/common-licenses/* (sorted, concatenated)";

/**
 * The licence texts shipped by Debian's base-files in /usr/share/common-licenses (GPL, LGPL,
 * Apache-2.0, ...), sorted by name and concatenated: real English/legal text, stable and
 * present on every Debian/Ubuntu machine.
 */
export function realText(): Uint8Array {
  const dir = "/usr/share/common-licenses";
  const names: string[] = [];
  for (const e of Deno.readDirSync(dir)) if (e.isFile) names.push(e.name);
  names.sort();
  const parts = names.map((n) => Deno.readFileSync(`${dir}/${n}`));
  if (parts.length === 0) throw new Error(`${dir} is empty: the real-text corpus is missing`);
  return concatChunks(parts);
}

/** Every corpus by name. */
export function corpora(): { name: string; data: Uint8Array }[] {
  return [
    { name: "JSON rows", data: jsonRows() },
    { name: "log text", data: logText() },
    { name: "float64 series", data: float64Series() },
    { name: "int64 timestamps", data: int64Timestamps() },
    { name: "licenses text", data: realText() },
  ];
}

/** Standard normal deviate from two uniforms (Box–Muller). */
function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** One scientific dataset: little-endian elements of `elementType`. */
export interface ScientificDataset {
  name: string;
  elementType: "f64" | "f32" | "i64" | "i32";
  data: Uint8Array;
}

/**
 * The scientific corpus (issue #4), 1 MiB each, generated deterministically:
 * int64 nanosecond timestamps at 16 kHz with ±2 µs jitter; float64 strain read through a
 * 16-bit ADC (code × LSB, ±2.5 mstrain full scale); a smooth float32 sensor signal (full float32
 * precision); a float64 random walk rounded to 2 decimals; a noisy full-precision float64
 * series; int32 event counters.
 */
export function scientificCorpora(bytes = MiB): ScientificDataset[] {
  const n8 = bytes / 8;
  const n4 = bytes / 4;
  const r = rng(5);
  const ts = new BigInt64Array(n8);
  let t = 1_700_000_000_000_000_000n;
  for (let i = 0; i < n8; i++) {
    t += 62_500n;
    ts[i] = t + BigInt(Math.round(gauss(r) * 2000));
  }
  const adc = new Float64Array(n8);
  const lsb = 2.5e-3 / 32768;
  for (let i = 0; i < n8; i++) {
    const strain = 1.2e-3 * Math.sin(i / 800) + 3e-4 * Math.sin(i / 57) + gauss(r) * 4e-6;
    const code = Math.max(-32768, Math.min(32767, Math.round(strain / lsb)));
    adc[i] = code * lsb;
  }
  const smooth = new Float32Array(n4);
  for (let i = 0; i < n4; i++) {
    smooth[i] = 21.5 + 3 * Math.sin(i / 5000) + 0.25 * Math.sin(i / 311 + 1) +
      0.01 * Math.sin(i / 23);
  }
  const walk = new Float64Array(n8);
  let v = 1000;
  for (let i = 0; i < n8; i++) {
    v = Math.round((v + gauss(r) * 0.5) * 100) / 100;
    walk[i] = v;
  }
  const noisy = new Float64Array(n8);
  for (let i = 0; i < n8; i++) noisy[i] = Math.sin(i / 300) * 10 + gauss(r) * 0.05;
  const counters = new Int32Array(n4);
  let c = 0;
  for (let i = 0; i < n4; i++) {
    c += r() < 0.3 ? 0 : Math.floor(r() * 12);
    counters[i] = c;
  }
  const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [
    { name: "timestamps i64 16 kHz", elementType: "i64", data: u8(ts) },
    { name: "ADC strain f64", elementType: "f64", data: u8(adc) },
    { name: "smooth sensor f32", elementType: "f32", data: u8(smooth) },
    { name: "2-decimal walk f64", elementType: "f64", data: u8(walk) },
    { name: "noisy f64", elementType: "f64", data: u8(noisy) },
    { name: "counters i32", elementType: "i32", data: u8(counters) },
  ];
}
