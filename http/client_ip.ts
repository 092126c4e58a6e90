/**
 * The client's IP address: the socket peer, or — only when that peer is a trusted proxy — the
 * address its forwarding header names (RFC 7239 `Forwarded`, or `X-Forwarded-For`). IPv4 and
 * IPv6 addresses are parsed to bytes so CIDR checks are exact and keys canonical.
 *
 * @module
 */

import type { Context } from "hono";
import { currentRuntime, runtimeHasSocketPeer, socketPeer } from "./_peer.ts";
import { ConfigurationError } from "./config_error.ts";

/**
 * Parses an IPv4 or IPv6 address (no brackets, no port) to 4 or 16 bytes; IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) becomes the IPv4 address. `null` when malformed.
 *
 * @example
 * ```ts
 * import { parseIp } from "./client_ip.ts";
 * console.log(parseIp("192.0.2.1")?.length, parseIp("2001:db8::1")?.length, parseIp("1.2.3")); // 4 16 null
 * ```
 */
export function parseIp(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > 45) return null;
  if (text.includes(":")) return parseIpv6(text);
  const out = new Uint8Array(4);
  return parseIpv4(text, out, 0) ? out : null;
}

/** Writes the 4 bytes of a dotted quad at `at`; false when malformed (leading zeros too). */
function parseIpv4(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === "0")) return false;
    let n = 0;
    for (let j = 0; j < p.length; j++) {
      const d = p.charCodeAt(j) - 48;
      if (d < 0 || d > 9) return false;
      n = n * 10 + d;
    }
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

function parseGroups(part: string, out: number[]): boolean {
  if (part === "") return true;
  for (const g of part.split(":")) {
    if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return false;
    out.push(parseInt(g, 16));
  }
  return true;
}

function parseIpv6(input: string): Uint8Array | null {
  let text = input;
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone); // link-local zone ids name an interface, not a host
  const out = new Uint8Array(16);
  let tail = text;
  let v4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) !== -1) {
    v4 = new Uint8Array(4);
    if (!parseIpv4(text.slice(lastColon + 1), v4, 0)) return null;
    tail = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "a:b::1.2.3.4" leaves "a:b::"; "a:1.2.3.4" leaves "a:"
    if (tail.endsWith(":") && !tail.endsWith("::")) tail = tail.slice(0, -1);
  }
  const width = v4 ? 6 : 8;
  const double = tail.indexOf("::");
  const head: number[] = [];
  const rest: number[] = [];
  if (double === -1) {
    if (!parseGroups(tail, head) || head.length !== width) return null;
  } else {
    if (tail.indexOf("::", double + 1) !== -1) return null;
    if (!parseGroups(tail.slice(0, double), head)) return null;
    if (!parseGroups(tail.slice(double + 2), rest)) return null;
    if (head.length + rest.length > width - 1) return null;
  }
  for (let i = 0; i < head.length; i++) {
    out[2 * i] = head[i] >> 8;
    out[2 * i + 1] = head[i] & 0xff;
  }
  for (let i = 0; i < rest.length; i++) {
    const g = width - rest.length + i;
    out[2 * g] = rest[i] >> 8;
    out[2 * g + 1] = rest[i] & 0xff;
  }
  if (v4) out.set(v4, 12);
  // IPv4-mapped (::ffff:a.b.c.d): the same host as a.b.c.d.
  let mapped = out[10] === 0xff && out[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = out[i] === 0;
  return mapped ? out.slice(12) : out;
}

