import { ApiErrorCode } from "../api/errors.js";
import { devKeyPair, isDevChainId, type KeyPair, sign } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { readKeyFile } from "../node/keyFile.js";
import type { Payload } from "../types/tx.js";
import { encodeSignedTx, encodeTxBody, txSigningMessage } from "../types/txCodec.js";
import { apiGet, apiPost } from "./client.js";
import { CliErrorCode, isRemoteError } from "./errors.js";

/** A key given as `--key FILE` or `--key dev:N`. */
export interface KeySpec {
  key: KeyPair;
  dev: boolean;
}

/** Resolves `--key`. */
export function resolveKey(spec: string): KeySpec {
  const m = /^dev:([0-9])$/.exec(spec);
  if (m) return { key: devKeyPair(Number(m[1])), dev: true };
  if (spec.startsWith("dev:")) throw xaiError(CliErrorCode.BAD_KEY, "dev keys are dev:0 … dev:9");
  return { key: readKeyFile(spec), dev: false };
}

/** Options common to every transaction command. */
export interface TxOptions {
  key: string;
  node: string;
  fee?: string;
  nonce?: string;
  wait?: boolean;
  timeout?: string;
}

/** Signs a payload with the client's key (never sent to the node) and returns SignedTx bytes. */
export async function signPayload(
  o: TxOptions,
  payload: Payload,
): Promise<{ bytes: Uint8Array; key: KeyPair }> {
  const { key, dev } = resolveKey(o.key);
  const status = await apiGet<{ chain_id: string; min_tx_fee: string }>(o.node, "/status");
  if (dev && !isDevChainId(status.chain_id))
    throw xaiError(CliErrorCode.DEV_KEY_REFUSED, `dev keys are refused on chain ${status.chain_id}`);
  const nonce =
    o.nonce ?? (await apiGet<{ next_nonce: string }>(o.node, `/accounts/${key.address}`)).next_nonce;
  const bodyBytes = encodeTxBody({
    chainId: status.chain_id,
    nonce: BigInt(nonce),
    publicKey: key.publicKey,
    fee: BigInt(o.fee ?? status.min_tx_fee),
    payload,
  });
  return { bytes: encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), key.secretKey)), key };
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

/** Signs, submits to `route` and (with --wait) waits for inclusion. Returns what the CLI prints. */
export async function sendTx(
  o: TxOptions,
  payload: Payload,
  route = "/tx",
): Promise<Record<string, unknown>> {
  const { bytes } = await signPayload(o, payload);
  const answer = await apiPost<Record<string, unknown>>(o.node, route, {
    tx: Buffer.from(bytes).toString("base64"),
  });
  if (!o.wait) return answer;
  const receipt = await waitForReceipt(o.node, answer.tx_id as string, Number(o.timeout ?? "60000"));
  return { ...receipt };
}
