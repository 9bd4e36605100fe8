// CORS only when the operator asks (issue 12; operator review defect 8): without `--cors` no
// answer carries an Access-Control-* header and a preflight is not answered as one; with
// `--cors ORIGIN` a preflight and a read from that origin are allowed, any other origin is not.
import assert from "node:assert/strict";
import { createApi } from "../../../src/api/server.js";
import { parseOrigin } from "../../../src/cli/commands/start.js";
import { XaiError } from "../../../src/errors.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";

const chain = { head: { height: 5 } } as never;
const preflight = (origin: string) => ({
  method: "OPTIONS" as const,
  url: "/tx",
  headers: {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
  },
});

describe("CORS: only for the origins given with --cors", () => {
  it("without --cors: no Access-Control-* header, and a preflight is 405 (POST /tx exists, OPTIONS does not)", async () => {
    const app = createApi({ chain, metrics: new NodeMetrics(), peers: () => 0, syncing: () => false });
    const get = await app.inject({
      method: "GET",
      url: "/health",
      headers: { origin: "https://evil.example" },
    });
    assert.equal(get.statusCode, 200);
    assert.deepEqual(
      Object.keys(get.headers).filter((h) => h.startsWith("access-control-")),
      [],
    );
    const pre = await app.inject(preflight("https://evil.example"));
    assert.equal(pre.statusCode, 405);
    assert.equal(pre.headers["access-control-allow-origin"], undefined);
    await app.close();
  });

  it("with --cors http://localhost:5173: that origin may read and post, another may not", async () => {
    const app = createApi({
      chain,
      metrics: new NodeMetrics(),
      peers: () => 0,
      syncing: () => false,
      cors: ["http://localhost:5173"],
    });
    const pre = await app.inject(preflight("http://localhost:5173"));
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers["access-control-allow-origin"], "http://localhost:5173");
    assert.equal(pre.headers["access-control-allow-methods"], "GET, HEAD, POST");
    const get = await app.inject({
      method: "GET",
      url: "/health",
      headers: { origin: "http://localhost:5173" },
    });
    assert.equal(get.headers["access-control-allow-origin"], "http://localhost:5173");
    const other = await app.inject({
      method: "GET",
      url: "/health",
      headers: { origin: "https://evil.example" },
    });
    assert.equal(other.statusCode, 200);
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    // The preflight route is no path of its own: an unknown path is still 404, a known one 405.
    assert.equal((await app.inject({ method: "DELETE", url: "/nope" })).statusCode, 404);
    assert.equal((await app.inject({ method: "DELETE", url: "/health" })).statusCode, 405);
    await app.close();
  });

  it("--cors takes exactly an origin", () => {
    assert.equal(parseOrigin("https://example.org"), "https://example.org");
    assert.equal(parseOrigin("http://localhost:5173"), "http://localhost:5173");
    for (const bad of [
      "*",
      "example.org",
      "https://example.org/",
      "https://example.org/path",
      "ftp://x.org",
      "null",
    ])
      assert.throws(
        () => parseOrigin(bad),
        (e: unknown) => e instanceof XaiError && e.code === "BAD_OPTION",
        bad,
      );
  });
});
