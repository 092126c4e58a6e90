// End to end in real headless Chromium (playwright-core driving /usr/bin/chromium): the dev
// app serves the dashboard, the page fetches strain as a zstd-coded Arrow stream, reads it with
// our bundled columnar reader and draws it. Checked: what the page drew matches the server's
// data, the canvas has ink, the Arrow response went over the wire as zstd (network events), and
// a screenshot is saved.

import assert from "node:assert/strict";
import { launchChromium } from "../tools/_test_chromium.ts";
import { buildDashboardScript } from "./dashboard/build.ts";
import { serveDemo } from "./_test_demo.ts";
import { strain } from "./strain.ts";

Deno.test("dashboard: Chromium draws the zstd-coded Arrow strain with our reader", async () => {
  const script = await buildDashboardScript();
  await using srv = await serveDemo((key) => ({ dashboard: { script, devApiKey: key } }));

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const arrow: Array<{ url: string; status: number; encoding?: string; accept?: string }> = [];
    page.on("response", async (res) => {
      if (!res.url().includes("/arrow")) return;
      const headers = await res.allHeaders();
      const sent = await res.request().allHeaders();
      arrow.push({
        url: res.url(),
        status: res.status(),
        encoding: headers["content-encoding"],
        accept: sent["accept-encoding"],
      });
    });

    const nav = await page.goto(`${srv.url}/`);
    assert.equal(nav?.status(), 200);
    await page.waitForSelector("#chart[data-ready='1']", { timeout: 15_000 })
      .catch((e) => {
        throw new Error(`chart never drew (page errors: ${pageErrors.join("; ")})`, { cause: e });
      });

    // What the page says it drew, against the server's own data.
    const drawn = await page.evaluate(() =>
      (globalThis as unknown as { avxChart: Record<string, number | string> }).avxChart
    );
    const expected = strain("H1", 16 * 4096 - 2048, 4096);
    assert.equal(drawn.detector, "H1");
    assert.equal(drawn.points, expected.length);
    assert.equal(drawn.min, Math.min(...expected));
    assert.equal(drawn.max, Math.max(...expected));
    assert.match(await page.textContent("#status") ?? "", /H1: 4096 samples/);

    // The canvas really has a line: count pixels that differ from the background colour.
    const ink = await page.evaluate(() => {
      type Canvas = {
        width: number;
        height: number;
        getContext(k: "2d"): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas } })
        .document;
      const c = doc.querySelector("canvas");
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      const columns = new Set<number>();
      for (let i = 0; i < d.length; i += 4) {
        // The line colour (#7dd3fc) is bright blue; the background (#0b1020) is near black.
        if (d[i + 2] > 150 && d[i + 1] > 100) {
          lit++;
          columns.add((i / 4) % c.width);
        }
      }
      return { lit, columns: columns.size, width: c.width };
    });
    assert.ok(ink.lit > 1000, `line pixels: ${ink.lit}`);
    assert.ok(ink.columns > ink.width * 0.9, `the line spans the chart (${ink.columns} columns)`);

    // The Arrow stream crossed the network zstd-coded (Chromium offers zstd and decodes it).
    assert.equal(arrow.length, 1, JSON.stringify(arrow));
    assert.equal(arrow[0].status, 200);
    assert.match(arrow[0].accept ?? "", /zstd/);
    assert.equal(arrow[0].encoding, "zstd");

    // Switching detector redraws with that detector's data.
    await page.selectOption("#detector", "V1");
    await page.waitForFunction(() =>
      (globalThis as unknown as { avxChart?: { detector: string } }).avxChart?.detector === "V1"
    );
    const v1 = await page.evaluate(() =>
      (globalThis as unknown as { avxChart: { max: number } }).avxChart
    );
    assert.equal(v1.max, Math.max(...strain("V1", 16 * 4096 - 2048, 4096)));

    const dir = await Deno.makeTempDir({ prefix: "avx_dashboard_" });
    const shot = `${dir}/dashboard.png`;
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok((await Deno.stat(shot)).size > 5000);
    console.log(`dashboard screenshot: ${shot}`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
  }
});
