/**
 * The dashboard (issue 13) at /ui/: the files `npm run build` bundles into dist/ui/ (ui/, scripts/
 * buildUi.mjs), read once when the API is built and served from memory with a strict CSP (same
 * origin only: no inline script, no CDN, no frame). `/ui` redirects to `/ui/`; any other path under
 * /ui/ that is not a file answers index.html (the dashboard routes by URL). Read-only: the page
 * only calls the GET routes of this node. Hidden from the OpenAPI document (not an API route).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifySchema } from "fastify";

/** The Content-Security-Policy of every dashboard file. */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

/** The repository root: the nearest folder above this file with a package.json (src/ or dist/src/). */
function rootDir(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The dashboard's files by name, or null when it was not built. */
export function loadUiFiles(dir = join(rootDir(), "dist", "ui")): Map<string, Buffer> | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  return new Map(Object.keys(TYPES).map((name) => [name, readFileSync(join(dir, name))]));
}

/** The /ui routes, serving `files` (default: dist/ui/ as built). */
export function uiRoutes(files: Map<string, Buffer> | null = loadUiFiles()) {
  return (app: FastifyInstance): void => {
    const send = (reply: FastifyReply, name: string) => {
      reply
        .header("content-security-policy", UI_CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cache-control", name === "index.html" ? "no-cache" : "max-age=300");
      if (!files)
        return reply
          .code(503)
          .type("text/plain; charset=utf-8")
          .send("the dashboard was not built: run `npm run build`\n");
      return reply.type(TYPES[name]!).send(files.get(name));
    };
    // `hide` is @fastify/swagger's schema key (the OpenAPI document leaves these routes out).
    const hide = { schema: { hide: true } as FastifySchema };
    app.get("/ui", hide, (_req, reply) => reply.redirect("/ui/", 301));
    app.get("/ui/", hide, (_req, reply) => send(reply, "index.html"));
    app.get<{ Params: { "*": string } }>("/ui/*", hide, (req, reply) => {
      const name = req.params["*"];
      return send(reply, TYPES[name] ? name : "index.html");
    });
  };
}
