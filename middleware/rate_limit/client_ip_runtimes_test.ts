// The client address on the runtimes the README lists, each the real one: the same app (a rate
// limit by client IP, `GET /ip` answering the address it resolved) bundled for Node and run by
// `node` through @hono/node-server, and bundled for workerd and run by the real `workerd`.
// Clients are curl bound to two loopback source addresses (127.0.0.1 and 127.0.0.2), so two
// clients really are two peers.

import assert from "node:assert/strict";
import { bundle } from "../../examples/_bundle.ts";
import { jsonListenLine, type ServerProcess, spawnServer } from "../../examples/_process.ts";
import { startWorkerd } from "../../examples/workers/_workerd.ts";
import { run } from "../../server/_test_util.ts";
import { assertClientIpAvailable } from "../../http/client_ip.ts";
import { ConfigurationError } from "../../http/config_error.ts";
import { clientIpResolver } from "./mod.ts";
import { Hono } from "hono";

const testdata = new URL("./testdata/", import.meta.url);

/** GET with curl from a given loopback source address: status and JSON body. */
async function curlFrom(source: string, url: string): Promise<{ status: number; body: unknown }> {
  const r = await run("curl", [
    "-s",
    "--max-time",
    "10",
    "--interface",
    source,
    "-w",
    "\n%{http_code}",
    url,
  ]);
  assert.equal(r.code, 0, `curl failed: ${r.stderr}`);
  const text = new TextDecoder().decode(r.stdout);
  const nl = text.lastIndexOf("\n");
  const body = text.slice(0, nl);
  const status = Number(text.slice(nl + 1));
  return { status, body: status === 200 ? JSON.parse(body) : body };
}

Deno.test("client IP under real node (@hono/node-server): each peer its own address and bucket", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx_ip_node_" });
  await bundle(new URL("node_ip_server.ts", testdata), `${dir}/server.mjs`, "deno");
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer("node", [`${dir}/server.mjs`], { listenLine: jsonListenLine });
    const url = `${server.url}/ip`;
    assert.deepEqual(await curlFrom("127.0.0.1", url), {
      status: 200,
      body: { ip: "127.0.0.1", source: "peer" },
    });
    assert.equal((await curlFrom("127.0.0.1", url)).status, 200);
    assert.equal((await curlFrom("127.0.0.1", url)).status, 429, "127.0.0.1 spent its 2");
    // Another client: its own address, its own counter (it shared "ip:unknown" before).
    assert.deepEqual(await curlFrom("127.0.0.2", url), {
      status: 200,
      body: { ip: "127.0.0.2", source: "peer" },
    });
  } finally {
    await server?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client IP under real workerd: refused without trusted CF-Connecting-IP, used with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "avx_ip_workerd_" });
  await bundle(new URL("worker_ip.ts", testdata), `${dir}/worker_ip.js`, "browser");
  await Deno.copyFile(new URL("worker_ip.capnp", testdata), `${dir}/worker_ip.capnp`);
  try {
    // Not trusted: no client address can ever be found, so the app refuses to build (the Worker
    // builds it on its first request) instead of counting every client as one.
    const untrusted = await startWorkerd(`${dir}/worker_ip.capnp`, { env: { TRUST_CF: "0" } });
    try {
      // auth's failed-login limit: off by default here, refused when asked for explicitly.
      const config = await fetch(`${untrusted.url}/auth-config`);
      assert.deepEqual(await config.json(), {
        default: "built",
        explicit: "client_ip_unavailable",
      });
      const res = await fetch(`${untrusted.url}/ip`, {
        headers: { "cf-connecting-ip": "198.51.100.1" },
      });
      await res.body?.cancel();
      assert.equal(res.status, 500);
      for (let i = 0; i < 50 && !untrusted.logs().includes("client_ip_unavailable"); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(untrusted.logs(), /ConfigurationError[\s\S]*trustCfConnectingIp/);
    } finally {
      await untrusted.stop();
    }
    const trusted = await startWorkerd(`${dir}/worker_ip.capnp`, { env: { TRUST_CF: "1" } });
    try {
      const ask = async (ip: string) => {
        const res = await fetch(`${trusted.url}/ip`, { headers: { "cf-connecting-ip": ip } });
        return {
          status: res.status,
          body: res.status === 200 ? await res.json() : await res.text(),
        };
      };
      assert.deepEqual(await ask("198.51.100.1"), {
        status: 200,
        body: { ip: "198.51.100.1", source: "cf-connecting-ip" },
      });
      assert.equal((await ask("198.51.100.1")).status, 200);
      assert.equal((await ask("198.51.100.1")).status, 429);
      assert.equal((await ask("198.51.100.2")).status, 200);
    } finally {
      await trusted.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("assertClientIpAvailable: runtimes without a socket peer need a trusted header", () => {
  for (const runtime of ["deno", "node", "bun"]) assertClientIpAvailable({}, runtime);
  assertClientIpAvailable({ trustCfConnectingIp: true }, "workerd");
  for (const runtime of ["workerd", "fastly", "edge-light", "other"]) {
    assert.throws(() => assertClientIpAvailable({}, runtime), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.equal(e.code, "client_ip_unavailable");
      assert.match(e.message, new RegExp(runtime));
      return true;
    });
  }
  assert.throws(() => assertClientIpAvailable({}, "workerd"), /trustCfConnectingIp: true/);
});

Deno.test("client IP: the peer as Node's and Bun's servers hand it to Hono's c.env", async () => {
  const resolve = clientIpResolver();
  const app = new Hono();
  app.get("/", (c) => {
    const ip = resolve(c);
    return c.text(ip === null ? "none" : [...ip.address].join("."));
  });
  const ask = async (env: unknown) => await (await app.fetch(new Request("http://x/"), env)).text();
  // @hono/node-server: c.env.incoming is the http.IncomingMessage (IPv4-mapped on dual stack).
  assert.equal(
    await ask({ incoming: { socket: { remoteAddress: "::ffff:192.0.2.9" } } }),
    "192.0.2.9",
  );
  assert.equal(
    await ask({ server: { incoming: { socket: { remoteAddress: "192.0.2.10" } } } }),
    "192.0.2.10",
  );
  // Bun: the second argument of fetch is the Server; requestIP(request) names the peer.
  const bun = {
    requestIP: (
      r: Request,
    ) => (r.url === "http://x/" ? { address: "192.0.2.11", family: "IPv4", port: 1 } : null),
  };
  assert.equal(await ask(bun), "192.0.2.11");
  assert.equal(await ask({ server: bun }), "192.0.2.11");
  assert.equal(await ask({ requestIP: () => null }), "none");
  // Deno.ServeHandlerInfo.
  assert.equal(
    await ask({ remoteAddr: { transport: "tcp", hostname: "192.0.2.12", port: 1 } }),
    "192.0.2.12",
  );
  assert.equal(await ask({}), "none");
});
