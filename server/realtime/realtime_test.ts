import assert from "node:assert/strict";
import { Route, Server, sse, webSocket } from "../mod.ts";
import { formatSSE } from "./sse.ts";
import { listenLocal } from "../_test_util.ts";
import type { Context, Next } from "hono";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Minimal event-stream parser (per the HTML spec's rules) for checking what went on the wire. */
function parseEvents(
  text: string,
): Array<{ id?: string; event?: string; data: string; comment?: string }> {
  const out: Array<{ id?: string; event?: string; data: string; comment?: string }> = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    const ev: { id?: string; event?: string; data: string; comment?: string } = { data: "" };
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) ev.comment = line.slice(1).trim();
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("id: ")) ev.id = line.slice(4);
      else if (line.startsWith("event: ")) ev.event = line.slice(7);
    }
    ev.data = data.join("\n");
    out.push(ev);
  }
  return out;
}

Deno.test("formatSSE splits lines, serialises objects and refuses line breaks in ids", () => {
  assert.equal(formatSSE({ data: "a\nb\r\nc" }), "data: a\ndata: b\ndata: c\n\n");
  assert.equal(
    formatSSE({ id: 7, event: "x", data: { v: 1 } }),
    'id: 7\nevent: x\ndata: {"v":1}\n\n',
  );
  assert.throws(() => formatSSE({ id: "1\n2", data: "" }), TypeError);
});

function liveApp(disconnects: { count: number }) {
  return new Server().route(
    "/live",
    Route.get((c) =>
      sse(c, async (stream) => {
        let n = Number(stream.lastEventId ?? 0);
        try {
          while (!stream.signal.aborted && n < 1000) {
            n++;
            if (!(await stream.send({ id: n, event: "sample", data: { n } }))) break;
            await sleep(5);
          }
        } finally {
          if (stream.signal.aborted) disconnects.count++;
        }
      }, { heartbeatMs: 20, retryMs: 1500 })
    ),
  ).build();
}

Deno.test("SSE over a real socket: events, heartbeats, Last-Event-ID resume, clean end on disconnect", async () => {
  const disconnects = { count: 0 };
  await using srv = listenLocal(liveApp(disconnects));

  const res = await fetch(srv.url + "/live");
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (
    parseEvents(text).filter((e) => e.event === "sample").length < 3 || !/heartbeat/.test(text)
  ) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  assert.match(text, /^retry: 1500\n\n/);
  const samples = parseEvents(text).filter((e) => e.event === "sample");
  assert.deepEqual(samples.slice(0, 3).map((e) => e.id), ["1", "2", "3"]);
  assert.deepEqual(JSON.parse(samples[0].data), { n: 1 });
  await reader.cancel(); // the client goes away
  for (let i = 0; i < 50 && disconnects.count === 0; i++) await sleep(10);
  assert.equal(disconnects.count, 1, "the producer saw the disconnect and stopped");

  const resumed = await fetch(srv.url + "/live", { headers: { "last-event-id": "41" } });
  const r2 = resumed.body!.pipeThrough(new TextDecoderStream()).getReader();
  let t2 = "";
  while (!parseEvents(t2).some((e) => e.event === "sample")) t2 += (await r2.read()).value ?? "";
  assert.equal(parseEvents(t2).find((e) => e.event === "sample")!.id, "42");
  await r2.cancel();
});

