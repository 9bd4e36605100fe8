import assert from "node:assert/strict";
import Fastify from "fastify";
import { adminRoutes } from "../../../src/api/admin.js";
import { toHttpError } from "../../../src/api/errors.js";
import type { P2PNetwork } from "../../../src/network/network.js";

// A stand-in for the network: the admin routes only read info() and call setAllowedPeers().
function fakeNetwork() {
  const calls: Array<string[] | null> = [];
  const net = {
    info: () => ({ peer_id: "self", peers: [], allowed: null, banned: [] }),
    setAllowedPeers: async (allow: string[] | null) => {
      calls.push(allow);
    },
  } as unknown as P2PNetwork;
  return { net, calls };
}

function app(net: P2PNetwork) {
  const a = Fastify();
  a.setErrorHandler((err, _req, reply) => {
    const { status, body } = toHttpError(err);
    return reply.code(status).send(body);
  });
  adminRoutes(net)(a);
  return a;
}

describe("api/admin: loopback only", () => {
  it("answers on loopback", async () => {
    const { net, calls } = fakeNetwork();
    const a = app(net);
    const r = await a.inject({ method: "GET", url: "/admin/peers", remoteAddress: "127.0.0.1" });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().peer_id, "self");
    const p = await a.inject({
      method: "POST",
      url: "/admin/peers",
      remoteAddress: "::1",
      payload: { allow: ["x"] },
    });
    assert.equal(p.statusCode, 200);
    assert.deepEqual(calls, [["x"]]);
  });

  it("refuses other addresses with 403 FORBIDDEN, also through a percent-encoded path", async () => {
    const { net, calls } = fakeNetwork();
    const a = app(net);
    for (const url of ["/admin/peers", "/%61dmin/peers", "/admin%2Fpeers"]) {
      const r = await a.inject({ method: "POST", url, remoteAddress: "10.1.2.3", payload: { allow: [] } });
      assert.ok(r.statusCode === 403 || r.statusCode === 404, `${url}: ${r.statusCode}`);
      if (r.statusCode === 403) assert.equal(r.json().error.code, "FORBIDDEN");
    }
    const get = await a.inject({ method: "GET", url: "/%61dmin/peers", remoteAddress: "192.168.1.9" });
    assert.equal(get.statusCode, 403);
    assert.deepEqual(calls, []);
  });
});
