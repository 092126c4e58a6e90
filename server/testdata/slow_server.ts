// Fixture for the signal test: serves /slow (answers after 400 ms; prints STARTED when a request
// is inside the handler) and prints its port.
import { Route, Server } from "../mod.ts";

const app = new Server()
  .route(
    "/slow",
    Route.get(async (c) => {
      console.log("STARTED");
      await new Promise((r) => setTimeout(r, 400));
      return c.text("finished");
    }),
  )
  .build();
app.listen("127.0.0.1:0", {
  shutdownTimeoutMs: Number(Deno.args[0] ?? 5000),
  onListen: (a) => console.log(`PORT=${a.port}`),
});
