// The client-IP test app as a Worker for workerd. `TRUST_CF=1` trusts CF-Connecting-IP; without
// it, building the app must fail (no client address can ever be found on Workers). Built on the
// first request, when the bindings arrive.

import type { AvxApp } from "../../../server/mod.ts";
import { ipApp } from "./ip_app.ts";
import { auth, MemoryKeyStore } from "../../auth/mod.ts";

/** How `auth()` builds here: its failed-login limit needs a client IP, which Workers lack. */
function authConfig(): Record<string, string> {
  const build = (failedLogins?: { limit: number }) => {
    try {
      auth({ keyStore: new MemoryKeyStore(), failedLogins });
      return "built";
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  };
  return { default: build(), explicit: build({ limit: 5 }) };
}

let app: AvxApp | undefined;

export default {
  fetch(request: Request, env: { TRUST_CF?: string }): Response | Promise<Response> {
    if (new URL(request.url).pathname === "/auth-config") return Response.json(authConfig());
    app ??= ipApp({ trustCfConnectingIp: env.TRUST_CF === "1" });
    return app.fetch(request, env);
  },
};
