// Gossipsub peer scores of a node (createP2PNode's scoredTopics): a local cluster has every peer on
// 127.0.0.1, and gossipsub's default IP colocation penalty (-5 x (peers on one IP - 10)^2) put all
// 15 peers of a 16-node cluster at -125, below the graylist threshold (-80): the node dropped
// every gossip message from them and published to none, so transactions never spread (blocks
// still came by sync). Loopback is exempt only when the node is told it runs a local cluster
// (`loopbackExempt`, `start --p2p-loopback-exempt`): behind a local proxy or tunnel every remote
// peer comes from loopback. A score moves by invalid messages, P6, and on the block topic alone by
// deliveries: a silent mesh peer drops below 0 (pruned from the mesh), never below gossipThreshold.
import assert from "node:assert/strict";
import type { GossipSub } from "@chainsafe/libp2p-gossipsub";
import { PeerScore, type PeerScoreParams } from "@chainsafe/libp2p-gossipsub/score";
import { defaultLogger } from "@libp2p/logger";
import {
  createP2PNode,
  type GossipScoringOptions,
  gossipScoring,
  gossipsubOf,
  MESH_DELIVERY_FLOOR,
  type P2PNode,
} from "../../../src/network/p2pNode.js";

const TOPIC = "/xai/test/txs/1";
const BLOCKS = "/xai/test/block/1";
const STEADY: GossipScoringOptions = { steady: { topic: BLOCKS, intervalMs: 1000 } };
// Polls until `ok`: no deadline of its own (a slow machine only waits longer); on the old
// parameters the hub never sees the peers' subscriptions and the test's timeout ends it.
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 50));
};

/**
 * The lowest score the delivery terms (P1 to P3b) can give a peer, from gossipsub's formula
 * (score/compute-score.js): P1 and P2 have weights >= 0 (validated), P3 is weight x deficit^2 with
 * the deficit at most the threshold (deliveries >= 0), P3b weight x a failure count that has no
 * bound of its own, so any P3b weight fails here; each topic's sum times its topic weight.
 */
function deliveryFloor(p: PeerScoreParams): number {
  let floor = 0;
  for (const [topic, t] of Object.entries(p.topics)) {
    assert.ok(t.timeInMeshWeight >= 0 && t.firstMessageDeliveriesWeight >= 0, topic);
    assert.equal(t.meshFailurePenaltyWeight, 0, `P3b on ${topic} is unbounded`);
    floor += t.topicWeight * t.meshMessageDeliveriesWeight * t.meshMessageDeliveriesThreshold ** 2;
  }
  return floor;
}

