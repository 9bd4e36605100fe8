// B1 (review security-2026-12): errors that Fastify raises itself (a malformed percent-encoding, a
// request Node's HTTP parser refuses) answered with Fastify's own body instead of the SPEC §5
// `{"error": {"code", "message"}}`. The chain here is a proxy that records every access: none of
// these requests may reach a route handler.

import assert from "node:assert/strict";
import { connect } from "node:net";
import type { FastifyInstance, InjectOptions } from "fastify";
import { HTTP_STATUS } from "../../../src/api/errors.js";
import { createApi } from "../../../src/api/server.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";

function recordingApi(): { app: FastifyInstance; touched: string[] } {
  const touched: string[] = [];
  const chain = new Proxy(
    {},
    {
      get: (_t, prop) => {
        touched.push(String(prop));
        throw new Error(`the chain was read (${String(prop)})`);
      },
    },
  );
  const app = createApi({
    chain: chain as never,
    metrics: new NodeMetrics(),
    peers: () => 0,
    syncing: () => false,
  });
  return { app, touched };
}

/** The body is exactly {"error": {"code", "message"}} with a non-empty message. */
function assertSpecError(body: string, code: string): void {
  const parsed = JSON.parse(body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ["error"], body);
  assert.deepEqual(Object.keys(parsed.error).sort(), ["code", "message"], body);
  assert.equal(parsed.error.code, code, body);
  assert.ok(parsed.error.message.length > 0);
}

/** Sends raw bytes to a listening server and returns the whole answer. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = connect(port, "127.0.0.1");
    let out = "";
    s.on("data", (d) => {
      out += d;
    });
    s.on("end", () => res(out));
    s.on("error", rej);
    s.write(request);
  });
}

describe("B1: framework errors in the SPEC §5 error shape", () => {
  it("B1: a malformed percent-encoding (GET /blocks/%, /tx/%zz, ...) is 400 BAD_URL, not FST_ERR_BAD_URL", async () => {
    const { app, touched } = recordingApi();
    for (const url of [
      "/blocks/%",
      "/tx/%zz",
      "/%zz",
      "/accounts/%E0%A4%A",
      "/governance/proposals/%G1/votes",
    ]) {
      for (const method of ["GET", "POST"] as const) {
        const r = await app.inject({
          method,
          url,
          ...(method === "POST" ? { payload: { tx: "AA==" } } : {}),
        });
        assert.equal(r.statusCode, 400, `${method} ${url}`);
        assert.match(String(r.headers["content-type"]), /^application\/json/);
        assertSpecError(r.body, "BAD_URL");
        assert.doesNotMatch(r.body, /FST_ERR/);
      }
    }
    assert.deepEqual(touched, [], "no route handler ran");
    await app.close();
  });

  it("B1: a path parameter over 100 characters is 414 URL_TOO_LONG, not FST_ERR_MAX_PARAM_LENGTH", async () => {
    const { app, touched } = recordingApi();
    for (const url of [
      `/tx/${"a".repeat(101)}`,
      `/accounts/${"x".repeat(5000)}`,
      `/blocks/${"1".repeat(200)}`,
    ]) {
      const r = await app.inject({ method: "GET", url });
      assert.equal(r.statusCode, 414, url.slice(0, 20));
      assertSpecError(r.body, "URL_TOO_LONG");
      assert.doesNotMatch(r.body, /FST_ERR/);
    }
    assert.deepEqual(touched, []);
    await app.close();
  });

  it("B1: the other errors Fastify raises keep the shape (empty JSON body, bad content type, unknown route)", async () => {
    const { app, touched } = recordingApi();
    const cases: Array<[InjectOptions, number, string]> = [
      [
        { method: "POST", url: "/tx", headers: { "content-type": "application/json" }, payload: "" },
        400,
        "BAD_REQUEST",
      ],
      [
        { method: "POST", url: "/tx", headers: { "content-type": "application/json" }, payload: "{" },
        400,
        "BAD_REQUEST",
      ],
      [
        { method: "POST", url: "/tx", headers: { "content-type": "///" }, payload: "{}" },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [{ method: "DELETE", url: "/status" }, 405, "METHOD_NOT_ALLOWED"], // issue 12: was 404
      [{ method: "GET", url: "/no-such-route" }, 404, "NOT_FOUND"],
    ];
    for (const [req, status, code] of cases) {
      const r = await app.inject(req);
      assert.equal(r.statusCode, status, JSON.stringify(req));
      assertSpecError(r.body, code);
    }
    assert.deepEqual(touched, []);
    await app.close();
  });

  it("B1: a request Node's HTTP parser refuses (bad header, headers too large) is 400 MALFORMED_REQUEST", async () => {
    const { app, touched } = recordingApi();
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    try {
      const requests = [
        "GET /status HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", // space in a header name
        "GET /status HTTP/1.1\r\nHost: x\r\nX: a\u0001b\r\n\r\n", // control character in a value
        `GET /status HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(20_000)}\r\n\r\n`, // over Node's 16 KiB
        "GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      ];
      for (const req of requests) {
        const answer = await raw(port, req);
        const [head, body] = answer.split("\r\n\r\n");
        assert.match(head!, /^HTTP\/1\.1 400 /, JSON.stringify(answer.slice(0, 120)));
        assert.match(head!, /content-type: application\/json/i);
        assertSpecError(body!, "MALFORMED_REQUEST");
        assert.equal(Buffer.byteLength(body!), Number(/content-length: (\d+)/i.exec(head!)![1]));
      }
    } finally {
      await app.close();
    }
    assert.deepEqual(touched, []);
  });

  it("B1: the new codes have their status", () => {
    assert.equal(HTTP_STATUS.BAD_URL, 400);
    assert.equal(HTTP_STATUS.MALFORMED_REQUEST, 400);
    assert.equal(HTTP_STATUS.URL_TOO_LONG, 414);
  });
});

describe("405 for a known path asked with another method", () => {
  it("answers 405 METHOD_NOT_ALLOWED with an Allow header, and 404 for an unknown path", async () => {
    const { app, touched } = recordingApi();
    const cases: Array<[InjectOptions["method"], string, number, string | undefined]> = [
      ["DELETE", "/status", 405, "GET, HEAD"],
      ["PUT", "/tx", 405, "POST"],
      ["POST", "/blocks/5", 405, "GET, HEAD"],
      ["PATCH", "/tx/00", 405, "GET, HEAD"],
      ["GET", "/blocks/5/extra", 404, undefined],
      ["DELETE", "/no-such-route", 404, undefined],
    ];
    for (const [method, url, status, allow] of cases) {
      const res = await app.inject({ method, url });
      assert.equal(res.statusCode, status, `${method} ${url}`);
      assert.equal(res.headers.allow, allow, `${method} ${url}`);
      assertSpecError(res.body, status === 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND");
    }
    assert.equal(HTTP_STATUS.METHOD_NOT_ALLOWED, 405);
    assert.deepEqual(touched, []);
    await app.close();
  });
});
