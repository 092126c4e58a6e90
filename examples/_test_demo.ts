// Test helper: the example app behind the platform (memory stores) on 127.0.0.1, with the demo key
// the dev server issues.

import { MemoryKeyStore } from "../middleware/auth/mod.ts";
import { MemoryRateLimitStore } from "../middleware/rate_limit/mod.ts";
import { listenLocal, type TestServer } from "../server/_test_util.ts";
import { createExampleApp, type ExampleOptions } from "./app.ts";
import { issueDemoKey, withPlatform } from "./platform.ts";

/**
 * Serves the example app with `withPlatform` on memory stores; `options` get the demo key (the
 * dashboard page carries it). `await using` stops the server.
 */
export async function serveDemo(
  options: (key: string) => Omit<ExampleOptions, "configure"> = () => ({}),
): Promise<TestServer & { key: string }> {
  const keys = new MemoryKeyStore();
  const key = await issueDemoKey(keys);
  const app = createExampleApp({
    ...options(key),
    configure: withPlatform({ keys, rateLimits: new MemoryRateLimitStore() }),
  });
  return { ...listenLocal(app), key };
}
