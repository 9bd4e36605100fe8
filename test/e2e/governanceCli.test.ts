// End-to-end checks of the governance commands of the CLI (SPEC §6): `node bin/xai-gov.js ...` (the
// compiled code in dist/; run `npx tsc -p .` first) against a node started in-process with block
// production off. The test produces every block itself, so heights are exact and no vote can miss
// its window on a slow machine; a `--wait` command gets its block as soon as its transaction is in
// the mempool.
//
// Timeline (test preset): P1 (dev:0, block_reward) in block 1, P2 (dev:7) in block 2, votes and
// P2's cancellation in 3, end of voting 6, reviews in 7, end of review 11, implementation votes in
// 12 (eta 15), execution in 15, fiat-unlock vote in 16.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { slotAt } from "../../src/chain/slots.js";
import { compareAddresses, devKeyPair, type KeyPair } from "../../src/crypto/keys.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import type { Logger } from "../../src/logger.js";
import { initChain } from "../../src/node/initChain.js";
import { readKeyFile } from "../../src/node/keyFile.js";
import { XaiNode } from "../../src/node/node.js";
import { nodePaths } from "../../src/node/paths.js";
import { getAccount } from "../../src/state-transition/accounts.js";
import { BAD_ADDRESSES } from "../utils/badAddresses.js";
import { killCliChildren, ROOT, type Run, spawnCli } from "../utils/cli.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const XAI = 100_000_000n;
const DEV = 1_000_000n * XAI;
const FEE = 1_000n;
const DEPOSIT = 10n * XAI;

type Body = Record<string, unknown>;

const dev = (n: number): KeyPair => devKeyPair(n);

/** Stdout that must be exactly one JSON value on one line (--json). */
function oneJson(r: Run): Body {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, "", "nothing on stderr");
  assert.ok(r.stdout.endsWith("\n"), "stdout ends with a newline");
  const lines = r.stdout.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `one line of JSON, got: ${r.stdout}`);
  return JSON.parse(lines[0]!) as Body;
}

