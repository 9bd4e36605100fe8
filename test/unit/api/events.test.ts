// GET /events (src/api/eventRoutes.ts, eventStream.ts): replay from a height or Last-Event-ID then
// live with no gap or duplicate, the client cap, dropping a client that does not drain, reorgs,
// persistence across a restart, bad queries, shutdown. No timing: every wait is for a message count.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { EventHub } from "../../../src/api/eventStream.js";
import { createApi } from "../../../src/api/server.js";
import type { Chain } from "../../../src/chain/chain.js";
import { repairChain } from "../../../src/chain/repair.js";
import { DbBucket } from "../../../src/db/buckets.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { createModules } from "../../../src/node/modules.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { action, key, tx } from "../../utils/govChain.js";
import { importAll, openTestChain, produce, signTx, type TestChain, tempDir } from "../../utils/testChain.js";

interface Msg {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** An SSE client on a real socket: parses messages, waits for counts. */
class Sse {
  msgs: Msg[] = [];
  ended = false;
  status = 0;
  private buf = "";
  private waiters: Array<() => void> = [];
  private req!: http.ClientRequest;

  static open(port: number, query: string, headers: Record<string, string> = {}): Promise<Sse> {
    const s = new Sse();
    return new Promise((resolve, reject) => {
      s.req = http.get({ host: "127.0.0.1", port, path: `/events${query}`, headers }, (res) => {
        s.status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        res.on("data", (c: string) => s.feed(c));
        res.on("close", () => {
          s.ended = true;
          s.wake();
        });
        resolve(s);
      });
      s.req.on("error", reject);
    });
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let i = this.buf.indexOf("\n\n");
    while (i >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const f: Record<string, string> = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const at = line.indexOf(": ");
        f[line.slice(0, at)] = line.slice(at + 2);
      }
      if (f.event) this.msgs.push({ id: f.id!, event: f.event, data: JSON.parse(f.data!) });
      i = this.buf.indexOf("\n\n");
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `n` messages arrived (or the stream ended). */
  async waitFor(n: number): Promise<Msg[]> {
    while (this.msgs.length < n && !this.ended) await new Promise<void>((r) => this.waiters.push(r));
    return this.msgs;
  }

  async waitEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): void {
    this.req.destroy();
  }
}

/** The messages the stream must give for heights from..to, from the chain's own records. */
async function expected(chain: Chain, from: number, to: number): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (let h = from; h <= to; h++) {
    const events = await chain.db.getEvents(h);
    for (const [i, e] of events.entries()) out.push([`${h}:${i}`, e.type]);
    out.push([`${h}:${events.length}`, "head"]);
  }
  return out;
}

const idsOf = (msgs: Msg[]) => msgs.map((m) => [m.id, m.event] as [string, string]);

