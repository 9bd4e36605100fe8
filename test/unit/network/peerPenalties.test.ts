import assert from "node:assert/strict";
import { type ErrorCode, XaiError } from "../../../src/errors.js";
import { verdictOf } from "../../../src/network/gossipValidation.js";
import { IgnoreBudget, MAX_TRACKED_PEERS, PeerPenalties } from "../../../src/network/peerPenalties.js";

describe("network/peerPenalties", () => {
  it("bans a peer at exactly maxInvalid invalid messages in a burst, and the ban ends after banMs", () => {
    let now = 1_000;
    const p = new PeerPenalties({ maxInvalid: 3, banMs: 60_000, decayMs: 10_000 }, () => now);
    assert.equal(p.recordInvalid("a"), false);
    assert.equal(p.recordInvalid("a"), false);
    assert.equal(p.invalidCount("a"), 2);
    assert.equal(p.isBanned("a"), false);
    assert.equal(p.recordInvalid("a"), true);
    assert.equal(p.isBanned("a"), true);
    assert.deepEqual(p.banned(), ["a"]);
    assert.equal(p.isBanned("b"), false);
    now += 59_999;
    assert.equal(p.isBanned("a"), true);
    now += 1;
    assert.equal(p.isBanned("a"), false);
    assert.deepEqual(p.banned(), []);
  });

  it("keeps the ban table bounded under a flood of new peer ids: ended bans go first, then the oldest", () => {
    let now = 0;
    const p = new PeerPenalties({ maxInvalid: 1, banMs: 60_000 }, () => now);
    p.recordInvalid("early"); // its ban ends before the flood
    now = 60_000;
    for (let i = 0; i < MAX_TRACKED_PEERS + 5; i++) assert.equal(p.recordInvalid(`sybil-${i}`), true);
    const [invalid, bans] = p.bounds();
    assert.deepEqual(invalid, { name: "peer_invalid_counts", size: 0, capacity: MAX_TRACKED_PEERS });
    assert.deepEqual(bans, { name: "peer_bans", size: MAX_TRACKED_PEERS, capacity: MAX_TRACKED_PEERS });
    // The newest are banned; the first of the flood made room (then the ended ban had gone).
    assert.equal(p.isBanned(`sybil-${MAX_TRACKED_PEERS + 4}`), true);
    assert.equal(p.isBanned("sybil-0"), false);
    assert.equal(p.isBanned("sybil-4"), false);
    assert.equal(p.isBanned("sybil-5"), true);
  });

  it("the ignore budget's table is bounded and shown with its cap", () => {
    const b = new IgnoreBudget({ capacity: 5 }, () => 0);
    for (let i = 0; i < MAX_TRACKED_PEERS + 3; i++) b.spend(`p${i}`);
    const bound = b.bound();
    assert.equal(bound.name, "peer_ignore_budgets");
    assert.equal(bound.capacity, MAX_TRACKED_PEERS);
    assert.ok(bound.size <= MAX_TRACKED_PEERS && bound.size > 0, `size ${bound.size}`);
  });

  it("forgives one invalid message per decayMs, so sparse mistakes never ban an honest peer", () => {
    let now = 0;
    const p = new PeerPenalties({ maxInvalid: 3, banMs: 60_000, decayMs: 10_000 }, () => now);
    for (let i = 0; i < 50; i++) {
      assert.equal(p.recordInvalid("honest"), false, `message ${i}`);
      now += 10_000;
    }
    assert.equal(p.invalidCount("honest"), 0);
    // Two within one decay period, then a third 9,999 ms later: 2 - 0 + 1 = 3 → banned.
    p.recordInvalid("x");
    p.recordInvalid("x");
    now += 9_999;
    assert.equal(p.recordInvalid("x"), true);
  });
});

describe("network/gossipValidation verdictOf", () => {
  const verdict = (code: string, topic: "tx" | "block") =>
    verdictOf(new XaiError(code as ErrorCode, "m"), topic).verdict;

  it("accepts without an error; unexpected errors are ignored", () => {
    assert.deepEqual(verdictOf(undefined), { verdict: "accept", code: "OK" });
    assert.deepEqual(verdictOf(new Error("boom")), { verdict: "ignore", code: "INTERNAL" });
  });

  it("rejects a transaction only for faults of the message itself", () => {
    for (const code of [
      "TX_BAD_SIGNATURE",
      "TX_MALFORMED",
      "TX_NON_CANONICAL",
      "TX_WRONG_CHAIN",
      "GOV_INVALID_VALUE",
      "GOV_UNKNOWN_TARGET",
      "GOV_TITLE_TOO_LONG",
    ])
      assert.equal(verdict(code, "tx"), "reject", code);
  });

  it("ignores transaction faults that depend on the receiver's view of the chain", () => {
    for (const code of [
      "TX_DUPLICATE",
      "TX_NONCE_TOO_HIGH",
      "TX_NONCE_TOO_LOW",
      "TX_MEMPOOL_FULL",
      "TX_INSUFFICIENT_BALANCE",
      "TX_FEE_TOO_LOW",
      "TX_TRANSFERS_DISABLED",
      "TX_TOO_LARGE",
      "GOV_VOTING_CLOSED",
      "GOV_NOT_IN_REVIEW",
      "GOV_UNKNOWN_PROPOSAL",
      "GOV_TREASURY_SHORT",
      "GOV_FIAT_ALREADY_UNLOCKED",
      "NODE_BUSY",
    ])
      assert.equal(verdict(code, "tx"), "ignore", code);
  });

  it("rejects invalid blocks, ignores blocks that may be fine later or are known", () => {
    for (const code of [
      "BLOCK_WRONG_PROPOSER",
      "BLOCK_BAD_SIGNATURE",
      "BLOCK_BAD_STATE_ROOT",
      "BLOCK_INVALID_TX",
      "BLOCK_MALFORMED",
      "BLOCK_KNOWN_INVALID",
    ])
      assert.equal(verdict(code, "block"), "reject", code);
    for (const code of [
      "BLOCK_KNOWN",
      "BLOCK_UNKNOWN_PARENT",
      "BLOCK_FUTURE_SLOT",
      "BLOCK_REVERTS_FINALIZED",
      "NODE_BUSY",
    ])
      assert.equal(verdict(code, "block"), "ignore", code);
  });
});

describe("network/peerPenalties leak", () => {
  it("keeps partial decay periods: a message every 9 s (decay 10 s) bans only after ~80, every 11 s never", () => {
    let now = 0;
    const p = new PeerPenalties({ maxInvalid: 10, banMs: 60_000, decayMs: 10_000 }, () => now);
    // Arrivals outpace the leak by 1/9 - 1/10 per second: the level reaches 10 after 9 + 72 messages.
    let bannedAt = -1;
    for (let i = 0; i < 200 && bannedAt < 0; i++) {
      if (p.recordInvalid("fast")) bannedAt = i;
      now += 9_000;
    }
    assert.equal(bannedAt, 81);
    for (let i = 0; i < 500; i++) {
      assert.equal(p.recordInvalid("slow"), false, `message ${i}`);
      now += 11_000;
    }
    assert.equal(p.invalidCount("slow"), 0);
  });
});
