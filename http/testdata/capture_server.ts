// Fixture for the capture GC guard: the shape of the platform stack without its middleware.
// A stage reads a request header (as auth does) and another captures the handler's payload (as
// cost tracking and compression do); /small answers a small JSON object.
import { Route, Server } from "../../server/mod.ts";
import { stageMiddleware } from "../_stage.ts";
import { captureBodies, capturedPayload, payloadLength } from "../_capture.ts";

let seen = 0;
const app = new Server({ openapi: false })
  .route("/small", Route.get((c) => c.json({ id: 42, detector: "H1", ok: true, tags: ["o4"] })))
  .withMiddleware(
    22,
    stageMiddleware({
      name: "readsHeader",
      enter(c) {
        seen += c.req.raw.headers.get("user-agent")?.length ?? 0;
        return undefined;
      },
    }),
  )
  .withMiddleware(
    26,
    stageMiddleware({
      name: "captures",
      enter(c) {
        captureBodies(c);
        return undefined;
      },
      leave(_c, res) {
        const p = capturedPayload(res);
        if (p === undefined) throw new Error("payload was not captured");
        seen += payloadLength(p);
        return res;
      },
    }),
  )
  .build();
app.listen({
  hostname: "127.0.0.1",
  port: 0,
  handleSignals: false,
  onListen: (a) => console.error(`READY ${a.port}`),
});
globalThis.addEventListener("unload", () => console.error(`seen ${seen > 0}`));
