// Fixture for the shutdown billing test: cost tracking into a KV ledger at the path in
// Deno.args[0]. `POST /work` prints `IN` when it starts and answers only once the shutdown has
// begun, so every such request finishes during the drain. Prints its port.
import { KvCostLedger } from "../../middleware/cost/mod.ts";
import { Route, Server } from "../mod.ts";
import { appRuntime } from "../../http/runtime.ts";

const kv = await Deno.openKv(Deno.args[0]);
const ledger = new KvCostLedger(kv, { flushIntervalMs: 60_000 });
const app = new Server()
  .route(
    "/work",
    Route.post(async (c) => {
      await c.req.arrayBuffer();
      const signal = appRuntime(c)!.shutdownSignal;
      console.log("IN");
      if (!signal.aborted) {
        await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
      }
      await new Promise((r) => setTimeout(r, 20));
      return c.text("done", 201);
    }),
  )
  .withCostTracking({ ledger })
  .build();
app.listen("127.0.0.1:0", {
  shutdownTimeoutMs: 5_000,
  onListen: (a) => console.log(`PORT=${a.port}`),
});
