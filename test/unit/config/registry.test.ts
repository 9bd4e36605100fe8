import assert from "node:assert/strict";
import {
  CROSS_RULES,
  FEATURES,
  isCanonicalDecimal,
  isGenesisEntry,
  PARAMS,
  parseRegistryValue,
  type RegistryEntry,
  type RegistrySpace,
  RULES,
  registryEntries,
  registryEntry,
  UNITS_PER_XAI,
} from "../../../src/config/registry.js";
import { BAD_ADDRESSES, DEV2_ADDRESS } from "../../utils/badAddresses.js";

const XAI = UNITS_PER_XAI;

// SPEC §4.4, written out independently of src: [space, name, type, default, min, max].
type Row = [RegistrySpace, string, "uint" | "bps" | "amount", bigint, bigint, bigint];
const SPEC_NUMERIC: Row[] = [
  ["param", "block_reward", "amount", 12n * XAI, 0n, 50n * XAI],
  ["param", "halving_interval", "uint", 262_800n, 100n, 10n ** 9n],
  ["param", "min_tx_fee", "amount", 1_000n, 0n, 10n ** 8n],
  ["param", "transaction_fee_bps", "bps", 24n, 0n, 500n],
  ["param", "max_block_txs", "uint", 2_000n, 10n, 20_000n],
  ["param", "max_block_bytes", "uint", 1_000_000n, 10_000n, 10_000_000n],
  ["param", "max_tx_bytes", "uint", 16_384n, 512n, 262_144n],
  ["rule", "voting_period_blocks", "uint", 20n, 5n, 10n ** 7n],
  ["rule", "review_period_blocks", "uint", 20n, 5n, 10n ** 7n],
  ["rule", "implementation_period_blocks", "uint", 20n, 5n, 10n ** 7n],
  ["rule", "emergency_period_blocks", "uint", 5n, 2n, 10n ** 6n], // and <= each of the three periods
  ["rule", "timelock_blocks", "uint", 10n, 2n, 10n ** 7n],
  ["rule", "emergency_timelock_blocks", "uint", 3n, 1n, 10n ** 6n],
  ["rule", "execution_grace_blocks", "uint", 50n, 10n, 10n ** 7n],
  ["rule", "min_voters", "uint", 3n, 1n, 100n],
  ["rule", "quorum_bps", "bps", 3_340n, 500n, 5_000n], // and > max_individual_power_bps: a cross rule
  ["rule", "approval_bps", "bps", 6_600n, 5_100n, 9_000n],
  ["rule", "emergency_approval_bps", "bps", 7_500n, 5_100n, 10_000n], // lower bound approval_bps: a cross rule
  ["rule", "max_individual_power_bps", "bps", 2_000n, 500n, 5_000n],
  ["rule", "min_code_reviewers", "uint", 2n, 1n, 20n],
  ["rule", "review_approval_bps", "bps", 6_600n, 5_100n, 10_000n],
  ["rule", "implementation_approval_bps", "bps", 5_000n, 1_000n, 9_000n],
  ["rule", "proposal_deposit", "amount", 10n * XAI, 0n, 100_000n * XAI], // and <= 0.1 % of supply
  ["rule", "max_active_proposals_per_account", "uint", 3n, 1n, 100n],
  ["rule", "participant_floor_bps", "bps", 10n, 0n, 100n],
];
const SPEC_FEATURES: Array<[string, boolean]> = [
  ["transfers", true],
  ["fee_burn", false],
  ["treasury_spending", true],
  ["fiat_rails", false],
];

const NOT_DECIMAL = [
  "abc",
  "-5",
  "1.5",
  "NaN",
  "01",
  "",
  " 1",
  "1 ",
  "1e3",
  "0x10",
  "+1",
  "00",
  "1_000",
  "١",
];

function entry(space: RegistrySpace, name: string): RegistryEntry {
  const e = registryEntry(space, name);
  assert.ok(e, `${space}:${name} is registered`);
  return e;
}

