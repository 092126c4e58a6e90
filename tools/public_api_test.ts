// Building blocks no user calls stay private: they are not re-exported by the entry points.
import assert from "node:assert/strict";
import * as root from "../mod.ts";
import * as middleware from "../middleware/mod.ts";

Deno.test("./middleware does not export the rate-limit and trace building blocks", () => {
  for (const name of ["gcraStep", "slidingWindowStep", "parseNode", "newSpanId"]) {
    assert.equal(name in middleware, false, `./middleware exports ${name}`);
    assert.equal(name in root, false, `the root exports ${name}`);
  }
  // What a custom RateLimitStore needs stays public.
  assert.equal(typeof middleware.applyPolicy, "function");
});
