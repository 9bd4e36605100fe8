import cors from "@fastify/cors";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Chain } from "../chain/chain.js";
import { HARD_MAX_TX_BYTES } from "../chain/chain.js";
import { slotStartMs } from "../chain/slots.js";
import { genesisHashHex } from "../config/genesis.js";
import { toHex } from "../crypto/bytes.js";
import { requireAddress } from "../crypto/keys.js";
import { XaiError, xaiError } from "../errors.js";
import { actionJson } from "../governance/kinds/index.js";
import type { NodeMetrics } from "../metrics/nodeMetrics.js";
import { getAccount } from "../state-transition/accounts.js";
import { getParam } from "../state-transition/params.js";
import { TxErrorCode } from "../types/errors.js";
import { blockJson, txJson } from "../types/json.js";
import type { Tx, TxType } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { VERSION } from "../version.js";
import { batchRoutes } from "./batchRoutes.js";
import { ApiErrorCode, errorBody, toHttpError } from "./errors.js";
import { eventRoutes } from "./eventRoutes.js";
import type { EventStreamLimits } from "./eventStream.js";
import { clientErrorHandler, frameworkErrors } from "./frameworkErrors.js";
import { notFoundOr405 } from "./methodNotAllowed.js";
import { openApi } from "./openapi.js";
import type { Refusal } from "./refusalLog.js";
import {
  accountSchema,
  blockSchema,
  healthSchema,
  metricsSchema,
  statusSchema,
  submitTxSchema,
  txSchema,
} from "./schemas/core.js";
import { uiRoutes } from "./uiRoutes.js";

/** What the API reads from the node. */
export interface ApiContext {
  chain: Chain;
  metrics: NodeMetrics;
  peers: () => number;
  syncing: () => boolean;
  /** Address of this node's validator key, if it has one. */
  validator?: string;
  /** Called with the bytes of every transaction the API accepted (gossips it). */
  onTxAccepted?: (bytes: Uint8Array) => void;
  /** Origins allowed to call the API from a browser (CORS); none: no CORS headers at all. */
  cors?: string[];
  /** Called for every refused submission (the node logs it, rate-limited: refusalLog.ts). */
  onRefused?: (r: Refusal) => void;
  /** Bounds of `GET /events` (eventStream.ts; unset fields: DEFAULT_EVENT_LIMITS). */
  eventLimits?: Partial<EventStreamLimits>;
}

/** Largest request body: a base64 transaction of HARD_MAX_TX_BYTES plus JSON framing. */
export const MAX_BODY_BYTES = Math.ceil((HARD_MAX_TX_BYTES * 4) / 3) + 4096;

/** Routes that register more routes (the governance module's). */
export type RoutePlugin = (app: FastifyInstance, ctx: ApiContext) => void;

/** The body of every write route: `{"tx": "<base64 SignedTx>"}` (one schema for all of them). */
export const txBodySchema = {
  type: "object",
  required: ["tx"],
  additionalProperties: false,
  properties: { tx: { type: "string", minLength: 1, maxLength: MAX_BODY_BYTES } },
} as const;

/**
 * Decodes the base64 `tx` field and submits it (the answer of every write route). With `type`, a
 * transaction of another type is refused (each governance route takes its own type).
 */
export async function submitBase64Tx(ctx: ApiContext, b64: string, type?: TxType): Promise<Tx> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw xaiError(ApiErrorCode.BAD_REQUEST, "tx must be base64");
  const bytes = new Uint8Array(Buffer.from(b64, "base64"));
  let decoded: Tx | undefined;
  try {
    if (bytes.length > HARD_MAX_TX_BYTES)
      throw xaiError(TxErrorCode.TOO_LARGE, `transaction is ${bytes.length} bytes`);
    decoded = decodeTx(bytes);
    if (type && decoded.body.payload.type !== type)
      throw xaiError(
        ApiErrorCode.WRONG_TX_TYPE,
        `this route takes ${type}, not ${decoded.body.payload.type}`,
      );
    const tx = await ctx.chain.submitTx(decoded);
    ctx.onTxAccepted?.(tx.bytes);
    return tx;
  } catch (err) {
    if (err instanceof XaiError) {
      ctx.metrics.rejectedTxs.inc({ code: err.code });
      const who = decoded ? { txId: decoded.id, sender: decoded.sender } : {};
      ctx.onRefused?.({ code: err.code, message: err.message, ...who });
    }
    throw err;
  }
}

function sendError(reply: FastifyReply, err: unknown) {
  const { status, body } = toHttpError(err);
  return reply.code(status).send(body);
}

