// Servers of bench/redis.ts, one per process: deno run -A bench/_redis_servers.ts KIND PORT URL
// Each serves GET /small (a 60-byte JSON) behind API-key auth, a rate limit and cost tracking:
// - avx-redis:  avx-http's platform stack on the Redis stores (key lookups cached 5 s, the
//               default; one rate-limit script per request; usage batched once a second);
// - avx-memory: the same stack on the memory stores;
// - hono-rlf:   an otherwise equal Hono app limited by rate-limiter-flexible's RateLimiterRedis
//               (node-redis client) on the same Redis, with auth and usage in process memory.
// With a 4th argument (a file path), also issues keys for 500 more tenants and writes them there,
// one per line, for a run whose requests spread over many tenants (distinct counters).
// Prints "READY x-avl-api-key: <key>" once listening.
import { Hono } from "hono";
import { createClient } from "@redis/client";
import { RateLimiterRedis } from "npm:rate-limiter-flexible@11.4.0";
import { Route, Server } from "../server/mod.ts";
import {
  hashApiKey,
  issueApiKey,
  type KeyStore,
  MemoryCostLedger,
  MemoryKeyStore,
  MemoryRateLimitStore,
  RedisCostLedger,
  RedisKeyStore,
  RedisRateLimitStore,
} from "../middleware/mod.ts";

const [kind, portText, url, keysFile] = Deno.args;
const TENANTS = 500;
const port = Number(portText);
const body = { id: 42, detector: "H1", ok: true, tags: ["o4"] };
// Large enough never to refuse during a run: the bench measures the admitted path.
const policy = { limit: 36_000_000, windowSeconds: 3600 };
let handler: (req: Request) => Response | Promise<Response>;
let key: string;

if (kind === "avx-redis" || kind === "avx-memory") {
  const redis = kind === "avx-redis";
  const keyStore: KeyStore = redis ? new RedisKeyStore({ url }) : new MemoryKeyStore();
  const store = redis ? new RedisRateLimitStore({ url }) : new MemoryRateLimitStore();
  const ledger = redis ? new RedisCostLedger({ url }) : new MemoryCostLedger();
  if (keyStore instanceof RedisKeyStore) await keyStore.connect();
  if (store instanceof RedisRateLimitStore) await store.connect();
  ({ key } = await issueApiKey(keyStore, {
    tenant: "bench",
    scopes: ["data:read"],
    plan: "pro",
    mode: "test",
  }));
  if (keysFile !== undefined) {
    const more: string[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const issued = await issueApiKey(keyStore, {
        tenant: `t${i}`,
        scopes: [],
        plan: "pro",
        mode: "test",
      });
      more.push(issued.key);
    }
    await Deno.writeTextFile(keysFile, more.join("\n"));
  }
  const app = new Server({ openapi: false })
    .route("/small", Route.get((c) => c.json(body)))
    .withAuth({ keyStore })
    .withRateLimit({ policy, plans: { pro: policy }, store })
    .withCostTracking({ ledger })
    .build();
  handler = app.fetch;
} else if (kind === "hono-rlf") {
  const client = createClient({ url, disableOfflineQueue: true });
  client.on("error", () => {});
  await client.connect();
  const limiter = new RateLimiterRedis({
    storeClient: client,
    useRedisPackage: true,
    points: policy.limit,
    duration: policy.windowSeconds,
    keyPrefix: "rlf",
  });
  const keys = new MemoryKeyStore();
  ({ key } = await issueApiKey(keys, { tenant: "bench", scopes: [], plan: "pro", mode: "test" }));
  const tenants = new Map([[key, "bench"]]); // a lookup cached in memory, as ours is
  if (keysFile !== undefined) {
    const more: string[] = [];
    for (let i = 0; i < TENANTS; i++) {
      const issued = await issueApiKey(keys, {
        tenant: `t${i}`,
        scopes: [],
        plan: "pro",
        mode: "test",
      });
      tenants.set(issued.key, `t${i}`);
      more.push(issued.key);
    }
    await Deno.writeTextFile(keysFile, more.join("\n"));
  }
  const usage = new Map<string, number>();
  const app = new Hono();
  app.use(async (c, next) => {
    const presented = c.req.header("x-avl-api-key");
    let tenant = presented === undefined ? undefined : tenants.get(presented);
    if (tenant === undefined && presented !== undefined) {
      tenant = keys.findByHash(await hashApiKey(presented))?.tenant;
    }
    if (tenant === undefined) return c.json({ code: "unauthorized" }, 401);
    try {
      await limiter.consume(tenant, 1);
    } catch {
      return c.json({ code: "rate_limited" }, 429);
    }
    await next();
    usage.set(tenant, (usage.get(tenant) ?? 0) + 1);
  });
  app.get("/small", (c) => c.json(body));
  handler = app.fetch;
} else {
  console.error(`unknown server kind ${kind}`);
  Deno.exit(2);
}

Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => console.log(`READY x-avl-api-key: ${key}`) },
  handler,
);
