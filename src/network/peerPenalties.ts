/** Options of the penalty box. */
export interface PenaltyOptions {
  /** Invalid messages after which a peer is disconnected and banned. */
  maxInvalid: number;
  /** How long a ban lasts. */
  banMs: number;
}

/**
 * Counts invalid messages (gossip rejects, invalid sync answers) per peer and bans a peer that
 * crosses the limit: the node hangs up and refuses its connections until the ban ends. Gossipsub's
 * own peer score (topic score params) lowers the score on every reject as well.
 */
export class PeerPenalties {
  private readonly invalid = new Map<string, number>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly opts: PenaltyOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an invalid message; returns true if the peer is now banned. */
  recordInvalid(peer: string): boolean {
    const n = (this.invalid.get(peer) ?? 0) + 1;
    this.invalid.set(peer, n);
    if (n >= this.opts.maxInvalid) {
      this.bannedUntil.set(peer, this.now() + this.opts.banMs);
      this.invalid.delete(peer);
      return true;
    }
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

  /** Invalid messages counted for a peer since its last ban. */
  invalidCount(peer: string): number {
    return this.invalid.get(peer) ?? 0;
  }

  /** Banned peers. */
  banned(): string[] {
    return [...this.bannedUntil.keys()].filter((p) => this.isBanned(p));
  }
}