/** Builds the HTTP API (SPEC §5). */
export function createApi(ctx: ApiContext, plugins: RoutePlugin[] = []): FastifyInstance {
  // frameworkErrors and clientErrorHandler: the errors Fastify answers itself get the SPEC shape too.
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, logger: false, frameworkErrors, clientErrorHandler });
  // Bodies are JSON only: Fastify also parses text/plain by default, which turned a non-JSON body
  // into a 400 schema error instead of 415 (SPEC §5).
  app.removeContentTypeParser("text/plain");

  app.setErrorHandler(
    (err: { statusCode?: number; code?: string; message: string; validation?: unknown }, _req, reply) => {
      if (err instanceof XaiError) return sendError(reply, err);
      if (err.statusCode === 415 || err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
        return reply.code(415).send(errorBody(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json"));
      if (err.statusCode === 413)
        return reply.code(413).send(errorBody(ApiErrorCode.BODY_TOO_LARGE, "request body too large"));
      if (err.validation) return reply.code(400).send(errorBody(ApiErrorCode.BAD_REQUEST, err.message));
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
        return reply.code(err.statusCode).send(errorBody(ApiErrorCode.BAD_REQUEST, err.message));
      return sendError(reply, err);
    },
  );
  // Request counts and latency by route template (bounded labels; no route matched: "unmatched").
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    ctx.metrics.apiRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    ctx.metrics.apiSeconds.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  app.setNotFoundHandler(notFoundOr405(app));
  // CORS only for the origins the operator named (`start --cors`): reads and signed writes.
  if (ctx.cors && ctx.cors.length > 0)
    void app.register(cors, { origin: ctx.cors, methods: ["GET", "HEAD", "POST"], maxAge: 600 });
  // The OpenAPI document: the routes are added once its generator is loaded (it collects them).
  openApi(app);
  void app.after(() => routes(app, ctx, plugins));
  return app;
}

/** Every route of the API (SPEC §5), each with its schemas (src/api/schemas). */
function routes(app: FastifyInstance, ctx: ApiContext, plugins: RoutePlugin[]): void {
  const { chain } = ctx;
  app.get("/health", { schema: healthSchema }, async () => ({ status: "ok", height: chain.head.height }));

  app.get("/status", { schema: statusSchema }, async () => ({
    chain_id: chain.genesis.chainId,
    version: VERSION,
    genesis_hash: genesisHashHex(chain.genesis),
    height: chain.head.height,
    head_hash: chain.head.hashHex,
    head_slot: chain.head.slot,
    state_root: toHex(chain.head.stateRoot),
    finalized_height: chain.finalizedHeight,
    peers: ctx.peers(),
    syncing: ctx.syncing(),
    mempool_size: chain.mempool.size,
    min_tx_fee: (await getParam(chain.state, "min_tx_fee")).toString(),
    block_time_ms: chain.genesis.blockTimeMs,
    validator: ctx.validator ?? null,
    // Set once this node halted before a block needing an upgrade its release lacks (SPEC v2 §4.7).
    upgrade_needed: chain.halt.needed ?? null,
  }));

  app.get<{ Params: { height: string } }>("/blocks/:height", { schema: blockSchema }, async (req) => {
    const p = req.params.height;
    const height = p === "latest" ? chain.head.height : /^(0|[1-9][0-9]{0,15})$/.test(p) ? Number(p) : -1;
    if (height < 0)
      throw xaiError(ApiErrorCode.BAD_REQUEST, "height must be a non-negative integer or 'latest'");
    const block = await chain.blockAt(height);
    if (!block) throw xaiError(ApiErrorCode.NOT_FOUND, `no block at height ${height}`);
    // time_ms: the start of the block's slot (genesis time + slot x block time).
    return {
      ...blockJson(block, block.txs.map(decodeTx), actionJson),
      time_ms: slotStartMs(chain.genesis, block.header.slot),
    };
  });

  app.get<{ Params: { id: string } }>("/tx/:id", { schema: txSchema }, async (req) => {
    const id = req.params.id;
    if (!/^[0-9a-f]{64}$/.test(id))
      throw xaiError(ApiErrorCode.BAD_REQUEST, "tx id must be 64 lowercase hex characters");
    const receipt = await chain.receipt(id);
    if (receipt) {
      const block = await chain.blockAt(receipt.height);
      const tx = decodeTx(block!.txs[receipt.index]!);
      return {
        ...txJson(tx, actionJson),
        status: "included",
        receipt: {
          tx_id: id,
          height: receipt.height,
          index: receipt.index,
          block_hash: receipt.blockHash,
          result: receipt.result,
          error_code: receipt.errorCode ?? null,
          proposal_id: receipt.proposalId ?? null,
        },
      };
    }
    const pending = chain.mempool.get(id);
    if (pending) return { ...txJson(pending, actionJson), status: "pending", receipt: null };
    throw xaiError(ApiErrorCode.NOT_FOUND, `unknown transaction ${id}`);
  });

  app.get<{ Params: { address: string } }>("/accounts/:address", { schema: accountSchema }, async (req) => {
    const address = requireAddress(req.params.address);
    const a = await getAccount(chain.state, address);
    const pending = chain.mempool.pendingOf(address).length;
    return {
      address,
      balance: a.balance.toString(),
      nonce: a.nonce.toString(),
      next_nonce: (a.nonce + BigInt(pending)).toString(),
      pending_txs: pending,
    };
  });

  app.post<{ Body: { tx: string } }>("/tx", { schema: submitTxSchema(txBodySchema) }, async (req, reply) => {
    const tx = await submitBase64Tx(ctx, req.body.tx);
    return reply.code(202).send({ tx_id: tx.id, type: tx.body.payload.type, status: "pending" });
  });

  app.get("/metrics", { schema: metricsSchema }, async (_req, reply) => {
    reply.header("content-type", ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  batchRoutes(app, ctx);
  eventRoutes(app, ctx);
  uiRoutes()(app);
  for (const plugin of plugins) plugin(app, ctx);
}
