// The client in a real browser (Debian's headless Chromium) meeting redirects.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { bundle } from "../examples/_bundle.ts";
import { launchChromium } from "../tools/_test_chromium.ts";

const KEY = "avl_test_0123456789abcdef";

/**
 * Serves a page, the bundled client and `/old`, a 307 to `/new`, then runs `body` with a
 * Chromium page on it. `seen` lists the requests to `/old` and `/new` (method, path, key, body).
 */
async function withBrowserClient(
  body: (page: Page, base: string, seen: string[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/") {
      return new Response("<html></html>", { headers: { "content-type": "text/html" } });
    }
    if (path === "/client.js") {
      return new Response(await Deno.readTextFile(`${dir}/client.js`), {
        headers: { "content-type": "text/javascript" },
      });
    }
    if (path !== "/old" && path !== "/new") return new Response(null, { status: 404 });
    const key = req.headers.get("x-avl-api-key") ?? "-";
    seen.push(`${req.method} ${path} ${key} ${await req.text()}`.trimEnd());
    // 307, not 308: Chromium caches a permanent redirect and would not ask again.
    if (path === "/old") return new Response(null, { status: 307, headers: { location: "/new" } });
    return Response.json({ path });
  });
  const browser = await launchChromium();
  try {
    const out = `${dir}/client.js`;
    await bundle(new URL("./testdata/browser_client.ts", import.meta.url), out, "browser");
    const base = `http://127.0.0.1:${server.addr.port}`;
    const page = await browser.newPage();
    await page.goto(base + "/");
    await body(page, base, seen);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

// A request with the API key is sent with `redirect: "manual"` so that the client follows its
// redirects itself; in a browser that yields an opaque redirect (status 0, no headers), which no
// script can follow. It reached the caller as a response with status 0 and an empty body (a
// `.json()` then failed as "not valid JSON"), where it should be a typed error.
Deno.test("browser: a redirect the client cannot follow with the API key is a typed error", async () => {
  await withBrowserClient(async (page, base, seen) => {
    const out = await page.evaluate(async ({ base, key }) => {
      const { Client, ClientError } = await import(base + "/client.js");
      const results: Record<string, unknown> = {};
      for (const keyed of [false, true]) {
        let b = Client.builder().baseUrl(base).retry({ attempts: 3 });
        if (keyed) b = b.avlAuth(key);
        try {
          const res = await b.build().get("/old").send();
          results[String(keyed)] = { status: res.status, body: await res.text() };
        } catch (e) {
          results[String(keyed)] = {
            typed: e instanceof ClientError,
            code: (e as { code?: string }).code,
          };
        }
      }
      return results;
    }, { base, key: KEY });
    // Without the key, the browser's fetch follows the redirect as before.
    assert.deepEqual(out["false"], { status: 200, body: '{"path":"/new"}' });
    assert.deepEqual(out["true"], { typed: true, code: "network" });
    // Sent once: the same redirect would come back to every retry.
    assert.deepEqual(seen, ["GET /old -", "GET /new -", `GET /old ${KEY}`]);
  });
});

// Bytes bodies are sent with `redirect: "manual"` for Node's fetch (undici), which cannot send one
// again on a 307/308. Browsers can, and there the manual mode made every `.json()` POST that met a
// redirect fail (an opaque redirect), where fetch follows it.
Deno.test("browser: a POST with a bytes body and no key follows a 307 as fetch does", async () => {
  await withBrowserClient(async (page, base, seen) => {
    const out = await page.evaluate(async (base) => {
      const { Client } = await import(base + "/client.js");
      try {
        const res = await Client.builder().baseUrl(base).build().post("/old").json({ n: 1 }).send();
        return { status: res.status, body: await res.text() };
      } catch (e) {
        return { error: String(e) };
      }
    }, base);
    assert.deepEqual(out, { status: 200, body: '{"path":"/new"}' });
    assert.deepEqual(seen, ['POST /old - {"n":1}', 'POST /new - {"n":1}']);
  });
});
