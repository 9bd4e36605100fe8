/**
 * Playing a checked vector on the in-memory GovChain (test/utils/govChain.ts): every block through
 * the real buildBlock, then applyBlock of the same block; labels bound to the proposal ids their
 * submissions got; the governance invariants after every `expect_state` and at the end.
 */
import assert from "node:assert/strict";
import { sign } from "../../../src/crypto/keys.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import { expiryHeight } from "../../../src/governance/status.js";
import { findProposal } from "../../../src/governance/store.js";
import { applyTx } from "../../../src/state-transition/applyTx.js";
import { assertChainInvariants } from "../../../src/state-transition/invariants.js";
import { StateOverlay } from "../../../src/state-transition/stateStore.js";
import type { Tx } from "../../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../../src/types/txCodec.js";
import { CHAIN_ID, GovChain, key, RULES } from "../../utils/govChain.js";
import { checkOutcome, expectInvalid, expectState } from "./assert.js";
import { MAX_ADVANCE, VectorFormatError } from "./checks.js";
import type { Step, Vector } from "./format.js";
import type { HEIGHT_FIELDS, HeightRef } from "./stateSpec.js";
import type { TxSpec } from "./txSpec.js";

/** A vector being played: its chain and the proposal ids its labels are bound to. */
export class Run {
  readonly labels = new Map<string, string>();
  private constructor(readonly c: GovChain) {}

  static async start(v: Vector): Promise<Run> {
    return new Run(await GovChain.create(v.genesis));
  }

  /** "@label" → the bound proposal id (a literal id stays as given). */
  resolve = (r: string): string => {
    if (!r.startsWith("@")) return r;
    const id = this.labels.get(r.slice(1));
    if (id === undefined)
      throw new VectorFormatError(`label "${r.slice(1)}" is not bound (submission not included)`);
    return id;
  };

  /** Signs a vector transaction as the next block would see it. */
  async makeTx(t: TxSpec): Promise<Tx> {
    return decodeTx(await this.makeTxBytes(t));
  }

  /** The signed bytes of a vector transaction (which may not decode: a malformed recipient). */
  async makeTxBytes(t: TxSpec): Promise<Uint8Array> {
    const k = key(t.from);
    const ctx = await this.c.nextContext();
    const payload = t.build(this.resolve, ctx.params.rule.proposal_deposit!);
    const bodyBytes = encodeTxBody({
      chainId: CHAIN_ID,
      nonce: t.nonce ?? (await this.c.nextNonce(k)),
      publicKey: k.publicKey,
      fee: t.fee ?? ctx.params.param.min_tx_fee!,
      payload,
    });
    return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), k.secretKey));
  }

  /** Plays one step. */
  async step(s: Step): Promise<void> {
    const c = this.c;
    switch (s.op) {
      case "tx": {
        const bytes = await this.makeTxBytes(s.tx);
        const root = c.rootHex;
        const height = c.height;
        if (s.expect.kind === "invalid") await expectInvalid(c, bytes, s.expect.code, s.where);
        else if (s.dryRun) {
          const tx = decodeTx(bytes);
          const r = await applyTx(new StateOverlay(c.state), tx, await c.nextContext(), RULES, []).catch(
            (err: unknown) => {
              assert.fail(`${s.where}: expected a valid transaction, got ${(err as Error).message}`);
            },
          );
          checkOutcome(this.labels, s.tx, tx, r.outcome, s.expect, s.where);
        } else {
          const tx = decodeTx(bytes);
          c.pending.push(tx);
          const b = await c.nextBlock();
          assert.deepEqual(
            b.skipped.map((x) => x.code),
            [],
            `${s.where}: expected ${s.expect.kind === "ok" ? "ok" : `failed:${s.expect.code}`}`,
          );
          checkOutcome(
            this.labels,
            s.tx,
            tx,
            b.receipts.find((r) => r.txId === tx.id),
            s.expect,
            s.where,
          );
          return;
        }
        assert.equal(c.rootHex, root, `${s.where}: state root changed`);
        assert.equal(c.height, height, `${s.where}: height changed`);
        return;
      }
      case "block": {
        const txs: Tx[] = [];
        for (const e of s.entries) {
          const tx = await this.makeTx(e.tx);
          txs.push(tx);
          c.pending.push(tx);
        }
        const b = await c.nextBlock();
        const skipped = new Map(b.skipped.map((x) => [x.tx.id, x.code]));
        s.entries.forEach((e, j) => {
          const tx = txs[j]!;
          const w = e.tx.where;
          if (e.expect.kind === "invalid")
            assert.equal(
              skipped.get(tx.id),
              e.expect.code,
              `${w}: expected to be skipped with ${e.expect.code}`,
            );
          else {
            assert.equal(skipped.get(tx.id), undefined, `${w}: skipped with ${skipped.get(tx.id)}`);
            checkOutcome(
              this.labels,
              e.tx,
              tx,
              b.receipts.find((r) => r.txId === tx.id),
              e.expect,
              w,
            );
          }
        });
        return;
      }
      case "advance": {
        await c.runToHeight(c.height + s.n);
        return;
      }
      case "advance_to": {
        const to = await this.height(s.to, s.where);
        if (to < c.height)
          throw new VectorFormatError(`${s.where}: advance_to ${to} is below the height ${c.height}`);
        if (to - c.height > MAX_ADVANCE)
          throw new VectorFormatError(
            `${s.where}: advance_to ${to} is more than ${MAX_ADVANCE} blocks ahead`,
          );
        await c.runToHeight(to);
        return;
      }
      case "expect_state": {
        await expectState(c, this.resolve, s.expected, s.where);
        await assertChainInvariants(c.state);
        await assertGovernanceInvariants(c.state);
        return;
      }
    }
  }

  /** The height a HeightRef names, read from the labelled proposal. */
  async height(h: HeightRef, where: string): Promise<number> {
    if (typeof h === "number") return h;
    const p = await findProposal(this.c.state, this.resolve(`@${h.label}`));
    assert.ok(p, `${where}: proposal ${h.label} exists`);
    const base: Record<(typeof HEIGHT_FIELDS)[number], number> = {
      submit_height: p.submitHeight,
      snapshot: p.snapshotHeight,
      voting_end: p.votingEnd,
      review_end: p.reviewEnd,
      implementation_end: p.implementationEnd,
      eta: p.eta,
      execution_deadline: p.eta === 0 ? 0 : expiryHeight(p),
    };
    const b = base[h.field as (typeof HEIGHT_FIELDS)[number]];
    if ((h.field === "eta" || h.field === "execution_deadline") && b === 0)
      throw new VectorFormatError(`${where}: ${h.text}: proposal ${h.label} was never queued`);
    return b + h.offset;
  }
}

/** Runs a checked vector; throws on the first mismatch. */
export async function runVector(v: Vector): Promise<void> {
  const r = await Run.start(v);
  for (const s of v.steps) await r.step(s);
  await assertChainInvariants(r.c.state);
  await assertGovernanceInvariants(r.c.state);
}
