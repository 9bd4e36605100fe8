// The governance lifecycle on the real chain core: Chain + ChainDb (LevelDB), transactions through
// the mempool (submitTx), real blocks (produceBlock), then a restart on the same directory and a
// replay of every stored block with the governance invariants.
//
// One chain runs every kind in turn (each a separate test; they build on each other):
//   1. protocol_parameter block_reward 12 XAI → 20 XAI
//   2. feature_activation fee_burn on
//   3. treasury_allocation 5,000 XAI to a fresh address
//   4. emergency_action pause_transfers
//   5. governance_rule voting_period_blocks 5 → 7
//   6. rollback of 1 (block_reward back to 12 XAI)
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { replayChain } from "../../../src/chain/replay.js";
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import type { GenesisFile } from "../../../src/config/genesis.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { devKeyPair, type KeyPair } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import type { ProposalStatus } from "../../../src/governance/lifecycle.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import {
  getProposal,
  history,
  type Json,
  listImplementationVotes,
  listProposals,
  listReviews,
  timelock,
} from "../../../src/governance/queries.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount, getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { assertChainInvariants } from "../../../src/state-transition/invariants.js";
import { getRegistryRaw, isFeatureOn } from "../../../src/state-transition/params.js";
import type { StateReader } from "../../../src/state-transition/stateStore.js";
import type { Block } from "../../../src/types/block.js";
import type { Payload, ProposalAction, Tx } from "../../../src/types/tx.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import {
  expectCode,
  openTestChain,
  produce,
  runToHeight,
  signTx,
  stateDigest,
  type TestChain,
  tempDir,
  testGenesis,
  testKey,
  validatorKey,
} from "../../utils/testChain.js";

const XAI = 100_000_000n;
const DEV_BALANCE = 1_000_000n * XAI;
const OLD_REWARD = 12n * XAI;
const NEW_REWARD = 20n * XAI;
const DEPOSIT = 10n * XAI;
const FEE = 1_000n;
const GRANT = 5_000n * XAI;
/** The one validator of the test genesis proposes every block and never sends a transaction. */
const PROPOSER = validatorKey(0).address;

const dev = (n: number): KeyPair => devKeyPair(n);
/** ceil(5,000 x yes / 10,000): the implementation stage's required power at the default bps. */
const halfYes = (p: Record<string, unknown>): string =>
  ((BigInt((p.tally as Record<string, string>).yes!) + 1n) / 2n).toString();
const NO_IMPLEMENTATION_VOTES = { approvals: "0", rejections: "0", approve_power: "0", reject_power: "0" };

/**
 * These chains are about the lifecycle, not the quorum: three of the ten dev accounts (30 %) vote
 * yes, a little under 30 % of a supply that grows by the block rewards, so their genesis sets
 * quorum_bps 2,500 (the default 3,340 and its exact boundary are tested
 * in boundaries.test.ts and the vectors).
 */
function lifecycleRules(json: Record<string, unknown>): void {
  json.governance_rules = { ...(json.governance_rules as Record<string, string>), quorum_bps: "2500" };
}

/** Replays `source` into a scratch database (which checks the chain invariants) with the governance invariants as the check. */
async function replayWithInvariants(genesis: GenesisFile, source: ChainDb, dirs: string[]) {
  const scratchDir = await tempDir("xai-replay-");
  dirs.push(scratchDir);
  const scratch = await ChainDb.open(scratchDir);
  let checks = 0;
  try {
    const report = await replayChain({
      genesis,
      source,
      scratch,
      modules: createModules(),
      blockVerifier: verifySignature,
      check: async (s) => {
        checks++;
        await assertGovernanceInvariants(s);
      },
    });
    return { report, checks };
  } finally {
    await scratch.close();
  }
}

