// Test helpers: a seeded PRNG, a TCP server that accepts and closes (connection reset), and a
// recording sleep.

export { rng as seeded } from "../compress/_test_rng.ts";

/** A raw TCP listener on 127.0.0.1 that accepts each connection and closes it at once. */
export function resettingServer(): { url: string; accepted: () => number } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        count++;
        conn.close();
      }
    } catch {
      // listener closed
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    accepted: () => count,
    async [Symbol.asyncDispose]() {
      listener.close();
      await loop;
    },
  };
}

/** A sleep that records requested delays and waits only `realMs` (abortable). */
export function recordingSleep(realMs = 0): {
  delays: number[];
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
} {
  const delays: number[] = [];
  return {
    delays,
    sleep(ms, signal) {
      delays.push(ms);
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, realMs);
        const onAbort = () => {
          clearTimeout(t);
          reject(signal!.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

/** A promise that resolves after `ms` or when `signal` aborts (server-side slow handlers). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
