// Run by client/attack9b_test.ts under Node (bundled): POSTs redirected with 307 and 308 by a
// local server, with and without the API key. Prints one JSON line of outcomes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Client } from "../mod.ts";

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const port = (s: Server) => (s.address() as { port: number }).port;

const seen: { method: string; body: string; key: string | null }[] = [];
const b = await listen((req, res) => {
  let body = "";
  req.on("data", (c) => body += c);
  req.on("end", () => {
    const key = req.headers["x-avl-api-key"];
    seen.push({ method: req.method!, body, key: typeof key === "string" ? key : null });
    res.end(`b ${req.method} ${body}`);
  });
});
const a = await listen((req, res) => {
  req.resume();
  const status = Number(new URL(req.url!, "http://x").searchParams.get("status"));
  res.writeHead(status, { location: `http://127.0.0.1:${port(b)}/there` });
  res.end();
});
const out: string[] = [];
for (const withKey of [false, true]) {
  const builder = Client.builder().baseUrl(`http://127.0.0.1:${port(a)}`).retry({ attempts: 1 });
  if (withKey) builder.avlAuth("avl_test_0123456789abcdef");
  const client = builder.build();
  for (const status of [307, 308]) {
    try {
      const res = await client.post(`/r?status=${status}`).json({ n: status }).send();
      out.push(`${withKey ? "key" : "nokey"} ${status}: ${res.status} ${await res.text()}`);
    } catch (e) {
      out.push(`${withKey ? "key" : "nokey"} ${status}: ${(e as { code?: string }).code}`);
    }
  }
}
a.close();
b.close();
console.log(JSON.stringify({ out, seen }));
