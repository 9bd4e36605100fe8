import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { proposerOfSlot } from "../../src/config/genesis.js";
import { fromHex } from "../../src/crypto/bytes.js";
import { generateKeyPair } from "../../src/crypto/keygen.js";
import { sign } from "../../src/crypto/keys.js";
import { txRootOfBytes } from "../../src/state-transition/applyBlock.js";
import { assembleBlock, type BlockHeader, blockSigningMessage, encodeHeader } from "../../src/types/block.js";
import type { Payload } from "../../src/types/tx.js";
import { encodeSignedTx, encodeTxBody } from "../../src/types/txCodec.js";
import type { Cluster } from "../cluster.js";
import { waitFor } from "../cluster.js";
import { assertSameGovernance, submitProposal } from "../gov.js";
import { metricLabels, metricTotal } from "../metrics.js";
import { RoguePeer } from "../rogue.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, send, signTx, XAI } from "../txs.js";

const rejects = (m: string) =>
  metricTotal(m, "xai_chain_gossip_results_total", (l) => l.includes('result="reject"'));

/** Invalid governance transactions, each a distinct message (gossip drops duplicates). */
async function invalidGovTxs(
  c: Cluster,
  proposalId: string,
  nonce: bigint,
): Promise<Array<{ what: string; bytes: Uint8Array }>> {
  const chainId = c.genesis.chainId;
  const signer = dev(8);
  const out: Array<{ what: string; bytes: Uint8Array }> = [];
  const fee = (k: number) => 1000n + BigInt(k);
  let k = 0;
  const unknown = randomBytes(16).toString("hex");
  // Correctly signed, right nonce, but invalid for the governance module.
  out.push({
    what: "vote on an unknown proposal",
    bytes: signTx(signer, payloads.vote(unknown, "yes"), { chainId, nonce, fee: fee(k++) }).bytes,
  });
  out.push({
    what: "block_reward above its bound (100 XAI > 50 XAI)",
    bytes: signTx(
      signer,
      payloads.propose(
        { kind: "protocol_parameter", name: "block_reward", value: (100n * XAI).toString() },
        "rogue",
      ),
      { chainId, nonce, fee: fee(k++) },
    ).bytes,
  });
  out.push({
    what: "approval_bps below its bound",
    bytes: signTx(
      signer,
      payloads.propose({ kind: "governance_rule", rule: "approval_bps", value: "1000" }, "rogue"),
      {
        chainId,
        nonce,
        fee: fee(k++),
      },
    ).bytes,
  });
  out.push({
    what: "unregistered parameter",
    bytes: signTx(
      signer,
      payloads.propose({ kind: "protocol_parameter", name: "mint_to_me", value: "1" }, "rogue"),
      {
        chainId,
        nonce,
        fee: fee(k++),
      },
    ).bytes,
  });
  // Invalid whatever the state (the only governance faults that gossip rejects: a fault that
  // depends on the chain's state is ignored, since an honest peer a block off may relay it).
  const intrinsic: Array<[string, Payload]> = [
    [
      "quorum_bps not a number",
      payloads.propose({ kind: "governance_rule", rule: "quorum_bps", value: "abc" }, "rogue"),
    ],
    [
      "unregistered feature",
      payloads.propose({ kind: "feature_activation", feature: "mint", enabled: true }, "rogue"),
    ],
    ["empty title", payloads.propose({ kind: "protocol_parameter", name: "min_tx_fee", value: "2000" }, "")],
    [
      "title over 140 characters",
      payloads.propose({ kind: "protocol_parameter", name: "min_tx_fee", value: "2000" }, "x".repeat(141)),
    ],
    [
      "unknown emergency action",
      payloads.propose({ kind: "emergency_action", action: "mint_to_me", proposalId: "" }, "rogue"),
    ],
  ];
  for (const [what, payload] of intrinsic)
    out.push({ what, bytes: signTx(signer, payload, { chainId, nonce, fee: fee(k++) }).bytes });
  out.push({
    what: "execute a proposal that is in voting",
    bytes: signTx(signer, payloads.execute(proposalId), { chainId, nonce, fee: fee(k++) }).bytes,
  });
  out.push({
    what: "review of a proposal in voting",
    bytes: signTx(signer, payloads.review(proposalId, true), { chainId, nonce, fee: fee(k++) }).bytes,
  });
  out.push({
    what: "treasury allocation far above the treasury",
    bytes: signTx(
      signer,
      payloads.propose(
        {
          kind: "treasury_allocation",
          recipient: signer.address,
          amount: (10n ** 18n).toString(),
          purpose: "rogue",
        },
        "rogue",
      ),
      { chainId, nonce, fee: fee(k++) },
    ).bytes,
  });
  // A vote in dev:1's name signed by another key.
  const body = encodeTxBody({
    chainId,
    nonce: 0n,
    publicKey: dev(1).publicKey,
    fee: 1000n,
    payload: payloads.vote(proposalId, "no"),
  });
  out.push({
    what: "forged vote (bad signature)",
    bytes: encodeSignedTx(body, sign(body, generateKeyPair().secretKey)),
  });
  out.push({ what: "garbage transaction bytes", bytes: new Uint8Array(randomBytes(64)) });
  return out;
}

