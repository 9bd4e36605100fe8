// The harness's rogue peer (harness/rogue.ts) must see the topic subscriptions of every node of a
// 16-node cluster, all of them on 127.0.0.1. Without the loopback exemption gossipsub's default
// colocation penalty scored 16 loopback peers -5 x (16 - 10)^2 = -180 each, below the graylist
// threshold (-80): the rogue dropped every RPC they sent, subscriptions included, and the `rogue`
// scenario of `--nodes 16` timed out waiting for them. Here 16 peers stand in for the cluster.
import assert from "node:assert/strict";
import { RoguePeer } from "../../../harness/rogue.js";
import { createP2PNode, gossipsubOf, type P2PNode } from "../../../src/network/p2pNode.js";
import { blockTopic, txTopic } from "../../../src/network/topics.js";

describe("harness/RoguePeer", function () {
  this.timeout(180_000);
  const nodes: P2PNode[] = [];
  let rogue: RoguePeer | null = null;
  after(async () => {
    await rogue?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("sees the subscriptions of 16 peers on 127.0.0.1, each scored 0", async () => {
    const chainId = "xai-rogue-test";
    rogue = await RoguePeer.start(chainId);
    nodes.push(...(await Promise.all(Array.from({ length: 16 }, () => createP2PNode()))));
    for (const n of nodes)
      for (const t of [txTopic(chainId), blockTopic(chainId)]) gossipsubOf(n).subscribe(t);
    const dialed = await rogue.connect(nodes.map((n) => n.getMultiaddrs()[0]!.toString()));
    assert.deepEqual(
      dialed.map((d) => d.ok),
      nodes.map(() => true),
    );
    // No deadline of its own beyond the harness's: a slow machine only waits longer.
    await rogue.waitSubscribed(
      nodes.map((n) => n.peerId.toString()),
      150_000,
    );
    assert.deepEqual(
      nodes.map((n) => rogue!.score(n.peerId.toString())),
      nodes.map(() => 0),
    );
  });
});
