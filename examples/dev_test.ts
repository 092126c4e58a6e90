import assert from "node:assert/strict";
import { banner } from "./dev.ts";

Deno.test("dev banner: dashboard, docs and metrics URLs and the demo key with a usable curl", () => {
  const text = banner("http://127.0.0.1:8000", "avl_test_abc", "dashboard disabled: x");
  for (const path of ["/", "/docs", "/metrics", "/healthz"]) {
    assert.ok(text.includes(`http://127.0.0.1:8000${path} `), path);
  }
  assert.ok(text.includes("ws://127.0.0.1:8000/ws"));
  assert.match(text, /curl -H 'X-AVL-API-Key: avl_test_abc' http:\/\/127\.0\.0\.1:8000\/api\//);
  assert.match(text, /dashboard disabled: x/);
  assert.doesNotMatch(banner("http://h:1", "k", ""), /disabled/);
});
