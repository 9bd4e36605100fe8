import type { Bound } from "../chain/types.js";

/** Options of the penalty box. */
export interface PenaltyOptions {
  /** Invalid messages (net of decay) after which a peer is disconnected and banned. */
  maxInvalid: number;
  /** How long a ban lasts. */
  banMs: number;
  /** One counted invalid message is forgiven per this many ms, so that an honest peer whose view
   * of the chain is a block off now and then never reaches the limit, while a flood does at once. */
  decayMs: number;
}

interface Count {
  n: number;
  at: number;
}

/** Most peers each table of this file tracks (invalid counts, bans, ignore budgets). */
export const MAX_TRACKED_PEERS = 10_000;

/**
 * Counts invalid messages (gossip rejects, invalid sync answers) per peer in a leaky bucket and
 * bans a peer that fills it: the node hangs up and refuses its connections until the ban ends.
 * Gossipsub's own peer score (topic score params) lowers the score on every reject as well.
 */
export class PeerPenalties {
  private readonly invalid = new Map<string, Count>();
  private readonly bannedUntil = new Map<string, number>();
  private readonly opts: PenaltyOptions;

  constructor(
    opts: Partial<PenaltyOptions> & Pick<PenaltyOptions, "maxInvalid" | "banMs">,
    private readonly now: () => number = Date.now,
  ) {
    this.opts = { decayMs: 10_000, ...opts };
  }

  // The bucket after leaking whole decay periods; `at` moves by whole periods only, so a partial
  // period is never lost.
  private leaked(peer: string, t: number): Count {
    const c = this.invalid.get(peer);
    if (!c) return { n: 0, at: t };
    const periods = Math.floor((t - c.at) / this.opts.decayMs);
    if (periods >= c.n) return { n: 0, at: t };
    return { n: c.n - periods, at: c.at + periods * this.opts.decayMs };
  }

  private current(peer: string, t: number): number {
    return this.leaked(peer, t).n;
  }

  /** Records an invalid message; returns true if the peer is now banned. */
  recordInvalid(peer: string): boolean {
    const t = this.now();
    const bucket = this.leaked(peer, t);
    const n = bucket.n + 1;
    if (n >= this.opts.maxInvalid) {
      this.pruneBans(t);
      this.bannedUntil.set(peer, t + this.opts.banMs);
      this.invalid.delete(peer);
      return true;
    }
    if (this.invalid.size >= MAX_TRACKED_PEERS && !this.invalid.has(peer)) this.invalid.clear(); // bounded
    this.invalid.set(peer, { n, at: bucket.at });
    return false;
  }

  /** True while a peer is banned. */
  isBanned(peer: string): boolean {
    const until = this.bannedUntil.get(peer);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.bannedUntil.delete(peer);
      return false;
    }
    return true;
  }

  /** Invalid messages counted for a peer now (after decay). */
  invalidCount(peer: string): number {
    return this.current(peer, this.now());
  }

  /** Banned peers. */
  banned(): string[] {
    return [...this.bannedUntil.keys()].filter((p) => this.isBanned(p));
  }

  // Before a new ban with the table full: drop the ended bans, then (a flood of new peer ids) the
  // oldest, so the table stays bounded; a peer let out early is banned again at its next fault.
  private pruneBans(t: number): void {
    if (this.bannedUntil.size < MAX_TRACKED_PEERS) return;
    for (const [p, until] of this.bannedUntil) if (until <= t) this.bannedUntil.delete(p);
    for (const p of this.bannedUntil.keys()) {
      if (this.bannedUntil.size < MAX_TRACKED_PEERS) break;
      this.bannedUntil.delete(p);
    }
  }

  /** The tables' sizes and caps (the node's bounds metrics). */
  bounds(): Bound[] {
    return [
      { name: "peer_invalid_counts", size: this.invalid.size, capacity: MAX_TRACKED_PEERS },
      { name: "peer_bans", size: this.bannedUntil.size, capacity: MAX_TRACKED_PEERS },
    ];
  }
}

/** Options of the ignore budget. */
export interface IgnoreBudgetOptions {
  /** Ignored transactions a peer may send in a burst. */
  capacity: number;
  /** One ignored transaction is forgiven per this many ms (the sustained rate). */
  refillMs: number;
}

/**
 * Defaults: a burst of 256 ignored transactions, then 20 a second. An honest peer a block behind
 * relays a few transactions that are stale here (nonce too low, already included) and never comes
 * near it; a flood of transactions from unfunded keys (ignored, and free to make) spends it in a
 * moment.
 */
export const DEFAULT_IGNORE_BUDGET: IgnoreBudgetOptions = { capacity: 256, refillMs: 50 };

/**
 * Per-peer budget of gossiped transactions answered "ignore" for a fault of the message (nonce,
 * balance, a stale proposal stage: codes an honest peer may relay, so never penalised one by one).
 * A leaky bucket per peer: each ignored transaction fills it by one, one leaks out per `refillMs`.
 * A full bucket means the peer's transactions are dropped unvalidated (no signature check, no
 * place in the chain's queue) until it has leaked, and the moment it fills counts once as an
 * invalid message in PeerPenalties, so a peer that keeps flooding is banned (SPEC §3; review A5).
 */
export class IgnoreBudget {
  private readonly used = new Map<string, Count>();
  private readonly opts: IgnoreBudgetOptions;

  constructor(
    opts: Partial<IgnoreBudgetOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.opts = { ...DEFAULT_IGNORE_BUDGET, ...opts };
  }

  private leaked(peer: string, t: number): Count {
    const c = this.used.get(peer);
    if (!c) return { n: 0, at: t };
    const periods = Math.floor((t - c.at) / this.opts.refillMs);
    if (periods >= c.n) return { n: 0, at: t };
    return { n: c.n - periods, at: c.at + periods * this.opts.refillMs };
  }

  /** True while the peer's budget is spent: its transactions are dropped unvalidated. */
  isSpent(peer: string): boolean {
    return this.leaked(peer, this.now()).n >= this.opts.capacity;
  }

  /** Records one ignored transaction of `peer`; true if this one used up its budget. */
  spend(peer: string): boolean {
    const t = this.now();
    const bucket = this.leaked(peer, t);
    const n = Math.min(this.opts.capacity, bucket.n + 1);
    if (this.used.size >= MAX_TRACKED_PEERS && !this.used.has(peer)) this.used.clear(); // bounded
    this.used.set(peer, { n, at: bucket.at });
    return n >= this.opts.capacity && bucket.n < this.opts.capacity;
  }

  /** The table's size and cap (the node's bounds metrics). */
  bound(): Bound {
    return { name: "peer_ignore_budgets", size: this.used.size, capacity: MAX_TRACKED_PEERS };
  }

  /** Ignored transactions counted for a peer now (after leaking). */
  usedBy(peer: string): number {
    return this.leaked(peer, this.now()).n;
  }
}
