import assert from "node:assert/strict";
import { Hono } from "hono";
import { Client, typedClient } from "./mod.ts";
import { recordingSleep } from "./_test_servers.ts";
import { listenLocal } from "../server/_test_util.ts";

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

Deno.test("typedClient<typeof app>: Server.openapi routes keep their types; wrong params do not compile", async () => {
  const { createRoute, z } = await import("@hono/zod-openapi");
  const { Route, Server } = await import("../server/mod.ts");
  const { STRAIN_ROUTE } = await import("../server/_test_routes.ts");
  const app = new Server({ openapi: false })
    .route("/plain", Route.get((c) => c.text("untyped")))
    .openapi(
      STRAIN_ROUTE,
      (c) => {
        const { detector } = c.req.valid("param");
        const { n } = c.req.valid("query");
        return c.json({ detector, samples: new Array<number>(n).fill(0) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/upload",
        request: {
          body: {
            content: { "application/json": { schema: z.object({ samples: z.array(z.number()) }) } },
          },
        },
        responses: {
          201: {
            description: "Stored",
            content: { "application/json": { schema: z.object({ count: z.number() }) } },
          },
        },
      }),
      (c) => c.json({ count: c.req.valid("json").samples.length }, 201),
    )
    .build();
  const server = listenLocal(app).server;
  try {
    const api = typedClient<typeof app>(Client.builder().build(), server.address.url);
    const got = await api.api.strain[":detector"].$get({
      param: { detector: "L1" },
      query: { n: "3" },
    });
    assert.equal(got.status, 200);
    const body: { detector: string; samples: number[] } = await got.json();
    assert.deepEqual(body, { detector: "L1", samples: [0, 0, 0] });
    const made = await api.api.upload.$post({ json: { samples: [1, 2] } });
    assert.equal(made.status, 201);
    const count: number = (await made.json()).count;
    assert.equal(count, 2);

    // Compile-time checks (the calls never run).
    const never = () => {
      // @ts-expect-error: "X1" is not a detector
      api.api.strain[":detector"].$get({ param: { detector: "X1" }, query: { n: "3" } });
      // @ts-expect-error: the parameter is named detector
      api.api.strain[":detector"].$get({ param: { id: "H1" }, query: { n: "3" } });
      // @ts-expect-error: samples must be numbers
      api.api.upload.$post({ json: { samples: ["a"] } });
      // @ts-expect-error: no such route
      api.api.nope.$get();
    };
    void never;
    // The same types through Hono's own client.
    const { hc } = await import("hono/client");
    const raw = hc<typeof app.hono>(server.address.url);
    const direct = await raw.api.strain[":detector"].$get({
      param: { detector: "H1" },
      query: { n: "1" },
    });
    assert.equal((await direct.json()).samples.length, 1);
  } finally {
    await server.shutdown();
  }
});
