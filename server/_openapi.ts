// The OpenAPI document's shared parts (security schemes, problem responses, request content
// codings) and Swagger UI served from the pinned `swagger-ui-dist` package, so `/docs` works
// without a network: no CDN, no inline script.

import { Context, type Handler } from "hono";
import { PROBLEM_CONTENT_TYPE, statusTitle } from "../http/problem.ts";

/** The Swagger UI files a docs page at `docs` loads (beside it, under `docs/`). */
export function swaggerAssetPaths(docs: string): string[] {
  const base = docs.replace(/\/+$/, "");
  return ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-init.js"].map((f) => `${base}/${f}`);
}

/** Registered routes of the docs page and its assets: `[path, handler]`. */
export function swaggerRoutes(docs: string, documentPath: string): Array<[string, Handler]> {
  const [css, bundle, init] = swaggerAssetPaths(docs);
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API documentation</title>
<link rel="stylesheet" href="${css}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${bundle}"></script>
<script src="${init}"></script>
</body>
</html>
`;
  const script = `window.ui = SwaggerUIBundle(${
    JSON.stringify({ url: documentPath, dom_id: "#swagger-ui", deepLinking: true })
  });\n`;
  // The package's files are fixed by its pinned version; a day of caching, revalidated after.
  const cached = { "cache-control": "public, max-age=86400" };
  return [
    [docs, (c) => c.html(page)],
    [css, async (c) => c.body(await swaggerCss(), 200, { ...cached, "content-type": CSS })],
    [bundle, async (c) => c.body(await swaggerBundle(), 200, { ...cached, "content-type": JS })],
    [init, (c) => c.body(script, 200, { "content-type": JS, "cache-control": "no-cache" })],
  ];
}

const CSS = "text/css; charset=utf-8";
const JS = "text/javascript; charset=utf-8";

// Loaded on the first request for them (1.8 MB of script: not at import, not for apps that never
// serve /docs); the text imports are static strings so bundlers (Workers, Node) include them.
let css: Promise<string> | undefined;
let bundle: Promise<string> | undefined;
function swaggerCss(): Promise<string> {
  return css ??= import("swagger-ui-dist/swagger-ui.css", { with: { type: "text" } })
    .then((m) => m.default as string);
}
function swaggerBundle(): Promise<string> {
  return bundle ??= import("swagger-ui-dist/swagger-ui-bundle.js", { with: { type: "text" } })
    .then((m) => m.default as string);
}

/** What the builder knows about the app's security and limits, for the document. */
export interface DocumentFacts {
  /** Credentials the auth middleware accepts; none: no auth. */
  auth?: {
    apiKey: boolean;
    jwt: boolean;
    /** Requests without credentials pass too (only bad credentials get a 401). */
    optional: boolean;
    /** The auth middleware's `skip`: operations it skips need no credentials. */
    skip?: (c: Context) => boolean;
  };
  /** A rate limit applies (429 problems). */
  rateLimited: boolean;
  /** Request bodies may come with a `Content-Encoding` (decoded by the compression layer). */
  decodesRequests: boolean;
}

/** Names of the security schemes in `components.securitySchemes`. */
export const API_KEY_SCHEME = "apiKey";
/** Names of the security schemes in `components.securitySchemes`. */
export const JWT_SCHEME = "bearerJwt";

type Json = Record<string, unknown>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const PROBLEM_SCHEMA = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: {
    type: { type: "string", description: "URI reference naming the problem type" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string", description: "the request id" },
    code: { type: "string", description: "stable machine-readable code, when there is one" },
  },
  additionalProperties: true,
};

const PROBLEMS: Record<number, string> = {
  401: "Missing or invalid credentials",
  403: "Credentials valid but not allowed here",
  413: "Request body too large, on the wire or once decoded (code body_too_large)",
  415: "Unsupported request body content coding (code body_coding_unsupported)",
  429: "Rate limit reached; see Retry-After and the RateLimit headers",
};

/**
 * Adds what routes do not declare themselves: the security schemes (so Swagger UI offers an
 * Authorize button) and each operation's requirement, the problem responses the middleware
 * can answer with (401/403 where auth applies, 429 under a rate limit, 413/415 for request
 * bodies), and the request's `Content-Encoding`. A route's own declarations win.
 */
export function completeDocument(doc: Json, facts: DocumentFacts): Json {
  const components = (doc.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  schemas.Problem ??= PROBLEM_SCHEMA;
  const responses = (components.responses ??= {}) as Json;
  for (const [status, description] of Object.entries(PROBLEMS)) {
    responses[`Problem${status}`] ??= {
      description: `${statusTitle(Number(status))}: ${description}`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  const requirement: Json[] = [];
  if (facts.auth) {
    const schemes = (components.securitySchemes ??= {}) as Json;
    if (facts.auth.apiKey) {
      schemes[API_KEY_SCHEME] ??= {
        type: "apiKey",
        in: "header",
        name: "X-AVL-API-Key",
        description: "An API key (avl_live_... or avl_test_...)",
      };
      requirement.push({ [API_KEY_SCHEME]: [] });
    }
    if (facts.auth.jwt) {
      schemes[JWT_SCHEME] ??= { type: "http", scheme: "bearer", bearerFormat: "JWT" };
      requirement.push({ [JWT_SCHEME]: [] });
    }
    // An empty requirement: none needed (OpenAPI 3.1 §4.8.30).
    if (requirement.length > 0 && facts.auth.optional) requirement.push({});
  }
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op === undefined) continue;
      const res = (op.responses ??= {}) as Json;
      const add = (status: number) => {
        res[String(status)] ??= { $ref: `#/components/responses/Problem${status}` };
      };
      const secured = requirement.length > 0 && !skipped(facts.auth?.skip, method, path);
      if (secured) {
        op.security ??= requirement;
        add(401);
        add(403);
      }
      if (facts.rateLimited || secured) add(429);
      if (op.requestBody !== undefined) {
        add(413);
        add(415);
        if (facts.decodesRequests) {
          const params = (op.parameters ??= []) as Json[];
          if (
            !params.some((p) => p.in === "header" && /^content-encoding$/i.test(String(p.name)))
          ) {
            params.push({
              in: "header",
              name: "Content-Encoding",
              required: false,
              description: "Content coding of the body, decoded before the handler reads it " +
                "(gzip, deflate, br, zstd, lz4, x-snappy-framed, as this runtime supports; " +
                "415 problem for others)",
              schema: { type: "string", example: "gzip" },
            });
          }
        }
      }
    }
  }
  return doc;
}

/**
 * Whether the auth middleware's `skip` lets an operation through: asked with a request of the
 * operation's method to its path (path parameters filled with a placeholder), no headers. A
 * skip that throws counts as "not skipped" (documented as secured).
 */
function skipped(skip: ((c: Context) => boolean) | undefined, method: string, path: string) {
  if (skip === undefined) return false;
  const concrete = path.replaceAll(/\{[^}]+\}/g, "x");
  const request = new Request("http://localhost" + concrete, { method: method.toUpperCase() });
  try {
    return skip(new Context(request, { path: concrete, env: {} }));
  } catch {
    return false;
  }
}
