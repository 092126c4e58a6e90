// End to end: the client's idempotency keys against the server's idempotency() middleware, over
// a real socket, with responses lost after the server acted and with transient 503s.

import assert from "node:assert/strict";
import { Route, Server } from "../server/mod.ts";
import { listenLocal } from "../server/_test_util.ts";
import { idempotency } from "../middleware/idempotency/mod.ts";
import { Client } from "./mod.ts";
import { seeded } from "./_test_servers.ts";

Deno.test("POST with idempotency through the server middleware never takes effect twice", async () => {
  const serverRng = seeded(1234);
  const clientRng = seeded(99);
  const effects = new Map<string, number>();
  let unavailable = 0;
  const app = new Server({ openapi: false })
    // Transient failures before the middleware: the request never reached the handler.
    .use((c, next) => {
      if (serverRng() < 0.15) {
        unavailable++;
        return Promise.resolve(c.text("try again", 503));
      }
      return next();
    })
    .use("/orders", idempotency())
    .route(
      "/orders",
      Route.post(async (c) => {
        const { ref } = await c.req.json<{ ref: string }>();
        effects.set(ref, (effects.get(ref) ?? 0) + 1);
        return c.json({ ref, n: effects.get(ref) }, 201);
      }),
    )
    .build();
  await using srv = listenLocal(app);
  let lost = 0;
  const client = Client.builder().baseUrl(srv.url).idempotent()
    .retry({ attempts: 10, baseMs: 1, capMs: 8 }).breaker(false).random(clientRng)
    .fetch(async (input, init) => {
      const res = await fetch(input, init);
      // 20% of answers are lost after the server acted (connection dropped on the way back).
      if (clientRng() < 0.2) {
        lost++;
        await res.body?.cancel();
        throw new TypeError("connection reset by peer (injected, after the server acted)");
      }
      return res;
    })
    .build();
  const refs = Array.from({ length: 60 }, (_, i) => `order-${i}`);
  const results = await Promise.all(refs.map(async (ref) => {
    const res = await client.post("/orders").json({ ref }).send();
    return { ref, status: res.status, body: await res.json<{ ref: string; n: number }>(), res };
  }));
  for (const r of results) {
    assert.equal(r.status, 201, `${r.ref}: ${r.status}`);
    assert.equal(r.body.ref, r.ref);
    assert.equal(r.body.n, 1);
    assert.equal(effects.get(r.ref), 1, `${r.ref} took effect ${effects.get(r.ref)} times`);
  }
  assert.equal(effects.size, refs.length);
  assert.ok(lost > 3, `lost ${lost}`);
  assert.ok(unavailable > 3, `unavailable ${unavailable}`);
  const replayed = results.filter((r) => r.res.headers.get("idempotent-replayed") === "true");
  assert.ok(replayed.length > 0, "some answers came from the idempotency store");
});
