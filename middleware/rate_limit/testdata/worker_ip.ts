// The client-IP test app as a Worker for workerd. `TRUST_CF=1` trusts CF-Connecting-IP; without
// it, building the app must fail (no client address can ever be found on Workers). Built on the
// first request, when the bindings arrive.

import type { AvxApp } from "../../../server/mod.ts";
import { ipApp } from "./ip_app.ts";

let app: AvxApp | undefined;

export default {
  fetch(request: Request, env: { TRUST_CF?: string }): Response | Promise<Response> {
    app ??= ipApp({ trustCfConnectingIp: env.TRUST_CF === "1" });
    return app.fetch(request, env);
  },
};
