/**
 * Every HTTP route (path, query and body) through Fastify's `inject` on the node's API server with
 * the node's route plugins. The routes are read from the server itself (`printRoutes`), not listed
 * here. The oracle: no 5xx; every 4xx is the SPEC §5 body `{"error": {"code", "message"}}` with a
 * code whose HTTP_STATUS is that status; a 4xx leaves head, state root and mempool as they were.
 */
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { adminRoutes } from "../../../src/api/admin.js";
import { MAX_BATCH_TXS } from "../../../src/api/batchRoutes.js";
import { HTTP_STATUS } from "../../../src/api/errors.js";
import { governanceRoutes } from "../../../src/api/governanceRoutes.js";
import { createApi } from "../../../src/api/server.js";
import { upgradeRoutes } from "../../../src/api/upgradeRoutes.js";
import { validatorRoutes } from "../../../src/api/validatorRoutes.js";
import type { Chain } from "../../../src/chain/chain.js";
import { GovernanceMetrics } from "../../../src/metrics/governanceMetrics.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { address, proposalId, signedTx } from "../arbs.js";
import { FuzzFailure, type FuzzTarget, jsonVector } from "../engine.js";
import { FuzzChain } from "../fuzzChain.js";
import { anyJson, mutatedBytes } from "../mutate.js";

/** A route as the server lists it. */
export interface Route {
  method: string;
  url: string;
}

/** The node's API on `chain`, with every route plugin the node registers (admin on a stub network). */
export function nodeApi(chain: Chain): FastifyInstance {
  const metrics = new NodeMetrics();
  // The shape of P2PNetwork.info() (the route's answer schema requires its fields).
  const info = () => ({
    peer_id: "12D3KooWfuzz",
    listen: [],
    peers: [],
    allowed: null,
    banned: [],
    syncing: false,
  });
  const network = { info, setAllowedPeers: async () => undefined };
  return createApi({ chain, metrics, peers: () => 0, syncing: () => false }, [
    governanceRoutes(new GovernanceMetrics(metrics, () => chain.state)),
    validatorRoutes,
    upgradeRoutes,
    adminRoutes(network as never),
  ]);
}

/** The routes of a ready server, from its `printRoutes` tree (each line a segment, 4 columns a level). */
export function routesOf(app: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of m[3]?.split(", ") ?? []) out.push({ method, url: stack.join("") });
  }
  return out;
}

/** One request, as stored in a vector. */
export interface HttpInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const paramValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0",
    "1",
    "2",
    "latest",
    "-1",
    "01",
    "1e3",
    "9007199254740993",
    "%zz",
    "%00",
    "..",
    "%2F",
    "",
  ),
  proposalId.map(encodeURIComponent),
  address.map(encodeURIComponent),
  fc.string({ maxLength: 120 }).map(encodeURIComponent),
  fc.string({ minLength: 95, maxLength: 110, unit: "grapheme-ascii" }).map(encodeURIComponent),
  fc.string({ maxLength: 12, unit: "grapheme-ascii" }),
);
const queryValue = fc.oneof(paramValue, fc.constantFrom("voting", "queued", "executed", "100", "1000000"));
const query: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom("status", "limit", "cursor", "proposal_id", "kind"),
        fc.string({ maxLength: 6 }),
      ),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&")}` : "",
  );

const base64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const txField = fc.oneof(
  signedTx.map(base64),
  mutatedBytes(fc.sample(signedTx, { seed: 3, numRuns: 20 })).map(base64),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "====", "AAAA", "A".repeat(20)),
);
/** The body of POST /txs: a batch, sometimes one over MAX_BATCH_TXS. */
const batchBody = fc
  .oneof(
    { weight: 9, arbitrary: fc.array(txField, { maxLength: 8 }) },
    fc.constant(Array.from({ length: MAX_BATCH_TXS + 1 }, () => "AAAA")),
  )
  .map((txs) => ({ payload: JSON.stringify({ txs }), type: "application/json" }));
