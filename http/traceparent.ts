/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/ §3.2): parse, validate,
 * generate and format.
 *
 * @module
 */

import { normalizeTracestate } from "./tracestate.ts";

/** A parsed or generated trace context. */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** This hop's span id: 16 lowercase hex digits, not all zero. */
  spanId: string;
  /** The caller's span id, when the request carried a valid `traceparent`. */
  parentSpanId?: string;
  /** The sampled flag (bit 0 of trace-flags). */
  sampled: boolean;
  /** The incoming `tracestate` when valid (W3C §3.3), members re-joined in order. */
  tracestate?: string;
}

const HEX = /^[0-9a-f]+$/;
const ZERO32 = "0".repeat(32);
const ZERO16 = "0".repeat(16);

// Ids come from a pool of CSPRNG bytes refilled 4 KiB at a time: one getRandomValues call per
// ~170 requests instead of two per request.
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  let s = "";
  let any = 0;
  for (let i = 0; i < bytes; i++) {
    const b = pool[poolAt++];
    any |= b;
    s += HEX_BYTE[b];
  }
  // All-zero ids are invalid (§3.2.2.3, §3.2.2.4); astronomically unlikely, but never emit one.
  return any === 0 ? randomHex(bytes) : s;
}

/**
 * Parses a `traceparent` header; `null` when it is absent or invalid (then a new trace starts).
 * Future versions are accepted by their first four fields, as §3.2.4 asks.
 *
 * @example
 * ```ts
 * import { parseTraceparent } from "./traceparent.ts";
 * const t = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
 * console.log(t?.sampled); // true
 * ```
 */
export function parseTraceparent(
  header: string | null | undefined,
): { traceId: string; parentSpanId: string; sampled: boolean } | null {
  if (!header) return null;
  const h = header.trim();
  if (h.length < 55) return null;
  const version = h.slice(0, 2);
  if (!HEX.test(version) || version === "ff") return null;
  if (version === "00" && h.length !== 55) return null;
  if (version !== "00" && h.length > 55 && h[55] !== "-") return null;
  if (h[2] !== "-" || h[35] !== "-" || h[52] !== "-") return null;
  const traceId = h.slice(3, 35);
  const parentSpanId = h.slice(36, 52);
  const flags = h.slice(53, 55);
  if (!HEX.test(traceId) || traceId === ZERO32) return null;
  if (!HEX.test(parentSpanId) || parentSpanId === ZERO16) return null;
  if (!HEX.test(flags)) return null;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * A new random span id (16 lowercase hex digits, never all zero).
 *
 * @example
 * ```ts
 * import { newSpanId } from "./traceparent.ts";
 * console.log(newSpanId().length); // 16
 * ```
 */
export function newSpanId(): string {
  return randomHex(8);
}

/**
 * Continues the incoming trace (new span id under the caller's) or starts a new one. An invalid
 * `tracestate` is dropped; it is only kept with a valid `traceparent` (§3.3).
 *
 * @example
 * ```ts
 * import { startTrace } from "./traceparent.ts";
 * const t = startTrace(null);
 * console.log(t.traceId.length, t.spanId.length); // 32 16
 * ```
 */
export function startTrace(
  traceparent: string | null | undefined,
  tracestate?: string | null,
  sampleNew = true,
): TraceContext {
  const parent = parseTraceparent(traceparent);
  const spanId = randomHex(8);
  if (parent) {
    const t: TraceContext = {
      traceId: parent.traceId,
      spanId,
      parentSpanId: parent.parentSpanId,
      sampled: parent.sampled,
    };
    if (tracestate) {
      const state = normalizeTracestate(tracestate);
      if (state !== undefined) t.tracestate = state;
    }
    return t;
  }
  return { traceId: randomHex(16), spanId, sampled: sampleNew };
}

/**
 * The `traceparent` value naming `trace`'s current span, for outgoing requests.
 *
 * @example
 * ```ts
 * import { formatTraceparent, startTrace } from "./traceparent.ts";
 * console.log(formatTraceparent(startTrace(null)).length); // 55
 * ```
 */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? "01" : "00"}`;
}
