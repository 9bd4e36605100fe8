/**
 * Building, signing and sending transactions from the CLI. The client never lets the node it talks
 * to choose what it signs (SPEC §6 v2, review B3): the chain id is pinned (`pin.ts`) and the node's
 * must equal it; the fee (the node's min_tx_fee, or `--fee`) must not exceed `--max-fee`; every
 * check runs before the key signs anything. The fee signed is printed with the result (`fee`);
 * `--generate-only` and `tx sign` print the chain id and nonce too.
 */
import {
  buildBody,
  checkDevKey,
  decodeBody,
  type PreparedBody,
  type Receipt,
  signBody,
  submitTx,
  waitForReceipt,
} from "../client/index.js";
import { fromHex, toHex } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import type { Payload } from "../types/tx.js";
import { CliErrorCode } from "./errors.js";
import { type KeyOptions, resolveKey, resolvePublicKey } from "./keySource.js";
import { type Pin, type PinOptions, parseTimeout, resolvePin } from "./pin.js";

export { type KeySpec, resolveKey } from "./keySource.js";
// Building, signing, submitting and waiting are the client library's (src/client/); these are the
// CLI's options over it.
export { checkDevKey, decodeBody, type PreparedBody, signBody };

/** Options common to every transaction command. */
export interface TxOptions extends PinOptions, KeyOptions {
  /** `--key`: dev:N, a keyring name or a key file. */
  key?: string;
  /** `--generate-only` without `--key`: the public key (hex) the body is built for. */
  publicKey?: string;
  node: string;
  fee?: string;
  nonce?: string;
  wait?: boolean;
  timeout?: string;
  generateOnly?: boolean;
}

/**
 * Builds the body to sign for `publicKey`, pinned to `pin`. The node is asked only for what the
 * options leave open (nonce, fee) and, when it is asked, must report the pinned chain id. An
 * offline `--generate-only` with `--nonce` and `--fee` never contacts a node.
 */
export async function prepareBody(
  o: TxOptions,
  pin: Pin,
  publicKey: Uint8Array,
  payload: Payload,
): Promise<PreparedBody> {
  const offline = o.generateOnly === true;
  return buildBody(
    { node: o.node, chainId: pin.chainId, maxFee: pin.maxFee, fee: o.fee, nonce: o.nonce, offline },
    publicKey,
    payload,
  );
}

/** What every transaction command prints besides the node's answer: what was signed. */
export function signedFields(p: { chainId: string; nonce: bigint; fee: bigint }): Record<string, string> {
  return { chain_id: p.chainId, nonce: p.nonce.toString(), fee: p.fee.toString() };
}

/** The public key a `--generate-only` body is built for: `--public-key HEX` or that of `--key`. */
function unsignedKey(o: TxOptions): { publicKey: Uint8Array; dev: boolean } {
  if (o.publicKey !== undefined) {
    if (o.key !== undefined) throw xaiError(NodeErrorCode.BAD_OPTION, "give --key or --public-key, not both");
    if (!/^[0-9a-f]{64}$/.test(o.publicKey))
      throw xaiError(NodeErrorCode.BAD_OPTION, "--public-key is 64 lowercase hex characters");
    return { publicKey: fromHex(o.publicKey), dev: false };
  }
  if (o.key === undefined)
    throw xaiError(NodeErrorCode.BAD_OPTION, "--generate-only needs --key or --public-key");
  return resolvePublicKey(o.key, o);
}

/** The receipt `--wait` prints. */
export type WaitedReceipt = Receipt;

/** Polls GET /tx/:id until the transaction is included; returns its receipt. */
export { waitForReceipt };

/** A command's output, and an error to raise after printing it (a receipt that is not `ok`). */
export interface TxOutcome {
  result: Record<string, unknown>;
  failure?: Error;
}

/**
 * Submits SignedTx bytes to `route` and, with `wait`, waits for the receipt. A receipt whose
 * result is not `ok` is still printed, then the command fails with RECEIPT_FAILED.
 */
export async function submitAndWait(
  node: string,
  bytes: Uint8Array,
  route: string,
  wait: { wait?: boolean; timeoutMs: number },
  extra: Record<string, unknown>,
): Promise<TxOutcome> {
  // The id is the client's own (sha256 of the body it signed): a node that answers another one, or
  // a receipt of another transaction, is refused rather than believed (src/client/tx.ts).
  const answer = await submitTx(node, bytes, route);
  if (!wait.wait) return { result: { ...answer, ...extra } };
  const receipt = await waitForReceipt(node, answer.tx_id, wait.timeoutMs);
  const result = { ...receipt, ...extra };
  if (receipt.result === "ok") return { result };
  const failure = xaiError(
    CliErrorCode.RECEIPT_FAILED,
    `transaction ${receipt.tx_id} was included at height ${receipt.height} with result ${receipt.result}` +
      (receipt.error_code ? ` (${receipt.error_code})` : ""),
    { receipt },
  );
  return { result, failure };
}

/**
 * The whole transaction command: pins, checks, signs (or with `--generate-only` prints the
 * unsigned body), submits to `route` and, with --wait, waits. Nothing is signed or sent when a
 * check fails, and `--timeout` is checked before anything is sent.
 */
export async function sendTx(o: TxOptions, payload: Payload, route = "/tx"): Promise<TxOutcome> {
  const timeoutMs = parseTimeout(o.timeout);
  const pin = resolvePin(o);
  if (o.generateOnly) {
    const { publicKey, dev } = unsignedKey(o);
    checkDevKey(dev, pin.chainId);
    const p = await prepareBody(o, pin, publicKey, payload);
    const tx = decodeBody(p.bodyBytes);
    return {
      result: {
        body: Buffer.from(p.bodyBytes).toString("base64"),
        tx_id: tx.id,
        type: payload.type,
        public_key: toHex(publicKey),
        ...signedFields(p),
      },
    };
  }
  if (o.key === undefined) throw xaiError(NodeErrorCode.BAD_OPTION, "--key is required (or --generate-only)");
  if (o.publicKey !== undefined)
    throw xaiError(NodeErrorCode.BAD_OPTION, "--public-key goes with --generate-only");
  const { key, dev } = await resolveKey(o.key, o);
  checkDevKey(dev, pin.chainId);
  const p = await prepareBody(o, pin, key.publicKey, payload);
  // The fee is shown with the result; the chain id is the pinned one, the nonce is in the tx.
  const shown = { fee: p.fee.toString() };
  return submitAndWait(o.node, signBody(p.bodyBytes, key), route, { wait: o.wait, timeoutMs }, shown);
}
