import assert from "node:assert/strict";
import { bodyFailure, bodyState, carryBody, trackBody, withBody } from "./_body.ts";
import { HttpProblem } from "./problem.ts";
import { Route } from "../server/route.ts";
import { Server } from "../server/server.ts";

/** A request whose body the test feeds by hand. */
function manualRequest(): { req: Request; ctl: ReadableStreamDefaultController<Uint8Array> } {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
  const req = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { req, ctl };
}

Deno.test("trackBody: counts wire bytes, reports waiting, carries over re-wrapped requests", async () => {
  const { req, ctl } = manualRequest();
  const tracked = trackBody(req);
  assert.equal(trackBody(tracked), tracked, "tracked once");
  const state = bodyState(tracked)!;
  const seen: boolean[] = [];
  state.watchers.add((w) => seen.push(w));
  const copy = carryBody(tracked, new Request(tracked, { duplex: "half" } as RequestInit));
  assert.equal(bodyState(copy), state);
  const read = copy.arrayBuffer();
  for (let i = 0; i < 50 && !state.waiting; i++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(state.waiting, true);
  ctl.enqueue(new Uint8Array(5));
  ctl.enqueue(new Uint8Array(7));
  ctl.close();
  assert.equal((await read).byteLength, 12);
  assert.equal(state.wireBytes, 12);
  assert.equal(state.ended, true);
  assert.equal(state.waiting, false);
  assert.equal(seen[0], true);
  assert.equal(seen.at(-1), false);
  assert.equal(bodyFailure(copy), undefined);
});

Deno.test("trackBody: past the limit a 413 body_too_large, recorded on the body", async () => {
  const req = new Request("http://x/", { method: "POST", body: new Uint8Array(100) });
  const tracked = trackBody(req, { limit: 10 });
  await assert.rejects(tracked.arrayBuffer(), (e) => {
    assert.ok(e instanceof HttpProblem);
    assert.equal(e.status, 413);
    assert.equal(e.details.code, "body_too_large");
    return true;
  });
  assert.equal(bodyFailure(tracked)?.status, 413);
});

Deno.test("trackBody: a body that does not arrive in time is a 408 body_timeout", async () => {
  const { req, ctl } = manualRequest();
  const tracked = trackBody(req, { timeoutMs: 20 });
  ctl.enqueue(new Uint8Array(3)); // then nothing more
  await assert.rejects(tracked.arrayBuffer(), (e) => {
    assert.ok(e instanceof HttpProblem);
    assert.equal(e.status, 408);
    assert.equal(e.details.code, "body_timeout");
    return true;
  });
  assert.equal(bodyState(tracked)!.waiting, false);
});

Deno.test("Server: bodyTimeoutMs answers a slow body with a 408 problem; unread bodies leave no timer", async () => {
  const app = new Server({ bodyTimeoutMs: 30, logError: () => {} })
    .route("/up", Route.post(async (c) => c.json({ n: (await c.req.arrayBuffer()).byteLength })))
    .route("/ignore", Route.post((c) => c.text("not read")))
    .build();
  const { req, ctl } = manualRequest();
  ctl.enqueue(new Uint8Array(16));
  const res = await app.fetch(new Request("http://x/up", req));
  assert.equal(res.status, 408);
  const problem = await res.json();
  assert.equal(problem.code, "body_timeout");
  assert.equal(problem.status, 408);
  // A body the handler never reads: answered at once, and its deadline is stopped (the test
  // sanitizer fails this test if a timer were left running).
  const other = manualRequest();
  const ignored = await app.fetch(new Request("http://x/ignore", other.req));
  assert.equal(await ignored.text(), "not read");
  other.ctl.close();
});

Deno.test("uploads (plain and gzip) over Deno.serve print no request.signal warning", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./testdata/upload_server.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.equal(stdout.match(/^200 \{"bytes":19\}$/gm)?.length, 2, stdout);
  assert.doesNotMatch(stderr, /request\.signal/);
});

Deno.test("withBody: the copy has the new body and the original's signal", async () => {
  const ctl = new AbortController();
  const req = new Request("http://x/u?q=1", {
    method: "PUT",
    headers: { "x-a": "1" },
    body: "old",
    signal: ctl.signal,
  });
  const copy = withBody(req, new Blob(["new"]).stream(), new Headers({ "x-b": "2" }));
  assert.equal(copy.url, "http://x/u?q=1");
  assert.equal(copy.method, "PUT");
  assert.equal(copy.headers.get("x-b"), "2");
  assert.equal(await copy.text(), "new");
  assert.equal(copy.signal, req.signal);
  ctl.abort();
  assert.equal(copy.signal.aborted, true);
});