describe("GET /events", () => {
  let t: TestChain;
  let app: FastifyInstance;
  let port: number;
  const open: Sse[] = [];

  let metrics: NodeMetrics;

  async function listen(maxClients = 4): Promise<void> {
    metrics = new NodeMetrics();
    metrics.trackBounds(() => []);
    app = createApi({
      chain: t.chain,
      metrics,
      peers: () => 0,
      syncing: () => false,
      eventLimits: { maxClients },
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as AddressInfo).port;
  }

  async function sse(query: string, headers: Record<string, string> = {}): Promise<Sse> {
    const s = await Sse.open(port, query, headers);
    open.push(s);
    return s;
  }

  /** Blocks 1..3; block 2 holds a proposal (a proposal_submitted event with its tx id). */
  async function history(): Promise<string> {
    await produce(t.chain);
    const bytes = signTx(key(0), tx.propose(action.param("min_tx_fee", "2000")), { nonce: 0n });
    const submitted = await t.chain.submitTx(decodeTx(bytes));
    await produce(t.chain);
    await produce(t.chain);
    return submitted.id;
  }

  beforeEach(async () => {
    t = await openTestChain();
  });

  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await app?.close();
    await t.cleanup();
  });

  it("from_height replays exactly those blocks' events in order, then live ones, no gap or duplicate", async () => {
    const txId = await history();
    const events2 = await t.chain.db.getEvents(2);
    assert.ok(events2.some((e) => e.type === "proposal_submitted" && e.tx_id === txId));
    await listen();
    const s = await sse("?from_height=2");
    const want = await expected(t.chain, 2, 3);
    assert.deepEqual(idsOf(await s.waitFor(want.length)), want);
    const submitted = s.msgs.find((m) => m.event === "proposal_submitted")!;
    assert.deepEqual(submitted.data, {
      type: "proposal_submitted",
      height: 2,
      tx_id: txId,
      attributes: events2.find((e) => e.type === "proposal_submitted")!.attributes,
    });
    const head3 = s.msgs.at(-1)!.data;
    const b3 = (await t.chain.blockAt(3))!;
    assert.deepEqual(head3, {
      type: "head",
      height: 3,
      hash: b3.hashHex,
      slot: 3,
      time_ms: t.genesis.genesisTimeMs + 3 * t.genesis.blockTimeMs,
      event_count: 0,
    });
    await produce(t.chain);
    await produce(t.chain);
    const all = await expected(t.chain, 2, 5);
    assert.deepEqual(idsOf(await s.waitFor(all.length)), all);
  });

  it("Last-Event-ID resumes after that message: the rest of its block, then the next ones", async () => {
    await history();
    await listen();
    const n2 = (await t.chain.db.getEvents(2)).length;
    assert.ok(n2 >= 1);
    const s = await sse("?from_height=0", { "last-event-id": "2:0" });
    const want = (await expected(t.chain, 2, 3)).slice(1);
    assert.deepEqual(idsOf(await s.waitFor(want.length)), want);
    // After a head id: the next block.
    const s2 = await sse("", { "last-event-id": `2:${n2}` });
    const want2 = await expected(t.chain, 3, 3);
    assert.deepEqual(idsOf(await s2.waitFor(want2.length)), want2);
  });

  it("no from_height: only blocks after the current head", async () => {
    await history();
    await listen();
    const s = await sse("");
    await produce(t.chain);
    assert.deepEqual(idsOf(await s.waitFor(1)), await expected(t.chain, 4, 4));
  });

  it("one client over the cap gets 503 EVENT_STREAM_FULL", async () => {
    await listen(1);
    const s = await sse("?from_height=0");
    await s.waitFor(1);
    const res = await app.inject({ method: "GET", url: "/events" });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error.code, "EVENT_STREAM_FULL");
    const text = await metrics.registry.metrics();
    assert.match(text, /^xai_node_bound_size\{bound="event_stream_clients"\} 1$/m);
    assert.match(text, /^xai_node_bound_capacity\{bound="event_stream_clients"\} 1$/m);
    assert.match(text, /^xai_node_bound_capacity\{bound="event_stream_client_bytes"\} 1048576$/m);
  });

  it("a bad from_height or Last-Event-ID → 400 BAD_REQUEST", async () => {
    await listen();
    for (const q of ["?from_height=-1", "?from_height=abc", "?from_height=1.5"]) {
      const res = await app.inject({ method: "GET", url: `/events${q}` });
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().error.code, "BAD_REQUEST");
    }
    const res = await app.inject({ method: "GET", url: "/events", headers: { "last-event-id": "x" } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, "BAD_REQUEST");
  });

  it("a client that does not drain is dropped while the chain goes on; its buffer never passes the cap", async () => {
    const hub = new EventHub(t.chain, {
      maxClients: 2,
      maxBufferedBytes: 1000,
      pageBlocks: 2,
      keepAliveMs: 1e9,
      maxStalledHeads: 5,
    });
    let buffered = 0;
    let most = 0;
    let destroyed = false;
    const stuck = {
      write(chunk: string) {
        buffered += chunk.length;
        most = Math.max(most, buffered);
        return false;
      },
      get writableLength() {
        return buffered;
      },
      destroy() {
        destroyed = true;
      },
      once() {
        return this; // never drains
      },
      off() {
        return this;
      },
    };
    const client = hub.open(stuck, { height: 1, afterIndex: -1 })!;
    // Blocked after its first page (2 blocks); dropped at the 6th head it did not take.
    for (let i = 0; i < 5; i++) await produce(t.chain);
    await new Promise((r) => setImmediate(r));
    assert.equal(destroyed, false);
    assert.equal(hub.size, 1);
    for (let i = 0; i < 25; i++) await produce(t.chain);
    await new Promise((r) => setImmediate(r));
    assert.equal(t.chain.head.height, 30);
    assert.equal(destroyed, true);
    assert.equal(client.endReason, "dropped");
    assert.equal(hub.dropped, 1);
    assert.equal(hub.size, 0);
    // One message over the cap at most (a head message is under 300 bytes).
    assert.ok(most < 1000 + 300, `buffered ${most}`);
    assert.equal(t.chain.listenerCount("head"), 0);
  });

  it("a reorg below what was sent: a reorg message with the common height, then the new branch", async () => {
    const y = await openTestChain({ genesis: t.genesis });
    try {
      await history(); // Z: 1, 2 (proposal), 3
      await importAll(y.chain, [(await t.chain.blockAt(1))!]);
      const B = [await produce(y.chain, 5), await produce(y.chain, 6), await produce(y.chain, 7)];
      await listen();
      const s = await sse("?from_height=1");
      const before = await expected(t.chain, 1, 3);
      await s.waitFor(before.length);
      assert.deepEqual(await importAll(t.chain, B), ["side", "side", "reorg"]);
      const after = await expected(t.chain, 2, 4);
      const msgs = await s.waitFor(before.length + 1 + after.length);
      assert.deepEqual(idsOf(msgs), [...before, ["1:reorg", "reorg"], ...after]);
      assert.deepEqual(msgs[before.length]!.data, { type: "reorg", height: 1, common_height: 1 });
      assert.deepEqual(await t.chain.db.getEvents(2), [], "the reverted block's events are gone");
      assert.equal(msgs.at(-1)!.data.hash, B[2]!.hashHex);
    } finally {
      await y.cleanup();
    }
  });

  it("events persist across a restart: a reopened node replays the same messages", async () => {
    await history();
    await listen();
    const first = await sse("?from_height=1");
    const want = await expected(t.chain, 1, 3);
    const before = await first.waitFor(want.length);
    await app.close();
    await first.waitEnd();
    await t.close();
    t = await openTestChain({ genesis: t.genesis, dir: t.dir });
    await listen();
    const again = await sse("?from_height=1");
    assert.deepEqual(await again.waitFor(want.length), before);
  });

  it("replay --repair rebuilds the EVENTS index from the blocks", async () => {
    await history();
    const want = [1, 2, 3].map((h) => t.chain.db.getEvents(h));
    const before = await Promise.all(want);
    assert.ok(before[1]!.length > 0);
    await t.close();
    const source = await ChainDb.open(t.dir);
    await source.clearBucket(DbBucket.EVENTS);
    const scratchDir = await tempDir();
    const scratch = await ChainDb.open(scratchDir);
    try {
      await repairChain({
        genesis: t.genesis,
        source,
        scratch,
        modules: createModules(),
        blockVerifier: null,
      });
      assert.deepEqual(await Promise.all([1, 2, 3].map((h) => source.getEvents(h))), before);
    } finally {
      await source.close();
      await scratch.close();
      await rm(scratchDir, { recursive: true, force: true });
    }
    t = await openTestChain({ genesis: t.genesis, dir: t.dir });
  });

  it("closing the server ends every stream", async () => {
    await listen();
    const s = await sse("?from_height=0");
    await s.waitFor(1);
    await app.close();
    await s.waitEnd();
    assert.equal(s.ended, true);
  });
});
