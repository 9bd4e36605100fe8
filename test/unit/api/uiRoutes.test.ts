// The /ui routes (src/api/uiRoutes.ts) on a bare Fastify app: files from memory with their types and
// the CSP, the redirect, the index.html fallback for the dashboard's own paths, and 503 when unbuilt.
import assert from "node:assert/strict";
import Fastify from "fastify";
import { UI_CSP, uiRoutes } from "../../../src/api/uiRoutes.js";

const FILES = new Map([
  ["index.html", Buffer.from("<!doctype html><title>x</title>")],
  ["app.js", Buffer.from("console.log(1)")],
  ["app.css", Buffer.from("body{}")],
]);

async function app(files: Map<string, Buffer> | null) {
  const a = Fastify();
  uiRoutes(files)(a);
  await a.ready();
  return a;
}

describe("api: /ui routes", () => {
  it("/ui → 301 /ui/; each file with its type, the CSP and nosniff; other paths → index.html", async () => {
    const a = await app(FILES);
    const r = await a.inject("/ui");
    assert.equal(r.statusCode, 301);
    assert.equal(r.headers.location, "/ui/");
    const cases: Array<[string, string, string]> = [
      ["/ui/", "text/html; charset=utf-8", "<!doctype html><title>x</title>"],
      ["/ui/app.js", "text/javascript; charset=utf-8", "console.log(1)"],
      ["/ui/app.css", "text/css; charset=utf-8", "body{}"],
      ["/ui/proposals/3", "text/html; charset=utf-8", "<!doctype html><title>x</title>"],
      ["/ui/app.js.map", "text/html; charset=utf-8", "<!doctype html><title>x</title>"],
    ];
    for (const [path, type, body] of cases) {
      const res = await a.inject(path);
      assert.equal(res.statusCode, 200, path);
      assert.equal(res.headers["content-type"], type, path);
      assert.equal(res.body, body, path);
      assert.equal(res.headers["content-security-policy"], UI_CSP, path);
      assert.equal(res.headers["x-content-type-options"], "nosniff", path);
    }
    assert.equal((await a.inject("/ui/")).headers["cache-control"], "no-cache");
    assert.match(UI_CSP, /^default-src 'none'; script-src 'self'; style-src 'self';/);
    assert.ok(!UI_CSP.includes("unsafe"), "no unsafe-inline / unsafe-eval");
    await a.close();
  });

  it("not built: 503 with the command to build it", async () => {
    const a = await app(null);
    const res = await a.inject("/ui/");
    assert.equal(res.statusCode, 503);
    assert.equal(res.body, "the dashboard was not built: run `npm run build`\n");
    await a.close();
  });
});