describe("governance lifecycle on the real chain (Chain + LevelDB)", function () {
  this.timeout(120_000);
  const genesis = testGenesis(1, lifecycleRules);
  let tc: TestChain;
  /** Every transaction included so far (the replay must count them all). */
  let included = 0;
  const ids: Record<string, string> = {};
  const extraDirs: string[] = [];

  const chain = () => tc.chain;
  const state = (): StateReader => tc.chain.state;
  const balance = async (address: string) => (await getAccount(state(), address)).balance;

  /** Signs `payload` with `key` at its next nonce (pending ones counted) and submits it. */
  async function submit(key: KeyPair, payload: Payload, fee = FEE): Promise<Tx> {
    const nonce =
      (await getAccount(state(), key.address)).nonce + BigInt(chain().mempool.pendingOf(key.address).length);
    return chain().submitTx(signTx(key, payload, { nonce, fee }));
  }

  /** Produces the next block; asserts it holds exactly `txs` (in any order) and all are `ok`. */
  async function block(txs: Tx[] = []): Promise<Block> {
    const b = await produce(chain());
    assert.deepEqual(
      b.txs.map((bytes) => decodeTx(bytes).id).sort(),
      txs.map((t) => t.id).sort(),
      `block ${b.header.height} holds the submitted transactions`,
    );
    for (const t of txs) {
      const r = await chain().receipt(t.id);
      assert.ok(r, `receipt of ${t.id}`);
      assert.equal(r.height, b.header.height);
      assert.equal(r.result, "ok", `${t.body.payload.type}: ${r.errorCode}`);
    }
    included += txs.length;
    assert.equal(chain().mempool.size, 0);
    return b;
  }

  /** Produces the next block and returns what it minted to the proposer (balance delta minus fees). */
  async function rewardOfNextBlock(txs: Tx[] = []): Promise<{ reward: bigint; height: number }> {
    const burn = await isFeatureOn(state(), "fee_burn"); // as of the block's start
    const before = await balance(PROPOSER);
    const b = await block(txs);
    const fees = b.txs.reduce((n, bytes) => n + decodeTx(bytes).body.fee, 0n);
    return { reward: (await balance(PROPOSER)) - before - (burn ? 0n : fees), height: b.header.height };
  }

  async function proposal(id: string): Promise<Json> {
    const p = await getProposal(state(), id);
    assert.ok(p, `proposal ${id} exists`);
    // The per-voter lists are paginated queries of their own (SPEC v2 §4.6).
    const reviews = (await listReviews(state(), id, { limit: 100 }))?.reviews;
    const implementationVotes = (await listImplementationVotes(state(), id, { limit: 100 }))
      ?.implementation_votes;
    return { ...p, reviews, implementation_votes: implementationVotes };
  }

  async function expectStatus(id: string, status: string): Promise<Json> {
    const p = await proposal(id);
    assert.equal(p.status, status, `proposal ${id}`);
    return p;
  }

  const heights = (p: Json) => p.heights as Record<string, number | null>;

  /**
   * Takes `action` from submission by dev:0 to `queued`: votes yes by dev:1-3 (no by none), reviews by
   * dev:4 and dev:5, implementation votes by dev:1 and dev:2. Returns the id and the queue height.
   */
  async function toQueued(
    action: ProposalAction,
    o: { votingPeriod?: number; stage?: number; timelock?: number } = {},
  ): Promise<{ id: string; queuedAt: number; eta: number }> {
    const proposer = dev(0);
    const proposerBefore = await balance(proposer.address);

    const submitTx = await submit(proposer, {
      type: "SUBMIT_PROPOSAL",
      title: `${action.kind} proposal`,
      description: "",
      deposit: DEPOSIT,
      action,
    });
    const id = proposalIdOf(submitTx.id);
    const sb = await block([submitTx]);
    const h = sb.header.height;
    assert.equal((await chain().receipt(submitTx.id))?.proposalId, id);
    let p = await expectStatus(id, "voting");
    assert.equal(p.kind, action.kind);
    assert.equal(p.deposit_state, "held");
    assert.equal(await balance(proposer.address), proposerBefore - DEPOSIT - FEE);
    // Stages of 5 blocks (test preset); an emergency proposal's are emergency_period_blocks (2).
    const stage = o.stage ?? 5;
    const votingPeriod = o.votingPeriod ?? stage;
    assert.deepEqual(heights(p), {
      submitted: h,
      snapshot: h - 1,
      voting_end: h + votingPeriod,
      review_end: h + votingPeriod + stage,
      implementation_end: h + votingPeriod + 2 * stage,
      eta: null,
      execution_deadline: null,
    });

    const votes = await Promise.all(
      [1, 2, 3].map((n) => submit(dev(n), { type: "CAST_VOTE", proposalId: id, option: "yes" })),
    );
    await block(votes);
    p = await proposal(id);
    const tally = p.tally as Record<string, unknown>;
    assert.equal(tally.voters, "3");
    assert.equal(tally.yes_voters, "3");
    assert.equal(tally.no, "0");

    await runToHeight(chain(), h + votingPeriod);
    p = await expectStatus(id, "code_review");
    assert.equal(p.deposit_state, "refunded");
    assert.equal((p.tally as Record<string, unknown>).quorum_reached, true);

    const reviews = await Promise.all(
      [4, 5].map((n) =>
        submit(dev(n), { type: "SUBMIT_CODE_REVIEW", proposalId: id, approved: true, comment: "ok" }),
      ),
    );
    await block(reviews);
    await runToHeight(chain(), h + votingPeriod + stage);
    p = await expectStatus(id, "implementation_vote");
    // ceil(5000 x yes / 10000): half the yes power of the 3 yes voters (SPEC v2 §4.3 item 3).
    assert.equal((p.implementation as Record<string, unknown>).required_power, halfYes(p));

    const implementation = await Promise.all(
      [1, 2].map((n) => submit(dev(n), { type: "VOTE_IMPLEMENTATION", proposalId: id, approved: true })),
    );
    const qb = await block(implementation);
    const queuedAt = qb.header.height;
    p = await expectStatus(id, "queued");
    const eta = queuedAt + (o.timelock ?? 3);
    assert.equal(heights(p).eta, eta);
    assert.equal(heights(p).execution_deadline, eta + 20);
    assert.equal((p.implementation_votes as unknown[]).length, 2);
    assert.equal((p.reviews as unknown[]).length, 2);
    return { id, queuedAt, eta };
  }

  /** Runs to eta - 1 (refusing an early execution on the way if there is room) and returns the execute tx. */
  async function submitExecuteAtEta(id: string, eta: number): Promise<Tx> {
    if (chain().head.height + 1 < eta) {
      const before = toHex(chain().head.stateRoot);
      await expectCode(
        chain().submitTx(
          signTx(
            dev(9),
            { type: "EXECUTE_PROPOSAL", proposalId: id },
            {
              nonce: (await getAccount(state(), dev(9).address)).nonce,
            },
          ),
        ),
        "GOV_TIMELOCK_ACTIVE",
      );
      assert.equal(chain().mempool.size, 0);
      assert.equal(toHex(chain().head.stateRoot), before);
    }
    await runToHeight(chain(), eta - 1);
    return submit(dev(9), { type: "EXECUTE_PROPOSAL", proposalId: id });
  }

  /** Asserts the execution record of an executed proposal. */
  async function expectExecuted(id: string, height: number, txId: string, changes: Json[]): Promise<Json> {
    const p = await expectStatus(id, "executed");
    assert.deepEqual(p.execution, { height, tx_id: txId, ok: true, error_code: null, changes });
    return p;
  }

  before(async () => {
    tc = await openTestChain({ genesis });
  });

  afterEach(async () => {
    if (!tc) return;
    await assertChainInvariants(tc.chain.state);
    await assertGovernanceInvariants(tc.chain.state);
  });

  after(async () => {
    await tc?.cleanup();
    for (const d of extraDirs) await rm(d, { recursive: true, force: true });
  });

  it("genesis: block reward 12 XAI is minted to the proposer of each block", async () => {
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), OLD_REWARD.toString());
    assert.equal(await balance(dev(0).address), DEV_BALANCE);
    const r = await rewardOfNextBlock();
    assert.equal(r.reward, OLD_REWARD);
  });

  it("protocol_parameter block_reward: block h (the execution) mints the old reward, h+1 the new one", async () => {
    const action: ProposalAction = {
      kind: "protocol_parameter",
      name: "block_reward",
      value: NEW_REWARD.toString(),
    };
    const { id, eta } = await toQueued(action);
    ids.reward = id;
    // Still the old reward while queued.
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), OLD_REWARD.toString());
    const exec = await submitExecuteAtEta(id, eta);
    const h = await rewardOfNextBlock([exec]);
    assert.equal(h.height, eta);
    assert.equal(h.reward, OLD_REWARD, "block h mints the old reward");
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), NEW_REWARD.toString());
    await expectExecuted(id, eta, exec.id, [
      { space: "param", key: "block_reward", before: OLD_REWARD.toString(), after: NEW_REWARD.toString() },
    ]);

    // Block h+1 carries a transfer with a higher fee: the fee is not part of the reward.
    const t = await submit(dev(6), { type: "TRANSFER", recipient: dev(7).address, amount: 1n }, 2_500n);
    const h1 = await rewardOfNextBlock([t]);
    assert.equal(h1.height, eta + 1);
    assert.equal(h1.reward, NEW_REWARD, "block h+1 mints the new reward");
    assert.equal((await rewardOfNextBlock()).reward, NEW_REWARD);
  });

  it("feature_activation fee_burn: fees go to the proposer in block h, are burned from h+1", async () => {
    const { id, eta } = await toQueued({ kind: "feature_activation", feature: "fee_burn", enabled: true });
    ids.feeBurn = id;
    const exec = await submitExecuteAtEta(id, eta);
    const before = await balance(PROPOSER);
    await block([exec]);
    assert.equal(
      await balance(PROPOSER),
      before + NEW_REWARD + FEE,
      "block h: the fee still goes to the proposer",
    );
    assert.equal(await getRegistryRaw(state(), "feature", "fee_burn"), "true");
    await expectExecuted(id, eta, exec.id, [
      { space: "feature", key: "fee_burn", before: "false", after: "true" },
    ]);

    const sender = dev(6).address;
    const senderBefore = await balance(sender);
    const proposerBefore = await balance(PROPOSER);
    const t = await submit(dev(6), { type: "TRANSFER", recipient: dev(7).address, amount: 10_000n }, 3_000n);
    await block([t]);
    assert.equal(await balance(PROPOSER), proposerBefore + NEW_REWARD, "block h+1: only the reward");
    // 10,000 sent, 24 bp (= 24) to the treasury, 3,000 burned.
    assert.equal(await balance(sender), senderBefore - 10_000n - 24n - 3_000n);
  });

  it("treasury_allocation: the treasury pays exactly the amount to the recipient", async () => {
    const recipient = testKey("grant").address;
    const { id, eta } = await toQueued({
      kind: "treasury_allocation",
      recipient,
      amount: GRANT.toString(),
      purpose: "grant",
    });
    ids.treasury = id;
    const exec = await submitExecuteAtEta(id, eta);
    const treasuryBefore = await balance(TREASURY_ADDRESS);
    assert.equal(await balance(recipient), 0n);
    await block([exec]);
    assert.equal(await balance(TREASURY_ADDRESS), treasuryBefore - GRANT);
    assert.equal(await balance(recipient), GRANT);
    await expectExecuted(id, eta, exec.id, [
      {
        space: "balance",
        key: TREASURY_ADDRESS,
        before: treasuryBefore.toString(),
        after: (treasuryBefore - GRANT).toString(),
      },
      { space: "balance", key: recipient, before: "0", after: GRANT.toString() },
    ]);
  });

  it("emergency_action pause_transfers: stages of 2 blocks, timelock 1; transfers pass in block h, are refused from h+1", async () => {
    const { id, eta, queuedAt } = await toQueued(
      { kind: "emergency_action", action: "pause_transfers", proposalId: "" },
      { stage: 2, timelock: 1 },
    );
    ids.pause = id;
    assert.equal(eta, queuedAt + 1);
    const exec = await submitExecuteAtEta(id, eta);
    // A transfer in the same block as the execution is still valid (effects take hold next block).
    const t = await submit(dev(6), { type: "TRANSFER", recipient: dev(7).address, amount: 5n });
    const recipientBefore = await balance(dev(7).address);
    await block([exec, t]);
    assert.equal(await balance(dev(7).address), recipientBefore + 5n);
    assert.equal(await getRegistryRaw(state(), "feature", "transfers"), "false");
    await expectExecuted(id, eta, exec.id, [
      { space: "feature", key: "transfers", before: "true", after: "false" },
    ]);

    const root = toHex(chain().head.stateRoot);
    await expectCode(
      chain().submitTx(
        signTx(
          dev(6),
          { type: "TRANSFER", recipient: dev(7).address, amount: 5n },
          {
            nonce: (await getAccount(state(), dev(6).address)).nonce,
          },
        ),
      ),
      "TX_TRANSFERS_DISABLED",
    );
    assert.equal(chain().mempool.size, 0);
    assert.equal(toHex(chain().head.stateRoot), root);
  });

  it("governance_rule voting_period_blocks 5 → 7: proposals included afterwards vote for 7 blocks", async () => {
    const { id, eta } = await toQueued({ kind: "governance_rule", rule: "voting_period_blocks", value: "7" });
    ids.rule = id;
    const exec = await submitExecuteAtEta(id, eta);
    await block([exec]);
    assert.equal(await getRegistryRaw(state(), "rule", "voting_period_blocks"), "7");
    await expectExecuted(id, eta, exec.id, [
      { space: "rule", key: "voting_period_blocks", before: "5", after: "7" },
    ]);
    // The proposal itself keeps the rules of its inclusion.
    assert.equal(((await proposal(id)).rules as Record<string, string>).voting_period_blocks, "5");
  });

  it("rollback of the block_reward change: block r mints the new reward, r+1 the old one again", async () => {
    // toQueued asserts voting_end = submitted + 7 (the rule changed above).
    const { id, eta } = await toQueued({ kind: "rollback", target: ids.reward! }, { votingPeriod: 7 });
    ids.rollback = id;
    assert.equal(((await proposal(id)).rules as Record<string, string>).voting_period_blocks, "7");
    const exec = await submitExecuteAtEta(id, eta);
    const r = await rewardOfNextBlock([exec]);
    assert.equal(r.height, eta);
    assert.equal(r.reward, NEW_REWARD, "block r still mints the new reward");
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), OLD_REWARD.toString());
    const rb = await expectExecuted(id, eta, exec.id, [
      { space: "param", key: "block_reward", before: NEW_REWARD.toString(), after: OLD_REWARD.toString() },
    ]);
    assert.equal(rb.rolled_back_by, null);
    const target = await expectStatus(ids.reward!, "rolled_back");
    assert.equal(target.rolled_back_by, id);
    // The target keeps its own execution record.
    assert.equal((target.execution as Json).ok, true);

    const r1 = await rewardOfNextBlock();
    assert.equal(r1.height, eta + 1);
    assert.equal(r1.reward, OLD_REWARD, "block r+1 mints the old reward");
  });

  it("history lists every execution, newest first", async () => {
    const h = await history(state());
    assert.equal(h.next_cursor, null);
    assert.deepEqual(
      h.entries.map((e) => [e.seq, e.event, e.proposal_id, e.kind]),
      [
        [6, "executed", ids.rollback, "rollback"],
        [5, "executed", ids.rule, "governance_rule"],
        [4, "executed", ids.pause, "emergency_action"],
        [3, "executed", ids.treasury, "treasury_allocation"],
        [2, "executed", ids.feeBurn, "feature_activation"],
        [1, "executed", ids.reward, "protocol_parameter"],
      ],
    );
    assert.equal(h.entries[0]!.target, ids.reward);
  });

  it("restart on the same directory: same head, state root and state; replay finds 0 mismatches", async () => {
    const head = chain().head;
    const headHex = head.hashHex;
    const rootHex = toHex(head.stateRoot);
    const digest = await stateDigest(tc.db);
    const dir = tc.dir;
    await tc.close();

    tc = await openTestChain({ genesis, dir });
    assert.equal(chain().head.hashHex, headHex);
    assert.equal(chain().head.height, head.height);
    assert.equal(toHex(chain().head.stateRoot), rootHex);
    assert.equal(await stateDigest(tc.db), digest);
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), OLD_REWARD.toString());
    assert.equal(await getRegistryRaw(state(), "feature", "transfers"), "false");
    assert.equal(await getRegistryRaw(state(), "feature", "fee_burn"), "true");
    assert.equal(await getRegistryRaw(state(), "rule", "voting_period_blocks"), "7");
    await expectStatus(ids.reward!, "rolled_back");
    await expectStatus(ids.rollback!, "executed");

    // The reopened chain goes on from its head with the restored reward.
    const r = await rewardOfNextBlock();
    assert.equal(r.height, head.height + 1);
    assert.equal(r.reward, OLD_REWARD);

    const { report, checks } = await replayWithInvariants(genesis, tc.db, extraDirs);
    assert.equal(report.mismatches, 0);
    assert.equal(report.blocks, chain().head.height);
    assert.equal(report.headHeight, chain().head.height);
    assert.equal(report.headHash, chain().head.hashHex);
    assert.equal(report.stateRoot, toHex(chain().head.stateRoot));
    assert.equal(report.txs, included);
    assert.ok(report.stateEntries > 0);
    assert.equal(checks, 1, "the governance invariants ran on the rebuilt state");
  });
});

