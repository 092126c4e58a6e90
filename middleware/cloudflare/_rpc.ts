// JSON requests to a Durable Object's fetch handler, with bounded bodies both ways. The objects
// are reachable only through their namespace binding, but still validate what they receive.

import { AvilaError } from "@avila/compress";
import type { DurableObjectNamespaceLike } from "./types.ts";

type DurableObjectStubLike = ReturnType<DurableObjectNamespaceLike["get"]>;

/** Largest JSON body the objects accept or return. */
export const MAX_RPC_BYTES = 1 << 20;

/**
 * Thrown when a Durable Object answered with an error status or unreadable JSON (the stores
 * wrap it as the `cause` of their own typed errors).
 *
 * @example
 * ```ts
 * import { DurableObjectCallError } from "./mod.ts";
 * console.log(new DurableObjectCallError(500, "boom").code); // "durable_object_error"
 * ```
 */
export class DurableObjectCallError extends AvilaError<"durable_object_error"> {
  /** The object's HTTP status (0 when it never answered). */
  readonly status: number;

  /**
   * Creates the error.
   *
   * @param status the object's HTTP status
   * @param message what failed
   * @param options standard error options (`cause`)
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super("durable_object_error", message, options);
    this.name = "DurableObjectCallError";
    this.status = status;
  }
}

export async function callObject<T>(
  stub: DurableObjectStubLike,
  path: string,
  body: unknown,
): Promise<T> {
  const res = await stub.fetch(
    new Request(`https://durable-object${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  const text = await res.text();
  if (text.length > MAX_RPC_BYTES) {
    throw new DurableObjectCallError(res.status, `${path}: response too large`);
  }
  if (!res.ok) throw new DurableObjectCallError(res.status, `${path}: ${res.status} ${text}`);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new DurableObjectCallError(res.status, `${path}: invalid JSON`, { cause: e });
  }
}

export async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_RPC_BYTES) throw new RangeError("request body too large");
  const text = await request.text();
  if (text.length > MAX_RPC_BYTES) throw new RangeError("request body too large");
  return JSON.parse(text);
}

export function jsonError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { "content-type": "application/json" },
  });
}
