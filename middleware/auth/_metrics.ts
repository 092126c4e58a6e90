// avx_auth_failures_total{code}: counted on the app's registry when the request came through an
// avx-http app (nothing otherwise). Only failures are counted, so the success path pays nothing.

import type { Context } from "hono";
import { Counter } from "../../http/metrics.ts";
import { appRuntime } from "../../http/runtime.ts";

const NAME = "avx_auth_failures_total";
const byRegistry = new WeakMap<object, Counter>();

export function countFailure(c: Context, code: string): void {
  const rt = appRuntime(c);
  if (rt === undefined) return;
  const registry = rt.metrics;
  let counter = byRegistry.get(registry);
  if (counter === undefined) {
    const existing = registry.get(NAME);
    counter = existing instanceof Counter ? existing : registry.register(
      new Counter(NAME, "Requests rejected by auth(), by reason.", ["code"]),
    );
    byRegistry.set(registry, counter);
  }
  counter.inc([code]);
}
