/**
 * Client-side signing for the harness: transactions are built and signed in-process (the nodes
 * never see a key), as the CLI does in src/cli/signer.ts.
 */

import { GOV_TX_ROUTES } from "../src/api/governanceTxRoutes.js";
import { toHex } from "../src/crypto/bytes.js";
import { sha256 } from "../src/crypto/hash.js";
import { generateKeyPair } from "../src/crypto/keygen.js";
import { devKeyPair, type KeyPair, sign } from "../src/crypto/keys.js";
import type { Payload, ProposalAction, VoteOption } from "../src/types/tx.js";
import { encodeSignedTx, encodeTxBody, txSigningMessage } from "../src/types/txCodec.js";
import type { Cluster, Receipt, SubmitResult } from "./cluster.js";

/** 1 XAI in base units. */
export const XAI = 100_000_000n;

/** Dev account N (funded with 1,000,000 XAI by the dev genesis). */
export const dev = (n: number): KeyPair => devKeyPair(n);

/** A fresh, unfunded key. */
export const freshKey = (): KeyPair => generateKeyPair();

/** A signed transaction. */
export interface SignedTx {
  bytes: Uint8Array;
  id: string;
  nonce: bigint;
}

/** Signs `payload` with `key` for `chainId`. */
export function signTx(
  key: KeyPair,
  payload: Payload,
  o: { chainId: string; nonce: bigint; fee: bigint },
): SignedTx {
  const body = encodeTxBody({
    chainId: o.chainId,
    nonce: o.nonce,
    publicKey: key.publicKey,
    fee: o.fee,
    payload,
  });
  return {
    bytes: encodeSignedTx(body, sign(txSigningMessage(body), key.secretKey)),
    id: toHex(sha256(body)),
    nonce: o.nonce,
  };
}

/** Payload builders (the fields of SPEC §4.1). */
export const payloads = {
  transfer: (recipient: string, amount: bigint): Payload => ({ type: "TRANSFER", recipient, amount }),
  propose: (action: ProposalAction, title: string, deposit = 10n * XAI): Payload => ({
    type: "SUBMIT_PROPOSAL",
    title,
    description: `harness: ${title}`,
    deposit,
    action,
  }),
  vote: (proposalId: string, option: VoteOption): Payload => ({ type: "CAST_VOTE", proposalId, option }),
  review: (proposalId: string, approved: boolean): Payload => ({
    type: "SUBMIT_CODE_REVIEW",
    proposalId,
    approved,
    comment: approved ? "looks right" : "not convinced",
  }),
  implementationVote: (proposalId: string, approved: boolean): Payload => ({
    type: "VOTE_IMPLEMENTATION",
    proposalId,
    approved,
  }),
  execute: (proposalId: string): Payload => ({ type: "EXECUTE_PROPOSAL", proposalId }),
};

/** The write route of each transaction type (SPEC §5): the API's own table, TRANSFER at `/tx`. */
export function routeOf(p: Payload): string {
  return p.type === "TRANSFER" ? "/tx" : GOV_TX_ROUTES[p.type];
}

/** Signs with the nonce and minimum fee node `i` reports, without submitting. */
export async function prepareTx(
  c: Cluster,
  i: number,
  key: KeyPair,
  payload: Payload,
  o: { nonce?: bigint; fee?: bigint } = {},
): Promise<SignedTx> {
  const status = await c.status(i);
  const nonce =
    o.nonce ?? BigInt((await c.get<{ next_nonce: string }>(i, `/accounts/${key.address}`)).next_nonce);
  return signTx(key, payload, { chainId: status.chain_id, nonce, fee: o.fee ?? BigInt(status.min_tx_fee) });
}

/** Signs and submits to node `i` through the payload's route; the answer may be a refusal. */
export async function trySend(
  c: Cluster,
  i: number,
  key: KeyPair,
  payload: Payload,
  o: { nonce?: bigint; fee?: bigint } = {},
): Promise<SubmitResult & { tx: SignedTx }> {
  const tx = await prepareTx(c, i, key, payload, o);
  return { ...(await c.submit(i, tx.bytes, routeOf(payload))), tx };
}

/** Signs and submits to node `i`; throws if the node refuses. Returns the tx id. */
export async function send(
  c: Cluster,
  i: number,
  key: KeyPair,
  payload: Payload,
  o: { nonce?: bigint; fee?: bigint } = {},
): Promise<string> {
  const r = await trySend(c, i, key, payload, o);
  if (!r.ok) throw new Error(`node ${i} refused ${payload.type}: ${r.code} ${r.message}`);
  return r.tx_id;
}

/** Sends and waits until the transaction is included on every running node; asserts result ok. */
export async function sendAndWait(
  c: Cluster,
  i: number,
  key: KeyPair,
  payload: Payload,
  o: { nonce?: bigint; fee?: bigint; timeoutMs?: number } = {},
): Promise<Receipt> {
  const id = await send(c, i, key, payload, o);
  const r = await c.waitIncluded(id, c.alive, o.timeoutMs ?? 30_000);
  if (r.result !== "ok")
    throw new Error(`${payload.type} ${id} included with result ${r.result} ${r.error_code}`);
  return r;
}
