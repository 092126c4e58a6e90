// Test helper: a flaky TCP proxy in front of an HTTP/1.1 server, for the client's bad-network
// tests. Each accepted connection gets one fate, drawn from a seeded PRNG in accept order:
//
// - `drop`: closed at once (the request never reaches the server);
// - `lose`: the request is forwarded, and the connection closed as soon as the server's response
//   head arrives (the server ran, the client never hears of it);
// - `cut`: the response head and half of the body bytes at hand are forwarded, then the
//   connection is closed (a body cut mid-way);
// - `delay`: forwarded after a pause of `delayMs`;
// - `pass`: forwarded.
//
// Every forwarded response head gets `connection: close`, so each HTTP exchange uses its own
// connection and draws its own fate. Reads are bounded (head size, per-connection time limit).

import { seeded } from "./_test_servers.ts";

/** What happens to one connection. */
export type Fate = "drop" | "lose" | "cut" | "delay" | "pass";

/** Shares of connections per fate (the rest pass), and the PRNG seed. */
export interface FlakyProxyOptions {
  /** `http://127.0.0.1:<port>` of the server behind the proxy. */
  target: string;
  seed: number;
  drop?: number;
  lose?: number;
  cut?: number;
  delay?: number;
  /** Pause of a delayed connection before it is forwarded; default 100 ms. */
  delayMs?: number;
  /** A connection still open after this long is closed; default 10 s. */
  connectionMs?: number;
  /** Fates of the first connections, in accept order, before the PRNG decides. */
  script?: readonly Fate[];
}

/**
 * The bad network of the composition test and `bench/client.ts`: 20% of connections dropped,
 * 10% of responses lost after the server ran, 5% cut mid-body, 15% delayed.
 */
export const BAD_NETWORK: Omit<FlakyProxyOptions, "target"> = {
  seed: 18,
  drop: 0.2,
  lose: 0.1,
  cut: 0.05,
  delay: 0.15,
};

/** A running proxy. */
export interface FlakyProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** Connections per fate so far. */
  readonly fates: Record<Fate, number>;
  close(): Promise<void>;
}

const MAX_HEAD = 64 * 1024;
const CRLF2 = [13, 10, 13, 10];

function indexOfHeadEnd(buf: Uint8Array, len: number): number {
  outer: for (let i = 0; i + 4 <= len; i++) {
    for (let j = 0; j < 4; j++) if (buf[i + j] !== CRLF2[j]) continue outer;
    return i;
  }
  return -1;
}

function closeQuietly(c: Deno.Conn): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

async function writeAll(c: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.byteLength) at += await c.write(bytes.subarray(at));
}

/** Starts the proxy on `127.0.0.1:0`. */
export function flakyProxy(options: FlakyProxyOptions): FlakyProxy {
  const target = new URL(options.target);
  const rng = seeded(options.seed);
  const delayRng = seeded(options.seed ^ 0x5bd1e995);
  const drop = options.drop ?? 0;
  const lose = drop + (options.lose ?? 0);
  const cut = lose + (options.cut ?? 0);
  const delay = cut + (options.delay ?? 0);
  const delayMs = options.delayMs ?? 100;
  const connectionMs = options.connectionMs ?? 10_000;
  const script = options.script ?? [];
  let accepted = 0;
  const fates: Record<Fate, number> = { drop: 0, lose: 0, cut: 0, delay: 0, pass: 0 };
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Promise<void>>();
  const conns = new Set<Deno.Conn>();

  const handle = async (client: Deno.Conn, fate: Fate): Promise<void> => {
    if (fate === "drop") return closeQuietly(client);
    let upstream: Deno.Conn | undefined;
    const timer = setTimeout(() => {
      closeQuietly(client);
      if (upstream) closeQuietly(upstream);
    }, connectionMs);
    try {
      if (fate === "delay") {
        await new Promise((r) => setTimeout(r, Math.round(delayMs * (0.5 + delayRng()))));
      }
      const up = upstream = await Deno.connect({
        hostname: target.hostname,
        port: Number(target.port),
      });
      conns.add(up);
      // Request bytes flow up until either side closes.
      const pumpUp = (async () => {
        const buf = new Uint8Array(16 * 1024);
        try {
          for (;;) {
            const n = await client.read(buf);
            if (n === null) break;
            await writeAll(up, buf.subarray(0, n));
          }
        } catch {
          // a side closed
        }
      })();
      // The response head, bounded.
      const head = new Uint8Array(MAX_HEAD);
      let len = 0;
      let end = -1;
      while (end < 0) {
        if (len === MAX_HEAD) throw new Error("response head too large");
        const n = await up.read(head.subarray(len));
        if (n === null) throw new Error("upstream closed before the response head");
        len += n;
        end = indexOfHeadEnd(head, len);
      }
      if (fate === "lose") return;
      const headText = new TextDecoder().decode(head.subarray(0, end));
      const declared = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
      const bodyLength = declared ? Number(declared[1]) : -1;
      const newHead = new TextEncoder().encode(`${headText}\r\nconnection: close\r\n\r\n`);
      let body = head.subarray(end + 4, len);
      if (fate === "cut") {
        while (body.byteLength === 0 && bodyLength !== 0) {
          const more = new Uint8Array(16 * 1024);
          const n = await up.read(more);
          if (n === null) break;
          body = more.subarray(0, n);
        }
        await writeAll(client, newHead);
        await writeAll(client, body.subarray(0, body.byteLength >> 1));
        return;
      }
      await writeAll(client, newHead);
      await writeAll(client, body);
      let sent = body.byteLength;
      const buf = new Uint8Array(16 * 1024);
      while (bodyLength < 0 || sent < bodyLength) {
        const n = await up.read(buf);
        if (n === null) break;
        await writeAll(client, buf.subarray(0, n));
        sent += n;
      }
      closeQuietly(client);
      await pumpUp;
    } catch {
      // a side failed or closed: the connection ends
    } finally {
      clearTimeout(timer);
      closeQuietly(client);
      if (upstream) {
        closeQuietly(upstream);
        conns.delete(upstream);
      }
    }
  };

  const loop = (async () => {
    try {
      for await (const client of listener) {
        const scripted = script[accepted++];
        const r = scripted === undefined ? rng() : 0;
        const fate: Fate = scripted !== undefined
          ? scripted
          : r < drop
          ? "drop"
          : r < lose
          ? "lose"
          : r < cut
          ? "cut"
          : r < delay
          ? "delay"
          : "pass";
        fates[fate]++;
        conns.add(client);
        const p = handle(client, fate).finally(() => {
          conns.delete(client);
          open.delete(p);
        });
        open.add(p);
      }
    } catch {
      // listener closed
    }
  })();

  const close = async () => {
    try {
      listener.close();
    } catch {
      // already closed
    }
    await loop;
    for (const c of conns) closeQuietly(c);
    await Promise.all(open);
  };
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    fates,
    close,
    [Symbol.asyncDispose]: close,
  };
}