/**
 * Formats 4 or 16 address bytes canonically (RFC 5952 for IPv6: lowercase, longest zero run
 * shortened to `::`).
 *
 * @example
 * ```ts
 * import { formatIp, parseIp } from "./client_ip.ts";
 * console.log(formatIp(parseIp("2001:DB8:0:0:0:0:0:1")!)); // "2001:db8::1"
 * ```
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((g) => g.toString(16)).join(":");
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/**
 * A set of trusted proxy ranges: CIDRs (`10.0.0.0/8`, `2001:db8::/32`), single addresses, or
 * the names `loopback`, `private` and `linklocal`. Invalid entries throw a `ConfigurationError` at
 * start-up, never at request time.
 *
 * @example
 * ```ts
 * import { TrustedProxies } from "@avila/avx-http/middleware";
 * const trusted = new TrustedProxies(["10.0.0.0/8", "2001:db8::/32"]);
 * console.log(trusted.has("10.1.2.3"), trusted.has("2001:db8::5"), trusted.has("192.0.2.1")); // true true false
 * ```
 */
export class TrustedProxies {
  readonly #v4: Cidr[] = [];
  readonly #v6: Cidr[] = [];

  /**
   * Parses the ranges.
   *
   * @param ranges CIDRs, addresses or range names
   */
  constructor(ranges: readonly string[]) {
    for (const raw of ranges) {
      const named = NAMED_RANGES[raw.toLowerCase()];
      for (const r of named ?? [raw]) this.#add(r);
    }
  }

  #add(range: string): void {
    const slash = range.indexOf("/");
    const bytes = parseIp(slash === -1 ? range : range.slice(0, slash));
    if (bytes === null) {
      throw new ConfigurationError("invalid_option", `invalid trusted proxy range: ${range}`);
    }
    const textIsV6 = (slash === -1 ? range : range.slice(0, slash)).includes(":");
    let prefix = bytes.length * 8;
    if (slash !== -1) {
      const p = range.slice(slash + 1);
      const n = Number(p);
      // "::ffff:10.0.0.0/104" parses to IPv4: shift the prefix into IPv4 terms.
      prefix = textIsV6 && bytes.length === 4 ? n - 96 : n;
      if (!/^\d{1,3}$/.test(p) || prefix < 0 || prefix > bytes.length * 8) {
        throw new ConfigurationError(
          "invalid_option",
          `invalid prefix length in trusted proxy range: ${range}`,
        );
      }
    }
    (bytes.length === 4 ? this.#v4 : this.#v6).push({ bytes, prefix });
  }

  /** Whether no range is configured. */
  get empty(): boolean {
    return this.#v4.length === 0 && this.#v6.length === 0;
  }

  /** Whether `address` (text or parsed bytes) lies in a trusted range. */
  has(address: string | Uint8Array): boolean {
    const bytes = typeof address === "string" ? parseIp(address) : address;
    if (bytes === null) return false;
    for (const c of bytes.length === 4 ? this.#v4 : this.#v6) {
      if (inRange(bytes, c)) return true;
    }
    return false;
  }
}

function inRange(bytes: Uint8Array, c: Cidr): boolean {
  const full = c.prefix >> 3;
  for (let i = 0; i < full; i++) if (bytes[i] !== c.bytes[i]) return false;
  const bits = c.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (bytes[full] & mask) === (c.bytes[full] & mask);
}

/**
 * Parses a node (RFC 7239 §6, or an `X-Forwarded-For` entry): `192.0.2.1`, `192.0.2.1:8080`,
 * `[2001:db8::1]`, `[2001:db8::1]:443` or bare `2001:db8::1`. `null` for `unknown`, obfuscated
 * identifiers (`_hidden`) and anything malformed.
 *
 * @example
 * ```ts
 * import { parseNode } from "./client_ip.ts";
 * console.log(parseNode("[2001:db8::1]:443")?.length, parseNode("unknown")); // 16 null
 * ```
 */
export function parseNode(node: string): Uint8Array | null {
  const s = node.trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end === -1) return null;
    const after = s.slice(end + 1);
    if (after !== "" && !/^:\d{1,5}$/.test(after)) return null;
    const inner = s.slice(1, end);
    return inner.includes(":") ? parseIp(inner) : null; // brackets only ever hold IPv6
  }
  const colon = s.indexOf(":");
  if (colon !== -1 && colon === s.lastIndexOf(":")) {
    // One colon: IPv4 with a port.
    if (!/^\d{1,5}$/.test(s.slice(colon + 1))) return null;
    const ip = parseIp(s.slice(0, colon));
    return ip !== null && ip.length === 4 ? ip : null;
  }
  return parseIp(s);
}

