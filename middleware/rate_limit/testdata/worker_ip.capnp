# workerd config of the client-IP test Worker (worker_ip.ts bundled to worker_ip.js beside it).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "api", worker = .api)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "api")],
);

const api :Workerd.Worker = (
  modules = [(name = "worker_ip.js", esModule = embed "worker_ip.js")],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [(name = "TRUST_CF", fromEnvironment = "TRUST_CF")],
);
