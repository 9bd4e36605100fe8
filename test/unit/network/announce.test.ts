// P2PNodeOptions.announce (`xai-gov start --no-announce`): a node that announces nothing still
// listens, but tells a peer no address of its own (identify), so the peer can reach it only at an
// address it was given (the chaos harness's proxies on loopback).
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { multiaddr } from "@multiformats/multiaddr";
import { createP2PNode, listenAddrsOf, type P2PNode } from "../../../src/network/p2pNode.js";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** Starts a node on two ports (announcing or not), dials it at the first; what the dialer learns. */
async function learned(
  announce: boolean,
  nodes: P2PNode[],
): Promise<{ own: string[]; known: string[]; a: string; listening: string[]; ports: number[] }> {
  const [pa, pb] = [await freePort(), await freePort()];
  const a = `/ip4/127.0.0.1/tcp/${pa}`;
  const node = await createP2PNode({ listen: [a, `/ip4/127.0.0.1/tcp/${pb}`], announce });
  const dialer = await createP2PNode();
  nodes.push(node, dialer);
  const identified = new Promise<void>((resolve) =>
    dialer.addEventListener("peer:identify", () => resolve(), { once: true }),
  );
  await dialer.dial(multiaddr(`${a}/p2p/${node.peerId.toString()}`));
  await identified;
  const known = (await dialer.peerStore.get(node.peerId)).addresses.map((x) => x.multiaddr.toString());
  return {
    own: node.getMultiaddrs().map((m) => m.toString()),
    known: known.sort(),
    a,
    listening: listenAddrsOf(node),
    ports: [pa, pb],
  };
}

describe("p2p node: announce", () => {
  const nodes: P2PNode[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("announce false: no address announced; the dialer knows only the one it dialed", async () => {
    const r = await learned(false, nodes);
    assert.deepEqual(r.own, []);
    assert.deepEqual(r.known, [r.a]);
    // The node itself still knows where it listens (its ready line reports it: launch.ts).
    assert.deepEqual(
      r.listening.map((x) => x.replace(/\/p2p\/.*$/, "")).sort(),
      r.ports.map((p) => `/ip4/127.0.0.1/tcp/${p}`).sort(),
    );
  });

  it("by default both listen addresses are announced and learned by identify", async () => {
    const r = await learned(true, nodes);
    assert.equal(r.own.length, 2);
    assert.equal(r.known.length, 2);
  });
});
