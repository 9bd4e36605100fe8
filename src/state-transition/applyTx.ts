import { isAcceptablePublicKey, type Verifier } from "../crypto/verify.js";
import { xaiError } from "../errors.js";
import { TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { txSigningMessage } from "../types/txCodec.js";
import { addBalance, burn, getAccount, putAccount } from "./accounts.js";
import type { BlockContext, ChainEvent, StateModule, TxOutcome } from "./module.js";
import { featureOf, paramOf } from "./params.js";
import { StateOverlay, type StateReader } from "./stateStore.js";

/** How transactions are checked: the modules that handle payloads and the signature verifier. */
export interface TxRules {
  modules: readonly StateModule[];
  /** null switches signature checks off (replay of verified blocks, benchmarks). */
  verifier: Verifier | null;
}

/** Checks that need no state: chain id, public key and signature. Throws an XaiError. */
export function checkTxStateless(tx: Tx, chainId: string, verifier: Verifier | null): void {
  if (tx.body.chainId !== chainId)
    throw xaiError(TxErrorCode.WRONG_CHAIN, `chain id ${tx.body.chainId} is not ${chainId}`);
  if (verifier === null) return;
  if (!isAcceptablePublicKey(tx.body.publicKey))
    throw xaiError(TxErrorCode.BAD_PUBLIC_KEY, "unacceptable public key");
  if (!verifier(tx.signature, txSigningMessage(tx.bodyBytes), tx.body.publicKey))
    throw xaiError(TxErrorCode.BAD_SIGNATURE, "signature does not verify");
}

function moduleFor(rules: TxRules, tx: Tx): StateModule {
  const m = rules.modules.find((mod) => mod.txTypes.includes(tx.body.payload.type));
  if (!m) throw xaiError(TxErrorCode.UNSUPPORTED, `no module handles ${tx.body.payload.type}`);
  return m;
}

/**
 * Applies one transaction on a fresh overlay over `state` and returns that overlay; throws an
 * XaiError (and leaves `state` untouched) if the transaction is invalid. Order of checks: size,
 * chain id, key, signature, a module for the payload, nonce, fee, balance for the fee, then the
 * module's own rules (the mempool checks size first too, so both paths give the same code).
 */
export async function applyTx(
  state: StateReader,
  tx: Tx,
  block: BlockContext,
  rules: TxRules,
  events: ChainEvent[],
): Promise<{ overlay: StateOverlay; outcome: TxOutcome }> {
  const maxTxBytes = paramOf(block.params, "max_tx_bytes");
  if (BigInt(tx.bytes.length) > maxTxBytes)
    throw xaiError(TxErrorCode.TOO_LARGE, `transaction is ${tx.bytes.length} bytes, limit ${maxTxBytes}`);
  checkTxStateless(tx, block.chainId, rules.verifier);
  const module = moduleFor(rules, tx);
  const overlay = new StateOverlay(state);
  const account = await getAccount(overlay, tx.sender);
  if (tx.body.nonce < account.nonce)
    throw xaiError(
      TxErrorCode.NONCE_TOO_LOW,
      `nonce ${tx.body.nonce} already used; next is ${account.nonce}`,
      {
        expected: account.nonce.toString(),
      },
    );
  if (tx.body.nonce > account.nonce)
    throw xaiError(
      TxErrorCode.NONCE_TOO_HIGH,
      `nonce ${tx.body.nonce} leaves a gap; next is ${account.nonce}`,
      {
        expected: account.nonce.toString(),
      },
    );
  const minFee = paramOf(block.params, "min_tx_fee");
  if (tx.body.fee < minFee) throw xaiError(TxErrorCode.FEE_TOO_LOW, `fee ${tx.body.fee} below ${minFee}`);
  if (account.balance < tx.body.fee)
    throw xaiError(TxErrorCode.INSUFFICIENT_BALANCE, "balance does not cover the fee", {
      balance: account.balance.toString(),
    });
  await putAccount(
    overlay,
    tx.sender,
    { balance: account.balance - tx.body.fee, nonce: account.nonce + 1n },
    block.height,
  );
  if (featureOf(block.params, "fee_burn")) await burn(overlay, tx.body.fee);
  else await addBalance(overlay, block.proposer, tx.body.fee, block.height);
  const txEvents: ChainEvent[] = [];
  const outcome = await module.applyTx({
    ...block,
    tx,
    modules: rules.modules,
    state: overlay,
    events: txEvents,
  });
  events.push(...txEvents);
  return { overlay, outcome };
}
