# workerd configuration of the avx-http example Worker (examples/workers/worker.ts).
#
# Build first: `deno run -A examples/workers/build.ts .cache/workers` bundles worker.ts and
# local_kv.ts into one ES module each and copies this file beside them, then:
#
#   AVX_ADMIN_TOKEN=secret .cache/workerd/node_modules/.bin/workerd serve .cache/workers/workerd.capnp
#
# (`--socket-addr http=127.0.0.1:0` picks a free port; `--control-fd` reports it.)
#
# Bindings, as on Cloudflare (see wrangler.toml for the deployed equivalent):
#   KEYS         Workers KV namespace of API keys. Locally backed by local_kv.js, an in-memory
#                implementation of the protocol workerd's KV binding speaks.
#   RATE_LIMITS  Durable Object namespace: strongly consistent rate-limit counters.
#   COSTS        Durable Object namespace: the cost ledger.
#   ADMIN_TOKEN  bearer token of POST /admin/keys (issues API keys); unset: no admin route.
#   RATE_LIMIT   "<requests>/<seconds>" per API key, default "60/60".
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "api", worker = .apiWorker),
    (name = "keys-kv", worker = .localKv),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "api")],
);

const apiWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  # nodejs_compat: our zstd, brotli and gzip/deflate content codings come from node:zlib.
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "KEYS", kvNamespace = "keys-kv"),
    (name = "RATE_LIMITS", durableObjectNamespace = "RateLimitObject"),
    (name = "COSTS", durableObjectNamespace = "CostLedgerObject"),
    (name = "ADMIN_TOKEN", fromEnvironment = "AVX_ADMIN_TOKEN"),
    (name = "RATE_LIMIT", fromEnvironment = "AVX_RATE_LIMIT"),
  ],
  durableObjectNamespaces = [
    (className = "RateLimitObject", uniqueKey = "avx-http-rate-limits"),
    (className = "CostLedgerObject", uniqueKey = "avx-http-costs"),
  ],
  # In-memory Durable Object storage: state lives as long as the workerd process.
  durableObjectStorage = (inMemory = void),
);

const localKv :Workerd.Worker = (
  modules = [(name = "local_kv.js", esModule = embed "local_kv.js")],
  compatibilityDate = "2025-09-01",
);
