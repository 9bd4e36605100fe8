/**
 * 405 for a known path asked with another method (RFC 9110 §15.5.6): the routes are recorded as
 * they are registered (`onRoute`), and a request no route matched is checked against their paths;
 * a match answers 405 METHOD_NOT_ALLOWED with an `Allow` header, anything else 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiErrorCode, errorBody } from "./errors.js";

/** A route path (`/blocks/:height`) as a regular expression over request paths. */
function pathPattern(url: string): RegExp {
  const parts = url
    .split("/")
    .map((p) => (p.startsWith(":") ? "[^/]+" : p === "*" ? ".*" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("/")}/?$`);
}

/**
 * Records the routes of `app` from now on (call before any route is added) and returns the
 * not-found handler that answers 405 or 404.
 */
export function notFoundOr405(
  app: FastifyInstance,
): (req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const routes: Array<{ methods: string[]; path: RegExp }> = [];
  app.addHook("onRoute", (r) => {
    // A catch-all (the CORS preflight's `OPTIONS *`) says nothing about which paths exist.
    if (r.url === "*" || r.url === "/*") return;
    routes.push({ methods: [r.method].flat().map(String), path: pathPattern(r.url) });
  });
  return (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    const allowed = [...new Set(routes.filter((r) => r.path.test(path)).flatMap((r) => r.methods))].sort();
    if (allowed.length === 0) return reply.code(404).send(errorBody(ApiErrorCode.NOT_FOUND, "no such route"));
    return reply
      .code(405)
      .header("allow", allowed.join(", "))
      .send(
        errorBody(
          ApiErrorCode.METHOD_NOT_ALLOWED,
          `${req.method} is not allowed here: use ${allowed.join(", ")}`,
        ),
      );
  };
}
