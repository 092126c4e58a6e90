// One server instance of the multi-instance Redis tests (middleware/redis/instances_test.ts):
// the platform stack (auth, rate limit, cost tracking, idempotency) on the Redis stores, on a
// port the kernel picks. Usage: deno run -A instance.ts <redis url> <open|closed>
// Prints "READY <port>" once listening.
import { Route, Server } from "../../../server/mod.ts";
import {
  RedisCostLedger,
  RedisIdempotencyStore,
  RedisKeyStore,
  RedisRateLimitStore,
} from "../mod.ts";

const [url, failureMode] = Deno.args;
// Long enough that a loaded machine does not time calls out (the failure mode would then decide,
// and the exactness checks would see it); short of the tests' 10 s bound per request.
const timeoutMs = 5000;
const keyStore = new RedisKeyStore({ url, timeoutMs });
const store = new RedisRateLimitStore({ url, timeoutMs });
const idem = new RedisIdempotencyStore({ url, timeoutMs });
const ledger = new RedisCostLedger({ url, timeoutMs, flushIntervalMs: 0, granularity: "day" });
await Promise.all([keyStore.connect(), store.connect(), idem.connect(), ledger.connect()]);

let runs = 0;
const app = new Server({ openapi: false, logError: () => {} })
  .route("/gcra", Route.get((c) => c.text("ok")))
  .route("/sw", Route.get((c) => c.text("ok")))
  .route("/anon/ping", Route.get((c) => c.text("pong")))
  .route(
    "/anon/orders",
    Route.post(async (c) => {
      runs++;
      await new Promise((r) => setTimeout(r, 150)); // let a concurrent duplicate arrive
      return c.json({ order: runs }, 201);
    }),
  )
  .route("/anon/runs", Route.get((c) => c.json({ runs })))
  .route(
    "/anon/revoke/:id",
    Route.post(async (c) =>
      c.json({ revoked: await keyStore.revoke(c.req.param("id")!, Date.now()) })
    ),
  )
  .route(
    "/anon/flush",
    Route.post(async (c) => {
      try {
        await ledger.flush();
        return c.json({ flushed: true });
      } catch {
        return c.json({ flushed: false }, 503);
      }
    }),
  )
  .withAuth({
    keyStore,
    apiKeyCache: false,
    skip: (c) => c.req.path.startsWith("/anon/") || c.req.path === "/readyz",
  })
  .withRateLimit({
    failureMode: failureMode === "closed" ? "closed" : "open",
    store,
    policy: { limit: 1_000_000, windowSeconds: 3600 },
    limits: {
      "/gcra": { name: "g", limit: 100, windowSeconds: 3600 },
      "/sw": { name: "s", limit: 100, windowSeconds: 3600, algorithm: "sliding-window" },
    },
  })
  .withCostTracking({ ledger })
  .withIdempotency({ store: idem, lockMs: 5_000 })
  .withUsageRoute({ ledger })
  .build();

app.listen({
  hostname: "127.0.0.1",
  port: 0,
  handleSignals: false,
  onListen: (a) => console.log(`READY ${a.port}`),
});