/** A failed run: exit 1, nothing on stdout, one `CODE: message` line on stderr. */
function assertFailed(r: Run, code: string): void {
  assert.equal(r.code, 1, `exit 1; stdout: ${r.stdout}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "", `nothing on stdout, got: ${r.stdout}`);
  const m = /^([A-Z][A-Z0-9_]*): (.+)\n$/.exec(r.stderr);
  assert.ok(m, `stderr is "CODE: message", got: ${JSON.stringify(r.stderr)}`);
  assert.equal(m[1], code, r.stderr);
}

describe("e2e: governance CLI", function () {
  this.timeout(60_000);
  let dir: string;
  let node: XaiNode;
  let validator: KeyPair;
  let url: string;
  let p1 = "";
  let p2 = "";

  async function mine(): Promise<number> {
    const slot = Math.max(slotAt(node.chain.genesis, Date.now()), node.chain.head.slot + 1);
    const block = await node.chain.produceBlock(slot, validator);
    assert.ok(block, "block produced");
    return block.header.height;
  }

  async function mineTo(height: number): Promise<void> {
    while (node.chain.head.height < height) await mine();
  }

  /** Runs the CLI with `--node URL` appended (and the pinned chain id for `tx`, SPEC §6 v2). */
  const cli = (...args: string[]) =>
    spawnCli([...args, "--node", url, ...(args[0] === "tx" ? ["--chain-id", "xai-devnet-1"] : [])]);

  /**
   * Runs a `--wait` command, producing a block once its transaction has joined the mempool (so
   * that transactions already pending go into the same block).
   */
  async function cliMined(...args: string[]): Promise<Run> {
    let done = false;
    let pending = node.chain.mempool.size;
    const run = cli(...args).finally(() => {
      done = true;
    });
    while (!done) {
      if (node.chain.mempool.size > pending) {
        await mine();
        pending = node.chain.mempool.size;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return run;
  }

  /** A route of the node, read directly (what the CLI output must equal). */
  async function http(path: string): Promise<Body> {
    const res = await fetch(`${url}${path}`);
    assert.equal(res.status, 200, path);
    return (await res.json()) as Body;
  }

  /** Asserts that nothing reached the chain (empty mempool, nonce unchanged). */
  async function nothingSubmitted(key: KeyPair, nonce: bigint): Promise<void> {
    assert.equal(node.chain.mempool.size, 0, "nothing in the mempool");
    assert.equal((await getAccount(node.chain.state, key.address)).nonce, nonce);
  }

  before(async function () {
    if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) this.skip();
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-gov-cli-"));
    initChain({ dir, dev: true, preset: "test", blockTimeMs: "250" }, Date.now());
    validator = readKeyFile(nodePaths(dir).validatorKey);
    node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, produce: false, log: silent });
    url = node.apiAddress;
  });

  after(async () => {
    killCliChildren();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("bad options fail locally: --kind bogus, --payload notjson → BAD_OPTION / BAD_PAYLOAD, exit 1", async () => {
    const submit = (kind: string, payload: string) =>
      cli(
        "tx",
        "submit-proposal",
        "--kind",
        kind,
        "--payload",
        payload,
        "--title",
        "T",
        "--key",
        "dev:0",
        "--json",
      );
    const [bogus, notJson, missing, notObject, badEnabled] = await Promise.all([
      submit("bogus", '{"name":"block_reward","value":"2000000000"}'),
      submit("protocol_parameter", "notjson"),
      submit("protocol_parameter", '{"name":"block_reward"}'),
      submit("protocol_parameter", "[1]"),
      submit("feature_activation", '{"feature":"fee_burn","enabled":"yes"}'),
    ]);
    assertFailed(bogus, "BAD_OPTION");
    assertFailed(notJson, "BAD_PAYLOAD");
    assertFailed(missing, "BAD_PAYLOAD");
    assertFailed(notObject, "BAD_PAYLOAD");
    assertFailed(badEnabled, "BAD_PAYLOAD");
    await nothingSubmitted(dev(0), 0n);
    assert.equal(node.chain.head.height, 0);
  });

  it("§3 (v2) malformed addresses fail locally with INVALID_ADDRESS and the fault: --payload recipient, query voting-power, votes --cursor", async () => {
    const bad = (what: string) => BAD_ADDRESSES.find((b) => b.what.startsWith(what))!;
    const cases: Array<[string[], string, string]> = [
      ...["one wrong checksum", "another chain", "the old XAI", "uppercase", "19 bytes"].map(
        (what): [string[], string, string] => [
          [
            "tx",
            "submit-proposal",
            "--kind",
            "treasury_allocation",
            "--payload",
            JSON.stringify({ recipient: bad(what).value, amount: "1", purpose: "p" }),
            "--title",
            "T",
            "--key",
            "dev:0",
            "--json",
          ],
          "--payload recipient",
          bad(what).fault,
        ],
      ),
      [["query", "voting-power", bad("one wrong checksum").value, "--json"], "address", "checksum"],
      [["query", "voting-power", bad("mixed case").value, "--json"], "address", "case"],
      [["query", "votes", "1", "--cursor", bad("a prefix one").value, "--json"], "--cursor", "prefix"],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(...args)));
    for (const [i, r] of runs.entries()) {
      assertFailed(r, "INVALID_ADDRESS");
      const [, field, fault] = cases[i]!;
      assert.ok(r.stderr.startsWith(`INVALID_ADDRESS: ${field} is not an address (${fault})`), r.stderr);
    }
    await nothingSubmitted(dev(0), 0n);
    assert.equal(node.chain.head.height, 0);
  });

  it("tx submit-proposal --wait --json → one JSON object with proposal_id", async () => {
    const r = oneJson(
      await cliMined(
        "tx",
        "submit-proposal",
        "--kind",
        "protocol_parameter",
        "--payload",
        '{"name":"block_reward","value":"2000000000"}',
        "--title",
        "T",
        "--key",
        "dev:0",
        "--wait",
        "--json",
      ),
    );
    p1 = proposalIdOf(r.tx_id as string);
    assert.deepEqual(Object.keys(r).sort(), [
      "error_code",
      "fee",
      "height",
      "proposal_id",
      "result",
      "tx_id",
    ]);
    assert.match(r.tx_id as string, /^[0-9a-f]{64}$/);
    assert.deepEqual(r, {
      tx_id: r.tx_id,
      height: 1,
      result: "ok",
      error_code: null,
      proposal_id: p1,
      fee: "1000",
    });
    const p = await http(`/governance/proposals/${p1}`);
    assert.equal(p.status, "voting");
    assert.equal(p.title, "T");
    assert.equal(p.description, "");
    assert.deepEqual(p.payload, { name: "block_reward", value: "2000000000" });
    // No --deposit: the current proposal_deposit rule (10 XAI).
    assert.equal(p.deposit, DEPOSIT.toString());
    assert.equal(p.submit_tx_id, r.tx_id);
    assert.equal((await getAccount(node.chain.state, dev(0).address)).balance, DEV - DEPOSIT - FEE);
  });

  it("tx submit-proposal without --wait prints the 202 answer; --deposit is honoured", async () => {
    const r = oneJson(
      await cli(
        "tx",
        "submit-proposal",
        "--kind",
        "feature_activation",
        "--payload",
        '{"feature":"fee_burn","enabled":true}',
        "--title",
        "rails",
        "--description",
        "turn them on",
        "--deposit",
        "1500000000",
        "--key",
        "dev:7",
        "--json",
      ),
    );
    p2 = proposalIdOf(r.tx_id as string);
    assert.deepEqual(r, { tx_id: r.tx_id, proposal_id: p2, status: "pending", fee: "1000" });
    assert.equal(await mine(), 2);
    const p = await http(`/governance/proposals/${p2}`);
    assert.equal(p.status, "voting");
    assert.equal(p.deposit, "1500000000");
    assert.equal(p.description, "turn them on");
    assert.deepEqual(p.payload, { feature: "fee_burn", enabled: true });
  });

  it("tx vote, tx cancel → 202 answers; GOV errors from the node exit 1 with their code", async () => {
    // Four voters (40 % of the dev supply) reach the quorum of 33.4 %; three would not.
    const votes = await Promise.all(
      [1, 2, 3, 5].map((n) =>
        cli(
          "tx",
          "vote",
          "--proposal",
          p1,
          "--option",
          n === 3 ? "abstain" : "yes",
          "--key",
          `dev:${n}`,
          "--json",
        ),
      ),
    );
    for (const v of votes) {
      const r = oneJson(v);
      assert.deepEqual(r, { tx_id: r.tx_id, proposal_id: p1, status: "pending", fee: "1000" });
    }
    // dev:3 changes its mind in the same block: the later vote replaces the earlier one. It names
    // the proposal by its number (issue 12): the CLI resolves it with the node and says so.
    const number = String((await http(`/governance/proposals/${p1}`)).number);
    const byNumber = await cli(
      "tx",
      "vote",
      "--proposal",
      number,
      "--option",
      "yes",
      "--key",
      "dev:3",
      "--json",
    );
    const again = oneJson({ ...byNumber, stderr: "" }); // its stderr line is checked below
    // Exactly these fields (their order is the API schema's: required ones first).
    assert.deepEqual(Object.keys(again).sort(), ["fee", "proposal_id", "status", "tx_id"]);
    assert.equal(again.proposal_id, p1);
    assert.match(
      byNumber.stderr,
      new RegExp(`^proposal ${number} is ${p1} \\(".*"\\), as .* reports it; pass the id to pin it\n$`),
    );
    assertFailed(
      await cli("tx", "vote", "--proposal", "999", "--option", "yes", "--key", "dev:3"),
      "GOV_UNKNOWN_PROPOSAL",
    );
    assertFailed(
      await cli("tx", "vote", "--proposal", "0x1", "--option", "yes", "--key", "dev:3"),
      "BAD_OPTION",
    );
    const [notProposer, badOption, cancel] = await Promise.all([
      cli("tx", "cancel", "--proposal", p2, "--key", "dev:8", "--json"),
      cli("tx", "vote", "--proposal", p1, "--option", "maybe", "--key", "dev:4", "--json"),
      cli("tx", "cancel", "--proposal", p2, "--key", "dev:7", "--json"),
    ]);
    assertFailed(notProposer, "GOV_NOT_PROPOSER");
    assertFailed(badOption, "BAD_OPTION");
    const c = oneJson(cancel);
    assert.deepEqual(c, { tx_id: c.tx_id, proposal_id: p2, status: "pending", fee: "1000" });
    assert.equal(node.chain.mempool.size, 6);
    assert.equal(await mine(), 3);
    assert.equal(node.chain.mempool.size, 0);
    const p = await http(`/governance/proposals/${p2}`);
    assert.equal(p.status, "cancelled");
    assert.equal(p.deposit_state, "burned");
    const tally = (await http(`/governance/proposals/${p1}`)).tally as Body;
    assert.equal(tally.yes, (4n * DEV).toString());
    assert.equal(tally.abstain, "0");
    assert.equal(tally.voters, "4");
  });

  it("query proposals --status voting --json, query proposal ID --json, query votes ID", async () => {
    const [list, one, votes, unknown] = await Promise.all([
      cli("query", "proposals", "--status", "voting", "--json"),
      cli("query", "proposal", p1, "--json"),
      cli("query", "votes", p1),
      cli("query", "proposal", "ef".repeat(16), "--json"),
    ]);
    const l = oneJson(list);
    assert.deepEqual(l, await http("/governance/proposals?status=voting"));
    assert.deepEqual(
      (l.proposals as Body[]).map((p) => [p.id, p.status]),
      [[p1, "voting"]],
    );
    assert.equal(l.next_cursor, null);

    const p = oneJson(one);
    assert.deepEqual(p, await http(`/governance/proposals/${p1}`));
    assert.equal(p.id, p1);
    assert.equal(p.kind, "protocol_parameter");
    assert.equal(p.status, "voting");
    assert.deepEqual(p.heights, {
      submitted: 1,
      snapshot: 0,
      voting_end: 6,
      review_end: 11,
      implementation_end: 16,
      eta: null,
      execution_deadline: null,
    });

    // Without --json: indented JSON for people, the same value.
    assert.equal(votes.code, 0, votes.stderr);
    assert.equal(votes.stderr, "");
    assert.ok(votes.stdout.split("\n").length > 3, "indented");
    const v = JSON.parse(votes.stdout) as Body;
    assert.deepEqual(v, await http(`/governance/proposals/${p1}/votes`));
    const list4 = v.votes as Body[];
    assert.deepEqual(
      list4.map((x) => x.voter),
      [1, 2, 3, 5].map((n) => dev(n).address).sort(compareAddresses),
    );
    for (const x of list4) {
      assert.equal(x.option, "yes");
      assert.equal(x.power, DEV.toString());
      assert.equal(x.height, 3);
    }
    assert.equal(list4.find((x) => x.voter === dev(3).address)?.replaced, 1);
    assertFailed(unknown, "GOV_UNKNOWN_PROPOSAL");
  });

  it("query voting-power ADDR --proposal ID (and without)", async () => {
    const [atSnapshot, now] = await Promise.all([
      cli("query", "voting-power", dev(3).address, "--proposal", p1, "--json"),
      cli("query", "voting-power", dev(3).address, "--json"),
    ]);
    assert.deepEqual(oneJson(atSnapshot), {
      address: dev(3).address,
      balance: (DEV - 2n * FEE).toString(),
      power: DEV.toString(),
      capped_power: DEV.toString(),
      power_cap: ((10n * DEV) / 5n).toString(), // 2,000 bp of the supply at height 0
      snapshot_height: 0,
    });
    const n = oneJson(now);
    assert.equal(n.snapshot_height, 3);
    assert.equal(n.power, (DEV - 2n * FEE).toString());
  });

  it("tx review --approve (--wait) / both --approve and --reject → BAD_OPTION", async () => {
    await mineTo(6);
    assert.equal((await http(`/governance/proposals/${p1}`)).status, "code_review");
    const [both, neither, closed] = await Promise.all([
      cli("tx", "review", "--proposal", p1, "--approve", "--reject", "--key", "dev:4", "--json"),
      cli("tx", "review", "--proposal", p1, "--key", "dev:4", "--json"),
      cli("tx", "vote", "--proposal", p1, "--option", "yes", "--key", "dev:4", "--json"),
    ]);
    assertFailed(both, "BAD_OPTION");
    assertFailed(neither, "BAD_OPTION");
    assertFailed(closed, "GOV_VOTING_CLOSED");
    await nothingSubmitted(dev(4), 0n);

    const first = oneJson(
      await cli(
        "tx",
        "review",
        "--proposal",
        p1,
        "--approve",
        "--comment",
        "lgtm",
        "--key",
        "dev:4",
        "--json",
      ),
    );
    assert.deepEqual(first, { tx_id: first.tx_id, proposal_id: p1, status: "pending", fee: "1000" });
    const second = oneJson(
      await cliMined("tx", "review", "--proposal", p1, "--approve", "--key", "dev:5", "--wait", "--json"),
    );
    assert.deepEqual(second, {
      tx_id: second.tx_id,
      height: 7,
      result: "ok",
      error_code: null,
      proposal_id: p1,
      fee: "1000",
    });
    // SPEC v2 §4.6: reviews are a paginated query of their own (`query reviews ID`).
    const reviews = oneJson(await cli("query", "reviews", p1, "--json"));
    assert.deepEqual(reviews, await http(`/governance/proposals/${p1}/reviews`));
    assert.equal(reviews.next_cursor, null);
    assert.deepEqual(
      (reviews.reviews as Body[]).map((r) => [r.reviewer, r.approved, r.comment, r.height]).sort(),
      [
        [dev(4).address, true, "lgtm", 7],
        [dev(5).address, true, "", 7],
      ].sort(),
    );
    const page = oneJson(await cli("query", "reviews", p1, "--limit", "1", "--json"));
    assert.deepEqual(page, await http(`/governance/proposals/${p1}/reviews?limit=1`));
    assert.equal((page.reviews as Body[]).length, 1);
    const rest = oneJson(await cli("query", "reviews", p1, "--cursor", String(page.next_cursor), "--json"));
    assert.deepEqual(rest, await http(`/governance/proposals/${p1}/reviews?cursor=${page.next_cursor}`));
    assert.equal((rest.reviews as Body[]).length, 1);
  });

  it("tx implementation-vote --approve → queued; query timelock", async () => {
    await mineTo(11);
    assert.equal((await http(`/governance/proposals/${p1}`)).status, "implementation_vote");
    const runs = await Promise.all(
      [1, 2].map((n) =>
        cli("tx", "implementation-vote", "--proposal", p1, "--approve", "--key", `dev:${n}`, "--json"),
      ),
    );
    for (const r of runs) {
      const o = oneJson(r);
      assert.deepEqual(o, { tx_id: o.tx_id, proposal_id: p1, status: "pending", fee: "1000" });
    }
    assert.equal(await mine(), 12);
    const iv = oneJson(await cli("query", "implementation-votes", p1, "--json"));
    assert.deepEqual(iv, await http(`/governance/proposals/${p1}/implementation-votes`));
    assert.deepEqual(
      (iv.implementation_votes as Body[]).map((v) => [v.voter, v.approved]).sort(),
      [
        [dev(1).address, true],
        [dev(2).address, true],
      ].sort(),
    );
    const t = oneJson(await cli("query", "timelock", "--json"));
    assert.deepEqual(t, await http("/governance/timelock"));
    assert.equal(t.height, 12);
    assert.deepEqual(
      (t.queued as Body[]).map((q) => [q.id, q.status, q.eta, q.execution_deadline]),
      [[p1, "queued", 15, 35]],
    );
    // Before eta: refused by the node.
    assertFailed(
      await cli("tx", "execute", "--proposal", p1, "--key", "dev:9", "--json"),
      "GOV_TIMELOCK_ACTIVE",
    );
    await nothingSubmitted(dev(9), 0n);
  });

  it("tx execute --wait at eta; query proposal, params, features, history show the change", async () => {
    await mineTo(14);
    const r = oneJson(
      await cliMined("tx", "execute", "--proposal", p1, "--key", "dev:9", "--wait", "--json"),
    );
    assert.deepEqual(r, {
      tx_id: r.tx_id,
      height: 15,
      result: "ok",
      error_code: null,
      proposal_id: p1,
      fee: "1000",
    });

    const [proposal, params, features, historyRun] = await Promise.all([
      cli("query", "proposal", p1, "--json"),
      cli("query", "params", "--json"),
      cli("query", "features"),
      cli("query", "history", "--json"),
    ]);
    const p = oneJson(proposal);
    assert.equal(p.status, "executed");
    assert.deepEqual(p.execution, {
      height: 15,
      tx_id: r.tx_id,
      ok: true,
      error_code: null,
      changes: [{ space: "param", key: "block_reward", before: "1200000000", after: "2000000000" }],
    });

    const ps = oneJson(params);
    assert.deepEqual(ps, await http("/governance/params"));
    const reward = (ps.params as Body[]).find((e) => e.name === "block_reward");
    assert.deepEqual(
      { ...reward, description: undefined },
      {
        name: "block_reward",
        type: "amount",
        min: "0",
        max: "5000000000",
        default: "1200000000",
        value: "2000000000",
        description: undefined,
        governable: true,
      },
    );
    assert.equal((ps.rules as Body[]).find((e) => e.name === "timelock_blocks")?.value, "3");

    assert.equal(features.code, 0, features.stderr);
    const fs = JSON.parse(features.stdout) as Body;
    assert.deepEqual(fs, await http("/governance/features"));
    assert.deepEqual((fs.features as Body[]).map((f) => [f.name, f.value]).sort(), [
      ["fee_burn", "false"],
      ["fiat_rails", "false"],
      ["transfers", "true"],
      ["treasury_spending", "true"],
    ]);

    const h = oneJson(historyRun);
    assert.deepEqual(h, await http("/governance/history"));
    assert.deepEqual(
      (h.entries as Body[]).map((e) => [e.seq, e.event, e.proposal_id, e.height, e.tx_id]),
      [[1, "executed", p1, 15, r.tx_id]],
    );
    assert.equal(h.next_cursor, null);
  });

  it("tx fiat-unlock-vote --support --wait; --support with --oppose → BAD_OPTION", async () => {
    assertFailed(
      await cli("tx", "fiat-unlock-vote", "--support", "--oppose", "--key", "dev:8", "--json"),
      "BAD_OPTION",
    );
    await nothingSubmitted(dev(8), 0n);
    const r = oneJson(
      await cliMined(
        "tx",
        "fiat-unlock-vote",
        "--support",
        "--reason",
        "ready",
        "--key",
        "dev:8",
        "--wait",
        "--json",
      ),
    );
    assert.deepEqual(r, {
      tx_id: r.tx_id,
      height: 16,
      result: "ok",
      error_code: null,
      proposal_id: null,
      fee: "1000",
    });
    const s = await http("/governance/fiat-unlock/status");
    assert.equal(s.voters, "1");
    assert.equal(s.support_power, DEV.toString()); // dev:8 held its genesis balance at height 9
    assert.equal(s.voted_power, DEV.toString());
    assert.equal(s.unlocked, false);
  });
});
