// OpenTelemetry spans through the real SDK. The API's global provider is process-wide: each test
// registers its provider and disables it in `finally`, so tests of this file (which run
// serially) and other files (other processes) never see each other's provider.

import assert from "node:assert/strict";
import { Hono } from "hono";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { outgoingTrace, parseTraceparent, startTiming, telemetry, traceHeaders } from "./mod.ts";

const PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";

async function withProvider(fn: (exporter: InMemorySpanExporter) => Promise<void>): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  assert.equal(trace.setGlobalTracerProvider(provider), true, "no other provider registered");
  try {
    await fn(exporter);
  } finally {
    trace.disable();
    await provider.shutdown();
  }
}

function app(): Hono {
  const a = new Hono();
  a.use(telemetry());
  a.get("/items/:id", (c) => {
    const done = startTiming(c, "db", "lookup");
    const t = outgoingTrace(c, "GET upstream", { "server.address": "upstream" })!;
    t.end(200);
    done();
    return c.json({ own: traceHeaders(c), upstream: t.headers, clientSpan: t.spanId });
  });
  a.get("/boom", (c) => c.text("down", 503));
  return a;
}

Deno.test("otel: a SERVER span per request, parent from traceparent, http.* attributes", async () => {
  await withProvider(async (exporter) => {
    const res = await app().request("http://api.test:8080/items/7?x=1", {
      headers: {
        traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01`,
        tracestate: "vendor=1",
        "user-agent": "probe/1",
      },
    });
    const body = await res.json();
    assert.match(res.headers.get("server-timing")!, /^db;dur=\d+\.\d\d;desc="lookup", total;/);
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 2);
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const client = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    assert.equal(server.name, "GET /items/:id");
    assert.equal(server.spanContext().traceId, PARENT_TRACE);
    assert.equal(server.parentSpanContext?.spanId, PARENT_SPAN);
    assert.equal(server.parentSpanContext?.isRemote, true);
    assert.deepEqual(
      {
        method: server.attributes["http.request.method"],
        path: server.attributes["url.path"],
        route: server.attributes["http.route"],
        status: server.attributes["http.response.status_code"],
        host: server.attributes["server.address"],
        port: server.attributes["server.port"],
        scheme: server.attributes["url.scheme"],
        ua: server.attributes["user_agent.original"],
      },
      {
        method: "GET",
        path: "/items/7",
        route: "/items/:id",
        status: 200,
        host: "api.test",
        port: 8080,
        scheme: "http",
        ua: "probe/1",
      },
    );
    // Propagated ids are the recorded spans' ids.
    assert.equal(parseTraceparent(body.own.traceparent)?.parentSpanId, server.spanContext().spanId);
    assert.equal(body.clientSpan, client.spanContext().spanId);
    assert.equal(client.parentSpanContext?.spanId, server.spanContext().spanId);
    assert.equal(parseTraceparent(body.upstream.traceparent)?.parentSpanId, body.clientSpan);
    assert.equal(body.upstream.tracestate, "vendor=1");
    assert.equal(client.attributes["server.address"], "upstream");
  });
});

Deno.test("otel: new root trace without traceparent; 5xx marks the span as an error", async () => {
  await withProvider(async (exporter) => {
    const res = await app().request("/boom");
    assert.equal(res.status, 503);
    await res.body?.cancel();
    const [span] = exporter.getFinishedSpans();
    assert.equal(span.parentSpanContext, undefined);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes["error.type"], "503");
  });
});

Deno.test("otel: no provider registered means no spans and plain random span ids", async () => {
  const res = await app().request("/items/1", {
    headers: { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` },
  });
  const body = await res.json();
  const own = parseTraceparent(body.own.traceparent)!;
  const up = parseTraceparent(body.upstream.traceparent)!;
  assert.equal(own.traceId, PARENT_TRACE);
  assert.equal(up.traceId, PARENT_TRACE);
  assert.notEqual(up.parentSpanId, own.parentSpanId, "the upstream gets a new span id as parent");
  assert.notEqual(own.parentSpanId, PARENT_SPAN);
});
