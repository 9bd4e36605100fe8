/**
 * The load on a node run: transfers from dev:7 and dev:8 and the governance flow (gov.ts), while
 * every answer the node gives is written to the ledger (check.ts): its head from GET /status and
 * the receipt of each transaction it reports included. The loop runs until the node is killed (a
 * request then fails) or `until()` says stop.
 */
import { dev, payloads } from "../../harness/txs.js";
import type { Ledger } from "./check.js";
import type { NodeClient } from "./client.js";
import type { GovDriver } from "./gov.js";
import { sleep } from "./node.js";

/** A transaction's fate as last seen: included, pending, or gone (unknown to a node: lost with the mempool). */
export type TxFate = "included" | "pending" | "gone";

/** The transactions the node accepted (202), by id, until each is included or gone. */
export class Tracker {
  private readonly fates = new Map<string, { type: string; fate: TxFate; height?: number }>();
  /** Accepted transactions by type. */
  readonly accepted = new Map<string, number>();
  /** Included transactions by type. */
  readonly included = new Map<string, number>();
  /** Accepted, then no longer known to the node (pending at a kill: the mempool is not persisted; or dropped as stale). */
  readonly gone = new Map<string, number>();

  add(id: string, type: string): void {
    this.fates.set(id, { type, fate: "pending" });
    this.accepted.set(type, (this.accepted.get(type) ?? 0) + 1);
  }

  fate(id: string): TxFate | undefined {
    return this.fates.get(id)?.fate;
  }

  /** The height a transaction was included at (undefined if not included). */
  heightOf(id: string): number | undefined {
    return this.fates.get(id)?.height;
  }

  /** Asks the node about every pending transaction; notes each included one in the ledger. */
  async poll(c: NodeClient, ledger: Ledger): Promise<void> {
    for (const [id, t] of this.fates) {
      if (t.fate !== "pending") continue;
      const s = await c.txState(id);
      if (s.state === "pending") continue;
      if (s.state === "included") {
        ledger.noteIncluded(id, s.height, s.result);
        t.fate = "included";
        t.height = s.height;
        this.included.set(t.type, (this.included.get(t.type) ?? 0) + 1);
      } else {
        t.fate = "gone";
        this.gone.set(t.type, (this.gone.get(t.type) ?? 0) + 1);
      }
    }
  }
}

/** What the load of one run shares with the soak. */
export interface LoadContext {
  rand: () => number;
  ledger: Ledger;
  tracker: Tracker;
  gov: GovDriver;
}

/** Signs and submits `count` transfers of 1..1000 base units from dev:7 or dev:8 to a random dev account. */
export async function sendTransfers(c: NodeClient, x: LoadContext, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const from = dev(7 + Math.floor(x.rand() * 2));
    const to = dev(Math.floor(x.rand() * 10)).address;
    const r = await c.send(from, payloads.transfer(to, BigInt(1 + Math.floor(x.rand() * 1000))));
    if (r.ok) {
      x.tracker.add(r.id, "TRANSFER");
      ids.push(r.id);
    }
  }
  return ids;
}

/** One pass: the head, a governance step, maybe a transfer, the pending transactions. Returns the head height. */
export async function loadStep(c: NodeClient, x: LoadContext): Promise<number> {
  const status = await c.get200<{ height: number; head_hash: string }>("/status");
  x.ledger.noteHead(status.height, status.head_hash, "GET /status");
  await x.gov.tick(c, status.height);
  if (x.rand() < 0.3) await sendTransfers(c, x, 1);
  await x.tracker.poll(c, x.ledger);
  return status.height;
}

/**
 * Runs `loadStep` until a request fails (the node was killed: returns normally) or `until()` is
 * false. Any other error (a ledger conflict: two hashes at one height) is thrown.
 */
export async function loadLoop(c: NodeClient, x: LoadContext, until: () => boolean): Promise<void> {
  while (until()) {
    try {
      await loadStep(c, x);
    } catch (err) {
      if (isConnectionError(err)) return;
      throw err;
    }
    await sleep(20 + Math.floor(x.rand() * 30));
  }
}

/** A fetch that failed because the node is gone (connection refused or reset). */
export function isConnectionError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed|terminated|other side closed/.test(err.message);
}
