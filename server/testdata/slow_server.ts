// Fixture for the signal test: serves /slow (answers after 400 ms) and prints its port.
import { Route, Server } from "../mod.ts";

const app = new Server()
  .route(
    "/slow",
    Route.get(async (c) => {
      await new Promise((r) => setTimeout(r, 400));
      return c.text("finished");
    }),
  )
  .build();
app.listen("127.0.0.1:0", {
  shutdownTimeoutMs: Number(Deno.args[0] ?? 5000),
  onListen: (a) => console.log(`PORT=${a.port}`),
});
