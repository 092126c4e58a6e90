/**
 * The library in a real browser: `deno bundle --platform browser` turns `compress/mod.ts` into
 * one ES module, a local server on 127.0.0.1 serves it, and headless Chromium (driven by
 * playwright-core, no browser download) imports it and round-trips every algorithm the library
 * says this browser has. A static `node:zlib` import made the module fail to load at all, so
 * the documented `CompressionStream` fallback never ran.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../tools/_test_chromium.ts";
import { bundle } from "../examples/_bundle.ts";

const root = new URL("../", import.meta.url);

const PAGE = `<!doctype html><title>compress</title><body>ready</body>`;

Deno.test("browser: the bundled library loads in Chromium and round-trips every codec it has", async () => {
  const dir = await Deno.makeTempDir();
  const bundlePath = `${dir}/compress.js`;
  await bundle(new URL("compress/mod.ts", root), bundlePath, "browser", { minify: false });
  const js = await Deno.readFile(bundlePath);
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/compress.js") {
        return new Response(js, { headers: { "content-type": "text/javascript" } });
      }
      return new Response(PAGE, { headers: { "content-type": "text/html" } });
    },
  );
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    const result = await page.evaluate(async () => {
      const lib = await import("/compress.js");
      const text = new TextEncoder().encode(
        JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, name: `row ${i % 17}` }))),
      );
      const numbers = new Uint8Array(new Float64Array(2000).map((_, i) => i * 0.25).buffer);
      const out: Record<string, string> = {};
      const supported: string[] = lib.supportedAlgorithms();
      for (const a of supported) {
        try {
          const input = a === "columnar" ? numbers : text;
          const opts = a === "columnar" ? { elementType: "f64" } : {};
          const packed: Uint8Array = await lib.compress(input, a, opts);
          const back: Uint8Array = await lib.decompress(packed, a, {
            decompressedSize: input.length,
          });
          const same = back.length === input.length && back.every((v, i) => v === input[i]);
          out[a] = same ? `ok ${input.length}->${packed.length}` : "mismatch";
        } catch (e) {
          out[a] = `error: ${e}`;
        }
      }
      // Streams through the library's Compressor, and detection of what it made.
      const c = lib.Compressor.new("gzip").build();
      const streamed = new Uint8Array(
        await new Response(
          new Blob([text]).stream().pipeThrough(c.transform()).pipeThrough(c.decompressTransform()),
        ).arrayBuffer(),
      );
      out["gzip stream"] = streamed.length === text.length ? "ok" : "mismatch";
      out["detect lz4"] = lib.detect(lib.compressSync(text, "lz4"))?.name ?? "none";
      return { supported, out };
    });
    assert.deepEqual(errors, []);
    for (
      const a of ["lz4", "lz4-block", "snappy", "snappy-raw", "gzip", "deflate", "deflate-raw"]
    ) {
      assert.ok(result.supported.includes(a), `${a} in ${result.supported}`);
    }
    for (const [a, r] of Object.entries(result.out)) {
      assert.ok(r.startsWith("ok") || (a === "detect lz4" && r === "lz4"), `${a}: ${r}`);
    }
  } finally {
    await browser?.close();
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