describe("network/gossipScoring", () => {
  const score = (o: GossipScoringOptions = {}) =>
    new PeerScore(gossipScoring([TOPIC, BLOCKS], o).scoreParams, null, defaultLogger(), {
      scoreCacheValidityMs: 0,
    });
  const peers = (ps: PeerScore, n: number, ip: string) =>
    Array.from({ length: n }, (_, k) => {
      const id = `${ip}#${k}`;
      ps.addPeer(id);
      ps.addIP(id, ip);
      return id;
    });
  /** Grafts `id` on `topic` as if `ms` ago and runs the peer score's background refresh (decay). */
  const graftedAgo = (ps: PeerScore, id: string, topic: string, ms: number) => {
    ps.graft(id, topic);
    ps.peerStats.get(id)!.topics[topic]!.graftTime = Date.now() - ms;
    ps.refreshScores();
  };

  it("15 peers on 127.0.0.1 of a local cluster (loopbackExempt) score 0, not -125", () => {
    const ps = score({ loopbackExempt: true });
    const ids = peers(ps, 15, "127.0.0.1");
    assert.deepEqual(
      ids.map((id) => ps.score(id)),
      ids.map(() => 0),
    );
  });

  it("without loopbackExempt (the default: a proxy or tunnel here) loopback is penalised: 15 score -125", () => {
    const ps = score();
    const ids = peers(ps, 15, "127.0.0.1");
    assert.deepEqual(
      ids.map((id) => ps.score(id)),
      ids.map(() => -125),
    );
    assert.deepEqual([...gossipScoring([TOPIC]).scoreParams.IPColocationFactorWhitelist], []);
    assert.deepEqual(
      [...gossipScoring([TOPIC], { loopbackExempt: true }).scoreParams.IPColocationFactorWhitelist],
      ["127.0.0.1", "::1"],
    );
  });

  it("the delivery terms cost at most 4, above gossipThreshold even with the least colocation penalty", () => {
    const { scoreParams, scoreThresholds } = gossipScoring([TOPIC, BLOCKS], STEADY);
    const floor = deliveryFloor(scoreParams);
    assert.equal(floor, MESH_DELIVERY_FLOOR);
    assert.equal(floor, -4);
    assert.ok(floor < 0, "a silent mesh peer must score below 0 (pruned)");
    // The smallest P6 there is: one peer over the threshold on one address.
    const leastP6 = scoreParams.IPColocationFactorWeight * 1 ** 2;
    assert.equal(leastP6, -5);
    assert.ok(floor + leastP6 > scoreThresholds.gossipThreshold, `${floor} + ${leastP6}`);
    // Quiet topics have no delivery terms at all; without a steady topic nobody has any.
    assert.equal(scoreParams.topics[TOPIC]!.meshMessageDeliveriesWeight, 0);
    assert.equal(scoreParams.topics[TOPIC]!.firstMessageDeliveriesWeight, 0);
    assert.equal(deliveryFloor(gossipScoring([TOPIC, BLOCKS]).scoreParams), 0);
    // Whatever the block time (100 ms to 600 s, genesis bounds), the floor is the same.
    for (const intervalMs of [100, 2000, 600_000])
      assert.equal(
        deliveryFloor(gossipScoring([BLOCKS], { steady: { topic: BLOCKS, intervalMs } }).scoreParams),
        -4,
      );
  });

  it("a silent mesh peer of the block topic: 0 for 32 s, then -4 (pruned, not cut from gossip)", () => {
    const ps = score(STEADY);
    const { scoreParams, scoreThresholds } = gossipScoring([TOPIC, BLOCKS], STEADY);
    assert.equal(scoreParams.topics[BLOCKS]!.meshMessageDeliveriesActivation, 32_000);
    const [id] = peers(ps, 1, "10.0.0.1");
    graftedAgo(ps, id!, BLOCKS, 31_000);
    assert.equal(ps.score(id!), 0);
    graftedAgo(ps, id!, BLOCKS, 32_001);
    assert.equal(ps.score(id!), -4);
    assert.ok(ps.score(id!) < 0 && ps.score(id!) >= scoreThresholds.gossipThreshold);
    // Out of the mesh, P3 no longer counts (P3b is 0): it may come back after the prune backoff.
    ps.prune(id!, BLOCKS);
    assert.equal(ps.score(id!), 0);
  });

  it("a silent mesh peer of a quiet topic (transactions) keeps 0", () => {
    const ps = score(STEADY);
    const [id] = peers(ps, 1, "10.0.0.1");
    graftedAgo(ps, id!, TOPIC, 3_600_000);
    assert.equal(ps.score(id!), 0);
  });

  /** Scores each second of a peer grafted at 0 that delivers a block at each second of `at`. */
  const lifetime = (seconds: number, at: (s: number) => boolean) => {
    const ps = score(STEADY);
    const [id] = peers(ps, 1, "10.0.0.1");
    ps.graft(id!, BLOCKS);
    const tstats = ps.peerStats.get(id!)!.topics[BLOCKS]!;
    const seen: number[] = [];
    for (let s = 1; s <= seconds; s++) {
      if (at(s)) ps.markFirstMessageDelivery(id!, BLOCKS);
      tstats.graftTime = Date.now() - s * 1000;
      ps.refreshScores();
      seen.push(ps.score(id!));
    }
    return seen;
  };

  it("a validator of 32 that delivers only its own blocks keeps 0 or more, whatever its slot", () => {
    for (const n of [2, 16, 32])
      for (let phase = 0; phase < n; phase++) {
        const seen = lifetime(1000, (s) => s % n === phase);
        assert.ok(Math.min(...seen) >= 0, `${n} validators, slot ${phase}: lowest ${Math.min(...seen)}`);
        assert.ok(Math.max(...seen) <= 2, "P2 tops out at +2");
      }
    // One of 48 in its worst slot falls short once active (and would lose the slot, at -4 at most).
    const seen = lifetime(1000, (s) => s % 48 === 47);
    assert.ok(Math.min(...seen) < 0 && Math.min(...seen) >= -4, `lowest ${Math.min(...seen)}`);
  });

  it("a mesh peer that stops delivering drops below 0 after 139 s, to -4 at most", () => {
    // Ten blocks at once (counts capped: P2 at 2, P3 at 3), then nothing: the score
    // x - 4 (1 - 1.5x)^2 with x = 2 x 0.5^(s/64) (P2's count) is negative from x < 4/9: 139 decays after the last block (seen[i] is second i + 1).
    const seen = lifetime(1000, (s) => s <= 10);
    assert.equal(seen.findIndex((v, i) => i >= 10 && v < 0) + 1 - 9, 139);
    assert.equal(seen.at(-1), -4);
    assert.ok(Math.min(...seen) >= -4);
  });

  it("a peer pruned from the mesh short of deliveries scores 0, not -400 (graylisted)", () => {
    const ps = score(STEADY);
    const [id] = peers(ps, 1, "127.0.0.1");
    for (const t of [TOPIC, BLOCKS]) {
      graftedAgo(ps, id!, t, 60_000);
      ps.prune(id!, t);
    }
    assert.equal(ps.score(id!), 0);
  });

  it("invalid messages still graylist a peer: 3 score -90", () => {
    const ps = score(STEADY);
    const [id] = peers(ps, 1, "127.0.0.1");
    for (let i = 0; i < 3; i++) ps.markInvalidMessageDelivery(id!, TOPIC);
    assert.equal(ps.score(id!), -90);
  });

  it("many peers of one remote address keep the colocation penalty: 12 score -20 each", () => {
    const ps = score({ ...STEADY, loopbackExempt: true });
    const ids = peers(ps, 12, "10.0.0.1");
    assert.deepEqual(
      ids.map((id) => ps.score(id)),
      ids.map(() => -20),
    );
  });
});

