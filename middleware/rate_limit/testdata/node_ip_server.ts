// The client-IP test app under Node through @hono/node-server; bundled and run by `node`. Prints
// `{"event":"listen","url":...}` once bound to 127.0.0.1 on a free port.

import { serve } from "@hono/node-server";
import { ipApp } from "./ip_app.ts";

const app = ipApp();
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  console.log(JSON.stringify({ event: "listen", url: `http://127.0.0.1:${info.port}` }));
});
