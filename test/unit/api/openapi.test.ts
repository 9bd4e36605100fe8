// The OpenAPI document at GET /openapi.json (SPEC §5, issue 12): it is a valid OpenAPI 3.1
// document, it lists exactly the routes the API registers, and the API answers as it says: every
// operation is sent a request built from the document (path and query values from a real test chain
// with a block, an account, a transaction and a proposal; signed transactions for the write routes)
// and its answer (status and body) is validated against the document's schema for that status.
import assert from "node:assert/strict";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { FastifyInstance } from "fastify";
import { adminRoutes } from "../../../src/api/admin.js";
import { governanceRoutes } from "../../../src/api/governanceRoutes.js";
import { createApi } from "../../../src/api/server.js";
import { upgradeRoutes } from "../../../src/api/upgradeRoutes.js";
import { validatorRoutes } from "../../../src/api/validatorRoutes.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { GovernanceMetrics } from "../../../src/metrics/governanceMetrics.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import type { P2PNetwork } from "../../../src/network/network.js";
import type { Payload } from "../../../src/types/tx.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { action, tx } from "../../utils/govChain.js";
import { openTestChain, produce, signTx, type TestChain, testKey } from "../../utils/testChain.js";

type Doc = {
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  parameters?: Array<{ in: string; name: string; schema: { examples?: string[] } }>;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

const fakeNetwork = {
  info: () => ({ peer_id: "self", listen: [], peers: [], allowed: null, banned: [], syncing: false }),
  setAllowedPeers: async () => undefined,
} as unknown as P2PNetwork;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("api/openapi: the document at GET /openapi.json", function () {
  this.timeout(60_000);
  let t: TestChain;
  let app: FastifyInstance;
  let doc: Doc;
  const registered: string[] = [];
  const ids = { tx: "", proposal: "" };

  before(async () => {
    t = await openTestChain();
    const { chain } = t;
    const metrics = new NodeMetrics();
    const gm = new GovernanceMetrics(metrics, () => chain.state);
    app = createApi({ chain, metrics, peers: () => 0, syncing: () => false }, [
      governanceRoutes(gm),
      validatorRoutes,
      upgradeRoutes,
      adminRoutes(fakeNetwork),
    ]);
    app.addHook("onRoute", (r) => {
      if (r.url === "*" || (r.schema as { hide?: boolean } | undefined)?.hide) return;
      for (const m of [r.method].flat()) if (m !== "HEAD") registered.push(`${m} ${r.url}`);
    });
    // Block 1: a transfer and a proposal; block 2: a vote on it.
    const transfer = signTx(devKeyPair(0), tx.transfer(testKey("to").address, 5n), { nonce: 0n });
    const submit = signTx(devKeyPair(1), tx.propose(action.param("min_tx_fee", "2000")), { nonce: 0n });
    ids.tx = decodeTx(transfer).id;
    ids.proposal = proposalIdOf(decodeTx(submit).id);
    await chain.submitTx(decodeTx(transfer));
    await chain.submitTx(decodeTx(submit));
    await produce(chain);
    await chain.submitTx(decodeTx(signTx(devKeyPair(7), tx.vote(ids.proposal, "yes"), { nonce: 0n })));
    await produce(chain);
    const res = await app.inject({ method: "GET", url: "/openapi.json" });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it("is a valid OpenAPI 3.1 document (swagger-parser)", async () => {
    assert.equal((doc as unknown as { openapi: string }).openapi, "3.1.0");
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it("lists every registered route with its methods, and nothing else", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ":$1")}`),
    );
    assert.deepEqual([...documented].sort(), [...new Set(registered)].sort());
    assert.ok(registered.length >= 30, `${registered.length} routes`);
  });

  it("gives every operation a tag, a summary, a unique operationId and an error answer", () => {
    const seen = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops)) {
        assert.ok(op.operationId && !seen.has(op.operationId), `${m} ${p}: operationId`);
        seen.add(op.operationId);
        assert.ok(op.tags?.length && op.summary, `${m} ${p}: tags and summary`);
        if (p !== "/metrics") assert.ok(op.responses["4XX"], `${m} ${p}: 4XX`);
      }
  });

  /** The value of a path parameter: real data of the test chain. */
  function pathValue(path: string, name: string): string {
    if (name === "height") return "1";
    if (name === "address") return devKeyPair(1).address;
    if (name === "id") return path.startsWith("/tx/") ? ids.tx : "1";
    throw new Error(`no value for ${name} of ${path}`);
  }

  /** A signed transaction of the type each write route takes (fresh keys, nonce 0). */
  function bodyFor(path: string): unknown {
    const s = (n: number, p: Payload) => b64(signTx(devKeyPair(n), p, { nonce: 0n }));
    const pid = ids.proposal;
    const bodies: Record<string, unknown> = {
      "/tx": { tx: s(2, tx.transfer(testKey("to").address, 7n)) },
      "/txs": { txs: [s(3, tx.transfer(testKey("to").address, 8n)), "%%%"] },
      "/governance/proposals/submit": { tx: s(4, tx.propose(action.feature("fee_burn", true))) },
      "/governance/vote": { tx: s(5, tx.vote(pid, "no")) },
      "/governance/review": { tx: s(6, tx.review(pid, true)) },
      "/governance/implementation-vote": { tx: s(8, tx.implement(pid)) },
      "/governance/execute": { tx: s(9, tx.execute(pid)) },
      "/governance/cancel": { tx: s(1, tx.cancel(pid)) },
      "/governance/fiat-unlock/vote": { tx: s(0, tx.fiat(true)) },
      "/admin/peers": { allow: null },
    };
    assert.ok(path in bodies, `no body for ${path}`);
    return bodies[path];
  }

  const ajv = new Ajv2020({ strict: false, validateFormats: false });

  function check(op: Operation, where: string, status: number, type: string, body: string): void {
    const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
    assert.ok(r, `${where}: status ${status} is not in the document: ${body}`);
    const media = Object.keys(r.content ?? {}).find((k) => type.startsWith(k.split(";")[0]!));
    assert.ok(media, `${where}: ${type} is not a documented content type`);
    const schema = r.content![media]!.schema;
    const value = media.includes("json") ? JSON.parse(body) : body;
    const ok = ajv.validate(schema, value);
    assert.ok(ok, `${where} ${status}: ${ajv.errorsText()} in ${body.slice(0, 400)}`);
  }

  it("answers every operation as its document says (requests built from the document)", async () => {
    const answered: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops)) {
        let url = p;
        const query: string[] = [];
        for (const prm of op.parameters ?? []) {
          if (prm.in === "path") url = url.replace(`{${prm.name}}`, pathValue(p, prm.name));
          // Query parameters from the examples in the schema (a proposal by number from the chain).
          else if (prm.in === "query" && prm.schema.examples?.[0] !== undefined)
            query.push(`${prm.name}=${encodeURIComponent(prm.schema.examples[0])}`);
        }
        // The event stream never ends: driven with a from_height it refuses (its own tests stream).
        if (p === "/events") query.splice(0, query.length, "from_height=-1");
        const full = query.length ? `${url}?${query.join("&")}` : url;
        const res = await app.inject({
          method: m.toUpperCase() as "GET",
          url: full,
          remoteAddress: "127.0.0.1",
          ...(m === "post" ? { payload: bodyFor(p) as object } : {}),
        });
        check(op, `${m} ${full}`, res.statusCode, String(res.headers["content-type"]), res.body);
        answered.push(`${m} ${p} ${res.statusCode}`);
      }
    // The chain's data made most answers successes (a review of a proposal still voting is refused).
    const okCount = answered.filter((a) => / 20[02]$/.test(a)).length;
    assert.ok(okCount >= 20, answered.join("\n"));
  });

  it("validates an error answer of each route family against the shared error schema", async () => {
    const cases: Array<[string, string, string, number, object?]> = [
      ["/blocks/{height}", "get", "/blocks/999", 404],
      ["/tx/{id}", "get", "/tx/zz", 400],
      ["/accounts/{address}", "get", "/accounts/nope", 400],
      ["/tx", "post", "/tx", 400, { tx: "%%%" }],
      ["/governance/proposals/{id}", "get", "/governance/proposals/999", 404],
      ["/governance/proposals", "get", "/governance/proposals?status=nope", 400],
      ["/governance/vote", "post", "/governance/vote", 400, { tx: "" }],
      ["/governance/history", "get", "/governance/history?limit=x", 400],
    ];
    for (const [p, m, url, status, payload] of cases) {
      const res = await app.inject({
        method: m.toUpperCase() as "GET",
        url,
        ...(payload ? { payload } : {}),
      });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      check(doc.paths[p]![m]!, `${m} ${url}`, res.statusCode, String(res.headers["content-type"]), res.body);
    }
    const admin = await app.inject({ method: "GET", url: "/admin/peers", remoteAddress: "10.0.0.1" });
    assert.equal(admin.statusCode, 403);
    check(doc.paths["/admin/peers"]!.get!, "admin", 403, String(admin.headers["content-type"]), admin.body);
  });
});
