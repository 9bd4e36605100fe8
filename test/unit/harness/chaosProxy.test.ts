// The chaos harness's link proxy (harness/chaos/proxy.ts) against an echo server on 127.0.0.1:
// bytes arrive whole and in order whatever the jitter; a stall or reset is counted; a cut
// destroys open sockets and refuses new ones until the heal; a partition cuts exactly the links
// between groups. No assertion depends on timing.
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { LinkProxy, ProxyMesh } from "../../../harness/chaos/proxy.js";
import { FAULT_LEVELS, prng } from "../../../harness/chaos/schedule.js";

function echoServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.on("error", () => undefined);
      s.pipe(s);
    });
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, port: typeof a === "object" && a ? a.port : 0 });
    });
  });
}

/** Sends `data` through the proxy in many small writes and reads back as many bytes (or the close). */
function roundTrip(port: number, data: Buffer): Promise<{ back: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let got = 0;
    s.on("data", (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= data.length) {
        s.destroy();
        resolve({ back: Buffer.concat(chunks), closed: false });
      }
    });
    s.on("error", () => undefined);
    s.on("close", () => resolve({ back: Buffer.concat(chunks), closed: true }));
    s.on("connect", () => {
      for (let off = 0; off < data.length; off += 1000) s.write(data.subarray(off, off + 1000));
    });
  });
}

const payload = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));

describe("chaos link proxy", () => {
  let echo: { server: Server; port: number };
  before(async () => {
    echo = await echoServer();
  });
  after(() => echo.server.close());

  const proxy = async (name = "0>1") => {
    const p = new LinkProxy(
      name,
      { host: "127.0.0.1", port: 0 },
      { host: "127.0.0.1", port: echo.port },
      prng(5),
    );
    return { p, port: (await p.start()).port };
  };

  it("forwards every byte in order under jitter and a stall on every chunk", async () => {
    const { p, port } = await proxy();
    p.setFaults({ latencyMs: 1, jitterMs: 30, loss: 1, stallMs: 20, reset: 0 });
    const r = await roundTrip(port, payload);
    assert.equal(r.closed, false);
    assert.ok(r.back.equals(payload), "the echo is the payload, byte for byte");
    assert.equal(p.stats.accepted, 1);
    assert.equal(p.stats.bytes, 2 * payload.length, "both directions counted");
    assert.equal(p.stats.stalls, p.stats.chunks, "loss 1: every chunk stalled");
    await p.stop();
  });

  it("a reset probability of 1 closes the connection at the first chunk", async () => {
    const { p, port } = await proxy();
    p.setFaults({ ...FAULT_LEVELS.calm!, reset: 1 });
    const r = await roundTrip(port, payload);
    assert.equal(r.closed, true);
    assert.equal(r.back.length, 0);
    assert.equal(p.stats.resets, 1);
    await p.stop();
  });

  it("a cut destroys the open socket and refuses new ones; the heal lets them through", async () => {
    const { p, port } = await proxy();
    const open = connect(port, "127.0.0.1");
    open.on("error", () => undefined);
    await new Promise<void>((r) => open.once("connect", () => r()));
    await new Promise<void>((r) => setImmediate(r));
    const closed = new Promise<void>((r) => open.once("close", () => r()));
    p.setCut(true);
    await closed;
    assert.equal(p.stats.cutSockets >= 1, true);
    const refused = await roundTrip(port, payload);
    assert.deepEqual([refused.closed, refused.back.length, p.stats.refused], [true, 0, 1]);
    p.setCut(false);
    const ok = await roundTrip(port, payload);
    assert.ok(ok.back.equals(payload));
    await p.stop();
  });

  it("a partition cuts exactly the links between groups, both ways; heal restores all", () => {
    const links = new Map<string, LinkProxy>();
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        if (i !== j)
          links.set(
            `${i}>${j}`,
            new LinkProxy(
              `${i}>${j}`,
              { host: "127.0.0.1", port: 0 },
              { host: "127.0.0.1", port: 1 },
              prng(1),
            ),
          );
    const mesh = new ProxyMesh(4, links);
    mesh.partition([[0, 1, 3], [2]]);
    assert.deepEqual(
      mesh
        .all()
        .filter((l) => l.isCut)
        .map((l) => l.name),
      ["0>2", "1>2", "2>0", "2>1", "2>3", "3>2"],
    );
    mesh.heal();
    assert.deepEqual(
      mesh.all().filter((l) => l.isCut),
      [],
    );
  });
});