function accepts(e: RegistryEntry, raw: string, value: bigint | boolean | string): void {
  assert.deepEqual(
    parseRegistryValue(e, raw),
    { ok: true, value },
    `${e.name} should accept ${JSON.stringify(raw)}`,
  );
}

function refuses(e: RegistryEntry, raw: string): void {
  const r = parseRegistryValue(e, raw);
  assert.equal(r.ok, false, `${e.name} should refuse ${JSON.stringify(raw)}`);
  if (!r.ok) assert.ok(r.reason.includes(e.name), `reason names the entry: ${r.reason}`);
}

describe("config/registry", () => {
  describe("contents match SPEC §4.4", () => {
    it("numeric entries: type, default, bounds", () => {
      for (const [space, name, type, def, min, max] of SPEC_NUMERIC) {
        const e = entry(space, name);
        assert.equal(e.space, space);
        assert.equal(e.type, type, name);
        assert.equal(e.default, def.toString(), `${name} default`);
        assert.equal(e.min, min, `${name} min`);
        assert.equal(e.max, max, `${name} max`);
      }
      const genesisEntries = [...PARAMS, ...RULES].filter((e) => isGenesisEntry(e));
      assert.equal(genesisEntries.length, SPEC_NUMERIC.length);
    });

    it("entries added by an upgrade: min_transfer_amount since v2-test, inactive 0, default 1,000", () => {
      const added = [...PARAMS, ...FEATURES, ...RULES].filter((e) => !isGenesisEntry(e));
      assert.deepEqual(
        added.map((e) => [e.space, e.name, e.type, e.since, e.inactive, e.default, e.min, e.max]),
        [["param", "min_transfer_amount", "amount", "v2-test", "0", "1000", 0n, 100_000_000n]],
      );
    });

    it("features: bool type and defaults", () => {
      for (const [name, def] of SPEC_FEATURES) {
        const e = entry("feature", name);
        assert.equal(e.type, "bool");
        assert.equal(e.default, String(def));
        assert.equal(e.min, undefined);
        assert.equal(e.max, undefined);
      }
      assert.equal(FEATURES.length, SPEC_FEATURES.length);
    });

    it("every default parses and lies within its bounds; the cross rules hold on the defaults", () => {
      const all = [...PARAMS, ...FEATURES, ...RULES];
      for (const e of all) assert.equal(parseRegistryValue(e, e.default).ok, true, e.name);
      const value = (space: RegistrySpace, name: string) => {
        const d = entry(space, name).default;
        return d === "true" ? 1n : d === "false" ? 0n : BigInt(d);
      };
      for (const c of CROSS_RULES) assert.equal(c.holds(value), true, c.id);
    });

    it("registryEntry is per space; unknown names are undefined", () => {
      assert.equal(registryEntry("param", "quorum_bps"), undefined);
      assert.equal(registryEntry("rule", "min_tx_fee"), undefined);
      assert.equal(registryEntry("feature", "nope"), undefined);
      assert.equal(registryEntry("param", "__proto__"), undefined);
      assert.equal(registryEntry("param", "toString"), undefined);
    });

    it("registryEntries lists a space sorted by name", () => {
      for (const space of ["param", "feature", "rule"] as const) {
        const names = registryEntries(space).map((e) => e.name);
        assert.deepEqual(names, [...names].sort());
        assert.ok(registryEntries(space).every((e) => e.space === space));
      }
      assert.deepEqual(
        registryEntries("feature").map((e) => e.name),
        ["fee_burn", "fiat_rails", "transfers", "treasury_spending"],
      );
    });
  });

  describe("parseRegistryValue on numeric entries", () => {
    for (const [space, name, , , min, max] of SPEC_NUMERIC) {
      it(`${space}:${name} accepts exactly [${min}, ${max}]`, () => {
        const e = entry(space, name);
        accepts(e, min.toString(), min);
        accepts(e, max.toString(), max);
        if (min > 0n) refuses(e, (min - 1n).toString());
        refuses(e, (max + 1n).toString());
        refuses(e, (max * 10n).toString());
        for (const raw of NOT_DECIMAL) refuses(e, raw);
      });
    }

    it("the value is a bigint, exact beyond 2^53", () => {
      const e: RegistryEntry = {
        space: "param",
        name: "t",
        type: "amount",
        min: 0n,
        max: 2n ** 64n,
        default: "0",
        description: "",
        governable: true,
      };
      accepts(e, "9007199254740993", 9_007_199_254_740_993n);
      accepts(e, "18446744073709551616", 2n ** 64n);
    });

    it("strings longer than 30 characters are refused even when in bounds", () => {
      const e: RegistryEntry = {
        space: "param",
        name: "t",
        type: "uint",
        min: 0n,
        max: 10n ** 40n,
        default: "0",
        description: "",
        governable: true,
      };
      accepts(e, "1".repeat(30), BigInt("1".repeat(30)));
      refuses(e, "1".repeat(31));
    });

    it("0 is accepted where min is 0, refused where min is 1", () => {
      accepts(entry("param", "min_tx_fee"), "0", 0n);
      refuses(entry("rule", "min_voters"), "0");
    });
  });

  describe("parseRegistryValue on bool entries", () => {
    for (const [name] of SPEC_FEATURES) {
      it(`feature:${name} accepts only "true" and "false"`, () => {
        const e = entry("feature", name);
        accepts(e, "true", true);
        accepts(e, "false", false);
        for (const raw of ["True", "FALSE", "1", "0", "", " true", "true ", "yes", "on", "t"])
          refuses(e, raw);
      });
    }
  });

  describe("parseRegistryValue on address entries", () => {
    it("accepts a well-formed address, refuses others", () => {
      const e: RegistryEntry = {
        space: "param",
        name: "addr",
        type: "address",
        default: "",
        description: "",
        governable: true,
      };
      accepts(e, DEV2_ADDRESS, DEV2_ADDRESS);
      for (const bad of BAD_ADDRESSES)
        assert.deepEqual(parseRegistryValue(e, bad.value), {
          ok: false,
          reason: `addr must be an address (xai1…; ${bad.fault})`,
        });
    });
  });

  describe("isCanonicalDecimal", () => {
    it("accepts canonical decimals only", () => {
      for (const raw of ["0", "1", "10", "18446744073709551615", "9".repeat(30)])
        assert.equal(isCanonicalDecimal(raw), true, raw);
      for (const raw of [...NOT_DECIMAL, "9".repeat(31)]) assert.equal(isCanonicalDecimal(raw), false, raw);
    });
  });

  describe("CROSS_RULES", () => {
    const values = (over: Record<string, bigint>) => (space: RegistrySpace, name: string) => {
      const d = entry(space, name).default;
      return over[name] ?? (d === "true" ? 1n : d === "false" ? 0n : BigInt(d));
    };
    const rule = (id: string) => {
      const c = CROSS_RULES.find((x) => x.id === id);
      assert.ok(c, id);
      return c;
    };

    it("emergency_timelock_blocks <= timelock_blocks (equality allowed)", () => {
      const c = rule("emergency_timelock_le_timelock");
      assert.equal(c.holds(values({ emergency_timelock_blocks: 10n, timelock_blocks: 10n })), true);
      assert.equal(c.holds(values({ emergency_timelock_blocks: 11n, timelock_blocks: 10n })), false);
    });

    it("emergency_approval_bps >= approval_bps (equality allowed)", () => {
      const c = rule("emergency_approval_ge_approval");
      assert.equal(c.holds(values({ emergency_approval_bps: 6_600n, approval_bps: 6_600n })), true);
      assert.equal(c.holds(values({ emergency_approval_bps: 6_599n, approval_bps: 6_600n })), false);
    });

    it("max_tx_bytes <= max_block_bytes (equality allowed)", () => {
      const c = rule("tx_fits_block");
      assert.equal(c.holds(values({ max_tx_bytes: 20_000n, max_block_bytes: 20_000n })), true);
      assert.equal(c.holds(values({ max_tx_bytes: 20_001n, max_block_bytes: 20_000n })), false);
    });

    it("A7/A4: quorum_bps > max_individual_power_bps (equality refused)", () => {
      const c = rule("quorum_gt_max_individual_power");
      assert.equal(c.holds(values({ quorum_bps: 2_001n, max_individual_power_bps: 2_000n })), true);
      assert.equal(c.holds(values({ quorum_bps: 2_000n, max_individual_power_bps: 2_000n })), false);
      assert.equal(c.holds(values({})), true); // 3340 > 2000
    });

    it("U5: emergency_period_blocks <= each of the voting, review and implementation periods", () => {
      for (const [id, period] of [
        ["emergency_period_le_voting_period", "voting_period_blocks"],
        ["emergency_period_le_review_period", "review_period_blocks"],
        ["emergency_period_le_implementation_period", "implementation_period_blocks"],
      ] as const) {
        const c = rule(id);
        assert.equal(c.holds(values({ emergency_period_blocks: 7n, [period]: 7n })), true, id);
        assert.equal(c.holds(values({ emergency_period_blocks: 8n, [period]: 7n })), false, id);
      }
    });

    it("A4 (liveness analysis): min_voters <= max_block_txs", () => {
      const c = rule("min_voters_le_max_block_txs");
      assert.equal(c.holds(values({ min_voters: 10n, max_block_txs: 10n })), true);
      assert.equal(c.holds(values({ min_voters: 11n, max_block_txs: 10n })), false);
    });

    it("A4 (liveness test finding): while transfers are off, min_voters <= 10 and min_code_reviewers <= 9", () => {
      const c = rule("paused_head_counts");
      assert.equal(c.holds(values({ transfers: 0n, min_voters: 10n, min_code_reviewers: 9n })), true);
      assert.equal(c.holds(values({ transfers: 0n, min_voters: 11n, min_code_reviewers: 9n })), false);
      assert.equal(c.holds(values({ transfers: 0n, min_voters: 10n, min_code_reviewers: 10n })), false);
      assert.equal(c.holds(values({ transfers: 1n, min_voters: 100n, min_code_reviewers: 20n })), true);
    });

    it("A4 (liveness test finding): quorum_bps < 10 x max_individual_power_bps", () => {
      const c = rule("quorum_lt_ten_capped_holders");
      assert.equal(c.holds(values({ quorum_bps: 5_000n, max_individual_power_bps: 501n })), true);
      assert.equal(c.holds(values({ quorum_bps: 5_000n, max_individual_power_bps: 500n })), false);
      assert.equal(c.holds(values({ quorum_bps: 4_999n, max_individual_power_bps: 500n })), true);
    });

    it("review of v2 (liveness): min_voters x participant_floor_bps <= 5,000", () => {
      const c = rule("heads_at_floor_le_half_supply");
      assert.equal(c.holds(values({ min_voters: 50n, participant_floor_bps: 100n })), true);
      assert.equal(c.holds(values({ min_voters: 51n, participant_floor_bps: 100n })), false);
      assert.equal(c.holds(values({ min_voters: 100n, participant_floor_bps: 50n })), true);
      assert.equal(c.holds(values({ min_voters: 100n, participant_floor_bps: 51n })), false);
      assert.equal(c.holds(values({ min_voters: 100n, participant_floor_bps: 0n })), true);
    });

    it("there are exactly these eleven (the deposit-vs-supply rule depends on state: checkDepositBound)", () => {
      assert.deepEqual(CROSS_RULES.map((c) => c.id).sort(), [
        "emergency_approval_ge_approval",
        "emergency_period_le_implementation_period",
        "emergency_period_le_review_period",
        "emergency_period_le_voting_period",
        "emergency_timelock_le_timelock",
        "heads_at_floor_le_half_supply",
        "min_voters_le_max_block_txs",
        "paused_head_counts",
        "quorum_gt_max_individual_power",
        "quorum_lt_ten_capped_holders",
        "tx_fits_block",
      ]);
    });
  });
});
