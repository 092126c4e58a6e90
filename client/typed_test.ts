import assert from "node:assert/strict";
import { Hono } from "hono";
import { Client, typedClient } from "./mod.ts";
import { recordingSleep } from "./_test_servers.ts";

Deno.test("typedClient: Hono RPC types over the avx client (retries included), real socket", async () => {
  let calls = 0;
  const app = new Hono()
    .get("/api/items/:id", (c) => c.json({ id: c.req.param("id"), n: ++calls }))
    .post("/api/items", async (c) => c.json(await c.req.json<{ name: string }>(), 201))
    .get("/api/flaky", (c) => (++calls % 2 === 1 ? c.text("busy", 503) : c.json({ ok: true })));
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const rec = recordingSleep();
  const client = Client.builder().retry({ attempts: 3 }).sleep(rec.sleep).build();
  const api = typedClient<typeof app>(client, `http://127.0.0.1:${server.addr.port}`);
  const got = await api.api.items[":id"].$get({ param: { id: "7" } });
  assert.deepEqual(await got.json(), { id: "7", n: 1 });
  const made = await api.api.items.$post({ json: { name: "strain" } });
  assert.equal(made.status, 201);
  assert.deepEqual(await made.json(), { name: "strain" });
  calls = 0;
  const flaky = await api.api.flaky.$get();
  assert.equal(flaky.status, 200);
  assert.equal(rec.delays.length, 1);
  assert.equal(client.stats().retries, 1);
});
