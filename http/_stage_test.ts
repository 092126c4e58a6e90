import assert from "node:assert/strict";
import { Hono } from "hono";
import { replaceRes } from "./_stage.ts";

Deno.test("replaceRes: the new response keeps none of the old one's headers", async () => {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    replaceRes(c, new Response("new", { headers: { "x-new": "1" } }));
  });
  app.get("/", (c) => c.text("old", 200, { "x-old": "1", "set-cookie": "a=1" }));
  const res = await app.request("/");
  assert.equal(await res.text(), "new");
  assert.equal(res.headers.get("x-new"), "1");
  assert.equal(res.headers.get("x-old"), null);
  assert.equal(res.headers.get("set-cookie"), null);
});
