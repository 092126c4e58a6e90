// Chromium, a real HTTP/3 client, cancelling requests: its RESET_STREAM ends that request (the
// handler's `request.signal` aborts) and nothing else; the page's next request reuses the same
// QUIC connection. Deno's own QUIC client cannot reset a stream (aborting its writable ends the
// stream with FIN), so this attack needs Chromium.
import assert from "node:assert/strict";
import { launchChromium } from "../../tools/_test_chromium.ts";
import { serve } from "../listen.ts";
import { h3Listen, testCert } from "./_test_h3.ts";

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  return { promise: new Promise<void>((r) => (resolve = r)), resolve };
}

/** Resolves with `value` after `ms`: bounds a wait, never asserts on time. */
const after = <T>(ms: number, value: T) =>
  new Promise<T>((r) => {
    const t = setTimeout(() => r(value), ms);
    Deno.unrefTimer(t);
  });

Deno.test("http3 attack: Chromium cancelling an upload aborts that request, not the connection", async () => {
  const reading = signal(), go = signal(), aborted = signal();
  const ports: number[] = [];
  const handler = async (req: Request, info: Deno.ServeHandlerInfo) => {
    ports.push((info.remoteAddr as Deno.NetAddr).port);
    if (req.method !== "POST") {
      return new Response("<!doctype html><p>ok</p>", {
        headers: { "content-type": "text/html" },
      });
    }
    req.signal.addEventListener("abort", aborted.resolve);
    const r = req.body!.getReader();
    try {
      await r.read();
      reading.resolve();
      await go.promise; // the page cancels the upload meanwhile
      while (!(await r.read()).done);
      return new Response("read all");
    } catch {
      return new Response("reset");
    }
  };
  const pem = await testCert();
  const server = serve({ fetch: handler }, h3Listen(pem, { idleTimeoutMs: 120_000 }));
  const origin = `127.0.0.1:${server.address.port}`;
  const browser = await launchChromium([
    `--origin-to-force-quic-on=${origin}`,
    `--ignore-certificate-errors-spki-list=${pem.spki}`,
  ]);
  try {
    const page = await browser.newPage();
    const nav = await page.goto(`https://${origin}/`);
    assert.equal(nav?.status(), 200);
    await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      const ac = new AbortController();
      w.ac = ac;
      // Larger than any flow-control window: the upload cannot finish before the cancel.
      w.upload = fetch("/up", { method: "POST", body: new Uint8Array(4 << 20), signal: ac.signal })
        .then(() => "done", () => "cancelled");
    });
    await reading.promise;
    assert.equal(
      await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, unknown>;
        (w.ac as AbortController).abort();
        return w.upload as Promise<string>;
      }),
      "cancelled",
    );
    go.resolve();
    const got = await Promise.race([aborted.promise.then(() => "aborted"), after(10_000, "not")]);
    assert.equal(got, "aborted", "request.signal aborts when the client resets the stream");
    const next = await page.evaluate(async () => {
      const res = await fetch("/again");
      return [res.status, await res.text()];
    });
    assert.deepEqual(next, [200, "<!doctype html><p>ok</p>"]);
    assert.equal(new Set(ports).size, 1, `one QUIC connection throughout: ${ports}`);
  } finally {
    go.resolve();
    await browser.close();
    await server.shutdown();
  }
});