/**
 * The `for=` nodes of a `Forwarded` field (RFC 7239 §4), one per element in order (`null` for
 * an element without `for`, or with `unknown`/obfuscated/bad nodes). Returns `null` when the
 * field itself is malformed.
 *
 * @example
 * ```ts
 * import { forwardedFor } from "./client_ip.ts";
 * const nodes = forwardedFor('for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"');
 * console.log(nodes?.length); // 2
 * ```
 */
export function forwardedFor(field: string): Array<Uint8Array | null> | null {
  if (field.length > 8192) return null;
  const out: Array<Uint8Array | null> = [];
  let i = 0;
  const n = field.length;
  const skipWs = () => {
    while (i < n && (field[i] === " " || field[i] === "\t")) i++;
  };
  while (i <= n) {
    let node: Uint8Array | null = null;
    let sawPair = false;
    for (;;) {
      skipWs();
      const start = i;
      while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(field[i])) i++;
      const name = field.slice(start, i).toLowerCase();
      if (name === "" || field[i] !== "=") {
        if (name === "" && !sawPair && (i >= n || field[i] === ",")) break; // empty element
        return null;
      }
      i++;
      let value: string;
      if (field[i] === '"') {
        i++;
        let v = "";
        while (i < n && field[i] !== '"') {
          if (field[i] === "\\") i++;
          if (i < n) v += field[i++];
        }
        if (i >= n) return null;
        i++;
        value = v;
      } else {
        const vs = i;
        while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z:-]/.test(field[i])) i++;
        value = field.slice(vs, i);
        if (value === "") return null;
      }
      sawPair = true;
      if (name === "for") node = parseNode(value);
      skipWs();
      if (field[i] === ";") {
        i++;
        continue;
      }
      break;
    }
    if (sawPair) out.push(node);
    skipWs();
    if (i >= n) break;
    if (field[i] !== ",") return null;
    i++;
  }
  return out;
}

/** Options of {@link clientIp}. */
export interface ClientIpOptions {
  /**
   * Proxies whose forwarding header is believed (CIDRs, addresses, or `loopback`, `private`,
   * `linklocal`). Default: none — forwarding headers are ignored.
   */
  trustedProxies?: readonly string[] | TrustedProxies;
  /** Which forwarding header the trusted proxies set; default `"x-forwarded-for"`. */
  header?: "forwarded" | "x-forwarded-for";
  /**
   * Believe `CF-Connecting-IP` (Cloudflare Workers, where no socket peer is visible). Only set
   * this when every request really passes through Cloudflare. Default false.
   */
  trustCfConnectingIp?: boolean;
}

type ClientAddress = NonNullable<ReturnType<typeof clientIp>>;

/**
 * Throws a {@link ConfigurationError} (`client_ip_unavailable`) when, with `options`, no client
 * address can ever be found on `runtime` (default: the current one): on Workers and other edge
 * runtimes the app sees no socket peer, so unless `trustCfConnectingIp` is set every anonymous
 * client would share one address. Deno, Node (`@hono/node-server`) and Bun pass the peer. Call
 * it when building anything that needs the client address (`rateLimit` does, for IP keys).
 *
 * @example
 * ```ts
 * import { assertClientIpAvailable } from "@avila/avx-http/middleware";
 * assertClientIpAvailable({}, "deno"); // fine: Deno.serve gives the peer
 * assertClientIpAvailable({ trustCfConnectingIp: true }, "workerd"); // fine
 * try {
 *   assertClientIpAvailable({}, "workerd");
 * } catch (e) {
 *   console.log((e as { code?: string }).code); // "client_ip_unavailable"
 * }
 * ```
 */
