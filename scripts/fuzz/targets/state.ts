/**
 * The state transition itself: random valid-looking transaction sequences from funded dev keys
 * (transfers, proposals of every kind, votes, reviews, implementation votes, executions,
 * cancellations, fiat-unlock votes, with empty blocks between to cross the periods) through
 * `buildBlock`, then `applyBlock` of the same block (GovChain: both must agree on the state root),
 * with the chain and governance invariants checked after every block. Invalid transactions are
 * skipped by the builder (their codes are counted); any exception is a crash.
 */
import fc from "fast-check";
import { toHex } from "../../../src/crypto/bytes.js";
import { isXaiError } from "../../../src/errors.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { assertChainInvariants } from "../../../src/state-transition/invariants.js";
import type { Payload, ProposalAction } from "../../../src/types/tx.js";
import { GovChain, key } from "../../../test/utils/govChain.js";
import { action, amount, payload } from "../arbs.js";
import { FuzzFailure, type FuzzTarget, jsonVector } from "../engine.js";

/**
 * One transaction of a sequence: `#k` in a proposal id stands for the k-th proposal submitted so
 * far; `fee` is paid on top of min_tx_fee.
 */
export interface StateOp {
  actor: number;
  fee: bigint;
  payload: Payload;
}

/** A sequence: the genesis's knobs, then blocks of transactions, each followed by `skip` empty blocks. */
export interface StateInput {
  balances: bigint[];
  blockReward: string;
  minTxFee: string;
  /** The proposal_deposit rule (the preset's when absent). */
  proposalDeposit?: string;
  blocks: Array<{ ops: StateOp[]; skip: number }>;
}

const ref = fc.nat({ max: 5 }).map((k) => `#${k}`);
const ids = fc.oneof({ weight: 5, arbitrary: ref }, { weight: 1, arbitrary: fc.string({ maxLength: 64 }) });

/** Proposals that pass their submission checks on the test genesis (what the votes then act on). */
const goodProposal: fc.Arbitrary<Payload> = fc
  .tuple(
    fc.constantFrom<ProposalAction>(
      { kind: "protocol_parameter", name: "max_block_txs", value: "500" },
      { kind: "feature_activation", feature: "treasury_spending", enabled: true },
      { kind: "governance_rule", rule: "voting_period_blocks", value: "6" },
      { kind: "treasury_allocation", recipient: key(3).address, amount: "1000", purpose: "fuzz" },
      { kind: "emergency_action", action: "pause_transfers", proposalId: "" },
      {
        kind: "validator_set",
        action: "add",
        address: key(7).address,
        publicKey: toHex(key(7).publicKey),
        activationHeight: "0",
      },
    ),
    fc.constantFrom(0n, 1_000n, 10n ** 9n, 10n ** 12n),
  )
  .map(([action, deposit]) => ({ type: "SUBMIT_PROPOSAL", title: "fuzz", description: "", deposit, action }));

/** Payloads whose proposal ids (and their actions' targets) mostly name proposals of the sequence. */
const anyPayload: fc.Arbitrary<Payload> = fc.tuple(payload(ids), ref, fc.boolean()).map(([p, r, useRef]) => {
  if (p.type !== "SUBMIT_PROPOSAL" || !useRef) return p;
  const a = p.action;
  if (a.kind === "rollback") return { ...p, action: { ...a, target: r } };
  if (a.kind === "emergency_action") return { ...p, action: { ...a, proposalId: r } };
  return p;
});
/** The steps of a proposal's lifecycle on proposals of the sequence. */
const step: fc.Arbitrary<Payload> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("CAST_VOTE" as const),
      proposalId: ref,
      option: fc.constantFrom("yes" as const, "yes" as const, "no" as const, "abstain" as const),
    }),
  },
  fc.record({
    type: fc.constant("SUBMIT_CODE_REVIEW" as const),
    proposalId: ref,
    approved: fc.boolean(),
    comment: fc.constant(""),
  }),
  fc.record({ type: fc.constant("VOTE_IMPLEMENTATION" as const), proposalId: ref, approved: fc.boolean() }),
  fc.record({ type: fc.constant("EXECUTE_PROPOSAL" as const), proposalId: ref }),
  fc.record({ type: fc.constant("CANCEL_PROPOSAL" as const), proposalId: ref }),
);
const opPayload = fc.oneof(
  { weight: 3, arbitrary: anyPayload },
  { weight: 2, arbitrary: goodProposal },
  { weight: 5, arbitrary: step },
);

