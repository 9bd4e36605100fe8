/**
 * The expectations of a vector, checked while it plays: a transaction's outcome (ok, or failed with
 * its code) and its proposal id, an invalid transaction (skipped by the block builder with its code,
 * and a block holding it rejected), and an `expect_state` summary compared with the chain's state.
 */
import assert from "node:assert/strict";
import type { RegistrySpace } from "../../../src/config/registry.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { isXaiError } from "../../../src/errors.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import {
  fiatUnlockStatus,
  getProposal,
  history,
  listImplementationVotes,
  listReviews,
  timelock,
} from "../../../src/governance/queries.js";
import { getCounter } from "../../../src/governance/store.js";
import { circulatingSupplyAt, getAccount, getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { buildBlock } from "../../../src/state-transition/applyBlock.js";
import type { TxOutcome } from "../../../src/state-transition/module.js";
import { getRegistryRaw } from "../../../src/state-transition/params.js";
import type { Tx } from "../../../src/types/tx.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { type GovChain, RULES } from "../../utils/govChain.js";
import { accountAddress, type Expect, isObj, type Obj, VectorFormatError } from "./checks.js";
import type { TxSpec } from "./txSpec.js";

/** Resolves a proposal-id field: "@label" to the label's id, anything else to itself. */
export type Resolve = (ref: string) => string;

/** Asserts a valid transaction's outcome and binds its label. */
export function checkOutcome(
  labels: Map<string, string>,
  t: TxSpec,
  tx: Tx,
  outcome: TxOutcome | undefined,
  expect: Expect,
  where: string,
): void {
  assert.ok(outcome, `${where}: transaction was not included`);
  if (expect.kind === "ok")
    assert.equal(
      outcome.result,
      "ok",
      `${where}: expected ok, got ${outcome.result} ${outcome.errorCode ?? ""}`.trim(),
    );
  else {
    assert.equal(outcome.result, "failed", `${where}: expected failed:${expect.code}, got ${outcome.result}`);
    assert.equal(
      outcome.errorCode,
      (expect as { code: string }).code,
      `${where}: error code of the failed effect`,
    );
  }
  if (tx.body.payload.type === "SUBMIT_PROPOSAL") {
    const id = proposalIdOf(tx.id);
    assert.equal(outcome.proposalId, id, `${where}: proposal id = proposalIdOf(submit tx id)`);
    if (t.as !== undefined) labels.set(t.as, id);
  }
}

/**
 * An invalid transaction: a block builder skips it with `code` and its block has the root of an
 * empty block; a block that holds it is rejected with BLOCK_INVALID_TX (txCode = `code`).
 */
export async function expectInvalid(
  c: GovChain,
  bytes: Uint8Array,
  code: string,
  where: string,
): Promise<void> {
  let tx: Tx;
  try {
    tx = decodeTx(bytes);
  } catch (err) {
    // Refused at decoding (a malformed recipient, SPEC §3): no node can build a block with it, and
    // a block that holds it is invalid.
    assert.ok(isXaiError(err), String(err));
    assert.equal(err.code, code, `${where}: expected ${code} at decoding, got ${err.code}: ${err.message}`);
    const imported = await c.importBlockWith([bytes]);
    assert.equal(
      imported.code,
      "BLOCK_INVALID_TX",
      `${where}: a block holding the transaction must be invalid`,
    );
    assert.equal(imported.data?.txCode, code, `${where}: the block's invalid-tx code`);
    return;
  }
  const ctx = await c.nextContext();
  const withIt = await buildBlock(c.state, [tx], ctx, c.stateRoot, RULES);
  assert.deepEqual(
    withIt.skipped.map((s) => s.code),
    [code],
    `${where}: expected the transaction to be rejected with ${code}`,
  );
  const without = await buildBlock(c.state, [], ctx, c.stateRoot, RULES);
  assert.equal(toHex(withIt.stateRoot), toHex(without.stateRoot), `${where}: a rejected tx changes the root`);
  const imported = await c.importBlockWith([tx]);
  assert.equal(
    imported.code,
    "BLOCK_INVALID_TX",
    `${where}: a block holding the transaction must be invalid`,
  );
  assert.equal(imported.data?.txCode, code, `${where}: the block's invalid-tx code`);
}

/** Compares `expected` with the state summary. */
export async function expectState(c: GovChain, resolve: Resolve, e: Obj, where: string): Promise<void> {
  const at = (k: string) => `${where}.${k}`;
  const reg = async (k: "params" | "features" | "rules", space: RegistrySpace) => {
    if (!(k in e)) return;
    for (const [name, val] of Object.entries(e[k] as Obj)) {
      const raw = await getRegistryRaw(c.state, space, name);
      assert.equal(raw, space === "feature" ? String(val) : val, `${at(k)}.${name}`);
    }
  };
  if ("height" in e) assert.equal(c.height, e.height, at("height"));
  if ("proposal_count" in e)
    assert.equal(await getCounter(c.state, "proposal_number"), e.proposal_count, at("proposal_count"));
  if ("proposals" in e)
    for (const [label, exp] of Object.entries(e.proposals as Obj)) {
      const id = resolve(`@${label}`);
      const p = await getProposal(c.state, id);
      assert.ok(p, `${at("proposals")}.${label}: proposal ${id} exists`);
      // The per-voter lists are paginated queries of their own (SPEC v2 §4.6); a vector sees the
      // first page (100, more than any vector holds) beside the proposal.
      const reviews = (await listReviews(c.state, id, { limit: 100 }))?.reviews;
      const implementationVotes = (await listImplementationVotes(c.state, id, { limit: 100 }))
        ?.implementation_votes;
      match(
        resolve,
        { ...p, reviews, implementation_votes: implementationVotes },
        exp,
        `${at("proposals")}.${label}`,
      );
    }
  await reg("params", "param");
  await reg("features", "feature");
  await reg("rules", "rule");
  if ("fiat_rails" in e)
    assert.equal(
      await getRegistryRaw(c.state, "feature", "fiat_rails"),
      String(e.fiat_rails),
      at("fiat_rails"),
    );
  if ("balances" in e)
    for (const [name, val] of Object.entries(e.balances as Obj)) {
      const b = (await getAccount(c.state, accountAddress(name)!)).balance;
      assert.equal(b.toString(), val, `${at("balances")}.${name}`);
    }
  if ("nonces" in e)
    for (const [name, val] of Object.entries(e.nonces as Obj)) {
      const n = (await getAccount(c.state, accountAddress(name)!)).nonce;
      assert.equal(Number(n), val, `${at("nonces")}.${name}`);
    }
  if ("supply" in e)
    for (const [name, val] of Object.entries(e.supply as Obj)) {
      const v =
        name === "circulating"
          ? await circulatingSupplyAt(c.state, c.height)
          : await getSupplyCounter(c.state, name as "total_supply" | "minted" | "burned");
      assert.equal(v.toString(), val, `${at("supply")}.${name}`);
    }
  if ("history_length" in e || "history" in e) {
    const entries: Obj[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await history(c.state, { limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      entries.push(...page.entries);
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    entries.reverse();
    assert.equal(entries.length, await getCounter(c.state, "history_seq"), `${where}: history counter`);
    if ("history_length" in e) assert.equal(entries.length, e.history_length, at("history_length"));
    if ("history" in e) match(resolve, entries, e.history, at("history"));
  }
  if ("timelock" in e) match(resolve, await timelock(c.state), e.timelock, at("timelock"));
  if ("fiat" in e) {
    const f = await fiatUnlockStatus(c.state);
    assert.ok(f, `${at("fiat")}: fiat state exists`);
    match(resolve, f, e.fiat, at("fiat"));
  }
}

/**
 * Partial match: every key of an expected object must exist in the actual one and match; arrays
 * match element by element with the same length; "@label" strings stand for the label's id;
 * anything else must be deep-equal (same JSON type: amounts are strings, heights numbers).
 */
export function match(resolve: Resolve, actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "string" && expected.startsWith("@")) expected = resolve(expected);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    for (const [i, x] of expected.entries()) match(resolve, actual[i], x, `${where}[${i}]`);
  } else if (isObj(expected)) {
    assert.ok(isObj(actual), `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, x] of Object.entries(expected)) {
      if (!(k in actual))
        throw new VectorFormatError(`${where}: no field "${k}" (has: ${Object.keys(actual).join(", ")})`);
      match(resolve, actual[k], x, `${where}.${k}`);
    }
  } else assert.deepEqual(actual, expected, where);
}