const body: fc.Arbitrary<{ payload?: string; type?: string }> = fc.oneof(
  {
    weight: 4,
    arbitrary: txField.map((tx) => ({ payload: JSON.stringify({ tx }), type: "application/json" })),
  },
  fc.record({ payload: fc.constant(undefined), type: fc.constant(undefined) }),
  fc
    .tuple(anyJson, fc.constantFrom("application/json", "application/json; charset=utf-8"))
    .map(([v, type]) => ({ payload: JSON.stringify(v) ?? "null", type })),
  fc.record({
    payload: fc.string({ maxLength: 60 }),
    type: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "x/y"),
  }),
  fc
    .record({
      allow: fc.oneof(fc.constant(null), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), anyJson),
    })
    .map((v) => ({ payload: JSON.stringify(v), type: "application/json" })),
);

/** Requests on the server's routes: its method (or another), params, query and body drawn above. */
function requests(routes: Route[]): fc.Arbitrary<HttpInput> {
  const method = (own: string) =>
    fc.oneof(
      { weight: 9, arbitrary: fc.constant(own) },
      fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"),
    );
  // HEAD twins of GET routes are drawn as the other methods are (rarely), not as routes of their own.
  // The event stream (GET /events) answers a valid request with a stream that never ends: its
  // inputs (from_height, Last-Event-ID) are tested in test/unit/api/events.test.ts instead.
  const own = routes.filter(
    (r) =>
      r.url !== "/events" &&
      (r.method !== "HEAD" || !routes.some((g) => g.method === "GET" && g.url === r.url)),
  );
  return fc
    .tuple(fc.constantFrom(...own), fc.array(paramValue, { minLength: 4, maxLength: 4 }), query, body)
    .chain(([r, params, q, anyBody]) =>
      fc
        .tuple(
          method(r.method),
          r.url === "/txs" ? fc.oneof(batchBody, fc.constant(anyBody)) : fc.constant(anyBody),
        )
        .map(([m, b]) => {
          let i = 0;
          const url = r.url.replace(/:[a-z_]+/gi, () => params[i++]!) + q;
          const headers: Record<string, string> = b.type ? { "content-type": b.type } : {};
          return {
            method: m,
            url,
            headers,
            ...(b.payload !== undefined && m !== "GET" ? { payload: b.payload } : {}),
          };
        }),
    );
}

/** Every HTTP route. */
export const httpTarget: FuzzTarget<HttpInput> = {
  name: "http",
  ext: "json",
  save: (i) => jsonVector.save(i),
  load: (b) => jsonVector.load<HttpInput>(b),
  async setup() {
    const fz = await FuzzChain.open(512);
    let chain = fz.chain;
    let app = nodeApi(chain);
    await app.ready();
    const routes = routesOf(app);
    if (routes.length < 10) throw new Error(`only ${routes.length} routes read from the server`);
    return {
      arbitrary: requests(routes),
      async run(input) {
        await fz.next();
        if (fz.chain !== chain) {
          await app.close();
          chain = fz.chain;
          app = nodeApi(chain);
        }
        const before = fz.snapshot();
        const res = await app.inject({ ...input, method: input.method as "GET" });
        const status = res.statusCode;
        if (status < 400) return {};
        if (status >= 500) throw new FuzzFailure(`${status} ${res.body.slice(0, 200)}`);
        if (fz.snapshot() !== before) throw new FuzzFailure(`a ${status} answer changed the chain`);
        if (input.method === "HEAD") return { code: `HEAD ${status}` };
        let code: unknown;
        try {
          code = (JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } }).error?.code;
        } catch {}
        const expected = (HTTP_STATUS as Record<string, number>)[String(code)];
        if (expected !== status)
          throw new FuzzFailure(`${status} without its code: ${res.body.slice(0, 200)}`);
        return { code: String(code) };
      },
      close: async () => {
        await app.close();
        await fz.close();
      },
    };
  },
};
