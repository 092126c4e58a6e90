import assert from "node:assert/strict";
import { Hono } from "hono";
import { telemetry, timing } from "../mod.ts";
import { formatTraceparent, parseTraceparent } from "../../http/traceparent.ts";
import { traceHeaders } from "./telemetry.ts";

Deno.test("traceparent: valid, invalid and future-version headers (W3C trace context §3.2)", () => {
  const ok = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  assert.deepEqual(ok, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    parentSpanId: "00f067aa0ba902b7",
    sampled: true,
  });
  for (
    const bad of [
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero span id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // v00 must be exact
      "garbage",
      "",
    ]
  ) assert.equal(parseTraceparent(bad), null, bad);
  const future = parseTraceparent(
    "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-whatever",
  );
  assert.equal(future?.sampled, false);
});

Deno.test("telemetry continues a trace, sets request id and Server-Timing, logs with secrets redacted", async () => {
  const logs: Record<string, unknown>[] = [];
  const app = new Hono();
  app.use(telemetry({ accessLog: (e) => logs.push(e) }));
  app.get("/q", (c) => {
    timing(c, "db", 1.25, "query");
    return c.json(traceHeaders(c));
  });
  const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const res = await app.request("/q?token=s3cret&detector=H1", {
    headers: {
      traceparent: parent,
      tracestate: "vendor=1",
      "x-request-id": "req-42",
      "user-agent": "t",
    },
  });
  const out = await res.json();
  assert.equal(res.headers.get("x-request-id"), "req-42");
  assert.match(
    res.headers.get("server-timing")!,
    /^db;dur=1\.25;desc="query", total;dur=\d+\.\d\d$/,
  );
  const next = parseTraceparent(out.traceparent)!;
  assert.equal(next.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
  assert.notEqual(next.parentSpanId, "00f067aa0ba902b7", "a new span id for this hop");
  assert.equal(out.tracestate, "vendor=1");
  assert.equal(logs.length, 1);
  assert.equal(logs[0].path, "/q?token=[redacted]&detector=H1");
  assert.equal(logs[0].traceId, next.traceId);
  assert.equal(logs[0].status, 200);

  const fresh = await app.request("/q", { headers: { "x-request-id": "has spaces" } });
  assert.notEqual(fresh.headers.get("x-request-id"), "has spaces");
  const t = parseTraceparent((await fresh.json()).traceparent)!;
  assert.equal(
    formatTraceparent({ traceId: t.traceId, spanId: t.parentSpanId, sampled: t.sampled }).length,
    55,
  );
});
