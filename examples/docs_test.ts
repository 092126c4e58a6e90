// Swagger UI at /docs in real headless Chromium (playwright-core driving /usr/bin/chromium), with
// every request off the app's own origin refused: the page loads from the app alone, lists the
// example's routes, offers Authorize for the API key, and "Try it out" with the demo key gets
// strain samples (200) while the same call without the key gets the documented 401.

import assert from "node:assert/strict";
import { launchChromium } from "../tools/_test_chromium.ts";
import { serveDemo } from "./_test_demo.ts";

Deno.test("docs: Swagger UI offline in Chromium lists the routes; Try it out with the demo key", async () => {
  await using srv = await serveDemo();
  const { key } = srv;

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    // Offline: anything not served by the app itself is refused (and remembered).
    const origin = new URL(srv.url).origin;
    const foreign: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + "/")) return route.continue();
      foreign.push(url);
      return route.abort();
    });

    const nav = await page.goto(`${srv.url}/docs`);
    assert.equal(nav?.status(), 200);
    await page.waitForSelector(".opblock-summary-path", { timeout: 20_000 }).catch((e) => {
      throw new Error(`no operations listed (page errors: ${pageErrors.join("; ")})`, { cause: e });
    });
    const listed = await page.$$eval(
      ".opblock-summary",
      (els) =>
        els.map((e) =>
          `${e.querySelector(".opblock-summary-method")?.textContent} ${
            e.querySelector(".opblock-summary-path")?.getAttribute("data-path")
          }`
        ),
    );
    for (
      const op of [
        "GET /",
        "GET /runtime",
        "GET /api/strain/{detector}",
        "GET /api/strain/{detector}/arrow",
        "GET /api/strain/{detector}/live",
        "GET /ws",
        "POST /api/upload",
      ]
    ) assert.ok(listed.includes(op), `${op} listed in ${JSON.stringify(listed)}`);

    // Authorize with the demo key (the API key security scheme).
    await page.click(".auth-wrapper .authorize");
    await page.fill(".modal-ux input[type=text]", key);
    await page.click(".modal-ux .auth-btn-wrapper button.authorize");
    await page.click(".modal-ux button.btn-done");

    // Try it out on GET /api/strain/{detector}.
    const op = page.locator(".opblock-get", {
      has: page.locator('.opblock-summary-path[data-path="/api/strain/{detector}"]'),
    });
    await op.locator(".opblock-summary").click();
    await op.locator("button.try-out__btn").click();
    await op.locator('tr[data-param-name="detector"] select').selectOption("H1");
    await op.locator('tr[data-param-name="n"] input').fill("8");
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${srv.url}/api/strain/H1`)),
      op.locator("button.execute").click(),
    ]);
    assert.equal(res.status(), 200);
    assert.equal((await res.request().allHeaders())["x-avl-api-key"], key);
    assert.equal((await res.json()).samples.length, 8);
    await op.locator(".live-responses-table tr.response .response-col_status").first().waitFor();
    assert.match(
      await op.locator(".live-responses-table tr.response .response-col_status").first()
        .innerText(),
      /200/,
    );
    // The document says what a call without credentials gets: a 401 problem.
    assert.ok(await op.locator('tr.response[data-code="401"]').count() > 0, "401 documented");

    assert.deepEqual(foreign, [], "the page asked for nothing off the app");
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
  }
});
