// Graceful shutdown over HTTP/3 (RFC 9114 §5.2): `shutdown()` sends GOAWAY on the control
// stream, the request in flight is answered in full, and the drain reports "drained". And the
// option's failure mode: without Deno's QUIC API (no --unstable-net), listen refuses to start.
import assert from "node:assert/strict";
import { serve } from "../listen.ts";
import { h3Listen, RawH3, testCert } from "./_test_h3.ts";
import { encodeFrame, FRAME, parseSingleVarint, StreamReader } from "./_frames.ts";
import { type HeaderField, QpackDecoder, QpackEncoder } from "./qpack/mod.ts";

const GET: HeaderField[] = [
  [":method", "GET"],
  [":scheme", "https"],
  [":authority", "127.0.0.1"],
  [":path", "/slow"],
];

Deno.test("http3: shutdown sends GOAWAY, answers the request in flight, then drains", async () => {
  const { cert, key } = await testCert();
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const server = serve({
    async fetch() {
      entered();
      await released;
      return new Response("x".repeat(100_000));
    },
  }, h3Listen({ cert, key }));
  const c = await RawH3.connect(server.address.port);
  const control = c.serverControl();
  await control.ready;
  const response = c.request(encodeFrame(FRAME.HEADERS, new QpackEncoder().encode(GET)));
  await inHandler;
  const shutdown = server.shutdown({ timeoutMs: 20_000 });
  while (!control.frames.some(([t]) => t === FRAME.GOAWAY)) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(control.frames[0][0], FRAME.SETTINGS, "SETTINGS first");
  const goaway = control.frames.find(([t]) => t === FRAME.GOAWAY)!;
  assert.equal(parseSingleVarint(goaway[1], "GOAWAY"), 4, "request 0 is served, 4 on are not");
  release();
  const bytes = await response;
  const r = new StreamReader(new Blob([bytes.slice()]).stream());
  const h = await r.frameHeader();
  const fields = await new QpackDecoder({
    maxTableCapacity: 0,
    maxBlockedStreams: 0,
    maxFieldSectionSize: 1 << 16,
  }).decode(0n, await r.bytes(h!.length));
  assert.deepEqual(fields[0], [":status", "200"]);
  let body = 0;
  for (let f = await r.frameHeader(); f !== null; f = await r.frameHeader()) {
    body += (await r.bytes(f.length)).length;
  }
  assert.equal(body, 100_000, "the whole body arrived");
  c.close();
  assert.equal(await shutdown, "drained");
});

Deno.test("http3: without --unstable-net, listen({ http3: true }) fails at start", async () => {
  // A config like the repository's, without "net" among the unstable features.
  const root = new URL("../../", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const dir = await Deno.makeTempDir();
  const imports = {
    ...config.imports,
    "@avila/compress": new URL("compress/mod.ts", root).href,
    "@avila/arrow": new URL("columnar/mod.ts", root).href,
  };
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports, unstable: [] }));
  const { cert, key } = await testCert();
  const script = `
    import { serve } from ${JSON.stringify(new URL("server/listen.ts", root).href)};
    const opts = { hostname: "127.0.0.1", port: 0, cert: ${JSON.stringify(cert)},
      key: ${JSON.stringify(key)}, handleSignals: false, onListen() {} };
    try {
      serve({ fetch: () => new Response("") }, { ...opts, http3: true });
      console.log("started");
    } catch (e) {
      console.log(e.name, e.code, e.message);
    }
    const tcp = serve({ fetch: () => new Response("tcp ok") }, opts);
    console.log("tcp", tcp.address.port > 0);
    await tcp.shutdown();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", `${dir}/deno.json`, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const text = new TextDecoder().decode(out.stdout);
  assert.match(
    text,
    /^ConfigurationError invalid_option .*--unstable-net/m,
    text + new TextDecoder().decode(out.stderr),
  );
  assert.match(text, /^tcp true$/m, "everything else keeps working");
});
