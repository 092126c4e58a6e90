// The apps of bench/redis.ts, built in one process: each serves GET /small (a 60-byte JSON)
// behind API-key auth, a rate limit and cost tracking.
// - avx-redis:  avx-http's platform stack on the Redis stores (key lookups cached 5 s, the
//               default; one rate-limit script per check, a hot key's concurrent checks share
//               calls; usage flushed once a second);
// - avx-limit:  the same stack with only the rate limit in Redis, keys and usage in memory: the
//               like-for-like peer of hono-rlf;
// - avx-memory: the same stack on the memory stores;
// - hono-rlf:   an otherwise equal Hono app limited by rate-limiter-flexible's RateLimiterRedis
//               (node-redis client) on the same Redis, with auth and usage in process memory.
//               RateLimiterRedis counts a fixed window (INCRBY); rate-limiter-flexible 11.4 has
//               no sliding-window or token-bucket Redis limiter (BurstyRateLimiter is two fixed
//               windows and costs the same on the admitted path), so it is the closest peer of
//               our exact GCRA.
import { Hono } from "hono";
import { createClient } from "@redis/client";
import { RateLimiterRedis } from "npm:rate-limiter-flexible@11.4.0";
import { Route, Server } from "../server/mod.ts";
import { hashApiKey } from "../middleware/auth/api_key.ts";
import {
  issueApiKey,
  type KeyStore,
  MemoryCostLedger,
  MemoryKeyStore,
  MemoryRateLimitStore,
  type RedisConnectionOptions,
  RedisCostLedger,
  RedisKeyStore,
  RedisRateLimitStore,
} from "../middleware/mod.ts";

/** An app under test: its fetch, the API keys of its tenants, and how to close it. */
export interface BenchApp {
  fetch: (req: Request) => Response | Promise<Response>;
  keys: string[];
  /** Commands its Redis stores sent so far (round trips, pipelined or not); none: not counted. */
  sent?: () => number;
  close: () => Promise<void>;
}

type RedisClient = NonNullable<RedisConnectionOptions["client"]>;

const body = { id: 42, detector: "H1", ok: true, tags: ["o4"] };
// Large enough never to refuse during a run: the bench measures the admitted path.
const policy = { limit: 36_000_000, windowSeconds: 3600 };

async function issue(store: KeyStore, tenants: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < tenants; i++) {
    const { key } = await issueApiKey(store, {
      tenant: `t${i}`,
      scopes: [],
      plan: "pro",
      mode: "test",
    });
    keys.push(key);
  }
  return keys;
}

/**
 * The avx-http platform stack on the Redis stores (`url`; with `limitOnly`, only the rate-limit
 * store, keys and usage in memory as in the peer app) or on the memory stores.
 */
export async function avxApp(
  url: string | undefined,
  tenants: number,
  limitOnly = false,
): Promise<BenchApp> {
  const all = url !== undefined && !limitOnly;
  // Each store on its own connection, as with `{ url }`, counted: every command is a round trip.
  const counter = { sent: 0 };
  const clients: Array<{ close(): Promise<unknown> }> = [];
  const client = async (): Promise<{ client: RedisClient }> => {
    const c = createClient({ url, disableOfflineQueue: true });
    c.on("error", () => {});
    await c.connect();
    clients.push(c);
    return {
      client: {
        sendCommand: (args: string[]) => (counter.sent++, c.sendCommand(args)),
        get isReady() {
          return c.isReady;
        },
      },
    };
  };
  const keyStore = all ? new RedisKeyStore(await client()) : new MemoryKeyStore();
  const store = url ? new RedisRateLimitStore(await client()) : new MemoryRateLimitStore();
  const ledger = all ? new RedisCostLedger(await client()) : new MemoryCostLedger();
  const keys = await issue(keyStore, tenants);
  const app = new Server({ openapi: false })
    .route("/small", Route.get((c) => c.json(body)))
    .withAuth({ keyStore })
    .withRateLimit({ policy, plans: { pro: policy }, store })
    .withCostTracking({ ledger })
    .build();
  return {
    fetch: app.fetch,
    keys,
    sent: () => counter.sent,
    close: async () => {
      await ledger.close();
      if (keyStore instanceof RedisKeyStore) await keyStore.close();
      if (store instanceof RedisRateLimitStore) await store.close();
      for (const c of clients) await c.close();
    },
  };
}

/** Hono + rate-limiter-flexible on Redis, auth and usage in memory. */
export async function rlfApp(url: string, tenants: number): Promise<BenchApp> {
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
  const store = new MemoryKeyStore();
  const keys = await issue(store, tenants);
  const cache = new Map<string, string>(); // verified keys, as auth()'s lookup cache
  const usage = new Map<string, number>();
  const app = new Hono();
  app.use(async (c, next) => {
    const presented = c.req.header("x-avl-api-key");
    let tenant = presented === undefined ? undefined : cache.get(presented);
    if (tenant === undefined && presented !== undefined) {
      tenant = store.findByHash(await hashApiKey(presented))?.tenant;
      if (tenant !== undefined) cache.set(presented, tenant);
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
  return {
    fetch: app.fetch,
    keys,
    close: async () => {
      await client.close();
    },
  };
}
