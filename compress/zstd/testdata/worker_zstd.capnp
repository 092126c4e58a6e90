# workerd config of the zstd decoder Worker (worker_zstd.ts bundled to worker_zstd.js beside it).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "api", worker = .api)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "api")],
);

const api :Workerd.Worker = (
  modules = [(name = "worker_zstd.js", esModule = embed "worker_zstd.js")],
  compatibilityDate = "2025-09-01",
);