export function assertClientIpAvailable(
  options: ClientIpOptions = {},
  runtime: string = currentRuntime(),
): void {
  if (runtimeHasSocketPeer(runtime) || options.trustCfConnectingIp === true) return;
  const fix = runtime === "workerd"
    ? "on Cloudflare Workers set `clientIp: { trustCfConnectingIp: true }` (Cloudflare sets " +
      "CF-Connecting-IP)"
    : "pass a `key` you can trust (e.g. a platform header your edge sets), or limit " +
      "authenticated principals only";
  throw new ConfigurationError(
    "client_ip_unavailable",
    `no client IP can be found on this runtime (${runtime}): apps here see no socket peer, so ` +
      `every anonymous client would share one counter; ${fix}`,
  );
}

/** Resolves {@link ClientIpOptions} once; the returned function runs per request. */
export function clientIpResolver(
  options: ClientIpOptions = {},
): (c: Context) => ClientAddress | null {
  const trusted = options.trustedProxies instanceof TrustedProxies
    ? options.trustedProxies
    : new TrustedProxies(options.trustedProxies ?? []);
  const header = options.header ?? "x-forwarded-for";
  if (header !== "forwarded" && header !== "x-forwarded-for") {
    throw new ConfigurationError("invalid_option", `unknown forwarding header "${String(header)}"`);
  }
  const cf = options.trustCfConnectingIp ?? false;
  return function resolveClientIp(c: Context): ClientAddress | null {
    const peerText = socketPeer(c.env, c.req.raw);
    if (peerText === undefined) {
      if (!cf) return null;
      const v = c.req.raw.headers.get("cf-connecting-ip");
      const ip = v === null ? null : parseIp(v.trim());
      return ip === null ? null : { address: ip, source: "cf-connecting-ip" };
    }
    const peer = parseIp(peerText);
    if (peer === null) return null;
    if (trusted.empty || !trusted.has(peer)) return { address: peer, source: "peer" };
    const value = c.req.raw.headers.get(header);
    if (value === null) return { address: peer, source: "peer" };
    let hops: Array<Uint8Array | null> | null;
    if (header === "forwarded") hops = forwardedFor(value);
    else hops = value.length > 8192 ? null : value.split(",").map(parseNode);
    if (hops === null || hops.length === 0) return { address: peer, source: "peer" };
    // Walk from the nearest hop outwards; the first untrusted address is the client. Entries to
    // its left were written by the client itself and prove nothing.
    let last: ClientAddress = { address: peer, source: "peer" };
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      if (hop === null) return last; // a trusted proxy wrote garbage: stop at what it was sure of
      last = { address: hop, source: header };
      if (!trusted.has(hop)) return last;
    }
    return last;
  };
}

/**
 * The client address of a request (see {@link ClientIpOptions}); `null` when no address is
 * known (no socket peer and no trusted `CF-Connecting-IP`). The peer comes from the runtime's
 * server: Deno (`Deno.serve`), Node (`@hono/node-server`) and Bun pass it; on Workers only a
 * trusted `CF-Connecting-IP` names the client. Build it once with {@link clientIpResolver} on
 * hot paths, and check the configuration at start-up with {@link assertClientIpAvailable}.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { clientIp } from "@avila/avx-http/middleware";
 * import { formatIp } from "./client_ip.ts";
 * const app = new Hono();
 * app.get("/ip", (c) => {
 *   const ip = clientIp(c, { trustedProxies: ["loopback"] });
 *   return c.text(ip ? formatIp(ip.address) : "unknown");
 * });
 * ```
 */
export function clientIp(c: Context, options: ClientIpOptions = {}): {
  /** 4 (IPv4) or 16 (IPv6) bytes. */
  address: Uint8Array;
  /** Which input named it. */
  source: "peer" | "forwarded" | "x-forwarded-for" | "cf-connecting-ip";
} | null {
  return clientIpResolver(options)(c);
}
