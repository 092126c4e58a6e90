import assert from "node:assert/strict";
import { Hono } from "hono";
import { auth } from "./auth.ts";
import { issueApiKey } from "./key_store.ts";
import type { Principal } from "../../http/principal.ts";
import { missingScopes, requireScopes } from "./scopes.ts";
import { MemoryKeyStore } from "./stores/memory.ts";

async function setup() {
  const keyStore = new MemoryKeyStore();
  const reader = await issueApiKey(keyStore, {
    tenant: "acme",
    scopes: ["data:read"],
    plan: "free",
    mode: "test",
  });
  const admin = await issueApiKey(keyStore, {
    tenant: "acme",
    scopes: ["data:read", "data:write", "admin"],
    plan: "pro",
    mode: "test",
  });
  const app = new Hono();
  app.use("/v1/*", auth({ keyStore }));
  app.use("/open/*", auth({ keyStore, optional: true }));
  app.get("/v1/data", requireScopes("data:read"), (c) => c.text("rows"));
  app.post("/v1/data", requireScopes("data:write"), (c) => c.text("written"));
  app.delete("/v1/data", requireScopes("data:write", "admin"), (c) => c.text("dropped"));
  app.get("/open/data", requireScopes("data:read"), (c) => c.text("rows"));
  return { app, reader: reader.key, admin: admin.key };
}

Deno.test("requireScopes: present scopes pass; a missing scope is a 403 problem naming it", async () => {
  const { app, reader, admin } = await setup();
  const h = (key: string) => ({ headers: { "x-avl-api-key": key } });
  assert.equal(await (await app.request("/v1/data", h(reader))).text(), "rows");
  const denied = await app.request("/v1/data", { method: "POST", ...h(reader) });
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get("content-type"), "application/problem+json");
  assert.equal(
    denied.headers.get("www-authenticate"),
    'ApiKey error="insufficient_scope", error_description="missing scope data:write", scope="data:write"',
  );
  const problem = await denied.json();
  assert.equal(problem.code, "insufficient_scope");
  assert.deepEqual(problem.missing_scopes, ["data:write"]);
  assert.match(problem.detail, /data:write/);
  const both = await app.request("/v1/data", { method: "DELETE", ...h(reader) });
  assert.equal(both.status, 403);
  assert.deepEqual((await both.json()).missing_scopes, ["data:write", "admin"]);
  assert.match(both.headers.get("www-authenticate") ?? "", /scope="data:write admin"/);
  assert.equal(
    await (await app.request("/v1/data", { method: "DELETE", ...h(admin) })).text(),
    "dropped",
  );
});

Deno.test("requireScopes without a principal (optional auth, anonymous) is 401", async () => {
  const { app, reader } = await setup();
  const res = await app.request("/open/data");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), "Bearer, ApiKey");
  assert.equal((await res.json()).code, "missing_credentials");
  const ok = await app.request("/open/data", { headers: { "x-avl-api-key": reader } });
  assert.equal(ok.status, 200);
});

Deno.test("missingScopes is exact-match and order-preserving; bad scope names throw", () => {
  const p: Principal = { kind: "jwt", tenant: "t", subject: "s", scopes: ["a", "b:c"], plan: "x" };
  assert.deepEqual(missingScopes(p, ["b:c", "a"]), []);
  assert.deepEqual(missingScopes(p, ["b", "a", "z"]), ["b", "z"]);
  assert.throws(() => requireScopes("has space"), { name: "AuthError", code: "invalid_argument" });
  assert.throws(() => requireScopes(""), { name: "AuthError", code: "invalid_argument" });
});
