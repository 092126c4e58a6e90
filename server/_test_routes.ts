// Test routes that fail: an unexpected error whose message is a secret, and a deliberate problem.

import { HttpProblem } from "../http/problem.ts";
import { Route } from "./route.ts";

/** `/boom`: throws an Error whose message ("secret database password") must never reach a client. */
export const BOOM: Route = Route.get(() => {
  throw new Error("secret database password in message");
});

/** `/teapot`: throws a 418 problem with a title, a detail and an `x-kind: pot` header. */
export const TEAPOT: Route = Route.get(() => {
  throw new HttpProblem(418, { title: "I'm a teapot", detail: "short and stout" }, {
    "x-kind": "pot",
  });
});
