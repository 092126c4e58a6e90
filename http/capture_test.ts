import assert from "node:assert/strict";
import { Hono } from "hono";
import { captureBodies, capturedPayload } from "./_capture.ts";

Deno.test("captureBodies: c.json/c.text/c.body responses carry their payload", async () => {
  const seen: Array<string | Uint8Array | undefined> = [];
  const app = new Hono();
  app.use(async (c, next) => {
    captureBodies(c);
    await next();
    seen.push(capturedPayload(c.res));
  });
  app.get("/j", (c) => c.json({ a: 1 }));
  app.get("/t", (c) => c.text("hi"));
  app.get("/b", (c) => c.body(new Uint8Array([1, 2])));
  app.get("/r", () => new Response("plain"));
  for (const p of ["/j", "/t", "/b", "/r"]) await (await app.request(p)).arrayBuffer();
  assert.deepEqual(seen, ['{"a":1}', "hi", new Uint8Array([1, 2]), undefined]);
});
