/**
 * Building, signing and sending transactions from the CLI. The client never lets the node it talks
 * to choose what it signs (SPEC §6 v2, review B3): the chain id is pinned (`pin.ts`) and the node's
 * must equal it; the fee (the node's min_tx_fee, or `--fee`) must not exceed `--max-fee`; every
 * check runs before the key signs anything. The fee signed is printed with the result (`fee`);
 * `--generate-only` and `tx sign` print the chain id and nonce too.
 */
import { ApiErrorCode } from "../api/errors.js";
import { fromHex, toHex } from "../crypto/bytes.js";
import { addressOf, isDevChainId, type KeyPair, sign } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import type { Payload, Tx } from "../types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../types/txCodec.js";
import { apiGet, apiPost } from "./client.js";
import { CliErrorCode, isRemoteError } from "./errors.js";
import { type KeyOptions, resolveKey, resolvePublicKey } from "./keySource.js";
import { checkChainId, checkFee, type Pin, type PinOptions, parseTimeout, resolvePin } from "./pin.js";

export { type KeySpec, resolveKey } from "./keySource.js";

/** Refuses a dev key on a chain that is not a dev chain (its key is public: anyone can sign with it). */
export function checkDevKey(dev: boolean, chainId: string): void {
  if (dev && !isDevChainId(chainId))
    throw xaiError(CliErrorCode.DEV_KEY_REFUSED, `dev keys are refused on chain ${chainId}`);
}

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

const UINT_RE = /^(0|[1-9][0-9]{0,19})$/;

/** A decimal uint64 from an option (BAD_OPTION) or from the node (BAD_RESPONSE). */
function uint64(s: unknown, what: string, fromNode: boolean): bigint {
  if (typeof s === "string" && UINT_RE.test(s) && BigInt(s) < 2n ** 64n) return BigInt(s);
  if (fromNode) throw xaiError(CliErrorCode.BAD_RESPONSE, `the node's ${what} is not a decimal integer`);
  throw xaiError(NodeErrorCode.BAD_OPTION, `${what} must be a non-negative integer`);
}

/** What a client signs: the body bytes and the values it was built from (all checked). */
export interface PreparedBody {
  bodyBytes: Uint8Array;
  chainId: string;
  nonce: bigint;
  fee: bigint;
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
  const offline = o.generateOnly === true && o.nonce !== undefined && o.fee !== undefined;
  let minFee: unknown;
  if (!offline) {
    const status = await apiGet<{ chain_id?: unknown; min_tx_fee?: unknown }>(o.node, "/status");
    checkChainId(pin.chainId, status.chain_id, `the node ${o.node}`);
    minFee = status.min_tx_fee;
  }
  const fee = o.fee !== undefined ? uint64(o.fee, "--fee", false) : uint64(minFee, "min_tx_fee", true);
  checkFee(fee, pin.maxFee, o.fee !== undefined ? "--fee" : `the fee the node asks (min_tx_fee)`);
  const nonce =
    o.nonce !== undefined
      ? uint64(o.nonce, "--nonce", false)
      : uint64(
          (await apiGet<{ next_nonce?: unknown }>(o.node, `/accounts/${addressOf(publicKey)}`)).next_nonce,
          "next_nonce",
          true,
        );
  const bodyBytes = encodeTxBody({ chainId: pin.chainId, nonce, publicKey, fee, payload });
  return { bodyBytes, chainId: pin.chainId, nonce, fee };
}

/** What every transaction command prints besides the node's answer: what was signed. */
export function signedFields(p: { chainId: string; nonce: bigint; fee: bigint }): Record<string, string> {
  return { chain_id: p.chainId, nonce: p.nonce.toString(), fee: p.fee.toString() };
}

/** Decodes body bytes (as `--generate-only` prints them) through the SignedTx decoder. */
export function decodeBody(bodyBytes: Uint8Array): Tx {
  // decodeTx checks the body's canonical encoding and derives its id; it never verifies the
  // signature, so a placeholder of the right length stands in for it.
  return decodeTx(encodeSignedTx(bodyBytes, new Uint8Array(64)));
}

/** Signs body bytes with a key: SignedTx bytes. */
export function signBody(bodyBytes: Uint8Array, key: KeyPair): Uint8Array {
  return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), key.secretKey));
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
  const { publicKey, dev } = resolvePublicKey(o.key, o);
  return { publicKey, dev };
}

/** The receipt `--wait` prints. */
export interface WaitedReceipt {
  tx_id: string;
  height: number;
  result: string;
  error_code: string | null;
  proposal_id: string | null;
}

/** Polls GET /tx/:id until the transaction is included; returns its receipt. */
export async function waitForReceipt(node: string, txId: string, timeoutMs: number): Promise<WaitedReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await apiGet<{ receipt: WaitedReceipt | null }>(node, `/tx/${txId}`);
      if (r.receipt) {
        const { tx_id, height, result, error_code, proposal_id } = r.receipt;
        return { tx_id, height, result, error_code, proposal_id };
      }
    } catch (err) {
      if (!isRemoteError(err, ApiErrorCode.NOT_FOUND)) throw err;
    }
    if (Date.now() > deadline)
      throw xaiError(CliErrorCode.WAIT_TIMEOUT, `transaction ${txId} not included in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

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
  // a receipt of another transaction, is refused rather than believed.
  const txId = decodeTx(bytes).id;
  const answer = await apiPost<Record<string, unknown>>(node, route, {
    tx: Buffer.from(bytes).toString("base64"),
  });
  if (answer.tx_id !== txId)
    throw xaiError(CliErrorCode.BAD_RESPONSE, `the node answered tx id ${String(answer.tx_id)}, not ${txId}`);
  if (!wait.wait) return { result: { ...answer, ...extra } };
  const receipt = await waitForReceipt(node, txId, wait.timeoutMs);
  if (receipt.tx_id !== txId)
    throw xaiError(
      CliErrorCode.BAD_RESPONSE,
      `the node's receipt is for ${String(receipt.tx_id)}, not ${txId}`,
    );
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
