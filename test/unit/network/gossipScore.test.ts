// Gossipsub peer scores of a node (createP2PNode's scoredTopics): a local cluster has every peer on
// 127.0.0.1, and gossipsub's default IP colocation penalty (-5 x (peers on one IP - 10)^2) put all
// 15 peers of a 16-node cluster at -125, below the graylist threshold (-80): the node dropped
// every gossip message from them and published to none, so transactions never spread (blocks
// still came by sync). A score now moves only by invalid messages (and by P6 for remote addresses).
import assert from "node:assert/strict";
import type { GossipSub } from "@chainsafe/libp2p-gossipsub";
import { PeerScore } from "@chainsafe/libp2p-gossipsub/score";
import { defaultLogger } from "@libp2p/logger";
import { createP2PNode, gossipScoring, gossipsubOf, type P2PNode } from "../../../src/network/p2pNode.js";

const TOPIC = "/xai/test/txs/1";
// Polls until `ok`: no deadline of its own (a slow machine only waits longer); on the old
// parameters the hub never sees the peers' subscriptions and the test's timeout ends it.
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 50));
};

describe("network/gossipScoring", () => {
  const score = () =>
    new PeerScore(gossipScoring([TOPIC]).scoreParams, null, defaultLogger(), { scoreCacheValidityMs: 0 });
  const peers = (ps: PeerScore, n: number, ip: string) =>
    Array.from({ length: n }, (_, k) => {
      const id = `${ip}#${k}`;
      ps.addPeer(id);
      ps.addIP(id, ip);
      return id;
    });

  it("15 peers on 127.0.0.1 (a 16-node local cluster) score 0, not -125", () => {
    const ps = score();
    const ids = peers(ps, 15, "127.0.0.1");
    assert.deepEqual(
      ids.map((id) => ps.score(id)),
      ids.map(() => 0),
    );
  });

  it("a peer pruned from the mesh short of deliveries scores 0, not -400 (graylisted)", () => {
    const ps = score();
    const [id] = peers(ps, 1, "127.0.0.1");
    ps.graft(id!, TOPIC);
    // What 5 s in the mesh does (the background refresh): the delivery count becomes active.
    ps.peerStats.get(id!)!.topics[TOPIC]!.meshMessageDeliveriesActive = true;
    ps.prune(id!, TOPIC);
    assert.equal(ps.score(id!), 0);
  });

  it("invalid messages still graylist a peer: 3 score -90", () => {
    const ps = score();
    const [id] = peers(ps, 1, "127.0.0.1");
    for (let i = 0; i < 3; i++) ps.markInvalidMessageDelivery(id!, TOPIC);
    assert.equal(ps.score(id!), -90);
  });

  it("many peers of one remote address keep the colocation penalty: 12 score -20 each", () => {
    const ps = score();
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

  it("15 peers on 127.0.0.1 score 0, and the node takes and sends their messages", async () => {
    const hub = await createP2PNode({ scoredTopics: [TOPIC], expectedPeers: 15 });
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