describe("network/createP2PNode gossip scores", function () {
  this.timeout(180_000);
  const nodes: P2PNode[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("a silent mesh peer of the block topic loses its mesh slots after 32 s, and still gets blocks", async () => {
    const hub = await createP2PNode({
      scoredTopics: [TOPIC, BLOCKS],
      scoring: { ...STEADY, loopbackExempt: true },
    });
    const silent = await createP2PNode();
    nodes.push(hub, silent);
    const g = gossipsubOf(hub);
    const id = silent.peerId.toString();
    for (const t of [TOPIC, BLOCKS]) {
      g.subscribe(t);
      gossipsubOf(silent).subscribe(t);
    }
    const got: string[] = [];
    gossipsubOf(silent).addEventListener("gossipsub:message", (e) =>
      got.push(new TextDecoder().decode(e.detail.msg.data)),
    );
    await silent.dial(hub.getMultiaddrs()[0]!);
    await until(() => [TOPIC, BLOCKS].every((t) => g.getMeshPeers(t).includes(id)));
    const grafted = Date.now();
    await until(() => !g.getMeshPeers(BLOCKS).includes(id));
    const after = Date.now() - grafted;
    assert.ok(after >= 31_000, `pruned after ${after} ms`);
    assert.equal(g.getScore(id), -4);
    // Pruned from every mesh (gossipsub prunes by the whole score), then not grafted back.
    assert.deepEqual(g.getMeshPeers(TOPIC), []);
    await g.publish(BLOCKS, new TextEncoder().encode("a block after the prune"));
    await until(() => got.length === 1);
    assert.deepEqual(got, ["a block after the prune"]);
    assert.deepEqual(g.getMeshPeers(BLOCKS), []);
  });

  it("15 peers on 127.0.0.1 score 0, and the node takes and sends their messages", async () => {
    const hub = await createP2PNode({
      scoredTopics: [TOPIC],
      scoring: { loopbackExempt: true },
      expectedPeers: 15,
    });
    nodes.push(hub);
    const peers = await Promise.all(Array.from({ length: 15 }, () => createP2PNode()));
    nodes.push(...peers);
    const g: GossipSub = gossipsubOf(hub);
    g.subscribe(TOPIC);
    const got: string[] = [];
    g.addEventListener("gossipsub:message", (e) => got.push(new TextDecoder().decode(e.detail.msg.data)));
    const received = peers.map(() => 0);
    peers.forEach((p, k) => {
      const pg = gossipsubOf(p);
      pg.subscribe(TOPIC);
      // Counts only the hub's own message (the hub relays the others' to its mesh too).
      pg.addEventListener("gossipsub:message", (e) => {
        if (new TextDecoder().decode(e.detail.msg.data) === "from the hub") received[k]!++;
      });
    });
    const addr = hub.getMultiaddrs()[0]!;
    await Promise.all(peers.map((p) => p.dial(addr)));
    await until(() => g.getSubscribers(TOPIC).length === 15);
    await until(() => peers.every((p) => gossipsubOf(p).getSubscribers(TOPIC).length === 1));
    assert.deepEqual(
      peers.map((p) => g.getScore(p.peerId.toString())),
      peers.map(() => 0),
    );
    await Promise.all(peers.map((p, k) => gossipsubOf(p).publish(TOPIC, new TextEncoder().encode(`m${k}`))));
    await until(() => got.length === 15);
    assert.deepEqual(got.sort(), peers.map((_, k) => `m${k}`).sort());
    await g.publish(TOPIC, new TextEncoder().encode("from the hub"));
    await until(() => received.every((n) => n === 1));
    assert.deepEqual(
      received,
      peers.map(() => 1),
    );
  });
});