// The terminal statuses the lifecycle above never reaches, on a second LevelDB chain (treasury of
// 1,000 XAI at genesis so a treasury allocation can outgrow it). Each test leaves one proposal in
// its terminal status; they run in order on the same chain:
//   1. rejected at voting (no quorum: one small yes vote) — deposit burned
//   2. rejected at review (one approving review; min_code_reviewers 2)
//   3. rejected at implementation (no implementation vote by implementation_end)
//   4. cancelled by the proposer while in voting — deposit burned
//   5. failed: a treasury allocation larger than the treasury at execution (GOV_TREASURY_SHORT)
//   6. expired: queued, never executed until after eta + execution_grace_blocks
describe("governance terminal statuses on the real chain (Chain + LevelDB)", function () {
  this.timeout(120_000);
  const TREASURY0 = 1_000n * XAI;
  /** One XAI sent to the small voter: 24 bp of it (240,000 units) goes to the treasury. */
  const SMALL = 1n * XAI;
  const SMALL_FEE_TO_TREASURY = 240_000n;
  const DRAIN = 700n * XAI;
  const SHORT = 400n * XAI;
  const genesis = testGenesis(1, (json) => {
    json.treasury_balance = TREASURY0.toString();
    lifecycleRules(json);
  });
  const small = testKey("small-voter");
  let tc: TestChain;
  let included = 0;
  const ids: Record<string, string> = {};
  const extraDirs: string[] = [];

  const chain = () => tc.chain;
  const state = (): StateReader => tc.chain.state;
  const balance = async (address: string) => (await getAccount(state(), address)).balance;
  const supply = async () => ({
    total: await getSupplyCounter(state(), "total_supply"),
    minted: await getSupplyCounter(state(), "minted"),
    burned: await getSupplyCounter(state(), "burned"),
  });
  const heights = (p: Json) => p.heights as Record<string, number | null>;
  const root = () => toHex(chain().head.stateRoot);

  /** Signs `payload` with `key` at its next nonce (pending ones counted) and submits it. */
  async function submit(key: KeyPair, payload: Payload, fee = FEE): Promise<Tx> {
    const nonce =
      (await getAccount(state(), key.address)).nonce + BigInt(chain().mempool.pendingOf(key.address).length);
    return chain().submitTx(signTx(key, payload, { nonce, fee }));
  }

  /** Submits `payload` from `key` and asserts it is refused with `code`: no mempool entry, same root. */
  async function refused(key: KeyPair, payload: Payload, code: string): Promise<void> {
    const before = root();
    const height = chain().head.height;
    const nonce = (await getAccount(state(), key.address)).nonce;
    await expectCode(chain().submitTx(signTx(key, payload, { nonce })), code);
    assert.equal(chain().mempool.size, 0);
    assert.equal(chain().head.height, height);
    assert.equal(root(), before);
  }

  /**
   * Produces the next block; asserts it holds exactly `txs` (in any order) with receipts `ok`, except
   * those listed in `failed` (tx id → error code), which must be `failed` with that code.
   */
  async function block(txs: Tx[] = [], failed: Record<string, string> = {}): Promise<Block> {
    const b = await produce(chain());
    assert.deepEqual(
      b.txs.map((bytes) => decodeTx(bytes).id).sort(),
      txs.map((t) => t.id).sort(),
      `block ${b.header.height} holds the submitted transactions`,
    );
    for (const t of txs) {
      const r = await chain().receipt(t.id);
      assert.ok(r, `receipt of ${t.id}`);
      assert.equal(r.height, b.header.height);
      const code = failed[t.id];
      assert.equal(r.result, code ? "failed" : "ok", `${t.body.payload.type}: ${r.errorCode}`);
      assert.equal(r.errorCode, code);
    }
    included += txs.length;
    assert.equal(chain().mempool.size, 0);
    return b;
  }

  async function proposal(id: string): Promise<Json> {
    const p = await getProposal(state(), id);
    assert.ok(p, `proposal ${id} exists`);
    // The per-voter lists are paginated queries of their own (SPEC v2 §4.6).
    const reviews = (await listReviews(state(), id, { limit: 100 }))?.reviews;
    const implementationVotes = (await listImplementationVotes(state(), id, { limit: 100 }))
      ?.implementation_votes;
    return { ...p, reviews, implementation_votes: implementationVotes };
  }

  async function expectStatus(id: string, status: string): Promise<Json> {
    const p = await proposal(id);
    assert.equal(p.status, status, `proposal ${id}`);
    return p;
  }

  /**
   * dev:0 submits one proposal per action, all in one block (consecutive nonces); asserts each is in
   * `voting` with its deposit held and the exact heights. Returns the ids and the inclusion height.
   */
  async function submitProposals(actions: ProposalAction[]): Promise<{ ids: string[]; h: number }> {
    const proposer = dev(0);
    const proposerBefore = await balance(proposer.address);
    const escrowBefore = await balance(DEPOSIT_ESCROW_ADDRESS);
    const txs: Tx[] = [];
    for (const action of actions)
      txs.push(
        await submit(proposer, {
          type: "SUBMIT_PROPOSAL",
          title: `${action.kind} proposal`,
          description: "",
          deposit: DEPOSIT,
          action,
        }),
      );
    const h = (await block(txs)).header.height;
    const n = BigInt(actions.length);
    assert.equal(await balance(proposer.address), proposerBefore - n * (DEPOSIT + FEE));
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), escrowBefore + n * DEPOSIT);
    const out: string[] = [];
    for (const t of txs) {
      const id = proposalIdOf(t.id);
      assert.equal((await chain().receipt(t.id))?.proposalId, id);
      const p = await expectStatus(id, "voting");
      assert.equal(p.deposit_state, "held");
      assert.equal(p.deposit, DEPOSIT.toString());
      assert.deepEqual(heights(p), {
        submitted: h,
        snapshot: h - 1,
        voting_end: h + 5,
        review_end: h + 10,
        implementation_end: h + 15,
        eta: null,
        execution_deadline: null,
      });
      out.push(id);
    }
    return { ids: out, h };
  }

  /** One block in which every key of `keys` sends `payload(id)` for every id (in that order). */
  async function each(keys: KeyPair[], proposalIds: string[], payload: (id: string) => Payload) {
    const txs: Tx[] = [];
    for (const key of keys) for (const id of proposalIds) txs.push(await submit(key, payload(id)));
    return block(txs);
  }
  const voteYes = (keys: KeyPair[], proposalIds: string[]) =>
    each(keys, proposalIds, (proposalId) => ({ type: "CAST_VOTE", proposalId, option: "yes" }));
  const approveReview = (keys: KeyPair[], proposalIds: string[]) =>
    each(keys, proposalIds, (proposalId) => ({
      type: "SUBMIT_CODE_REVIEW",
      proposalId,
      approved: true,
      comment: "ok",
    }));
  const approveImplementation = (keys: KeyPair[], proposalIds: string[]) =>
    each(keys, proposalIds, (proposalId) => ({ type: "VOTE_IMPLEMENTATION", proposalId, approved: true }));

  /** Takes freshly submitted proposals (at `h`) through voting (dev:1-3 yes) and review (dev:4, dev:5). */
  async function toImplementationVote(proposalIds: string[], h: number): Promise<void> {
    await voteYes([dev(1), dev(2), dev(3)], proposalIds);
    await runToHeight(chain(), h + 5);
    for (const id of proposalIds)
      assert.equal((await expectStatus(id, "code_review")).deposit_state, "refunded");
    await approveReview([dev(4), dev(5)], proposalIds);
    await runToHeight(chain(), h + 10);
    for (const id of proposalIds) {
      const p = await expectStatus(id, "implementation_vote");
      assert.equal((p.implementation as Json).required_power, halfYes(p));
    }
  }

  before(async () => {
    tc = await openTestChain({ genesis });
  });

  afterEach(async () => {
    if (!tc) return;
    await assertChainInvariants(tc.chain.state);
    await assertGovernanceInvariants(tc.chain.state);
  });

  after(async () => {
    await tc?.cleanup();
    for (const d of extraDirs) await rm(d, { recursive: true, force: true });
  });

  it("setup: a small voter holds 1 XAI; the treasury holds 1,000 XAI + the transfer's 24 bp", async () => {
    assert.equal(await balance(TREASURY_ADDRESS), TREASURY0);
    assert.deepEqual(await supply(), { total: 10n * DEV_BALANCE + TREASURY0, minted: 0n, burned: 0n });
    const t = await submit(dev(6), { type: "TRANSFER", recipient: small.address, amount: SMALL });
    assert.equal((await block([t])).header.height, 1);
    assert.equal(await balance(small.address), SMALL);
    assert.equal(await balance(TREASURY_ADDRESS), TREASURY0 + SMALL_FEE_TO_TREASURY);
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), 0n);
  });

  it("rejected at voting: one small yes vote misses the quorum; the deposit is burned", async () => {
    const {
      ids: [id],
      h,
    } = await submitProposals([{ kind: "protocol_parameter", name: "min_tx_fee", value: "2000" }]);
    ids.noQuorum = id!;
    assert.equal(h, 2);
    let p = await proposal(id!);
    // Circulating supply at the end of block 1: the dev accounts + one reward - 24 bp to the treasury.
    const snapshotSupply = 10n * DEV_BALANCE + OLD_REWARD - SMALL_FEE_TO_TREASURY;
    assert.equal(p.snapshot_supply, snapshotSupply.toString());
    assert.equal(p.power_cap, ((snapshotSupply * 2_000n) / 10_000n).toString());

    await voteYes([small], [id!]);
    p = await proposal(id!);
    assert.deepEqual(p.tally, {
      yes: SMALL.toString(),
      no: "0",
      abstain: "0",
      participation: SMALL.toString(),
      voters: "1",
      yes_voters: "1",
      heads: "0", // 1 XAI is below the participant floor (10 bps of the supply)
      quorum_reached: false,
      enough_voters: false,
      approved: true,
    });

    await runToHeight(chain(), h + 4);
    await expectStatus(id!, "voting");
    const before = await supply();
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), DEPOSIT);
    await block(); // h + 5 = voting_end
    p = await expectStatus(id!, "rejected");
    assert.equal(p.failure_code, "no_quorum");
    assert.equal(p.deposit_state, "burned");
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "rejected", height: h + 5 },
    ]);
    assert.equal(p.execution, null);
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), 0n);
    assert.deepEqual(await supply(), {
      total: before.total + OLD_REWARD - DEPOSIT,
      minted: before.minted + OLD_REWARD,
      burned: before.burned + DEPOSIT,
    });
    assert.equal(await balance(dev(0).address), DEV_BALANCE - DEPOSIT - FEE, "never refunded");
    assert.equal(await getRegistryRaw(state(), "param", "min_tx_fee"), "1000");
    await refused(dev(1), { type: "CAST_VOTE", proposalId: id!, option: "yes" }, "GOV_VOTING_CLOSED");
  });

  it("rejected at review: one approving review when min_code_reviewers is 2", async () => {
    const {
      ids: [id],
      h,
    } = await submitProposals([{ kind: "feature_activation", feature: "fee_burn", enabled: true }]);
    ids.review = id!;
    const proposerBefore = await balance(dev(0).address);
    await voteYes([dev(1), dev(2), dev(3)], [id!]);
    await runToHeight(chain(), h + 5);
    let p = await expectStatus(id!, "code_review");
    assert.equal(p.deposit_state, "refunded");
    assert.equal(await balance(dev(0).address), proposerBefore + DEPOSIT);
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), 0n);
    assert.equal((p.rules as Record<string, string>).min_code_reviewers, "2");
    const tally = p.tally as Json;
    assert.equal(tally.yes, (3n * DEV_BALANCE).toString()); // their first transactions: full balances
    assert.equal(tally.voters, "3");

    await approveReview([dev(4)], [id!]);
    await runToHeight(chain(), h + 9);
    p = await expectStatus(id!, "code_review");
    await block(); // h + 10 = review_end
    p = await expectStatus(id!, "rejected");
    assert.equal(p.failure_code, "review_not_approved");
    assert.deepEqual(p.review, {
      reviewers: "1",
      approvals: "1",
      approve_power: DEV_BALANCE.toString(),
      total_power: DEV_BALANCE.toString(),
    });
    assert.equal((p.reviews as Json[]).length, 1);
    assert.equal((p.reviews as Json[])[0]!.reviewer, dev(4).address);
    assert.deepEqual(p.implementation, { required_power: halfYes(p), ...NO_IMPLEMENTATION_VOTES });
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "code_review", height: h + 5 },
      { status: "rejected", height: h + 10 },
    ]);
    assert.equal(await getRegistryRaw(state(), "feature", "fee_burn"), "false");
    await refused(
      dev(5),
      { type: "SUBMIT_CODE_REVIEW", proposalId: id!, approved: true, comment: "late" },
      "GOV_NOT_IN_REVIEW",
    );
  });

  it("rejected at implementation: no implementation vote by implementation_end", async () => {
    const {
      ids: [id],
      h,
    } = await submitProposals([{ kind: "governance_rule", rule: "min_voters", value: "4" }]);
    ids.implementation = id!;
    await toImplementationVote([id!], h);
    let p = await proposal(id!);
    // dev:1-3 and dev:4 paid one fee each in the test before (before this snapshot).
    assert.equal((p.tally as Json).yes, (3n * (DEV_BALANCE - FEE)).toString());
    assert.deepEqual(p.review, {
      reviewers: "2",
      approvals: "2",
      approve_power: (2n * DEV_BALANCE - FEE).toString(),
      total_power: (2n * DEV_BALANCE - FEE).toString(),
    });
    await runToHeight(chain(), h + 14);
    await expectStatus(id!, "implementation_vote");
    await block(); // h + 15 = implementation_end
    p = await expectStatus(id!, "rejected");
    assert.equal(p.failure_code, "implementation_not_approved");
    assert.deepEqual(p.implementation, { required_power: halfYes(p), ...NO_IMPLEMENTATION_VOTES });
    assert.deepEqual(p.implementation_votes, []);
    assert.equal(heights(p).eta, null);
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "code_review", height: h + 5 },
      { status: "implementation_vote", height: h + 10 },
      { status: "rejected", height: h + 15 },
    ]);
    assert.equal(await getRegistryRaw(state(), "rule", "min_voters"), "3");
    await refused(
      dev(1),
      { type: "VOTE_IMPLEMENTATION", proposalId: id!, approved: true },
      "GOV_NOT_IN_IMPLEMENTATION",
    );
  });

  it("cancelled by the proposer in voting: deposit burned; a cancel by another account is refused", async () => {
    const {
      ids: [id],
      h,
    } = await submitProposals([{ kind: "protocol_parameter", name: "block_reward", value: "0" }]);
    ids.cancelled = id!;
    const proposerBefore = await balance(dev(0).address);
    await refused(dev(1), { type: "CANCEL_PROPOSAL", proposalId: id! }, "GOV_NOT_PROPOSER");
    await expectStatus(id!, "voting");

    const before = await supply();
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), DEPOSIT);
    const cancel = await submit(dev(0), { type: "CANCEL_PROPOSAL", proposalId: id! });
    assert.equal((await block([cancel])).header.height, h + 1);
    const p = await expectStatus(id!, "cancelled");
    assert.equal(p.cancelled_by, dev(0).address);
    assert.equal(p.deposit_state, "burned");
    assert.equal(p.failure_code, null);
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "cancelled", height: h + 1 },
    ]);
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), 0n);
    assert.equal(await balance(dev(0).address), proposerBefore - FEE);
    assert.deepEqual(await supply(), {
      total: before.total + OLD_REWARD - DEPOSIT,
      minted: before.minted + OLD_REWARD,
      burned: before.burned + DEPOSIT,
    });
    await refused(dev(0), { type: "CANCEL_PROPOSAL", proposalId: id! }, "GOV_NOT_CANCELLABLE");
    await refused(dev(1), { type: "CAST_VOTE", proposalId: id!, option: "yes" }, "GOV_VOTING_CLOSED");
    // Its voting_end passes without any change (it left the voting queue when it was cancelled).
    await runToHeight(chain(), h + 5);
    assert.deepEqual(await proposal(id!), p);
  });

  it("failed: a treasury allocation larger than the treasury at execution (drained by an earlier one)", async () => {
    const drainTo = testKey("drain").address;
    const shortTo = testKey("short").address;
    const treasury = TREASURY0 + SMALL_FEE_TO_TREASURY;
    assert.equal(await balance(TREASURY_ADDRESS), treasury);
    // Both fit the treasury at submission (700 and 400 <= 1,000 XAI); together they do not.
    const {
      ids: [drain, short],
      h,
    } = await submitProposals([
      { kind: "treasury_allocation", recipient: drainTo, amount: DRAIN.toString(), purpose: "drain" },
      { kind: "treasury_allocation", recipient: shortTo, amount: SHORT.toString(), purpose: "short" },
    ]);
    ids.drain = drain!;
    ids.failed = short!;
    await toImplementationVote([drain!, short!], h);
    const qb = await approveImplementation([dev(1), dev(2)], [drain!, short!]);
    const eta = qb.header.height + 3;
    for (const id of [drain!, short!]) {
      const p = await expectStatus(id, "queued");
      assert.equal(heights(p).eta, eta);
      assert.equal(heights(p).execution_deadline, eta + 20);
    }

    await runToHeight(chain(), eta - 1);
    const execDrain = await submit(dev(9), { type: "EXECUTE_PROPOSAL", proposalId: drain! });
    assert.equal((await block([execDrain])).header.height, eta);
    await expectStatus(drain!, "executed");
    assert.equal(await balance(TREASURY_ADDRESS), treasury - DRAIN);
    assert.equal(await balance(drainTo), DRAIN);

    // 300 XAI + 240,000 units left < 400 XAI: the execution is included, valid, and fails.
    const executorBefore = await balance(dev(9).address);
    const exec = await submit(dev(9), { type: "EXECUTE_PROPOSAL", proposalId: short! });
    const b = await block([exec], { [exec.id]: "GOV_TREASURY_SHORT" });
    assert.equal(b.header.height, eta + 1);
    const r = await chain().receipt(exec.id);
    assert.equal(r?.proposalId, short);
    assert.equal(await balance(TREASURY_ADDRESS), treasury - DRAIN, "treasury unchanged");
    assert.equal(await balance(shortTo), 0n, "recipient unchanged");
    assert.equal(await balance(dev(9).address), executorBefore - FEE, "the executor paid only the fee");
    const p = await expectStatus(short!, "failed");
    assert.deepEqual(p.execution, {
      height: eta + 1,
      tx_id: exec.id,
      ok: false,
      error_code: "GOV_TREASURY_SHORT",
      changes: [],
    });
    assert.equal(p.failure_code, "GOV_TREASURY_SHORT");
    assert.equal(p.deposit_state, "refunded", "settled at the end of voting");
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "code_review", height: h + 5 },
      { status: "implementation_vote", height: h + 10 },
      { status: "queued", height: eta - 3 },
      { status: "failed", height: eta + 1 },
    ]);
    await refused(dev(9), { type: "EXECUTE_PROPOSAL", proposalId: short! }, "GOV_NOT_QUEUED");
  });

  it("expired: queued and never executed until after eta + execution_grace_blocks", async () => {
    const {
      ids: [id],
      h,
    } = await submitProposals([{ kind: "protocol_parameter", name: "block_reward", value: "0" }]);
    ids.expired = id!;
    await toImplementationVote([id!], h);
    const qb = await approveImplementation([dev(1), dev(2)], [id!]);
    const eta = qb.header.height + 3;
    let p = await expectStatus(id!, "queued");
    assert.equal(heights(p).eta, eta);
    assert.equal(heights(p).execution_deadline, eta + 20);
    assert.deepEqual(await timelock(state()), [
      {
        id,
        number: 7,
        proposer: dev(0).address,
        title: "protocol_parameter proposal",
        kind: "protocol_parameter",
        status: "queued",
        submit_height: h,
        voting_end: h + 5,
        eta,
        execution_deadline: eta + 20,
      },
    ]);

    await runToHeight(chain(), eta + 19);
    await expectStatus(id!, "queued"); // still executable in block eta + 20
    await block(); // eta + 20: the last block of the grace, then end of block
    p = await expectStatus(id!, "expired");
    assert.equal(p.execution, null);
    assert.equal(p.failure_code, null);
    assert.deepEqual(p.status_history, [
      { status: "voting", height: h },
      { status: "code_review", height: h + 5 },
      { status: "implementation_vote", height: h + 10 },
      { status: "queued", height: eta - 3 },
      { status: "expired", height: eta + 20 },
    ]);
    assert.deepEqual(await timelock(state()), []);
    assert.equal(await getRegistryRaw(state(), "param", "block_reward"), OLD_REWARD.toString());
    await refused(dev(9), { type: "EXECUTE_PROPOSAL", proposalId: id! }, "GOV_NOT_QUEUED");
  });

  it("history and status lists: executed, failed and expired entries; every status index", async () => {
    const h = await history(state());
    assert.equal(h.next_cursor, null);
    assert.deepEqual(
      h.entries.map((e) => [e.seq, e.event, e.proposal_id, e.error_code, e.tx_id === null]),
      [
        [3, "expired", ids.expired, null, true],
        [2, "failed", ids.failed, "GOV_TREASURY_SHORT", false],
        [1, "executed", ids.drain, null, false],
      ],
    );
    const byStatus = async (status: ProposalStatus) =>
      (await listProposals(state(), { status })).proposals.map((p) => p.id);
    assert.deepEqual(await byStatus("rejected"), [ids.implementation, ids.review, ids.noQuorum]);
    assert.deepEqual(await byStatus("cancelled"), [ids.cancelled]);
    assert.deepEqual(await byStatus("failed"), [ids.failed]);
    assert.deepEqual(await byStatus("expired"), [ids.expired]);
    assert.deepEqual(await byStatus("executed"), [ids.drain]);
    for (const status of ["voting", "code_review", "implementation_vote", "queued"] as const)
      assert.deepEqual(await byStatus(status), []);
    assert.equal(await balance(DEPOSIT_ESCROW_ADDRESS), 0n);
  });

  it("restart on the same directory: same head, root and statuses; replay finds 0 mismatches", async () => {
    const head = chain().head;
    const rootHex = toHex(head.stateRoot);
    const digest = await stateDigest(tc.db);
    const before: Record<string, Json> = {};
    for (const [k, id] of Object.entries(ids)) before[k] = await proposal(id);
    const dir = tc.dir;
    await tc.close();

    tc = await openTestChain({ genesis, dir });
    assert.equal(chain().head.hashHex, head.hashHex);
    assert.equal(chain().head.height, head.height);
    assert.equal(toHex(chain().head.stateRoot), rootHex);
    assert.equal(await stateDigest(tc.db), digest);
    for (const [k, id] of Object.entries(ids)) assert.deepEqual(await proposal(id), before[k], k);

    const { report, checks } = await replayWithInvariants(genesis, tc.db, extraDirs);
    assert.equal(report.mismatches, 0);
    assert.equal(report.blocks, head.height);
    assert.equal(report.headHeight, head.height);
    assert.equal(report.headHash, head.hashHex);
    assert.equal(report.stateRoot, rootHex);
    assert.equal(report.txs, included);
    assert.equal(checks, 1, "the governance invariants ran on the rebuilt state");
  });
});
