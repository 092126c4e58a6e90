// A three-region deployment on loopback: us-east-1 (primary), br-saopaulo-1, eu-frankfurt-1,
// each a real avx-http server whose registry points at the others' real ports.

import assert from "node:assert/strict";
import { Route } from "../../server/mod.ts";
import { parseTraceparent } from "../telemetry/mod.ts";
import { deferred, startDeployment } from "./_test_regions.ts";

const BR = { "cf-ipcountry": "BR" };

Deno.test("local mode: annotates, serves here; residency elsewhere is 421", async () => {
  await using d = startDeployment({ mode: "local" });
  const us = d.regions["us-east-1"];
  const res = await fetch(`${us.url}/where`, { headers: BR });
  const body = await res.json();
  assert.equal(body.region, "us-east-1");
  assert.equal(res.headers.get("x-avl-region"), "us-east-1");
  assert.equal(res.headers.get("x-avl-preferred-region"), "br-saopaulo-1");
  assert.equal(body.decision.reason, "country");
  assert.equal(body.decision.country, "BR");
  const pinned = await fetch(`${us.url}/where`, { headers: { "x-test-residency": "br-" } });
  assert.equal(pinned.status, 421);
  const problem = await pinned.json();
  assert.equal(problem.region, "br-saopaulo-1");
  assert.equal(problem.origin, d.regions["br-saopaulo-1"].url);
  const ok = await fetch(`${d.regions["br-saopaulo-1"].url}/where`, {
    headers: { "x-test-residency": "br-" },
  });
  assert.equal((await ok.json()).region, "br-saopaulo-1");
});

