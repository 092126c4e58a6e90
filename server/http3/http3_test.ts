// HTTP/3 end to end over loopback: the app built with the Server builder, served by
// `listen({ http3: true })`, spoken to by gtlsclient (ngtcp2/nghttp3, an independent client).
import assert from "node:assert/strict";
import { Route, Server, sse } from "../mod.ts";
import type { TelemetryOptions } from "../../middleware/mod.ts";

type AccessLogEntry = Parameters<Exclude<TelemetryOptions["accessLog"], boolean | undefined>>[0];
import { gtlsclient, h3Listen, testCert } from "./_test_h3.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** 5 MiB streamed in 64 KiB chunks, each byte a function of its offset. */
const BIG = 5 * 1024 * 1024;
function pattern(offset: number, n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((offset + i) * 31 + ((offset + i) >> 12)) & 0xff;
  return out;
}

async function start(logs: AccessLogEntry[] = []) {
  const { cert, key } = await testCert();
  const app = new Server()
    .withTelemetry({ accessLog: (e) => logs.push(e) })
    .route("/hello", Route.get((c) => c.text(`hello over ${c.req.header("x-h") ?? "h3"}`)))
    .route(
      "/echo",
      Route.post(async (c) => {
        const body = new Uint8Array(await c.req.arrayBuffer());
        const sum = body.reduce((a, b) => (a * 31 + b) >>> 0, 7);
        return c.json({ length: body.length, sum });
      }),
    )
    .route(
      "/big",
      Route.get(() => {
        let sent = 0;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(ctl) {
              if (sent >= BIG) return ctl.close();
              const n = Math.min(65536, BIG - sent);
              ctl.enqueue(pattern(sent, n));
              sent += n;
            },
          }, { highWaterMark: 0 }),
          { headers: { "content-type": "application/octet-stream" } },
        );
      }),
    )
    .route("/blob/:n", Route.get((c) => c.body(pattern(Number(c.req.param("n")), 256 * 1024))))
    .route(
      "/events",
      Route.get((c) =>
        sse(c, async (s) => {
          for (let n = 1; n <= 3; n++) await s.send({ id: n, data: { n } });
        })
      ),
    )
    .build();
  const server = app.listen(h3Listen({ cert, key }));
  return { server, port: server.address.port };
}

function sumOf(b: Uint8Array): number {
  return b.reduce((a, x) => (a * 31 + x) >>> 0, 7);
}

Deno.test("http3: GET, POST with a body, SSE and a 5 MiB streamed response to gtlsclient", async () => {
  const logs: AccessLogEntry[] = [];
  const { server, port } = await start(logs);
  try {
    // TCP responses advertise HTTP/3 on the same port.
    const tcp = await fetch(`https://127.0.0.1:${port}/hello`, {
      client: Deno.createHttpClient({ caCerts: [(await testCert()).cert] }),
    });
    assert.equal(tcp.headers.get("alt-svc"), `h3=":${port}"`);
    assert.equal(await tcp.text(), "hello over h3");

    const get = await gtlsclient(port, ["/hello"]);
    assert.equal(get.code, 0, get.output);
    assert.equal(text(get.files.get("hello")), "hello over h3");
    // Access logs label the protocol: h3 over QUIC, nothing over TCP (Deno does not say which).
    assert.deepEqual(logs.map((e) => [e.path, e.protocol]), [["/hello", undefined], [
      "/hello",
      "h3",
    ]]);
    // So do the metrics: /hello over each protocol, and this /metrics request over TCP.
    const metrics = await (await fetch(`https://127.0.0.1:${port}/metrics`, {
      client: Deno.createHttpClient({ caCerts: [(await testCert()).cert] }),
    })).text();
    assert.match(metrics, /avx_http_requests_by_protocol_total\{protocol="h3"\} 1\n/);
    assert.match(metrics, /avx_http_requests_by_protocol_total\{protocol="tcp"\} 2\n/);

    const body = pattern(3, 300_000);
    const dir = await Deno.makeTempDir();
    await Deno.writeFile(`${dir}/body`, body);
    const post = await gtlsclient(port, ["/echo"], { args: ["-m", "POST", "-d", `${dir}/body`] });
    await Deno.remove(dir, { recursive: true });
    assert.equal(post.code, 0, post.output);
    assert.deepEqual(JSON.parse(text(post.files.get("echo"))), {
      length: body.length,
      sum: sumOf(body),
    });

    const events = await gtlsclient(port, ["/events"]);
    assert.equal(
      text(events.files.get("events")),
      'id: 1\ndata: {"n":1}\n\nid: 2\ndata: {"n":2}\n\nid: 3\ndata: {"n":3}\n\n',
    );

    const big = await gtlsclient(port, ["/big"]);
    assert.equal(big.code, 0, big.output);
    assert.deepEqual(big.files.get("big"), pattern(0, BIG));
  } finally {
    assert.equal(await server.shutdown(), "drained");
  }
});

Deno.test("http3: 100 concurrent streams on one connection, every response intact", async () => {
  const { server, port } = await start();
  try {
    const paths = Array.from({ length: 100 }, (_, i) => `/blob/${i}`);
    const run = await gtlsclient(port, paths);
    assert.equal(run.code, 0, run.output.slice(-2000));
    assert.equal(run.files.size, 100);
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(run.files.get(String(i)), pattern(i, 256 * 1024));
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("http3: 10% packet loss each way, every response intact", async () => {
  const { server, port } = await start();
  try {
    const paths = Array.from({ length: 8 }, (_, i) => `/blob/${i}`);
    const run = await gtlsclient(port, paths, {
      args: ["--tx-loss", "0.1", "--rx-loss", "0.1"],
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, run.output.slice(-2000));
    for (let i = 0; i < 8; i++) assert.deepEqual(run.files.get(String(i)), pattern(i, 256 * 1024));
  } finally {
    await server.shutdown();
  }
});
