// The app of the client-IP runtime tests: `GET /ip` answers the client address it resolved, and a
// rate limit by client IP (2 requests per 10 minutes) guards it.

import type { ClientIpOptions } from "../../../http/client_ip.ts";
import { Route, Server } from "../../../server/mod.ts";
import type { AvxApp } from "../../../server/mod.ts";
import { clientIp, formatIp, MemoryRateLimitStore } from "../mod.ts";

export function ipApp(clientIpOptions: ClientIpOptions = {}): AvxApp {
  return new Server({ openapi: false, metrics: false })
    .route(
      "/ip",
      Route.get((c) => {
        const ip = clientIp(c, clientIpOptions);
        return c.json({ ip: ip && formatIp(ip.address), source: ip?.source ?? null });
      }),
    )
    .withRateLimit({
      store: new MemoryRateLimitStore(),
      by: "ip",
      policy: { limit: 2, windowSeconds: 600 },
      clientIp: clientIpOptions,
    })
    .build();
}
