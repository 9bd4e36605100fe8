// peerPlan.ts (issue 10): which configured peers a node redials (not those a peer it already has
// is behind, however it connected) and which peers the sync timer asks each tick (4, in turn).
import assert from "node:assert/strict";
import { multiaddr } from "@multiformats/multiaddr";
import {
  addrsToDial,
  type ConnectionInfo,
  checkedEachTick,
  dialMissing,
  PEERS_PER_TICK,
  rememberPeer,
} from "../../../src/network/peerPlan.js";

const A = "/ip4/127.0.0.1/tcp/20021";
const B = "/ip4/127.0.0.1/tcp/20022";
const C = "/ip4/127.0.0.1/tcp/20023";
const conn = (peer: string, addr: string): ConnectionInfo => ({ remotePeer: peer, remoteAddr: addr });
const never = () => false;

describe("network/peerPlan", () => {
  it("dials a configured address whose peer is unknown and not connected, and no other", () => {
    assert.deepEqual(addrsToDial([A, B], [], new Map(), never), [A, B]);
    // Our own connection to A shows A's address: A is not dialled again.
    assert.deepEqual(addrsToDial([A, B], [conn("pa", A)], new Map(), never), [B]);
  });

  it("does not redial a peer that dialled us (its connection shows an ephemeral port) once known", () => {
    const inbound = [conn("pb", "/ip4/127.0.0.1/tcp/45678")];
    // Unknown: the address of B is dialled although B is connected (what every node did every 2 s).
    assert.deepEqual(addrsToDial([A, B], inbound, new Map(), never), [A, B]);
    // B announced its listen address (identify): B is skipped.
    const known = new Map<string, string>();
    rememberPeer(known, [A, B], "pb", [multiaddr(`${B}/p2p/12D3KooWpb`)]);
    assert.deepEqual([...known], [[B, "pb"]]);
    assert.deepEqual(addrsToDial([A, B], inbound, known, never), [A]);
    // Disconnected: dialled again.
    assert.deepEqual(addrsToDial([A, B], [], known, never), [A, B]);
  });

  it("remembers only configured addresses, however many a peer announces (bounded)", () => {
    const known = new Map<string, string>();
    const announced = Array.from({ length: 1000 }, (_, i) =>
      multiaddr(`/ip4/10.0.${i >> 8}.${i & 255}/tcp/1`),
    );
    rememberPeer(known, [A, B], "px", [...announced, multiaddr(A)]);
    assert.deepEqual([...known], [[A, "px"]]);
  });

  it("does not dial a denied peer (a partition, a ban) once its id is known", () => {
    const known = new Map([
      [A, "pa"],
      [B, "pb"],
    ]);
    assert.deepEqual(
      addrsToDial([A, B, C], [], known, (p) => p === "pb"),
      [A, C],
    );
    // An address naming its peer is judged by that id.
    assert.deepEqual(addrsToDial([`${C}/p2p/pc`], [conn("pc", "/ip4/1.2.3.4/tcp/5")], new Map(), never), []);
    assert.deepEqual(
      addrsToDial([`${C}/p2p/pc`], [], new Map(), (p) => p === "pc"),
      [],
    );
  });

  it("dialMissing dials what addrsToDial names and remembers the peer each dial reached", async () => {
    const dialled: string[] = [];
    const known = new Map<string, string>([[B, "pb"]]);
    const node = {
      getConnections: () => [conn("pb", "/ip4/127.0.0.1/tcp/40000")],
      dial: async (ma: { toString(): string }) => {
        dialled.push(ma.toString());
        if (ma.toString() === C) throw new Error("refused");
        return conn("pa", ma.toString());
      },
    };
    dialMissing(node, [A, B, C], known, never);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(dialled, [A, C]);
    assert.deepEqual([...known].sort(), [
      [A, "pa"],
      [B, "pb"],
    ]);
  });

  it("checks PEERS_PER_TICK peers a tick, each in turn; all of them when there are fewer", () => {
    assert.equal(PEERS_PER_TICK, 4);
    assert.deepEqual(checkedEachTick(["a", "b", "c"], 7), ["a", "b", "c"]);
    const peers = Array.from({ length: 10 }, (_, i) => i);
    assert.deepEqual(checkedEachTick(peers, 0), [0, 1, 2, 3]);
    assert.deepEqual(checkedEachTick(peers, 1), [4, 5, 6, 7]);
    assert.deepEqual(checkedEachTick(peers, 2), [8, 9, 0, 1]);
    const seen = new Set([0, 1, 2].flatMap((t) => checkedEachTick(peers, t)));
    assert.equal(seen.size, 10);
  });
});
