/**
 * `POST /txs`: many signed transactions in one request, for clients that send many (issue 10).
 * The body is `{"txs": ["<base64 SignedTx>", ...]}`: at most MAX_BATCH_TXS of them (more →
 * `413 TOO_MANY_TXS`) in at most MAX_BATCH_BODY_BYTES (more → `413 BODY_TOO_LARGE`). Each
 * transaction is judged on its own, in the order given (a sender's nonces may follow each other in
 * one batch), by the same code as `POST /tx` (`submitBase64Tx`), their signatures checked side by
 * side: the answer is `200` with one result per transaction, in order, `{tx_id, type, status:
 * "pending"}` or `{error: {code, message, data?}}`; a refused transaction stores nothing, the
 * others are admitted (and gossiped) as usual.
 * Like every write route it takes signed transactions only: the node never holds a key (SPEC §5).
 */
import type { FastifyInstance } from "fastify";
import { HARD_MAX_TX_BYTES } from "../chain/chain.js";
import { xaiError } from "../errors.js";
import { ApiErrorCode, toHttpError } from "./errors.js";
import { submitTxsSchema } from "./schemas/core.js";
// server.ts registers this route (a cycle): only functions of it are used, never at load time.
import { type ApiContext, submitBase64Tx } from "./server.js";

/** Longest base64 transaction (the hard size cap), as in MAX_BODY_BYTES of server.ts. */
const MAX_TX_BASE64 = Math.ceil((HARD_MAX_TX_BYTES * 4) / 3) + 4;

/** Most transactions in one `POST /txs`. */
export const MAX_BATCH_TXS = 1_000;

/** Largest `POST /txs` body: 16 transactions of the hard size cap plus framing (about 5.4 MiB). */
export const MAX_BATCH_BODY_BYTES = 16 * MAX_TX_BASE64 + 64 * 1024;

/**
 * The body of `POST /txs`: the count is checked by the route (for its own code), each item's
 * content by `submitBase64Tx` (for that item's own code).
 */
export const txsBodySchema = {
  type: "object",
  required: ["txs"],
  additionalProperties: false,
  properties: {
    // No length bound per item: an empty or oversized one is that transaction's own fault.
    txs: { type: "array", items: { type: "string" } },
  },
} as const;

/** One result of `POST /txs`. */
export type BatchResult =
  | { tx_id: string; type: string; status: "pending" }
  | { error: { code: string; message: string; data?: Record<string, unknown> } };

/**
 * Most transactions of all `POST /txs` requests handed to the chain at once; the others wait their
 * turn here, first come first served. So batches cannot take the chain's 10,000 places for
 * admissions waiting (NODE_BUSY beyond) from gossip and single submissions.
 */
export const BATCH_TXS_IN_FLIGHT = 1_024;

/** Runs tasks with at most `max` running, starting them in the order they were given. */
export class FifoLimit {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((start) => this.queue.push(start));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the place passes on
      else this.running--;
    }
  }
}

/**
 * Submits the transactions in order, up to `limit.max` (of all requests) at once; one result each
 * (never throws for a transaction's fault). Their signatures are checked side by side on the
 * signature pool, while the chain's admission lane takes them in the order they were handed over
 * (src/chain/txSignatures.ts), which is the order given: a sender's later nonce is judged after
 * its earlier one, as one by one. (Awaiting each before the next left the pool one signature at a
 * time per request.)
 */
export async function submitBatch(
  ctx: ApiContext,
  txs: readonly string[],
  limit: FifoLimit,
): Promise<BatchResult[]> {
  const settled = await Promise.allSettled(txs.map((b64) => limit.run(() => submitBase64Tx(ctx, b64))));
  return settled.map((r) =>
    r.status === "fulfilled"
      ? { tx_id: r.value.id, type: r.value.body.payload.type, status: "pending" as const }
      : (toHttpError(r.reason).body as BatchResult),
  );
}

/** Registers `POST /txs`. */
export function batchRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const limit = new FifoLimit(BATCH_TXS_IN_FLIGHT);
  app.post<{ Body: { txs: string[] } }>(
    "/txs",
    { schema: submitTxsSchema(txsBodySchema), bodyLimit: MAX_BATCH_BODY_BYTES },
    async (req) => {
      const { txs } = req.body;
      if (txs.length > MAX_BATCH_TXS)
        throw xaiError(ApiErrorCode.TOO_MANY_TXS, `${txs.length} transactions; at most ${MAX_BATCH_TXS}`);
      return { results: await submitBatch(ctx, txs, limit) };
    },
  );
}
