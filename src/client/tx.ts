/**
 * Building, signing, submitting and waiting for transactions (SPEC §6 v2, review B3): the node
 * never chooses what is signed. The chain id is the caller's (pinned) and the node's must equal
 * it; the fee (the node's min_tx_fee unless given) must not exceed the ceiling; every check runs
 * before anything is signed.
 */
import { ApiErrorCode } from "../api/errors.js";
import { addressOf, type KeyPair, sign } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import type { Payload, Tx } from "../types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../types/txCodec.js";
import { CliErrorCode, isRemoteError } from "./errors.js";
import { apiGet, apiPost } from "./http.js";

/** Default ceiling on the fee signed: 100,000 units (0.001 XAI); see src/cli/pin.ts. */
export const DEFAULT_MAX_FEE = 100_000n;

const UINT_RE = /^(0|[1-9][0-9]{0,19})$/;

/** A decimal uint64 from an option (BAD_OPTION) or from the node (BAD_RESPONSE). */
export function uint64(s: unknown, what: string, fromNode: boolean): bigint {
  if (typeof s === "bigint" && s >= 0n && s < 2n ** 64n) return s;
  if (typeof s === "string" && UINT_RE.test(s) && BigInt(s) < 2n ** 64n) return BigInt(s);
  if (fromNode) throw xaiError(CliErrorCode.BAD_RESPONSE, `the node's ${what} is not a decimal integer`);
  throw xaiError(NodeErrorCode.BAD_OPTION, `${what} must be a non-negative integer`);
}

/** Refuses a chain id (reported by the node, or carried by a body) other than the pinned one. */
export function checkChainId(pinned: string, got: unknown, source: string): void {
  if (got !== pinned)
    throw xaiError(
      CliErrorCode.CHAIN_ID_MISMATCH,
      `${source} is on chain ${JSON.stringify(got)}, not the pinned ${pinned}: refused before signing or sending`,
      { pinned, got: String(got) },
    );
}

/** Refuses a fee above the ceiling. */
export function checkFee(fee: bigint, maxFee: bigint, source: string): void {
  if (fee > maxFee)
    throw xaiError(
      CliErrorCode.FEE_ABOVE_MAX,
      `${source} is ${fee} units, above the maximum of ${maxFee} (--max-fee): refused before signing`,
      { fee: fee.toString(), max_fee: maxFee.toString() },
    );
}

/** What building a body needs; `fee`/`nonce` left out are asked of the node. */
export interface BuildOptions {
  node: string;
  chainId: string;
  maxFee?: bigint;
  fee?: string | bigint;
  nonce?: string | bigint;
  /** Never contact the node (needs `fee` and `nonce`). */
  offline?: boolean;
}

/** What a client signs: the body bytes and the values it was built from (all checked). */
export interface PreparedBody {
  bodyBytes: Uint8Array;
  chainId: string;
  nonce: bigint;
  fee: bigint;
}

/** Builds the body of `payload` for `publicKey`, pinned to `o.chainId`. */
export async function buildBody(
  o: BuildOptions,
  publicKey: Uint8Array,
  payload: Payload,
): Promise<PreparedBody> {
  const offline = o.offline === true && o.nonce !== undefined && o.fee !== undefined;
  let minFee: unknown;
  if (!offline) {
    const status = await apiGet<{ chain_id?: unknown; min_tx_fee?: unknown }>(o.node, "/status");
    checkChainId(o.chainId, status.chain_id, `the node ${o.node}`);
    minFee = status.min_tx_fee;
  }
  const fee = o.fee !== undefined ? uint64(o.fee, "--fee", false) : uint64(minFee, "min_tx_fee", true);
  checkFee(
    fee,
    o.maxFee ?? DEFAULT_MAX_FEE,
    o.fee !== undefined ? "--fee" : `the fee the node asks (min_tx_fee)`,
  );
  const nonce =
    o.nonce !== undefined
      ? uint64(o.nonce, "--nonce", false)
      : uint64(
          (await apiGet<{ next_nonce?: unknown }>(o.node, `/accounts/${addressOf(publicKey)}`)).next_nonce,
          "next_nonce",
          true,
        );
  const bodyBytes = encodeTxBody({ chainId: o.chainId, nonce, publicKey, fee, payload });
  return { bodyBytes, chainId: o.chainId, nonce, fee };
}

/** Decodes body bytes through the SignedTx decoder (checks the canonical encoding, derives the id). */
export function decodeBody(bodyBytes: Uint8Array): Tx {
  // decodeTx never verifies the signature, so a placeholder of the right length stands in for it.
  return decodeTx(encodeSignedTx(bodyBytes, new Uint8Array(64)));
}

/** Signs body bytes with a key: SignedTx bytes. */
export function signBody(bodyBytes: Uint8Array, key: KeyPair): Uint8Array {
  return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), key.secretKey));
}

/** The node's answer to a submitted transaction. */
export type SubmitAnswer = Record<string, unknown> & { tx_id: string };

/**
 * Submits SignedTx bytes to `route` (POST /tx or a governance write route). The id is the
 * client's own (sha256 of the body): a node answering another one is refused.
 */
export async function submitTx(node: string, bytes: Uint8Array, route = "/tx"): Promise<SubmitAnswer> {
  const txId = decodeTx(bytes).id;
  const answer = await apiPost<Record<string, unknown>>(node, route, {
    tx: Buffer.from(bytes).toString("base64"),
  });
  if (answer.tx_id !== txId)
    throw xaiError(CliErrorCode.BAD_RESPONSE, `the node answered tx id ${String(answer.tx_id)}, not ${txId}`);
  return answer as SubmitAnswer;
}

/** One result of POST /txs: accepted, or that transaction's own error. */
export type BatchItem =
  | { tx_id: string; type: string; status: "pending" }
  | { error: { code: string; message: string; data?: Record<string, unknown> } };

/** Submits many SignedTx in one POST /txs; one result each, in order. */
export async function submitBatch(node: string, txs: readonly Uint8Array[]): Promise<BatchItem[]> {
  const answer = await apiPost<{ results?: unknown }>(node, "/txs", {
    txs: txs.map((b) => Buffer.from(b).toString("base64")),
  });
  if (!Array.isArray(answer.results) || answer.results.length !== txs.length)
    throw xaiError(
      CliErrorCode.BAD_RESPONSE,
      "the node's POST /txs answer has not one result per transaction",
    );
  return answer.results as BatchItem[];
}

/** The receipt of an included transaction. */
export interface Receipt {
  tx_id: string;
  height: number;
  result: string;
  error_code: string | null;
  proposal_id: string | null;
}

/** Polls GET /tx/:id until the transaction is included; WAIT_TIMEOUT after `timeoutMs`. */
export async function waitForReceipt(
  node: string,
  txId: string,
  timeoutMs: number,
  pollMs = 250,
): Promise<Receipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await apiGet<{ receipt: Receipt | null }>(node, `/tx/${txId}`);
      if (r.receipt) {
        const { tx_id, height, result, error_code, proposal_id } = r.receipt;
        if (tx_id !== txId)
          throw xaiError(
            CliErrorCode.BAD_RESPONSE,
            `the node's receipt is for ${String(tx_id)}, not ${txId}`,
          );
        return { tx_id, height, result, error_code, proposal_id };
      }
    } catch (err) {
      if (!isRemoteError(err, ApiErrorCode.NOT_FOUND)) throw err;
    }
    if (Date.now() > deadline)
      throw xaiError(CliErrorCode.WAIT_TIMEOUT, `transaction ${txId} not included within ${timeoutMs} ms`, {
        tx_id: txId,
      });
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
