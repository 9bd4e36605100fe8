// End-to-end checks of the governance routes of the HTTP API (SPEC §5) against a node started
// in-process with block production off: the test produces each block itself (`mine`), so heights
// are exact and "a rejected transaction changes nothing" is checked byte for byte (state root,
// head, mempool) with no block in between.
//
// Timeline (test preset: voting, review, implementation 5 blocks, timelock 3, grace 20):
//   block 1   P1 (dev:0, block_reward 20 XAI), P2 (dev:0, treasury 1,000 XAI), P3 (dev:7), P4 (dev:8)
//   block 2   votes on P1 (dev:1-3 yes, dev:4 no) and P2 (dev:1-3 and dev:5 yes: 40 % > quorum 33.4 %); P3 cancelled
//   block 6   end of voting: P1, P2 → code_review; P4 (no votes) → rejected
//   block 7   reviews by dev:5 and dev:6 on P1 and P2
//   block 11  end of review → implementation_vote
//   block 12  implementation votes by dev:1 and dev:2 → queued, eta 15
//   block 15  both executed
//   block 16  fiat-unlock vote (window opens at 10, snapshot 9)
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { slotAt, slotStartMs } from "../../src/chain/slots.js";
import { TREASURY_ADDRESS } from "../../src/config/addresses.js";
import { utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import {
  compareAddresses,
  devKeyPair,
  type KeyPair,
  keyPairFromSecret,
  sign,
} from "../../src/crypto/keys.js";
import { PROPOSAL_KINDS } from "../../src/governance/kinds/index.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import type { Logger } from "../../src/logger.js";
import { initChain } from "../../src/node/initChain.js";
import { readKeyFile } from "../../src/node/keyFile.js";
import { XaiNode } from "../../src/node/node.js";
import { nodePaths } from "../../src/node/paths.js";
import { circulatingSupplyAt, getAccount } from "../../src/state-transition/accounts.js";
import type { Payload, ProposalAction } from "../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";
import { BAD_ADDRESSES } from "../utils/badAddresses.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const CHAIN_ID = "xai-devnet-1";
const FEE = 1_000n;
const XAI = 100_000_000n;
const DEV = 1_000_000n * XAI; // every dev account at genesis
const SUPPLY0 = 10n * DEV; // circulating supply at height 0 (the treasury excluded)
const REWARD = 12n * XAI;
const DEPOSIT = 10n * XAI;
const GRANT = 1_000n * XAI;

type Body = Record<string, unknown>;
interface Res {
  status: number;
  body: Body;
  text: string;
}

const dev = (n: number): KeyPair => devKeyPair(n);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
/** An account with no balance at genesis (funded in block 1, after the proposals' snapshot). */
const FRESH = keyPairFromSecret(sha256(utf8("governance-api-fresh")));
const GRANTEE = keyPairFromSecret(sha256(utf8("governance-api-grantee"))).address;

/** Registry entries of SPEC §4.4 / src/governance/README.md: name, type, min, max, default. */
const PARAMS: Array<[string, string, string, string, string]> = [
  ["block_reward", "amount", "0", "5000000000", "1200000000"],
  ["halving_interval", "uint", "100", "1000000000", "262800"],
  ["min_tx_fee", "amount", "0", "100000000", "1000"],
  ["transaction_fee_bps", "bps", "0", "500", "24"],
  ["max_block_txs", "uint", "10", "20000", "2000"],
  ["max_block_bytes", "uint", "10000", "10000000", "1000000"],
  ["max_tx_bytes", "uint", "512", "262144", "16384"],
];
const RULES: Array<[string, string, string, string, string]> = [
  ["voting_period_blocks", "uint", "5", "10000000", "20"],
  ["review_period_blocks", "uint", "5", "10000000", "20"],
  ["implementation_period_blocks", "uint", "5", "10000000", "20"],
  ["emergency_period_blocks", "uint", "2", "1000000", "5"],
  ["timelock_blocks", "uint", "2", "10000000", "10"],
  ["emergency_timelock_blocks", "uint", "1", "1000000", "3"],
  ["execution_grace_blocks", "uint", "10", "10000000", "50"],
  ["min_voters", "uint", "1", "100", "3"],
  ["quorum_bps", "bps", "500", "5000", "3340"],
  ["approval_bps", "bps", "5100", "9000", "6600"],
  ["emergency_approval_bps", "bps", "5100", "10000", "7500"],
  ["max_individual_power_bps", "bps", "500", "5000", "2000"],
  ["min_code_reviewers", "uint", "1", "20", "2"],
  ["review_approval_bps", "bps", "5100", "10000", "6600"],
  ["implementation_approval_bps", "bps", "1000", "9000", "5000"],
  ["proposal_deposit", "amount", "0", "10000000000000", "1000000000"],
  ["max_active_proposals_per_account", "uint", "1", "100", "3"],
  ["participant_floor_bps", "bps", "0", "100", "10"],
];
/** Rules of the test preset that differ from the defaults. */
const TEST_PRESET: Record<string, string> = {
  voting_period_blocks: "5",
  review_period_blocks: "5",
  implementation_period_blocks: "5",
  emergency_period_blocks: "2",
  timelock_blocks: "3",
  emergency_timelock_blocks: "1",
  execution_grace_blocks: "20",
};
const FEATURES: Array<[string, string]> = [
  ["transfers", "true"],
  ["fee_burn", "false"],
  ["treasury_spending", "true"],
  ["fiat_rails", "false"],
];

/** Parses Prometheus text into samples. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

describe("e2e: governance HTTP API", function () {
  this.timeout(60_000);
  let dir: string;
  let node: XaiNode;
  let validator: KeyPair;
  let base: string;
  /** GOV_* rejections of the write routes, by code (the node counts the same). */
  const rejected = new Map<string, number>();
  const ids = { p1: "", p2: "", p3: "", p4: "" };
  const txs: Record<string, string> = {};

  async function mine(): Promise<number> {
    const slot = Math.max(slotAt(node.chain.genesis, Date.now()), node.chain.head.slot + 1);
    const block = await node.chain.produceBlock(slot, validator);
    assert.ok(block, "block produced");
    return block.header.height;
  }

  async function mineTo(height: number): Promise<void> {
    while (node.chain.head.height < height) await mine();
  }

  /** Next nonce of a key (pending transactions counted). */
  async function nextNonce(key: KeyPair): Promise<bigint> {
    const a = await getAccount(node.chain.state, key.address);
    return a.nonce + BigInt(node.chain.mempool.pendingOf(key.address).length);
  }

  async function signed(key: KeyPair, payload: Payload, nonce?: bigint): Promise<Uint8Array> {
    const body = encodeTxBody({
      chainId: CHAIN_ID,
      nonce: nonce ?? (await nextNonce(key)),
      publicKey: key.publicKey,
      fee: FEE,
      payload,
    });
    return encodeSignedTx(body, sign(txSigningMessage(body), key.secretKey));
  }

  async function req(path: string, init?: RequestInit): Promise<Res> {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let body: Body;
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    return { status: res.status, body, text };
  }
  const get = (path: string) => req(path);
  const post = (path: string, body: unknown) =>
    req(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  /** GET that must answer 200; returns the body. */
  async function ok(path: string): Promise<Body> {
    const r = await get(path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.body;
  }

  /** Signs and posts to a write route; asserts 202 and the exact answer. */
  /** Posts a transaction; `proposalId` is the expected id in the answer (`true`: a submit's own id). */
  async function write(
    route: string,
    key: KeyPair,
    payload: Payload,
    expectId?: string | true,
  ): Promise<string> {
    const bytes = await signed(key, payload);
    const r = await post(route, { tx: b64(bytes) });
    assert.equal(r.status, 202, `${route}: ${r.text}`);
    const txId = decodeTx(bytes).id;
    // SPEC v2 §4.1: a proposal id is bound to its submit transaction's id.
    const proposalId = expectId === true ? proposalIdOf(txId) : expectId;
    assert.deepEqual(r.body, {
      tx_id: txId,
      ...(proposalId !== undefined ? { proposal_id: proposalId } : {}),
      status: "pending",
    });
    assert.ok(node.chain.mempool.get(txId), "in the mempool");
    return txId;
  }

  function assertError(r: Res, status: number, code: string): void {
    assert.deepEqual(Object.keys(r.body), ["error"], r.text);
    const e = r.body.error as Body;
    assert.equal(e.code, code, r.text);
    assert.equal(r.status, status, r.text);
    assert.equal(typeof e.message, "string");
    assert.ok((e.message as string).length > 0);
  }

  async function chainSnapshot() {
    const s = await ok("/status");
    return {
      height: s.height,
      head_hash: s.head_hash,
      state_root: s.state_root,
      mempool_size: s.mempool_size,
      mempool: node.chain.mempool.candidates(10_000).map((t) => t.id),
    };
  }

  /** Posts a signed transaction that must be refused with `status`/`code` and change nothing. */
  async function refused(
    route: string,
    key: KeyPair,
    payload: Payload,
    code: string,
    status = 400,
  ): Promise<void> {
    const before = await chainSnapshot();
    const r = await post(route, { tx: b64(await signed(key, payload)) });
    assertError(r, status, code);
    assert.deepEqual(await chainSnapshot(), before, `${code}: state or mempool changed`);
    if (code.startsWith("GOV_")) rejected.set(code, (rejected.get(code) ?? 0) + 1);
  }

  const propose = (action: ProposalAction, o: { title?: string; deposit?: bigint } = {}): Payload => ({
    type: "SUBMIT_PROPOSAL",
    title: o.title ?? `${action.kind} proposal`,
    description: "described",
    deposit: o.deposit ?? DEPOSIT,
    action,
  });
  const vote = (proposalId: string, option: "yes" | "no" | "abstain"): Payload => ({
    type: "CAST_VOTE",
    proposalId,
    option,
  });
  const review = (proposalId: string, approved: boolean, comment = ""): Payload => ({
    type: "SUBMIT_CODE_REVIEW",
    proposalId,
    approved,
    comment,
  });
  const implement = (proposalId: string): Payload => ({
    type: "VOTE_IMPLEMENTATION",
    proposalId,
    approved: true,
  });
  const execute = (proposalId: string): Payload => ({ type: "EXECUTE_PROPOSAL", proposalId });
  const P1_ACTION: ProposalAction = { kind: "protocol_parameter", name: "block_reward", value: "2000000000" };
  const P2_ACTION: ProposalAction = {
    kind: "treasury_allocation",
    recipient: GRANTEE,
    amount: GRANT.toString(),
    purpose: "grant",
  };

  async function proposal(id: string): Promise<Body> {
    return ok(`/governance/proposals/${id}`);
  }
  async function metric(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const text = (await get("/metrics")).text;
    return samples(text).find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )?.value;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-gov-api-"));
    initChain({ dir, dev: true, preset: "test", blockTimeMs: "200" }, Date.now());
    validator = readKeyFile(nodePaths(dir).validatorKey);
    node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, produce: false, log: silent });
    base = node.apiAddress;
  });

  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GET /governance/fiat-unlock/status before the window; a vote is refused (GOV_FIAT_WINDOW_CLOSED)", async () => {
    assert.deepEqual(await ok("/governance/fiat-unlock/status"), {
      height: 0,
      start_height: 10,
      snapshot_height: 9,
      auto_unlock_height: 1_000_000,
      min_votes: "5",
      support_bps: "6600",
      quorum_bps: "2000",
      supply: "0",
      voters: "0",
      heads: "0",
      support_power: "0",
      voted_power: "0",
      quorum_reached: false,
      threshold_met: false,
      unlocked: false,
      unlocked_height: null,
      unlock_reason: null,
      unlock_tx_id: null,
    });
    await refused(
      "/governance/fiat-unlock/vote",
      dev(9),
      { type: "FIAT_UNLOCK_VOTE", support: true, reason: "" },
      "GOV_FIAT_WINDOW_CLOSED",
    );
  });

  it("GET /governance/params and /features: every registry entry with type, min, max, default, value", async () => {
    const p = await ok("/governance/params");
    assert.deepEqual(Object.keys(p).sort(), ["params", "rules"]);
    // Compared by name: the order of the entries is not part of the contract.
    const byName = (a: Body, b: Body) => ((a.name as string) < (b.name as string) ? -1 : 1);
    const strip = (entries: unknown) =>
      [...(entries as Body[])].sort(byName).map((e) => {
        assert.equal(typeof e.description, "string");
        assert.ok((e.description as string).length > 0, `${e.name} has a description`);
        const { description: _d, ...rest } = e;
        return rest;
      });
    assert.deepEqual(
      strip(p.params),
      PARAMS.map(([name, type, min, max, def]) => ({
        name,
        type,
        min,
        max,
        default: def,
        value: def,
        governable: true,
      })).sort(byName),
    );
    assert.deepEqual(
      strip(p.rules),
      RULES.map(([name, type, min, max, def]) => ({
        name,
        type,
        min,
        max,
        default: def,
        value: TEST_PRESET[name] ?? def,
        governable: true,
      })).sort(byName),
    );
    const f = await ok("/governance/features");
    assert.deepEqual(Object.keys(f), ["features"]);
    assert.deepEqual(
      strip(f.features),
      FEATURES.map(([name, def]) => ({
        name,
        type: "bool",
        min: null,
        max: null,
        default: def,
        value: def,
        // fiat_rails is set by the fiat unlock only.
        governable: name !== "fiat_rails",
      })).sort(byName),
    );
  });

  it("every write route refuses a transaction of another type → 400 WRONG_TX_TYPE", async () => {
    const pid = "ab".repeat(16);
    const transfer: Payload = { type: "TRANSFER", recipient: dev(9).address, amount: 1n };
    const cases: Array<[string, Payload]> = [
      ["/governance/proposals/submit", transfer],
      ["/governance/proposals/submit", vote(pid, "yes")],
      ["/governance/vote", transfer],
      ["/governance/vote", propose(P1_ACTION)],
      ["/governance/review", vote(pid, "yes")],
      ["/governance/implementation-vote", review(pid, true)],
      ["/governance/execute", { type: "CANCEL_PROPOSAL", proposalId: pid }],
      ["/governance/cancel", execute(pid)],
      ["/governance/fiat-unlock/vote", transfer],
    ];
    for (const [route, payload] of cases) await refused(route, dev(0), payload, "WRONG_TX_TYPE");
    // Malformed bodies of the governance routes are 400 BAD_REQUEST as on POST /tx.
    assertError(await post("/governance/vote", {}), 400, "BAD_REQUEST");
    assertError(await post("/governance/vote", { tx: "not base64!!" }), 400, "BAD_REQUEST");
  });

  it("submission errors surface with their GOV code (400) and change nothing", async () => {
    const route = "/governance/proposals/submit";
    const k = dev(0);
    await refused(
      route,
      k,
      propose({ kind: "governance_rule", rule: "approval_bps", value: "abc" }),
      "GOV_INVALID_VALUE",
    );
    await refused(
      route,
      k,
      propose({ kind: "protocol_parameter", name: "block_reward", value: "5000000001" }),
      "GOV_INVALID_VALUE",
    );
    await refused(
      route,
      k,
      propose({ kind: "protocol_parameter", name: "nope", value: "1" }),
      "GOV_UNKNOWN_TARGET",
    );
    await refused(
      route,
      k,
      propose({ kind: "governance_rule", rule: "emergency_timelock_blocks", value: "4" }), // > timelock 3
      "GOV_CROSS_RULE_VIOLATION",
    );
    await refused(route, k, propose(P1_ACTION, { deposit: DEPOSIT - 1n }), "GOV_DEPOSIT_TOO_LOW");
    await refused(route, k, propose(P1_ACTION, { title: "   " }), "GOV_EMPTY_TITLE");
    await refused(
      route,
      k,
      propose({ kind: "emergency_action", action: "launch", proposalId: "" }),
      "GOV_INVALID_ACTION",
    );
    await refused(route, k, propose({ ...P2_ACTION, recipient: TREASURY_ADDRESS }), "GOV_INVALID_RECIPIENT");
    // §3 (v2): a recipient that is not an address, with its fault.
    for (const bad of BAD_ADDRESSES) {
      const before = await chainSnapshot();
      const r = await post(route, {
        tx: b64(await signed(k, propose({ ...P2_ACTION, recipient: bad.value }))),
      });
      assertError(r, 400, "GOV_INVALID_RECIPIENT");
      assert.deepEqual((r.body.error as Record<string, unknown>).data, {
        recipient: bad.value,
        address_fault: bad.fault,
      });
      assert.deepEqual(await chainSnapshot(), before, `${bad.what}: state or mempool changed`);
      rejected.set("GOV_INVALID_RECIPIENT", (rejected.get("GOV_INVALID_RECIPIENT") ?? 0) + 1);
    }
    await refused(
      route,
      k,
      propose({ kind: "rollback", target: "cd".repeat(16) }),
      "GOV_UNKNOWN_PROPOSAL",
      404,
    );
    await refused("/governance/vote", k, vote("cd".repeat(16), "yes"), "GOV_UNKNOWN_PROPOSAL", 404);
  });

  it("POST /governance/proposals/submit → 202 {tx_id, proposal_id = proposalIdOf, status: pending}", async () => {
    txs.p1 = await write("/governance/proposals/submit", dev(0), propose(P1_ACTION), true);
    txs.p2 = await write("/governance/proposals/submit", dev(0), propose(P2_ACTION), true);
    txs.p3 = await write(
      "/governance/proposals/submit",
      dev(7),
      propose({ kind: "feature_activation", feature: "fee_burn", enabled: true }),
      true,
    );
    txs.p4 = await write(
      "/governance/proposals/submit",
      dev(8),
      propose({ kind: "protocol_parameter", name: "min_tx_fee", value: "2000" }),
      true,
    );
    const expected = {
      p1: proposalIdOf(txs.p1),
      p2: proposalIdOf(txs.p2),
      p3: proposalIdOf(txs.p3),
      p4: proposalIdOf(txs.p4),
    };
    // FRESH gets 1 XAI after the snapshot (height 0): it can pay fees but has no voting power.
    const fund = await signed(dev(6), { type: "TRANSFER", recipient: FRESH.address, amount: XAI });
    assert.equal((await post("/tx", { tx: b64(fund) })).status, 202);
    assert.equal(await mine(), 1);
    Object.assign(ids, expected);
    for (const k of ["p1", "p2", "p3", "p4"] as const) {
      const t = await ok(`/tx/${txs[k]}`);
      const receipt = t.receipt as Body;
      assert.equal(receipt.height, 1);
      assert.equal(receipt.result, "ok");
      assert.equal(receipt.proposal_id, ids[k]);
    }
    assert.equal(
      (await ok(`/accounts/${dev(0).address}`)).balance,
      (DEV - 2n * DEPOSIT - 2n * FEE).toString(),
    );
  });

  it("GET /governance/proposals: newest first, limit and cursor, status filter; bad status → 400", async () => {
    const all = await ok("/governance/proposals");
    const summaries = all.proposals as Body[];
    assert.deepEqual(
      summaries.map((p) => [p.number, p.id]),
      [
        [4, ids.p4],
        [3, ids.p3],
        [2, ids.p2],
        [1, ids.p1],
      ],
    );
    assert.equal(all.next_cursor, null);
    assert.deepEqual(summaries[3], {
      id: ids.p1,
      number: 1,
      proposer: dev(0).address,
      title: "protocol_parameter proposal",
      kind: "protocol_parameter",
      status: "voting",
      submit_height: 1,
      voting_end: 6,
      eta: null,
    });

    const page1 = await ok("/governance/proposals?limit=2");
    assert.deepEqual(
      (page1.proposals as Body[]).map((p) => p.number),
      [4, 3],
    );
    assert.equal(page1.next_cursor, 3);
    const page2 = await ok("/governance/proposals?limit=2&cursor=3");
    assert.deepEqual(
      (page2.proposals as Body[]).map((p) => p.number),
      [2, 1],
    );
    assert.equal(page2.next_cursor, 1);
    const page3 = await ok("/governance/proposals?limit=2&cursor=1");
    assert.deepEqual(page3, { proposals: [], next_cursor: null });

    const voting = await ok("/governance/proposals?status=voting&limit=3");
    assert.deepEqual(
      (voting.proposals as Body[]).map((p) => p.number),
      [4, 3, 2],
    );
    assert.equal(voting.next_cursor, 2);
    assert.deepEqual(
      ((await ok("/governance/proposals?status=voting&cursor=2")).proposals as Body[]).map((p) => p.number),
      [1],
    );
    assert.deepEqual(await ok("/governance/proposals?status=executed"), { proposals: [], next_cursor: null });

    assertError(await get("/governance/proposals?status=bogus"), 400, "BAD_REQUEST");
    assertError(await get("/governance/proposals?limit=-1"), 400, "BAD_REQUEST");
    assertError(await get("/governance/proposals?cursor=x"), 400, "BAD_REQUEST");
  });

  it("GET /governance/proposals/:id (id or number): unknown → 404 GOV_UNKNOWN_PROPOSAL, malformed → 400", async () => {
    assertError(await get(`/governance/proposals/${"ef".repeat(16)}`), 404, "GOV_UNKNOWN_PROPOSAL");
    assertError(await get(`/governance/proposals/${"ef".repeat(16)}/votes`), 404, "GOV_UNKNOWN_PROPOSAL");
    assertError(await get("/governance/proposals/xyz"), 400, "BAD_REQUEST");
    assertError(await get(`/governance/proposals/${"EF".repeat(16)}`), 400, "BAD_REQUEST");
    // By number (issue 12): the same answers as by id; 0 and leading zeros are malformed.
    const first = await ok("/governance/proposals/1");
    assert.equal(first.number, 1);
    assert.deepEqual(first, await ok(`/governance/proposals/${first.id as string}`));
    assert.deepEqual(
      await ok("/governance/proposals/1/votes"),
      await ok(`/governance/proposals/${first.id as string}/votes`),
    );
    assertError(await get("/governance/proposals/999"), 404, "GOV_UNKNOWN_PROPOSAL");
    assertError(await get("/governance/proposals/999/votes"), 404, "GOV_UNKNOWN_PROPOSAL");
    assertError(await get("/governance/proposals/0"), 400, "BAD_REQUEST");
    assertError(await get("/governance/proposals/01"), 400, "BAD_REQUEST");
  });

  it("voting-stage errors (GOV_NOT_IN_REVIEW, GOV_NOT_QUEUED, GOV_NOT_PROPOSER, GOV_NO_VOTING_POWER, …)", async () => {
    await refused("/governance/review", dev(5), review(ids.p1, true), "GOV_NOT_IN_REVIEW");
    await refused("/governance/implementation-vote", dev(1), implement(ids.p1), "GOV_NOT_IN_IMPLEMENTATION");
    await refused("/governance/execute", dev(9), execute(ids.p1), "GOV_NOT_QUEUED");
    await refused(
      "/governance/cancel",
      dev(8),
      { type: "CANCEL_PROPOSAL", proposalId: ids.p3 },
      "GOV_NOT_PROPOSER",
    );
    // FRESH holds 1 XAI now, but nothing at the snapshot (height 0).
    assert.equal((await ok(`/accounts/${FRESH.address}`)).balance, XAI.toString());
    await refused("/governance/vote", FRESH, vote(ids.p1, "yes"), "GOV_NO_VOTING_POWER");
  });

  it("POST /governance/vote and /governance/cancel → 202 {tx_id, proposal_id, status}", async () => {
    for (const n of [1, 2, 3])
      txs[`v1-${n}`] = await write("/governance/vote", dev(n), vote(ids.p1, "yes"), ids.p1);
    txs["v1-4"] = await write("/governance/vote", dev(4), vote(ids.p1, "no"), ids.p1);
    for (const n of [1, 2, 3, 5])
      txs[`v2-${n}`] = await write("/governance/vote", dev(n), vote(ids.p2, "yes"), ids.p2);
    txs.cancel = await write(
      "/governance/cancel",
      dev(7),
      { type: "CANCEL_PROPOSAL", proposalId: ids.p3 },
      ids.p3,
    );
    assert.equal(await mine(), 2);
    assert.equal(node.chain.mempool.size, 0, "every transaction was included");
    const p3 = await proposal(ids.p3);
    assert.equal(p3.status, "cancelled");
    assert.equal(p3.deposit_state, "burned");
    assert.equal(p3.cancelled_by, dev(7).address);
  });

  it("GET /governance/proposals/:id/votes: every vote, in voter order, paginated", async () => {
    const voters = [1, 2, 3, 4].map((n) => dev(n).address).sort(compareAddresses);
    const expectedVote = (voter: string) => {
      const n = [1, 2, 3, 4].find((i) => dev(i).address === voter)!;
      return {
        voter,
        option: n === 4 ? "no" : "yes",
        power: DEV.toString(),
        counted_power: DEV.toString(),
        height: 2,
        tx_id: txs[`v1-${n}`],
        replaced: 0,
      };
    };
    const all = await ok(`/governance/proposals/${ids.p1}/votes`);
    assert.deepEqual(all, { votes: voters.map(expectedVote), next_cursor: null });

    const page1 = await ok(`/governance/proposals/${ids.p1}/votes?limit=2`);
    assert.deepEqual(page1, { votes: voters.slice(0, 2).map(expectedVote), next_cursor: voters[1] });
    const page2 = await ok(`/governance/proposals/${ids.p1}/votes?limit=2&cursor=${voters[1]}`);
    assert.deepEqual(page2, { votes: voters.slice(2).map(expectedVote), next_cursor: voters[3] });
    const page3 = await ok(`/governance/proposals/${ids.p1}/votes?limit=2&cursor=${voters[3]}`);
    assert.deepEqual(page3, { votes: [], next_cursor: null });
    assertError(await get(`/governance/proposals/${ids.p1}/votes?cursor=nobody`), 400, "INVALID_ADDRESS");
    assert.equal(((await ok(`/governance/proposals/${ids.p2}/votes`)).votes as Body[]).length, 4);
  });

  it("GET /governance/voting-power/:address with and without proposal_id: exact values", async () => {
    // At P1's snapshot (height 0): dev:3 held its genesis balance; it has paid 2 vote fees since.
    assert.deepEqual(await ok(`/governance/voting-power/${dev(3).address}?proposal_id=${ids.p1}`), {
      address: dev(3).address,
      balance: (DEV - 2n * FEE).toString(),
      power: DEV.toString(),
      capped_power: DEV.toString(),
      power_cap: (SUPPLY0 / 5n).toString(), // 2,000 bp of the supply at height 0
      snapshot_height: 0,
    });
    assert.deepEqual(await ok(`/governance/voting-power/${FRESH.address}?proposal_id=${ids.p1}`), {
      address: FRESH.address,
      balance: XAI.toString(),
      power: "0",
      capped_power: "0",
      power_cap: (SUPPLY0 / 5n).toString(),
      snapshot_height: 0,
    });
    // Without a proposal: at the head (2), capped by the current rule. The supply at height 2 is the
    // genesis supply + 2 block rewards - the transfer's 24 bp to the treasury - P3's burned deposit.
    const supply2 = SUPPLY0 + 2n * REWARD - (XAI * 24n) / 10_000n - DEPOSIT;
    assert.deepEqual(await ok(`/governance/voting-power/${dev(3).address}`), {
      address: dev(3).address,
      balance: (DEV - 2n * FEE).toString(),
      power: (DEV - 2n * FEE).toString(),
      capped_power: (DEV - 2n * FEE).toString(),
      power_cap: ((supply2 * 2_000n) / 10_000n).toString(),
      snapshot_height: 2,
    });
    assertError(
      await get(`/governance/voting-power/${dev(3).address}?proposal_id=${"ef".repeat(16)}`),
      404,
      "GOV_UNKNOWN_PROPOSAL",
    );
    // §3 (v2): a malformed address is INVALID_ADDRESS with its fault.
    assertError(await get("/governance/voting-power/XAIbad"), 400, "INVALID_ADDRESS");
    for (const bad of BAD_ADDRESSES.filter((b) => b.value !== "")) {
      const r = await get(`/governance/voting-power/${encodeURIComponent(bad.value)}`);
      assertError(r, 400, "INVALID_ADDRESS");
      assert.deepEqual((r.body.error as Record<string, unknown>).data, {
        address_fault: bad.fault,
        field: "address",
      });
    }
  });

  it("end of voting: P1, P2 → code_review, P4 → rejected; GOV_VOTING_CLOSED, GOV_SELF_REVIEW", async () => {
    await mineTo(6);
    assert.equal((await proposal(ids.p1)).status, "code_review");
    assert.equal((await proposal(ids.p2)).status, "code_review");
    const p4 = await proposal(ids.p4);
    assert.equal(p4.status, "rejected");
    assert.equal(p4.failure_code, "no_quorum");
    assert.equal(p4.deposit_state, "burned");
    const byStatus = async (s: string) =>
      ((await ok(`/governance/proposals?status=${s}`)).proposals as Body[]).map((p) => p.id);
    assert.deepEqual(await byStatus("code_review"), [ids.p2, ids.p1]);
    assert.deepEqual(await byStatus("rejected"), [ids.p4]);
    assert.deepEqual(await byStatus("cancelled"), [ids.p3]);
    assert.deepEqual(await byStatus("voting"), []);

    await refused("/governance/vote", dev(5), vote(ids.p1, "yes"), "GOV_VOTING_CLOSED");
    await refused("/governance/vote", dev(1), vote(ids.p2, "no"), "GOV_VOTING_CLOSED");
    await refused("/governance/review", dev(0), review(ids.p1, true), "GOV_SELF_REVIEW");
    await refused(
      "/governance/cancel",
      dev(0),
      { type: "CANCEL_PROPOSAL", proposalId: ids.p1 },
      "GOV_NOT_CANCELLABLE",
    );
  });

  it("POST /governance/review → 202; a second review → GOV_DUPLICATE_REVIEW", async () => {
    for (const id of [ids.p1, ids.p2]) {
      txs[`r-${id}-5`] = await write("/governance/review", dev(5), review(id, true), id);
      txs[`r-${id}-6`] = await write("/governance/review", dev(6), review(id, true, "looks right"), id);
    }
    assert.equal(await mine(), 7);
    assert.equal(node.chain.mempool.size, 0);
    await refused("/governance/review", dev(5), review(ids.p1, false), "GOV_DUPLICATE_REVIEW");
  });

  it("POST /governance/implementation-vote → queued; GET /governance/timelock; early execution refused", async () => {
    await mineTo(11);
    const p = await proposal(ids.p1);
    assert.equal(p.status, "implementation_vote");
    // 3 yes voters of DEV each at 5,000 bps: half the yes power must approve (SPEC v2 §4.3 item 3).
    const noneYet = { approvals: "0", rejections: "0", approve_power: "0", reject_power: "0" };
    assert.deepEqual(p.implementation, { required_power: ((3n * DEV) / 2n).toString(), ...noneYet });
    await refused("/governance/implementation-vote", dev(4), implement(ids.p1), "GOV_NOT_ORIGINAL_YES_VOTER");
    assert.deepEqual(await ok("/governance/timelock"), { height: 11, queued: [] });
    for (const id of [ids.p1, ids.p2])
      for (const n of [1, 2])
        txs[`i-${id}-${n}`] = await write("/governance/implementation-vote", dev(n), implement(id), id);
    assert.equal(await mine(), 12);
    assert.equal(node.chain.mempool.size, 0);

    const t = await ok("/governance/timelock");
    assert.equal(t.height, 12);
    assert.deepEqual(
      (t.queued as Body[]).map((q) => [q.id, q.status, q.eta, q.execution_deadline]),
      [
        [ids.p1, "queued", 15, 35],
        [ids.p2, "queued", 15, 35],
      ],
    );
    assert.equal(await metric("xai_governance_timelock_queue_depth"), 2);
    assert.deepEqual(await ok("/governance/history"), { entries: [], next_cursor: null });
    // Block 13 < eta 15.
    await refused("/governance/execute", dev(9), execute(ids.p1), "GOV_TIMELOCK_ACTIVE");
  });

  it("POST /governance/execute at eta → executed; GET /governance/proposals/:id has every field", async () => {
    await mineTo(14);
    txs.e1 = await write("/governance/execute", dev(9), execute(ids.p1), ids.p1);
    txs.e2 = await write("/governance/execute", dev(9), execute(ids.p2), ids.p2);
    const treasury = BigInt((await ok(`/accounts/${TREASURY_ADDRESS}`)).balance as string);
    assert.equal(await mine(), 15);
    assert.equal(node.chain.mempool.size, 0);

    const p = await proposal(ids.p1);
    const g = node.chain.genesis;
    const head = node.chain.head;
    assert.equal(head.height, 15);
    const timeAt = async (h: number) =>
      h <= head.height
        ? slotStartMs(g, (await node.chain.blockAt(h))!.header.slot)
        : slotStartMs(g, head.slot) + (h - head.height) * g.blockTimeMs;
    const reviews = [
      { n: 5, reviewer: dev(5).address, comment: "" },
      { n: 6, reviewer: dev(6).address, comment: "looks right" },
    ]
      .sort((a, b) => compareAddresses(a.reviewer, b.reviewer))
      .map((r) => ({
        reviewer: r.reviewer,
        approved: true,
        comment: r.comment,
        code_hash: null,
        power: DEV.toString(),
        height: 7,
        tx_id: txs[`r-${ids.p1}-${r.n}`],
      }));
    const implementationVotes = [1, 2]
      .map((n) => ({ voter: dev(n).address, approved: true, height: 12, tx_id: txs[`i-${ids.p1}-${n}`] }))
      .sort((a, b) => compareAddresses(a.voter, b.voter));
    const rules = p.rules as Record<string, string>;
    assert.deepEqual(Object.keys(rules), RULES.map(([n]) => n).sort());
    for (const [name, , , , def] of RULES) assert.equal(rules[name], TEST_PRESET[name] ?? def, name);
    assert.deepEqual(p, {
      id: ids.p1,
      number: 1,
      proposer: dev(0).address,
      title: "protocol_parameter proposal",
      kind: "protocol_parameter",
      status: "executed",
      submit_height: 1,
      voting_end: 6,
      eta: 15,
      description: "described",
      payload: { name: "block_reward", value: "2000000000" },
      deposit: DEPOSIT.toString(),
      deposit_state: "refunded",
      submit_tx_id: txs.p1,
      heights: {
        submitted: 1,
        snapshot: 0,
        voting_end: 6,
        review_end: 11,
        implementation_end: 16,
        eta: 15,
        execution_deadline: 35,
      },
      status_history: [
        { status: "voting", height: 1 },
        { status: "code_review", height: 6 },
        { status: "implementation_vote", height: 11 },
        { status: "queued", height: 12 },
        { status: "executed", height: 15 },
      ],
      snapshot_supply: SUPPLY0.toString(),
      power_cap: (SUPPLY0 / 5n).toString(),
      participant_floor: ((SUPPLY0 * 10n + 9_999n) / 10_000n).toString(),
      tally: {
        yes: (3n * DEV).toString(),
        no: DEV.toString(),
        abstain: "0",
        participation: (4n * DEV).toString(),
        voters: "4",
        yes_voters: "3",
        heads: "4",
        quorum_reached: true,
        enough_voters: true,
        approved: true,
      },
      review: {
        reviewers: "2",
        approvals: "2",
        approve_power: (2n * DEV).toString(),
        total_power: (2n * DEV).toString(),
      },
      implementation: {
        required_power: ((3n * DEV) / 2n).toString(),
        approvals: "2",
        rejections: "0",
        approve_power: (2n * DEV).toString(),
        reject_power: "0",
      },
      rules,
      execution: {
        height: 15,
        tx_id: txs.e1,
        ok: true,
        error_code: null,
        changes: [{ space: "param", key: "block_reward", before: "1200000000", after: "2000000000" }],
      },
      failure_code: null,
      rolled_back_by: null,
      cancelled_by: null,
      // Issue 12: a reached height's time is its block's slot start, a later one is estimated.
      timing: {
        current_height: 15,
        block_time_ms: 200,
        stage: null,
        stage_end_height: null,
        blocks_left: null,
        stage_end_time_ms: null,
        times_ms: {
          voting_end: await timeAt(6),
          review_end: await timeAt(11),
          implementation_end: await timeAt(16),
          eta: await timeAt(15),
          execution_deadline: await timeAt(35),
        },
      },
    });
    // C1: the lists are paginated routes of their own (SPEC v2 §5).
    assert.deepEqual(await ok(`/governance/proposals/${ids.p1}/reviews`), { reviews, next_cursor: null });
    assert.deepEqual(await ok(`/governance/proposals/${ids.p1}/reviews?limit=1`), {
      reviews: reviews.slice(0, 1),
      next_cursor: reviews[0]!.reviewer,
    });
    assert.deepEqual(
      await ok(`/governance/proposals/${ids.p1}/reviews?limit=1&cursor=${reviews[0]!.reviewer}`),
      {
        reviews: reviews.slice(1),
        next_cursor: reviews[1]!.reviewer,
      },
    );
    assert.deepEqual(
      await ok(`/governance/proposals/${ids.p1}/reviews?limit=1&cursor=${reviews[1]!.reviewer}`),
      {
        reviews: [],
        next_cursor: null,
      },
    );
    assert.deepEqual(await ok(`/governance/proposals/${ids.p1}/implementation-votes`), {
      implementation_votes: implementationVotes,
      next_cursor: null,
    });
    assert.deepEqual(
      await ok(
        `/governance/proposals/${ids.p1}/implementation-votes?limit=1&cursor=${implementationVotes[0]!.voter}`,
      ),
      { implementation_votes: implementationVotes.slice(1), next_cursor: implementationVotes[1]!.voter },
    );
    for (const list of ["reviews", "implementation-votes"]) {
      assertError(await get(`/governance/proposals/${ids.p1}/${list}?cursor=nobody`), 400, "INVALID_ADDRESS");
      assertError(await get(`/governance/proposals/${ids.p1}/${list}?limit=-1`), 400, "BAD_REQUEST");
      assertError(await get(`/governance/proposals/${"ef".repeat(16)}/${list}`), 404, "GOV_UNKNOWN_PROPOSAL");
      assertError(await get(`/governance/proposals/xyz/${list}`), 400, "BAD_REQUEST");
    }

    const p2 = await proposal(ids.p2);
    assert.equal(p2.status, "executed");
    assert.deepEqual(p2.payload, { recipient: GRANTEE, amount: GRANT.toString(), purpose: "grant" });
    assert.deepEqual((p2.execution as Body).changes, [
      {
        space: "balance",
        key: TREASURY_ADDRESS,
        before: treasury.toString(),
        after: (treasury - GRANT).toString(),
      },
      { space: "balance", key: GRANTEE, before: "0", after: GRANT.toString() },
    ]);
    assert.equal((await ok(`/accounts/${GRANTEE}`)).balance, GRANT.toString());
    assert.deepEqual(await ok("/governance/timelock"), { height: 15, queued: [] });
    const params = (await ok("/governance/params")).params as Body[];
    assert.equal(params.find((e) => e.name === "block_reward")?.value, "2000000000");
    assert.equal(params.find((e) => e.name === "block_reward")?.default, "1200000000");
    // A second execution: no longer queued.
    await refused("/governance/execute", dev(9), execute(ids.p1), "GOV_NOT_QUEUED");
  });

  it("GET /governance/history: every execution, newest first, paginated", async () => {
    const entry = (seq: number, id: string, kind: string, txId: string | undefined, changes: unknown) => ({
      seq,
      height: 15,
      tx_id: txId,
      event: "executed",
      proposal_id: id,
      number: seq,
      kind,
      error_code: null,
      target: null,
      changes,
    });
    const p2Changes = ((await proposal(ids.p2)).execution as Body).changes;
    const e2 = entry(2, ids.p2, "treasury_allocation", txs.e2, p2Changes);
    const e1 = entry(1, ids.p1, "protocol_parameter", txs.e1, [
      { space: "param", key: "block_reward", before: "1200000000", after: "2000000000" },
    ]);
    assert.deepEqual(await ok("/governance/history"), { entries: [e2, e1], next_cursor: null });
    assert.deepEqual(await ok("/governance/history?limit=1"), { entries: [e2], next_cursor: 2 });
    assert.deepEqual(await ok("/governance/history?limit=1&cursor=2"), { entries: [e1], next_cursor: 1 });
    assert.deepEqual(await ok("/governance/history?limit=1&cursor=1"), { entries: [], next_cursor: null });
    assertError(await get("/governance/history?cursor=-3"), 400, "BAD_REQUEST");
  });

  it("POST /governance/fiat-unlock/vote → 202 {tx_id, status}; GET /governance/fiat-unlock/status counts it", async () => {
    await refused(
      "/governance/fiat-unlock/vote",
      dev(9),
      { type: "FIAT_UNLOCK_VOTE", support: true, reason: "x".repeat(501) },
      "GOV_REASON_TOO_LONG",
    );
    txs.fiat = await write("/governance/fiat-unlock/vote", dev(8), {
      type: "FIAT_UNLOCK_VOTE",
      support: true,
      reason: "go",
    });
    assert.equal(await mine(), 16);
    assert.equal(node.chain.mempool.size, 0);
    // dev:8 paid a fee and a deposit before height 9 (P4 in block 1; the deposit was burned at 6).
    const power = DEV - FEE - DEPOSIT;
    assert.deepEqual(await ok("/governance/fiat-unlock/status"), {
      height: 16,
      start_height: 10,
      snapshot_height: 9,
      auto_unlock_height: 1_000_000,
      min_votes: "5",
      support_bps: "6600",
      quorum_bps: "2000",
      supply: (await circulatingSupplyAt(node.chain.state, 9)).toString(),
      voters: "1",
      heads: "1",
      support_power: power.toString(),
      voted_power: power.toString(),
      quorum_reached: false,
      threshold_met: false,
      unlocked: false,
      unlocked_height: null,
      unlock_reason: null,
      unlock_tx_id: null,
    });
  });

  it("GET /metrics: xai_governance_* with exact values", async () => {
    const text = (await get("/metrics")).text;
    const all = samples(text);
    const value = (name: string, labels: Record<string, string>) =>
      all.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    const byStatus: Record<string, number> = {
      voting: 0,
      code_review: 0,
      implementation_vote: 0,
      queued: 0,
      executed: 2,
      rejected: 1,
      cancelled: 1,
      failed: 0,
      expired: 0,
      rolled_back: 0,
    };
    // One sample per (kind, status) that has proposals; a status without any has no sample.
    const proposals = all.filter((s) => s.name === "xai_governance_proposals");
    for (const [status, n] of Object.entries(byStatus))
      assert.equal(
        proposals.filter((s) => s.labels.status === status).reduce((sum, s) => sum + s.value, 0),
        n,
        `proposals{status="${status}"}`,
      );
    assert.equal(value("xai_governance_proposals", { kind: "protocol_parameter", status: "executed" }), 1);
    assert.equal(value("xai_governance_proposals", { kind: "treasury_allocation", status: "executed" }), 1);
    assert.equal(proposals.filter((s) => s.value === 0).length, 0);
    assert.equal(value("xai_governance_votes_total", { option: "yes" }), 7);
    assert.equal(value("xai_governance_votes_total", { option: "no" }), 1);
    // Every known label value starts at 0 (issue 12), so an option nobody chose has a 0 sample.
    assert.equal(value("xai_governance_votes_total", { option: "abstain" }), 0);
    assert.equal(
      value("xai_governance_executions_total", { kind: "protocol_parameter", result: "executed" }),
      1,
    );
    assert.equal(
      value("xai_governance_executions_total", { kind: "treasury_allocation", result: "executed" }),
      1,
    );
    const executions = all.filter((s) => s.name === "xai_governance_executions_total");
    assert.equal(executions.length, PROPOSAL_KINDS.length * 2, "every kind x {executed, failed}");
    assert.equal(executions.filter((s) => s.value > 0).length, 2);
    assert.equal(value("xai_governance_timelock_queue_depth", {}), 0);
    assert.equal(value("xai_governance_proposals_submitted_total", { kind: "protocol_parameter" }), 2);

    // Every GOV_* rejection of a write route, counted exactly once per refusal.
    assert.equal(rejected.get("GOV_INVALID_VALUE"), 2);
    const counted = all.filter((s) => s.name === "xai_governance_rejected_txs_total");
    assert.deepEqual(
      Object.fromEntries(counted.map((s) => [s.labels.code, s.value])),
      Object.fromEntries(rejected),
    );
    assert.match(text, /^# TYPE xai_governance_rejected_txs_total counter$/m);
    assert.match(text, /^xai_governance_rejected_txs_total\{code="GOV_INVALID_VALUE"\} 2$/m);
  });
});
