// OpenTelemetry spans through the real SDK. The API's global provider is process-wide: each test
// registers its provider and disables it in `finally`, so tests of this file (which run
// serially) and other files (other processes) never see each other's provider.

import assert from "node:assert/strict";
import { Hono } from "hono";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context as OtelContext,
  context,
  type ContextManager,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
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

// A context manager over AsyncLocalStorage (what Deno's OTEL_DENO and the Node SDK provide), so
// the active span can be observed; the API's default manager keeps no context at all.
class AlsContextManager implements ContextManager {
  readonly #als = new AsyncLocalStorage<OtelContext>();
  active(): OtelContext {
    return this.#als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: OtelContext,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: OtelContext, target: T): T {
    if (typeof target !== "function") return target;
    const f = target as unknown as (...a: unknown[]) => unknown;
    return ((...a: unknown[]) => this.with(ctx, f, undefined, ...a)) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

Deno.test("otel: the SERVER span is the active span inside handlers, as middleware and fused in Server", async () => {
  const { Route, Server } = await import("../../server/mod.ts");
  assert.equal(context.setGlobalContextManager(new AlsContextManager()), true);
  try {
    await activeSpanChecks(Route, Server);
  } finally {
    context.disable();
  }
});

async function activeSpanChecks(
  Route: typeof import("../../server/mod.ts").Route,
  Server: typeof import("../../server/mod.ts").Server,
): Promise<void> {
  await withProvider(async (exporter) => {
    const active = (c: { json: (v: unknown) => Response }) =>
      c.json({ active: trace.getActiveSpan()?.spanContext().spanId ?? null });
    const hono = new Hono();
    hono.use(telemetry());
    hono.get("/a", async (c) => {
      await Promise.resolve(); // still active after an await
      return active(c);
    });
    const fused = new Server({ openapi: false })
      .route(
        "/a",
        Route.get(async (c) => {
          await Promise.resolve();
          return active(c);
        }),
      )
      .withTelemetry()
      .build();
    assert.equal(fused.hono.routes.filter((r) => r.method === "ALL").length, 0, "fused");
    for (const fetcher of [hono, fused]) {
      exporter.reset();
      const res = await fetcher.request("/a");
      const body = await res.json();
      const [server] = exporter.getFinishedSpans();
      assert.equal(server.kind, SpanKind.SERVER);
      assert.equal(body.active, server.spanContext().spanId);
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.match(res.headers.get("server-timing") ?? "", /total;dur=/);
    }
  });
}