Deno.test("WebSocket over a real socket: echo, subprotocol, size limit, non-upgrade is 426", async () => {
  const closes: number[] = [];
  const app = new Server().route(
    "/ws",
    Route.get(webSocket(() => ({
      onMessage(data, ws) {
        ws.send(typeof data === "string" ? `echo:${data}` : new Uint8Array(data).reverse());
      },
      onClose(code) {
        closes.push(code);
      },
    }), { protocols: ["avx.v1"], maxMessageBytes: 1024 })),
  ).build();
  await using srv = listenLocal(app);
  const wsUrl = srv.url.replace("http", "ws") + "/ws";

  const ws = new WebSocket(wsUrl, ["other", "avx.v1"]);
  ws.binaryType = "arraybuffer";
  const messages: Array<string | ArrayBuffer> = [];
  const opened = new Promise((r) => (ws.onopen = r));
  ws.onmessage = (e) => messages.push(e.data);
  await opened;
  assert.equal(ws.protocol, "avx.v1");
  ws.send("hello");
  ws.send(new Uint8Array([1, 2, 3]));
  for (let i = 0; i < 100 && messages.length < 2; i++) await sleep(5);
  assert.equal(messages[0], "echo:hello");
  assert.deepEqual([...new Uint8Array(messages[1] as ArrayBuffer)], [3, 2, 1]);

  const closed = new Promise<CloseEvent>((r) => (ws.onclose = r));
  ws.send("x".repeat(2000));
  assert.equal((await closed).code, 1009, "oversized message closes with 1009");

  const plain = await fetch(srv.url + "/ws");
  assert.equal(plain.status, 426);
  assert.equal(plain.headers.get("upgrade"), "websocket");
  await plain.body?.cancel();
});

Deno.test("WebSockets are closed with 1001 on graceful shutdown", async () => {
  const app = new Server().route("/ws", Route.get(webSocket(() => ({})))).build();
  const srv = listenLocal(app);
  const ws = new WebSocket(srv.url.replace("http", "ws") + "/ws");
  await new Promise((r) => (ws.onopen = r));
  const closed = new Promise<CloseEvent>((r) => (ws.onclose = r));
  const shutdown = srv.server.shutdown({ timeoutMs: 3000 });
  assert.equal((await closed).code, 1001);
  await shutdown;
});

Deno.test("WebSocket through a Hono upgrade helper (hono/deno): echo, size limit, 1001 on shutdown", async () => {
  const { upgradeWebSocket } = await import("hono/deno");
  let upgrades = 0;
  type Mw = (c: Context, next: Next) => Promise<Response | void>;
  const helper = ((create: Parameters<typeof upgradeWebSocket>[0]) => {
    const mw = (upgradeWebSocket as unknown as (f: typeof create) => Mw)(create);
    return (c: Context, next: Next) => (upgrades++, mw(c, next));
  }) as unknown as typeof upgradeWebSocket;
  const app = new Server().route(
    "/ws",
    Route.get(webSocket(() => ({
      onMessage(data, ws) {
        ws.send(typeof data === "string" ? `echo:${data}` : new Uint8Array(data).reverse());
      },
    }), { maxMessageBytes: 1024, upgrade: helper })),
  ).build();
  const srv = listenLocal(app);
  const wsUrl = srv.url.replace("http", "ws") + "/ws";
  const open = async () => {
    const ws = new WebSocket(wsUrl);
    ws.binaryType = "arraybuffer";
    const messages: Array<string | ArrayBuffer> = [];
    ws.onmessage = (e) => messages.push(e.data);
    await new Promise((r) => (ws.onopen = r));
    return { ws, messages, closed: new Promise<CloseEvent>((r) => (ws.onclose = r)) };
  };
  const a = await open();
  a.ws.send("hello");
  a.ws.send(new Uint8Array([1, 2, 3]));
  for (let i = 0; i < 200 && a.messages.length < 2; i++) await sleep(5);
  assert.equal(a.messages[0], "echo:hello");
  assert.deepEqual([...new Uint8Array(a.messages[1] as ArrayBuffer)], [3, 2, 1]);
  a.ws.send("x".repeat(2000));
  assert.equal((await a.closed).code, 1009, "oversized message closes with 1009");

  const plain = await fetch(srv.url + "/ws");
  assert.equal(plain.status, 426);
  await plain.body?.cancel();

  const b = await open();
  const shutdown = srv.server.shutdown({ timeoutMs: 3000 });
  assert.equal((await b.closed).code, 1001);
  await shutdown;
  assert.equal(upgrades, 2, "both upgrades went through the helper");
});
