/**
 * One transaction: the checks every transaction passes (size, chain id, key, signature, nonce, fee)
 * and the fee itself, then the payload handed to the state module whose `txTypes` include it.
 * The same `applyTx` serves the mempool (src/chain/admitTx.ts, on a throwaway overlay), block
 * building and block application (executeBlock.ts), so a rule is written once.
 *
 * Modules are plugged in by the caller through `TxRules.modules`; the node registers them in
 * `src/node/modules.ts` `createModules()` (`[bankModule, governanceModule]`: the bank is
 * `state-transition/bank.ts`, governance is `governance/module.ts` `applyGovernanceTx`). That list
 * is what `moduleFor` searches with `rules.modules.find(...)`, and its order is end-of-block order.
 */
import { isAcceptablePublicKey, type Verifier } from "../crypto/verify.js";
import { xaiError } from "../errors.js";
import { TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { txSigningMessage } from "../types/txCodec.js";
import { addBalance, burn, getAccount, putAccount } from "./accounts.js";
import type { BlockContext, ChainEvent, StateModule, TxOutcome } from "./module.js";
import { type BlockParams, featureOf, paramOf } from "./params.js";
import { StateOverlay, type StateReader } from "./stateStore.js";
import type { Validator } from "./validatorSet.js";

/** How transactions are checked: the modules that handle payloads and the signature verifier. */
export interface TxRules {
  modules: readonly StateModule[];
  /** null switches signature checks off (replay of verified blocks, benchmarks). */
  verifier: Verifier | null;
  /**
   * The genesis validator set (validatorSet.ts): given by the chain and replay, so every block is
   * checked against the proposer schedule of its parent's state; absent in unit tests of other rules.
   */
  genesisValidators?: readonly Validator[];
}

/** The size rule: at most `max_tx_bytes` encoded bytes. Throws TX_TOO_LARGE. */
export function checkTxSize(tx: Tx, params: BlockParams): void {
  const maxTxBytes = paramOf(params, "max_tx_bytes");
  if (BigInt(tx.bytes.length) > maxTxBytes)
    throw xaiError(TxErrorCode.TOO_LARGE, `transaction is ${tx.bytes.length} bytes, limit ${maxTxBytes}`);
}

/**
 * The nonce rule: `txNonce` must be the account's next nonce `accountNonce`, or, where `pending`
 * transactions of the sender wait in the mempool, at most `accountNonce + pending` (the next free
 * one, or a replacement of a pending one). Throws TX_NONCE_TOO_LOW or TX_NONCE_TOO_HIGH with
 * `data.expected`: the account's nonce if too low, the next free nonce if too high.
 */
export function checkNonce(txNonce: bigint, accountNonce: bigint, pending = 0n): void {
  if (txNonce < accountNonce)
    throw xaiError(TxErrorCode.NONCE_TOO_LOW, `nonce ${txNonce} already used; next is ${accountNonce}`, {
      expected: accountNonce.toString(),
    });
  const expected = accountNonce + pending;
  if (txNonce > expected)
    throw xaiError(TxErrorCode.NONCE_TOO_HIGH, `nonce ${txNonce} leaves a gap; next is ${expected}`, {
      expected: expected.toString(),
    });
}

/**
 * The fee rule: at least `min_tx_fee`, and covered by the sender's balance `balance`. Throws
 * TX_FEE_TOO_LOW or TX_INSUFFICIENT_BALANCE (`data.balance`). Cheap and stateful: the mempool runs it
 * before the signature check (SPEC §3), a block after it.
 */
export function checkFee(tx: Tx, balance: bigint, params: BlockParams): void {
  const minFee = paramOf(params, "min_tx_fee");
  if (tx.body.fee < minFee) throw xaiError(TxErrorCode.FEE_TOO_LOW, `fee ${tx.body.fee} below ${minFee}`);
  if (balance < tx.body.fee)
    throw xaiError(TxErrorCode.INSUFFICIENT_BALANCE, "balance does not cover the fee", {
      balance: balance.toString(),
    });
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
  checkTxSize(tx, block.params);
  checkTxStateless(tx, block.chainId, rules.verifier);
  const module = moduleFor(rules, tx);
  const overlay = new StateOverlay(state);
  const account = await getAccount(overlay, tx.sender);
  checkNonce(tx.body.nonce, account.nonce);
  checkFee(tx, account.balance, block.params);
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
