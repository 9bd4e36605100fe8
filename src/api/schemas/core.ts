/** Schemas of the chain routes of server.ts and batchRoutes.ts (SPEC §5); see common.ts. */
import {
  address,
  answers,
  decimal,
  doc,
  errorSchema,
  height,
  hex,
  nullableString,
  obj,
  openObject,
} from "./common.js";

const TAG = "chain";

/** The JSON of a transaction (types/json.ts txJson); `payload` depends on the type. */
export const txJsonSchema = obj({
  tx_id: hex,
  type: { type: "string" },
  sender: address,
  chain_id: { type: "string" },
  nonce: decimal,
  fee: decimal,
  public_key: hex,
  payload: openObject,
});

const txParam = (name: string, examples: string[], description: string) =>
  obj({ [name]: { type: "string", examples, description } });

export const healthSchema = {
  ...doc(TAG, "getHealth", "Liveness and head height"),
  response: answers(obj({ status: { type: "string", const: "ok" }, height })),
};

export const statusSchema = {
  ...doc(TAG, "getStatus", "Chain id, head, finality, peers and sync state"),
  response: answers(
    obj({
      chain_id: { type: "string" },
      version: { type: "string" },
      genesis_hash: hex,
      height,
      head_hash: hex,
      head_slot: height,
      state_root: hex,
      finalized_height: height,
      peers: { type: "integer", minimum: 0 },
      syncing: { type: "boolean" },
      mempool_size: { type: "integer", minimum: 0 },
      min_tx_fee: decimal,
      block_time_ms: { type: "integer" },
      validator: { type: ["string", "null"] },
      upgrade_needed: {
        anyOf: [{ type: "null" }, obj({ name: { type: "string" }, height, info: { type: "string" } })],
      },
    }),
  ),
};

export const blockSchema = {
  ...doc(TAG, "getBlock", "A block by height (or `latest`) with its transactions"),
  params: txParam("height", ["latest", "1"], "a non-negative integer or `latest`"),
  response: answers(
    obj({
      hash: hex,
      height,
      slot: height,
      parent_hash: hex,
      proposer: address,
      tx_root: hex,
      state_root: hex,
      signature: hex,
      tx_count: { type: "integer", minimum: 0 },
      txs: { type: "array", items: txJsonSchema },
      time_ms: { type: "integer" },
    }),
  ),
};

const receiptSchema = obj({
  tx_id: hex,
  height,
  index: { type: "integer", minimum: 0 },
  block_hash: hex,
  result: { type: "string", examples: ["ok", "failed"] },
  error_code: nullableString,
  proposal_id: nullableString,
});

export const txSchema = {
  ...doc(TAG, "getTx", "A transaction with its receipt once included"),
  params: txParam("id", ["0".repeat(64)], "64 lowercase hex characters"),
  response: answers({
    ...txJsonSchema,
    required: [...txJsonSchema.required, "status", "receipt"],
    properties: {
      ...txJsonSchema.properties,
      status: { type: "string", enum: ["included", "pending"] },
      receipt: { anyOf: [{ type: "null" }, receiptSchema] },
    },
  }),
};

export const accountSchema = {
  ...doc(TAG, "getAccount", "Balance and nonces of an account"),
  params: txParam("address", [address.examples[0]], "a bech32 xai1… address"),
  response: answers(
    obj({
      address,
      balance: decimal,
      nonce: decimal,
      next_nonce: decimal,
      pending_txs: { type: "integer", minimum: 0 },
    }),
  ),
};

/** `{"tx_id", "type", "status": "pending"}`: a transaction the mempool admitted. */
export const acceptedSchema = obj({
  tx_id: hex,
  type: { type: "string" },
  status: { type: "string", const: "pending" },
});

/** Body of every write route (built by server.ts with its size bound). */
export function submitTxSchema(body: unknown) {
  return {
    ...doc(TAG, "submitTx", "Submit any signed transaction (base64 SignedTx)"),
    body,
    response: answers(acceptedSchema, 202),
  };
}

export function submitTxsSchema(body: unknown) {
  return {
    ...doc(TAG, "submitTxs", "Submit many signed transactions; one result each, in order"),
    body,
    response: answers(obj({ results: { type: "array", items: { anyOf: [acceptedSchema, errorSchema] } } })),
  };
}

export const metricsSchema = {
  ...doc("node", "getMetrics", "Prometheus metrics (text exposition format)"),
  produces: ["text/plain"],
  response: {
    200: { description: "Prometheus text", content: { "text/plain": { schema: { type: "string" } } } },
  },
};
