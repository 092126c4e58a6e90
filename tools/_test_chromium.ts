// Test helper: Debian's headless Chromium driven by playwright-core (no browser download), with
// the flags this closed machine needs (no background networking, updates or sync) and one clear
// failure when it is missing.

import { type Browser, chromium } from "playwright-core";

/** Where `deno task test` (tools/test_deps.ts) installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Launches headless Chromium; throws naming the install step when it is missing. QUIC is off
 * unless `quicArgs` are given (e.g. `--origin-to-force-quic-on=...` for the HTTP/3 tests).
 */
export async function launchChromium(quicArgs: string[] = []): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...quicArgs,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        ...(quicArgs.length === 0 ? ["--disable-quic"] : []),
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (e) {
    throw new Error(
      `headless Chromium is required at ${CHROMIUM} (deno task test installs it: ` +
        `tools/test_deps.ts): ${e}`,
    );
  }
}