const op: fc.Arbitrary<StateOp> = fc.record({
  actor: fc.nat({ max: 9 }),
  fee: fc.oneof({ weight: 5, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: amount }),
  payload: opPayload,
});

const balances = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(10n ** 12n, 10n ** 14n) },
    fc.constantFrom(0n, 1_000n),
    fc.bigInt({ min: 0n, max: 10n ** 15n }),
  ),
  { minLength: 10, maxLength: 10 },
);

/** Random sequences: any transaction of the mix in any block. */
const randomInput: fc.Arbitrary<StateInput> = fc.record({
  balances,
  blockReward: fc.constantFrom("0", "0", "1000000"),
  minTxFee: fc.constantFrom("0", "0", "1000"),
  proposalDeposit: fc.constantFrom(undefined, "0", "1000"),
  blocks: fc.array(fc.record({ ops: fc.array(op, { maxLength: 6 }), skip: fc.nat({ max: 6 }) }), {
    minLength: 1,
    maxLength: 12,
  }),
});

const tx = (actor: number, payload: Payload): StateOp => ({ actor, fee: 0n, payload });
const yes = fc.constantFrom(
  "yes" as const,
  "yes" as const,
  "yes" as const,
  "no" as const,
  "abstain" as const,
);

/**
 * A proposal's whole lifecycle, perturbed: one proposal (a good one or any), votes from a subset
 * (mostly yes), reviews by others, implementation votes by a subset, an execution, with the empty
 * blocks between each stage drawn around the test preset's periods (5 blocks, timelock 3), so the
 * executions of every kind (and the failures at each stage's boundary) are reached.
 */
const lifecycleInput: fc.Arbitrary<StateInput> = fc
  .record({
    // Mostly equal balances: quorum (33.4 %) and approval (66 %) then turn on the votes drawn.
    balances: fc.oneof(
      { weight: 3, arbitrary: fc.constant(Array.from({ length: 10 }, () => 10n ** 14n)) },
      balances,
    ),
    proposal: fc.oneof(
      goodProposal,
      action.map(
        (a): Payload => ({ type: "SUBMIT_PROPOSAL", title: "fuzz", description: "", deposit: 0n, action: a }),
      ),
    ),
    proposer: fc.nat({ max: 9 }),
    voters: fc.uniqueArray(fc.tuple(fc.nat({ max: 9 }), yes), {
      selector: ([v]) => v,
      minLength: 4,
      maxLength: 10,
    }),
    reviewers: fc.uniqueArray(fc.tuple(fc.nat({ max: 9 }), fc.boolean()), {
      selector: ([v]) => v,
      maxLength: 4,
    }),
    implementers: fc.uniqueArray(fc.tuple(fc.nat({ max: 9 }), fc.boolean()), {
      selector: ([v]) => v,
      maxLength: 10,
    }),
    skips: fc.array(
      fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 4, max: 6 }) }, fc.integer({ min: 0, max: 8 })),
      {
        minLength: 4,
        maxLength: 4,
      },
    ),
    executor: fc.nat({ max: 9 }),
  })
  .map((l) => ({
    balances: l.balances,
    blockReward: "0",
    minTxFee: "0",
    proposalDeposit: "0",
    blocks: [
      { ops: [tx(l.proposer, l.proposal)], skip: 0 },
      {
        ops: l.voters.map(([v, option]) => tx(v, { type: "CAST_VOTE", proposalId: "#0", option })),
        skip: l.skips[0]!,
      },
      {
        ops: l.reviewers.map(([v, approved]) =>
          tx(v, {
            type: "SUBMIT_CODE_REVIEW",
            proposalId: "#0",
            approved: approved || v % 2 === 0,
            comment: "",
          }),
        ),
        skip: l.skips[1]!,
      },
      {
        ops: l.implementers.map(([v, approved]) =>
          tx(v, { type: "VOTE_IMPLEMENTATION", proposalId: "#0", approved: approved || v % 2 === 0 }),
        ),
        skip: l.skips[2]!,
      },
      { ops: [], skip: l.skips[3]! },
      { ops: [tx(l.executor, { type: "EXECUTE_PROPOSAL", proposalId: "#0" })], skip: 1 },
    ],
  }));

