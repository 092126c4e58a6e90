// Headless Chromium forced onto QUIC for the test origin loads the example dashboard over HTTP/3:
// the page, its script and its Arrow data all come over h3 (the protocol the page reports), and
// the chart draws, so the Server builder, middleware, content coding and `arrow()` work unchanged.
import assert from "node:assert/strict";
import { launchChromium } from "../../tools/_test_chromium.ts";
import { issueApiKey, MemoryKeyStore } from "../../middleware/auth/mod.ts";
import { MemoryRateLimitStore } from "../../middleware/rate_limit/mod.ts";
import { createExampleApp } from "../../examples/app.ts";
import { buildDashboardScript } from "../../examples/dashboard/build.ts";
import { withPlatform } from "../../examples/platform.ts";
import { h3Listen, testCert } from "./_test_h3.ts";

Deno.test("http3: Chromium loads the example dashboard over h3", async () => {
  const keys = new MemoryKeyStore();
  const { key: apiKey } = await issueApiKey(keys, {
    tenant: "dev",
    scopes: ["data:read"],
    plan: "free",
    mode: "test",
  });
  const app = createExampleApp({
    dashboard: { script: await buildDashboardScript(), devApiKey: apiKey },
    configure: withPlatform({ keys, rateLimits: new MemoryRateLimitStore() }),
  });
  const { cert, key, spki } = await testCert();
  const server = app.listen(h3Listen({ cert, key }));
  const origin = `127.0.0.1:${server.address.port}`;
  const browser = await launchChromium([
    `--origin-to-force-quic-on=${origin}`,
    `--ignore-certificate-errors-spki-list=${spki}`,
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const nav = await page.goto(`https://${origin}/`);
    assert.equal(nav?.status(), 200);
    await page.waitForSelector("#chart[data-ready='1']", { timeout: 20_000 }).catch((e) => {
      throw new Error(`chart never drew (page errors: ${pageErrors.join("; ")})`, { cause: e });
    });
    const protocols = await page.evaluate(() =>
      performance.getEntries()
        .filter((e) => "nextHopProtocol" in e)
        .map((e) => [e.name, (e as unknown as { nextHopProtocol: string }).nextHopProtocol])
    );
    assert.equal(protocols[0][1], "h3", JSON.stringify(protocols));
    const arrow = protocols.filter(([name]) => name.includes("/arrow"));
    assert.ok(arrow.length > 0, JSON.stringify(protocols));
    for (const [name, protocol] of protocols) assert.equal(protocol, "h3", name);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
