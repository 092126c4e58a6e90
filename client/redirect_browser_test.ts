// The client in a real browser (Debian's headless Chromium) meeting redirects.
import assert from "node:assert/strict";
import { bundle } from "../examples/_bundle.ts";
import { launchChromium } from "../tools/_test_chromium.ts";

const KEY = "avl_test_0123456789abcdef";

// A request with the API key is sent with `redirect: "manual"` so that the client follows its
// redirects itself; in a browser that yields an opaque redirect (status 0, no headers), which no
// script can follow. It reached the caller as a response with status 0 and an empty body (a
// `.json()` then failed as "not valid JSON"), where it should be a typed error.
Deno.test("browser: a redirect the client cannot follow with the API key is a typed error", async () => {
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
    if (path === "/favicon.ico") return new Response(null, { status: 404 });
    seen.push(`${path} ${req.headers.get("x-avl-api-key") ?? "-"}`);
    // 307, not 308: Chromium caches a permanent redirect and would not ask again.
    if (path === "/old") return new Response(null, { status: 307, headers: { location: "/new" } });
    return Response.json({ path });
  });
  const browser = await launchChromium();
  try {
    await bundle(
      new URL("./testdata/browser_client.ts", import.meta.url),
      `${dir}/client.js`,
      "browser",
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    const page = await browser.newPage();
    await page.goto(base + "/");
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
    assert.deepEqual(seen, ["/old -", "/new -", `/old ${KEY}`]);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