export const stateInput = fc.oneof(randomInput, lifecycleInput);

/** `#k` replaced by the k-th known proposal id (modulo their number), everywhere in a payload. */
function resolve<T>(v: T, known: string[]): T {
  if (typeof v === "string" && /^#\d$/.test(v) && known.length > 0)
    return known[Number(v.slice(1)) % known.length] as T;
  if (v instanceof Uint8Array || v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, known)])) as T;
}

/** Runs a sequence; returns the codes of the skipped transactions and failed executions. */
export async function runSequence(input: StateInput): Promise<string[]> {
  const c = await GovChain.create({
    balances: input.balances,
    params: { block_reward: input.blockReward, min_tx_fee: input.minTxFee },
    ...(input.proposalDeposit !== undefined ? { rules: { proposal_deposit: input.proposalDeposit } } : {}),
  });
  const known: string[] = [];
  const codes: string[] = [];
  const types = new Map<string, string>();
  const block = async () => {
    let out: Awaited<ReturnType<GovChain["nextBlock"]>>;
    try {
      out = await c.nextBlock();
      await assertChainInvariants(c.state);
      await assertGovernanceInvariants(c.state);
    } catch (err) {
      const e = err as Error & { code?: string; data?: unknown };
      throw new FuzzFailure(
        `height ${c.height + 1}: ${e.code ?? e.name}: ${e.message} ${JSON.stringify(e.data ?? {})}`,
      );
    }
    for (const r of out.receipts) {
      codes.push(`${r.result} ${types.get(r.txId) ?? "?"}`);
      if (r.result === "failed") codes.push(`failed ${r.errorCode}`);
    }
    for (const s of out.skipped) codes.push(s.code);
  };
  for (const b of input.blocks) {
    for (const o of b.ops) {
      try {
        // The fee is on top of the minimum (a fee below it is the rare case of an extra of 2^64 - 1).
        const fee = BigInt(input.minTxFee) + o.fee;
        const t = await c.submit(key(o.actor), resolve(o.payload, known), fee < 1n << 64n ? fee : o.fee);
        types.set(t.id, t.body.payload.type);
        // Its id is known at once (the id of the submitting transaction), so later steps name it.
        if (t.body.payload.type === "SUBMIT_PROPOSAL") known.push(proposalIdOf(t.id));
      } catch (err) {
        // A payload that cannot be signed (a string that is not valid Unicode): never a transaction.
        if (!isXaiError(err)) throw err;
        codes.push(`unsigned ${err.code}`);
      }
    }
    await block();
    for (let i = 0; i < b.skip; i++) await block();
  }
  return codes;
}

/** The state transition. */
export const stateTarget: FuzzTarget<StateInput> = {
  name: "state",
  ext: "json",
  save: (i) => jsonVector.save(i),
  load: (b) => jsonVector.load<StateInput>(b),
  async setup() {
    return {
      arbitrary: stateInput,
      async run(input) {
        return { inner: await runSequence(input) };
      },
      async close() {},
    };
  },
};
