/**
 * The shared HTTP layer of avx-http: what middleware, the client and the `Server` builder all
 * build on. It imports only Hono and the libraries below it (`compress/`, `columnar/`), never
 * `middleware/`, `client/` or `server/` (checked by `tools/import_graph_test.ts`).
 *
 * Public files of this folder (`problem.ts`, `context.ts`, `runtime.ts`, `metrics.ts`,
 * `health.ts`, `breaker.ts`, `client_ip.ts`, `principal.ts`, `traceparent.ts`, `tracestate.ts`,
 * `config_error.ts`) may be imported directly. The `_` files are private to this folder; the
 * building blocks other folders need from them are re-exported here and nowhere else. This module
 * is internal to the package: the package's entry points re-export what users need.
 *
 * @example
 * ```ts
 * import { setHeader } from "./mod.ts";
 * const res = setHeader(new Response("ok"), "x-request-id", "r1");
 * console.log(res.headers.get("x-request-id")); // "r1"
 * ```
 *
 * @module
 */

export {
  bodyFailure,
  bodyProblem,
  type BodyProblemCode,
  type BodyState,
  bodyState,
  bodyTooLarge,
  carryBody,
  trackBody,
  withBody,
} from "./_body.ts";
export { captureBodies, capturedPayload, payloadLength } from "./_capture.ts";
export { setHeader, writableResponse } from "./_headers.ts";
export {
  answeredEarly,
  type HandlerOutcome,
  outcomeOf,
  recordingOutcome,
  settleOutcome,
  watchOutcome,
} from "./_outcome.ts";
export { currentRuntime, runtimeHasSocketPeer, socketPeer, socketProtocol } from "./_peer.ts";
export { readUpTo } from "./_read_up_to.ts";
export { answeringRoute, labelRoute, routeLabel } from "./_route.ts";
export {
  fuseStages,
  type OnError,
  replaceRes,
  type Stage,
  stageMiddleware,
  stageOf,
} from "./_stage.ts";
