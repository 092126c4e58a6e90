// Fixture for the platform stack's GC guard: API-key auth, rate limit and cost tracking on memory
// stores in front of a small JSON answer, as in bench/http.ts's "platform stack".
import { Route, Server } from "../../server/mod.ts";
import { issueApiKey, MemoryCostLedger, MemoryKeyStore, MemoryRateLimitStore } from "../mod.ts";

const keyStore = new MemoryKeyStore();
const { key } = await issueApiKey(keyStore, {
  tenant: "gc",
  scopes: ["data:read"],
  plan: "pro",
  mode: "test",
});
const policy = { limit: 36_000_000, windowSeconds: 3600 };
const app = new Server({ openapi: false })
  .route("/small", Route.get((c) => c.json({ id: 42, detector: "H1", ok: true, tags: ["o4"] })))
  .withAuth({ keyStore })
  .withRateLimit({ policy, plans: { pro: policy }, store: new MemoryRateLimitStore() })
  .withCostTracking({ ledger: new MemoryCostLedger() })
  .build();
app.listen({
  hostname: "127.0.0.1",
  port: 0,
  handleSignals: false,
  onListen: (a) => console.error(`READY ${a.port} ${key}`),
});