Deno.test("redirect mode: 307 to the regional origin with path and query; writes to the primary", async () => {
  await using d = startDeployment({ mode: "redirect" });
  const us = d.regions["us-east-1"];
  const br = d.regions["br-saopaulo-1"];
  const res = await fetch(`${us.url}/where?a=1&b=%20`, { headers: BR, redirect: "manual" });
  assert.equal(res.status, 307);
  assert.equal(res.headers.get("location"), `${br.url}/where?a=1&b=%20`);
  assert.equal(res.headers.get("x-avl-region"), "br-saopaulo-1");
  await res.body?.cancel();
  const followed = await fetch(res.headers.get("location")!, { headers: BR });
  assert.equal((await followed.json()).region, "br-saopaulo-1");
  assert.equal(followed.headers.get("x-avl-region"), "br-saopaulo-1");
  // A write at a replica goes to the primary, whatever the country.
  const write = await fetch(`${br.url}/where`, {
    method: "POST",
    body: "x",
    headers: BR,
    redirect: "manual",
  });
  assert.equal(write.status, 307);
  assert.equal(write.headers.get("location"), `${us.url}/where`);
  assert.equal(write.headers.get("x-avl-preferred-region"), "us-east-1");
  await write.body?.cancel();
  // Explicit region, validated.
  const explicit = await fetch(`${us.url}/where`, {
    headers: { "x-avl-region": "eu-frankfurt-1" },
    redirect: "manual",
  });
  assert.equal(explicit.headers.get("location"), `${d.regions["eu-frankfurt-1"].url}/where`);
  await explicit.body?.cancel();
  const unknown = await fetch(`${us.url}/where`, { headers: { "x-avl-region": "mars-1" } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.headers.get("content-type"), "application/problem+json");
  await unknown.body?.cancel();
});

Deno.test("replay mode: fly-replay header naming the platform region, 307 fallback", async () => {
  await using d = startDeployment({ mode: "replay" });
  const us = d.regions["us-east-1"];
  const res = await fetch(`${us.url}/where`, { headers: BR, redirect: "manual" });
  assert.equal(res.status, 307);
  assert.equal(res.headers.get("fly-replay"), "region=br-x");
  assert.equal(res.headers.get("location"), `${d.regions["br-saopaulo-1"].url}/where`);
  await res.body?.cancel();
  // A request the platform already replayed is served where it landed.
  const replayed = await fetch(`${us.url}/where`, {
    headers: { ...BR, "fly-replay-src": "instance=1;region=gru;t=1" },
  });
  assert.equal((await replayed.json()).region, "us-east-1");
  // Fly-Region (the platform edge the client reached) is a location hint by alias.
  const byEdge = await fetch(`${us.url}/where`, {
    headers: { "fly-region": "eu-x" },
    redirect: "manual",
  });
  assert.equal(byEdge.headers.get("fly-replay"), "region=eu-x");
  await byEdge.body?.cancel();
});

Deno.test("proxy mode: forwards to the preferred region with hop header, forwarded host, residency", async () => {
  await using d = startDeployment({ mode: "proxy" });
  const us = d.regions["us-east-1"];
  const res = await fetch(`${us.url}/where?q=1`, { headers: BR });
  const body = await res.json();
  assert.equal(body.region, "br-saopaulo-1");
  assert.equal(body.hop, "us-east-1");
  assert.equal(body.forwardedHost, `127.0.0.1:${us.port}`);
  assert.equal(res.headers.get("x-avl-region"), "br-saopaulo-1");
  assert.equal(res.headers.get("x-avl-preferred-region"), "br-saopaulo-1");
  assert.equal(body.decision.local, true);
  // Residency: a Brazil-pinned tenant reaching the US front is served from Brazil...
  const pinned = await fetch(`${us.url}/where`, {
    headers: { "cf-ipcountry": "US", "x-test-residency": "br-" },
  });
  assert.equal((await pinned.json()).region, "br-saopaulo-1");
  // ...and a tenant pinned where no region exists is refused outright.
  const nowhere = await fetch(`${us.url}/where`, { headers: { "x-test-residency": "ap-" } });
  assert.equal(nowhere.status, 403);
  assert.equal((await nowhere.json()).title, "Data residency");
  // A write for a Brazil-pinned tenant goes to its home region, not the primary.
  const write = await fetch(`${d.regions["eu-frankfurt-1"].url}/where`, {
    method: "POST",
    body: "hello",
    headers: { "x-test-residency": "br-" },
  });
  assert.deepEqual(await write.json(), { region: "br-saopaulo-1", body: "hello" });
});

Deno.test("proxy mode: a three-hop chain keeps the trace id with a new parent span per hop", async () => {
  // A rollout where instances disagree: us thinks BR is served by br, br thinks by eu.
  await using d = startDeployment({
    mode: "proxy",
    views: { "br-saopaulo-1": { "br-saopaulo-1": [], "eu-frankfurt-1": ["BR", "DE"] } },
  });
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const clientSpan = "00f067aa0ba902b7";
  const res = await fetch(`${d.regions["us-east-1"].url}/where`, {
    headers: { ...BR, traceparent: `00-${traceId}-${clientSpan}-01`, tracestate: "avl=1,x=y" },
  });
  const body = await res.json();
  assert.equal(body.region, "eu-frankfurt-1");
  assert.equal(body.hop, "us-east-1, br-saopaulo-1");
  assert.equal(res.headers.get("x-avl-region"), "eu-frankfurt-1", "the region that served");
  const arrived = parseTraceparent(body.traceparent)!;
  assert.equal(arrived.traceId, traceId);
  assert.notEqual(arrived.parentSpanId, clientSpan);
  assert.equal(arrived.sampled, true);
  assert.equal(body.tracestate, "avl=1,x=y");
  // Each hop mints new span ids: a second request through the same chain arrives with another.
  const again = await (await fetch(`${d.regions["us-east-1"].url}/where`, {
    headers: { ...BR, traceparent: `00-${traceId}-${clientSpan}-01` },
  })).json();
  assert.notEqual(parseTraceparent(again.traceparent)!.parentSpanId, arrived.parentSpanId);
});

Deno.test("proxy mode: loops are served locally when allowed, 508 when not", async () => {
  // us sends BR to br; br sends BR back to us.
  await using d = startDeployment({
    mode: "proxy",
    views: { "br-saopaulo-1": { "br-saopaulo-1": [], "us-east-1": ["US", "BR"] } },
  });
  const res = await fetch(`${d.regions["us-east-1"].url}/where`, { headers: BR });
  const body = await res.json();
  assert.equal(body.region, "br-saopaulo-1", "br sees us in the hops and serves itself");
  assert.equal(body.hop, "us-east-1");
  assert.equal(d.regions["us-east-1"].served, 0);
  // A US-pinned tenant whose request already came from us cannot be served in br nor sent back.
  const loop = await fetch(`${d.regions["br-saopaulo-1"].url}/where`, {
    headers: { "x-avl-hop": "us-east-1", "x-test-residency": "us-" },
  });
  assert.equal(loop.status, 508);
  const problem = await loop.json();
  assert.equal(problem.title, "Loop Detected");
  assert.deepEqual(problem.hops, ["us-east-1"]);
  const bad = await fetch(`${d.regions["br-saopaulo-1"].url}/where`, {
    headers: { "x-avl-hop": "us-east-1, <script>" },
  });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});

Deno.test("proxy mode: request and response bodies stream through the hop", async () => {
  const gotFirst = deferred<string>();
  const releaseResponse = deferred();
  await using d = startDeployment({
    mode: "proxy",
    routes: (s, id) => {
      if (id !== "us-east-1") return;
      s.route(
        "/stream",
        Route.post(async (c) => {
          const reader = c.req.raw.body!.getReader();
          const dec = new TextDecoder();
          const first = await reader.read();
          gotFirst.resolve(dec.decode(first.value));
          const enc = new TextEncoder();
          const body = new ReadableStream<Uint8Array>({
            async start(ctl) {
              ctl.enqueue(enc.encode(`echo:${dec.decode(first.value)};`));
              await releaseResponse.promise;
              let rest = "";
              for (let r = await reader.read(); !r.done; r = await reader.read()) {
                rest += dec.decode(r.value, { stream: true });
              }
              ctl.enqueue(enc.encode(`rest:${rest}`));
              ctl.close();
            },
          });
          return new Response(body, { headers: { "content-type": "text/plain" } });
        }),
      );
    },
  });
  const enc = new TextEncoder();
  const requestBody = new ReadableStream<Uint8Array>({
    async start(ctl) {
      ctl.enqueue(enc.encode("part1"));
      // The second part is only produced once the primary has read the first through the proxy.
      assert.equal(await gotFirst.promise, "part1");
      ctl.enqueue(enc.encode("part2"));
      ctl.close();
    },
  });
  // A write at br is proxied to the primary (us).
  const res = await fetch(`${d.regions["br-saopaulo-1"].url}/stream`, {
    method: "POST",
    body: requestBody,
    headers: BR,
    duplex: "half",
  } as RequestInit);
  assert.equal(res.headers.get("x-avl-region"), "us-east-1");
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  const first = await reader.read();
  // The first response chunk arrived while the primary still holds the rest.
  assert.equal(dec.decode(first.value), "echo:part1;");
  releaseResponse.resolve();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += dec.decode(r.value);
  assert.equal(rest, "rest:part2");
});

Deno.test("proxy mode: a region goes down (breaker opens after the volume threshold, failover) and comes back (half-open probe closes it)", async () => {
  let t = 1_000_000;
  await using d = startDeployment({
    mode: "proxy",
    breaker: {
      failureRate: 0.5,
      volumeThreshold: 3,
      windowMs: 10_000,
      openMs: 5_000,
      now: () => t,
    },
  });
  const us = d.regions["us-east-1"];
  const br = d.regions["br-saopaulo-1"];
  const get = async () => {
    const res = await fetch(`${us.url}/where`, { headers: BR });
    return { region: (await res.json()).region, header: res.headers.get("x-avl-region") };
  };
  assert.deepEqual(await get(), { region: "br-saopaulo-1", header: "br-saopaulo-1" });
  await d.stop("br-saopaulo-1");
  // br refuses connections: each GET fails over to the next candidate (us, the primary).
  assert.deepEqual(await get(), { region: "us-east-1", header: "us-east-1" });
  assert.equal(us.breakers.get("br-saopaulo-1").state, "closed", "2 outcomes < volume 3");
  assert.deepEqual(await get(), { region: "us-east-1", header: "us-east-1" });
  assert.equal(us.breakers.get("br-saopaulo-1").state, "open", "2 of 3 failed >= 50%");
  assert.deepEqual(us.breakers.get("br-saopaulo-1").window, { successes: 0, failures: 0 });
  const servedBefore = us.served;
  assert.deepEqual(await get(), { region: "us-east-1", header: "us-east-1" });
  assert.equal(us.served, servedBefore + 1);
  d.restart("br-saopaulo-1");
  // Still open: br is not tried even though it is back.
  const brServed = br.served;
  assert.equal((await get()).region, "us-east-1");
  assert.equal(br.served, brServed);
  t += 5_000; // open time over: the next request is the probe
  assert.equal(us.breakers.get("br-saopaulo-1").state, "half-open");
  assert.deepEqual(await get(), { region: "br-saopaulo-1", header: "br-saopaulo-1" });
  assert.equal(us.breakers.get("br-saopaulo-1").state, "closed");
  assert.equal(br.served, brServed + 1);
});

Deno.test("proxy mode: an upstream that does not answer in time is a 504; writes do not fail over", async () => {
  const hang = deferred();
  await using d = startDeployment({
    mode: "proxy",
    proxyTimeoutMs: 100,
    routes: (s, id) => {
      if (id === "us-east-1") {
        s.route(
          "/hang",
          Route.post(async (c) => {
            await hang.promise;
            return c.text("late");
          }),
        );
      }
    },
  });
  const res = await fetch(`${d.regions["br-saopaulo-1"].url}/hang`, { method: "POST", body: "x" });
  assert.equal(res.status, 504);
  const problem = await res.json();
  assert.equal(problem.region, "us-east-1");
  hang.resolve();
});
