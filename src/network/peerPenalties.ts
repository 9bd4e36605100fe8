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
      this.bannedUntil.set(peer, t + this.opts.banMs);
      this.invalid.delete(peer);
      return true;
    }
    if (this.invalid.size >= 10_000 && !this.invalid.has(peer)) this.invalid.clear(); // bounded
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
}
