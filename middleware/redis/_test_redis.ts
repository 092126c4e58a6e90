// Test fixture: real `redis-server` processes on free loopback ports (a single server, or a
// 3-node Redis Cluster made with `redis-cli --cluster create`), without persistence, stopped
// and restarted by the tests. `tools/test_deps.ts` installs redis-server and redis-tools.

/** A port the kernel just handed out on 127.0.0.1 (free at that moment). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function redisCli(port: number, args: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-h", "127.0.0.1", "-p", String(port), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Waits (bounded: 10 s) until `check` holds, polling every 20 ms. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis fixture: ${what} did not happen within 10 s`);
}

/** One redis-server process on 127.0.0.1. */
export class RedisServer {
  readonly port: number;
  readonly #dir: string;
  readonly #cluster: boolean;
  #child: Deno.ChildProcess | undefined;

  private constructor(port: number, dir: string, cluster: boolean) {
    this.port = port;
    this.#dir = dir;
    this.#cluster = cluster;
  }

  /** `redis://127.0.0.1:port`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port and waits until it answers PING. */
  static async start(options: { cluster?: boolean; port?: number } = {}): Promise<RedisServer> {
    const dir = await Deno.makeTempDir({ prefix: "avx-redis-" });
    const s = new RedisServer(options.port ?? freePort(), dir, options.cluster ?? false);
    await s.restart();
    return s;
  }

  /** (Re)starts the process on the same port; data is gone (no persistence). */
  async restart(): Promise<void> {
    if (this.#child !== undefined) return;
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      this.#dir,
      "--protected-mode",
      "no",
    ];
    if (this.#cluster) {
      args.push("--cluster-enabled", "yes", "--cluster-config-file", `nodes-${this.port}.conf`);
    }
    this.#child = new Deno.Command("redis-server", { args, stdout: "null", stderr: "null" })
      .spawn();
    await until(
      `redis-server on ${this.port}`,
      async () => (await redisCli(this.port, ["PING"])) === "PONG",
    );
  }

  /** Stops the process (SIGKILL: an abrupt outage) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  }

  /** Runs a redis-cli command against this server; returns its output. */
  cli(...args: string[]): Promise<string> {
    return redisCli(this.port, args);
  }

  /** Stops and removes the working directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }

  /** `await using`: {@link dispose}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Calls of `cmd` counted by `INFO commandstats` (e.g. `evalsha`), on one server. */
export async function commandCalls(server: RedisServer, cmd: string): Promise<number> {
  const info = await server.cli("INFO", "commandstats");
  const m = info.match(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`));
  return m ? Number(m[1]) : 0;
}

/** A 3-master Redis Cluster on loopback (no replicas), ready when every slot is served. */
export class RedisCluster {
  readonly nodes: RedisServer[];

  private constructor(nodes: RedisServer[]) {
    this.nodes = nodes;
  }

  /** Seed URLs. */
  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** Starts three cluster-enabled servers and joins them into a cluster. */
  static async start(): Promise<RedisCluster> {
    const nodes = await Promise.all([0, 1, 2].map(() => RedisServer.start({ cluster: true })));
    const c = new RedisCluster(nodes);
    const out = await new Deno.Command("redis-cli", {
      args: [
        "--cluster",
        "create",
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      await c.dispose();
      throw new Error(`redis-cli --cluster create failed: ${new TextDecoder().decode(out.stdout)}`);
    }
    await until("cluster_state:ok on every node", async () => {
      for (const n of nodes) {
        if (!(await n.cli("CLUSTER", "INFO")).includes("cluster_state:ok")) return false;
      }
      return true;
    });
    return c;
  }

  /** Stops every node. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }

  /** `await using`: {@link dispose}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * `store` once it is connected; `await using` closes it. A store that does not connect is
 * closed before the error is thrown. Declared after its server, a store is closed before the
 * server stops:
 *
 * ```ts
 * import { RedisRateLimitStore } from "./rate_limit_store.ts";
 * import { connected, RedisServer } from "./_test_redis.ts";
 * await using redis = await RedisServer.start();
 * await using store = await connected(new RedisRateLimitStore({ url: redis.url }));
 * ```
 */
export async function connected<S extends { connect(): Promise<void>; close(): Promise<void> }>(
  store: S,
): Promise<S & AsyncDisposable> {
  try {
    await store.connect();
  } catch (e) {
    await store.close();
    throw e;
  }
  return Object.assign(store, { [Symbol.asyncDispose]: () => store.close() });
}
