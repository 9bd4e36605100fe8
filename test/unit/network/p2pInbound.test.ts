// createP2PNode's expectedPeers (issue 10): a node configured with many peers on one host (a local
// cluster on 127.0.0.1) takes all of their connections at once; libp2p's per-host default of 5 new
// connections a second refused the rest, to be redialled 2 s later.
import assert from "node:assert/strict";
import { createP2PNode, type P2PNode } from "../../../src/network/p2pNode.js";

describe("network/createP2PNode expectedPeers", function () {
  this.timeout(60_000);
  const nodes: P2PNode[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("accepts 12 peers of 127.0.0.1 dialling at once", async () => {
    const hub = await createP2PNode({ expectedPeers: 12 });
    nodes.push(hub);
    const peers = await Promise.all(Array.from({ length: 12 }, () => createP2PNode()));
    nodes.push(...peers);
    const addr = hub.getMultiaddrs()[0]!;
    const results = await Promise.allSettled(peers.map((p) => p.dial(addr)));
    assert.deepEqual(
      results.map((r) => r.status),
      peers.map(() => "fulfilled"),
    );
    // The hub registers each connection once its side of the handshake is done.
    while (hub.getPeers().length < 12) await new Promise((r) => setTimeout(r, 50));
    assert.equal(hub.getPeers().length, 12);
  });
});