/** Invalid blocks on a known parent: forged signature, wrong proposer, wrong chain, garbage. */
async function invalidBlocks(c: Cluster): Promise<Array<{ what: string; bytes: Uint8Array }>> {
  const head = await c.status(0);
  const parent = await c.get<{ hash: string; height: number; slot: number }>(
    0,
    `/blocks/${Math.max(0, head.height - 2)}`,
  );
  const rogueKey = generateKeyPair();
  const make = (over: Partial<BlockHeader>, key = rogueKey) => {
    const slot = over.slot ?? parent.slot + 1;
    const header: BlockHeader = {
      chainId: c.genesis.chainId,
      height: parent.height + 1,
      slot,
      parentHash: fromHex(parent.hash),
      proposer: proposerOfSlot(c.genesis, slot).address,
      txRoot: txRootOfBytes([]),
      stateRoot: new Uint8Array(randomBytes(32)),
      ...over,
    };
    return assembleBlock(header, sign(blockSigningMessage(encodeHeader(header)), key.secretKey), []).bytes;
  };
  return [
    { what: "block with a forged proposer signature", bytes: make({}) },
    { what: "block with a forged signature, next slot", bytes: make({ slot: parent.slot + 2 }) },
    { what: "block from a non-validator", bytes: make({ proposer: rogueKey.address }) },
    { what: "block of another chain", bytes: make({ chainId: "xai-devnet-rogue" }) },
    { what: "garbage block bytes", bytes: new Uint8Array(randomBytes(200)) },
  ];
}

