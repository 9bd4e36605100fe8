import assert from "node:assert/strict";
import { fields, isoTime, table } from "../../../src/cli/format/table.js";
import { formatXai } from "../../../src/cli/format/units.js";
import {
  formatAccount,
  formatParams,
  formatProposal,
  formatProposals,
  formatValidators,
} from "../../../src/cli/format/views.js";

describe("cli format: readable output without --json", () => {
  it("formatXai: base units (10^8 per XAI) as XAI with the unit", () => {
    assert.equal(formatXai("0"), "0 XAI");
    assert.equal(formatXai("1"), "0.00000001 XAI");
    assert.equal(formatXai("123456789"), "1.23456789 XAI");
    assert.equal(formatXai("100000000000000"), "1,000,000 XAI");
    assert.equal(formatXai(150_000_000n), "1.5 XAI");
  });

  it("table, fields, isoTime", () => {
    assert.equal(
      table(
        ["A", "BB"],
        [
          ["xxx", "y"],
          ["z", ""],
        ],
      ),
      "A    BB\nxxx  y\nz",
    );
    assert.equal(
      fields([
        ["a", "1"],
        ["bbb", "2"],
      ]),
      "a:   1\nbbb: 2",
    );
    assert.equal(isoTime(0), "1970-01-01T00:00:00Z");
    assert.equal(isoTime(null), "-");
  });

  it("account: balance in XAI and units", () => {
    assert.equal(
      formatAccount({ address: "XAIabc", balance: "250000000", nonce: "3", next_nonce: "4", pending_txs: 1 }),
      [
        "address:     XAIabc",
        "balance:     2.5 XAI (250000000 units)",
        "nonce:       3",
        "next nonce:  4",
        "pending txs: 1",
      ].join("\n"),
    );
  });

  it("proposals list, with the next cursor; an empty list", () => {
    const p = {
      number: 2,
      status: "voting",
      kind: "protocol_parameter",
      voting_end: 6,
      eta: null,
      title: "T",
    };
    assert.equal(
      formatProposals({ proposals: [p], next_cursor: 1 }),
      "#  STATUS  KIND                VOTING END  ETA  TITLE\n2  voting  protocol_parameter  6           -    T\nmore: --cursor 1",
    );
    assert.equal(formatProposals({ proposals: [], next_cursor: null }), "no proposals");
  });

  it("a proposal: stage, blocks left and estimated times from its timing fields", () => {
    const out = formatProposal({
      id: "ab".repeat(16),
      number: 1,
      title: "T",
      kind: "protocol_parameter",
      status: "voting",
      deposit: "1000000000",
      heights: { voting_end: 6, review_end: 11, implementation_end: 16, eta: null, execution_deadline: null },
      tally: { yes: "5", no: "0", abstain: "0", voters: "1" },
      timing: {
        current_height: 2,
        stage: "voting",
        stage_end_height: 6,
        blocks_left: 4,
        stage_end_time_ms: 60_000,
        times_ms: {
          voting_end: 60_000,
          review_end: 120_000,
          implementation_end: 180_000,
          eta: null,
          execution_deadline: null,
        },
      },
    });
    assert.equal(
      out,
      [
        `proposal: #1 ${"ab".repeat(16)}`,
        "title:    T",
        "kind:     protocol_parameter",
        "status:   voting",
        "stage:    voting: ends at height 6, 4 blocks left, about 1970-01-01T00:01:00Z",
        "height:   2",
        "deposit:  10 XAI",
        "tally:    yes 5, no 0, abstain 0 (1 voters)",
        "",
        "STAGE END           HEIGHT  ESTIMATED TIME (UTC)",
        "voting_end          6       1970-01-01T00:01:00Z",
        "review_end          11      1970-01-01T00:02:00Z",
        "implementation_end  16      1970-01-01T00:03:00Z",
        "eta                 -       -",
        "execution_deadline  -       -",
      ].join("\n"),
    );
  });

  it("validators and params", () => {
    assert.equal(
      formatValidators({ height: 3, validators: [{ address: "XAIv", public_key: "00" }], pending: [] }),
      "validators at height 3\nADDRESS  PUBLIC KEY\nXAIv     00\n\nno pending changes",
    );
    const e = {
      name: "min_tx_fee",
      value: "1000",
      type: "amount",
      min: "0",
      max: "100000000",
      default: "1000",
    };
    assert.equal(
      formatParams({ params: [e], rules: [] }),
      "parameters\nNAME        VALUE  TYPE    BOUNDS         DEFAULT\nmin_tx_fee  1000   amount  0 … 100000000  1000\n\nrules\nNAME  VALUE  TYPE  BOUNDS  DEFAULT",
    );
  });
});
