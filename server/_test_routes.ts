// Test routes: one that fails with an unexpected error whose message is a secret, one with a
// deliberate problem, and a zod-validated OpenAPI route.

import { createRoute, z } from "@hono/zod-openapi";
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

/**
 * `GET /api/strain/{detector}?n=`: a detector of H1, L1, V1 and 1 <= n <= 100, validated by zod;
 * the answer is `{ detector, samples }` (the handler is the test's own).
 */
export const STRAIN_ROUTE = createRoute({
  method: "get",
  path: "/api/strain/{detector}",
  request: {
    params: z.object({ detector: z.enum(["H1", "L1", "V1"]) }),
    query: z.object({ n: z.coerce.number().int().min(1).max(100) }),
  },
  responses: {
    200: {
      description: "Samples",
      content: {
        "application/json": {
          schema: z.object({ detector: z.string(), samples: z.array(z.number()) }),
        },
      },
    },
  },
});