/** A rejected transaction unlike any sent before (round `k`): the right nonce, an over-long title. */
function freshInvalidTx(c: Cluster, nonce: bigint, k: number): Uint8Array {
  const payload = payloads.propose(
    { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
    "x".repeat(141 + k),
  );
  return signTx(dev(8), payload, { chainId: c.genesis.chainId, nonce, fee: 2000n + BigInt(k) }).bytes;
}

/**
 * (9) A rogue peer joins the gossip topics and publishes invalid governance transactions and
 * invalid blocks. Every honest node rejects them (xai_chain_gossip_results_total{result="reject"}),
 * bans the rogue (GET /admin/peers) and refuses its reconnection, while the honest nodes keep
 * producing blocks, take a valid vote sent during the attack, and agree.
 */
export const rogue: Scenario = {
  name: "rogue",
  title: "a rogue peer gossiping invalid governance txs and blocks is rejected and banned",
  async run({ cluster: c, check, note }) {
    const { id } = await submitProposal(
      c,
      0,
      dev(0),
      { kind: "protocol_parameter", name: "max_block_txs", value: "1500" },
      "max_block_txs 1500",
    );
    const peer = await RoguePeer.start(c.genesis.chainId);
    try {
      const infos = await Promise.all(c.all.map((i) => c.peerInfo(i)));
      const dialed = await peer.connect(infos.map((info) => info.listen[0]!));
      assert.ok(
        dialed.every((d) => d.ok),
        JSON.stringify(dialed),
      );
      await peer.waitSubscribed(infos.map((info) => info.peer_id));
      note("rogue_peer_id", peer.peerId);
      check(
        `rogue ${peer.peerId.slice(-8)} connected to all ${c.size} nodes and sees their topic subscriptions`,
      );
      const baseline = await Promise.all(c.all.map(async (i) => rejects(await c.metrics(i))));
      const startHeight = (await c.converge()).height;

      // A valid vote during the attack, through an honest node.
      const honestVote = send(c, 1 % c.size, dev(1), payloads.vote(id, "yes"));
      const nonce = BigInt((await c.get<{ nonce: string }>(0, `/accounts/${dev(8).address}`)).nonce);
      const txs = await invalidGovTxs(c, id, nonce);
      const blocks = await invalidBlocks(c);
      // Interleaved, so that both kinds arrive before the ban (at 10 invalid messages) cuts the rogue off.
      const queue: Array<{ what: string; bytes: Uint8Array; topic: "tx" | "block" }> = [];
      for (let k = 0; k < Math.max(txs.length, blocks.length); k++) {
        if (blocks[k]) queue.push({ ...blocks[k]!, topic: "block" });
        if (txs[k]) queue.push({ ...txs[k]!, topic: "tx" });
      }
      let sent = 0;
      for (const m of queue)
        if ((await (m.topic === "tx" ? peer.publishTx(m.bytes) : peer.publishBlock(m.bytes))) > 0) sent++;
      note("sent", { txs: txs.map((t) => t.what), blocks: blocks.map((b) => b.what) });
      assert.equal(sent, txs.length + blocks.length, "every message reached at least one peer");
      check(`rogue published ${txs.length} invalid governance txs and ${blocks.length} invalid blocks`);

      // A real rogue keeps on: a fresh rejected transaction and block each round (500 ms) until every
      // node has banned it. In 2 of 14 runs under load, one node had counted fewer than the ban's 10
      // rejects when the one burst ended, and never banned (cause not shown; gossipsub's graylist,
      // which drops a peer's messages unvalidated once its score is under -80, is the suspect).
      let rounds = 0;
      const keepOn = async () => {
        rounds++;
        const [block] = await invalidBlocks(c);
        await peer.publishTx(freshInvalidTx(c, nonce, rounds)).catch(() => 0); // no peer left: throws
        await peer.publishBlock(block!.bytes).catch(() => 0);
      };
      const banned = await waitFor(
        "every honest node to ban the rogue",
        async () => {
          const ps = await Promise.all(c.all.map((i) => c.peerInfo(i)));
          if (ps.every((p) => p.banned.includes(peer.peerId))) return ps;
          await keepOn();
          return undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      ).catch(async (err: Error) => {
        // What each node saw: its rejects since the attack began, against the ban's 10, and its ban.
        const seen = await Promise.all(
          c.all.map(async (i, k) => {
            const [m, p] = await Promise.all([c.metrics(i), c.peerInfo(i)]);
            return `node ${i}: ${rejects(m) - baseline[k]!} rejects, banned ${p.banned.includes(peer.peerId)}`;
          }),
        );
        throw new Error(`${err.message}; ${seen.join("; ")}`);
      });
      const after = await Promise.all(c.all.map(async (i) => c.metrics(i)));
      const counts = after.map((m, k) => rejects(m) - baseline[k]!);
      note("rejects_per_node", counts);
      note("rounds_while_waiting", rounds);
      for (const [k, n] of counts.entries()) assert.ok(n >= 10, `node ${k} rejected ${n} messages`);
      const isReject = (l: string) => l.includes('result="reject"');
      const codesPerNode = after.map((m) =>
        metricLabels(m, "xai_chain_gossip_results_total", "code", isReject),
      );
      note("reject_codes_per_node", codesPerNode);
      for (const [k, codes] of codesPerNode.entries()) {
        assert.ok(
          codes.some((x) => x.startsWith("GOV_")),
          `node ${k}: governance codes among the rejects (${codes})`,
        );
        assert.ok(
          codes.some((x) => x.startsWith("BLOCK_")),
          `node ${k}: block codes among the rejects (${codes})`,
        );
      }
      check(
        `every node counted >= 10 gossip rejects (${counts.join(", ")}; ${rounds} more round(s) sent while waiting for the bans); codes on node 0: ${codesPerNode[0]!.join(" ")}`,
      );
      for (const p of banned) {
        const honest = new Set(infos.map((i) => i.peer_id));
        assert.ok(!p.banned.some((b) => honest.has(b)), "no honest peer is banned");
      }
      check("every honest node lists the rogue in /admin/peers banned; no honest peer is banned");
      await waitFor("the rogue to be disconnected", async () => peer.peers().length === 0, {
        timeoutMs: 15_000,
      });
      const redial = await peer.connect(infos.map((info) => info.listen[0]!));
      await waitFor("the redialled connections to be refused", async () => peer.peers().length === 0, {
        timeoutMs: 15_000,
      });
      note(
        "redial",
        redial.map((r) => r.ok),
      );
      check("the rogue is disconnected and its reconnection is refused");

      await c.waitIncluded(await honestVote);
      await c.waitHeight(startHeight + 3);
      await c.waitPeered();
      const head = await c.converge();
      check(
        `honest nodes went on: the vote sent during the attack is included; agree at height ${head.height}`,
      );
      await assertSameGovernance(c);
      check("identical governance state on every node");
    } finally {
      await peer.stop();
    }
  },
};
