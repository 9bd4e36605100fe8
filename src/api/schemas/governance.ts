/** Schemas of the governance routes (governanceRoutes.ts, SPEC §5); see common.ts. */
import {
  address,
  answers,
  decimal,
  doc,
  height,
  hex,
  nullableHeight,
  nullableString,
  obj,
  openObject,
} from "./common.js";

const TAG = "governance";
const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const list = (items: unknown) => ({ type: "array", items });
const cursorPage = (name: string, items: unknown, cursor: unknown) =>
  obj({ [name]: list(items), next_cursor: cursor });

const proposalRef = {
  type: "string",
  examples: ["1"],
  description: "a proposal id (32 lowercase hex characters) or its number",
};
const byId = obj({ id: proposalRef });
const q = (examples: string[], description: string) => ({ type: "string", examples, description });
const limit = q(["20"], "page size (at most 100)");

/** A proposal in list views (governance/views.ts proposalSummary). */
const summaryProps = {
  id: hex,
  number: { type: "integer", minimum: 1 },
  proposer: address,
  title: str,
  kind: str,
  status: str,
  submit_height: height,
  voting_end: height,
  eta: nullableHeight,
};
const summary = obj(summaryProps);
const changes = list(obj({ space: str, key: str, before: str, after: str }));

const proposalDetail = obj({
  ...summaryProps,
  description: str,
  payload: openObject,
  deposit: decimal,
  deposit_state: str,
  submit_tx_id: hex,
  heights: obj({
    submitted: height,
    snapshot: height,
    voting_end: height,
    review_end: height,
    implementation_end: height,
    eta: nullableHeight,
    execution_deadline: nullableHeight,
  }),
  status_history: list(obj({ status: str, height })),
  snapshot_supply: decimal,
  power_cap: decimal,
  participant_floor: decimal,
  tally: obj({
    yes: decimal,
    no: decimal,
    abstain: decimal,
    participation: decimal,
    voters: decimal,
    yes_voters: decimal,
    heads: decimal,
    quorum_reached: bool,
    enough_voters: bool,
    approved: bool,
  }),
  review: obj({ reviewers: decimal, approvals: decimal, approve_power: decimal, total_power: decimal }),
  implementation: obj({
    required_power: decimal,
    approvals: decimal,
    rejections: decimal,
    approve_power: decimal,
    reject_power: decimal,
  }),
  rules: { type: "object", additionalProperties: decimal },
  execution: {
    anyOf: [{ type: "null" }, obj({ height, tx_id: str, ok: bool, error_code: nullableString, changes })],
  },
  failure_code: nullableString,
  rolled_back_by: nullableString,
  cancelled_by: nullableString,
  timing: obj({
    current_height: height,
    block_time_ms: { type: "integer" },
    stage: nullableString,
    stage_end_height: nullableHeight,
    blocks_left: nullableHeight,
    stage_end_time_ms: { type: ["integer", "null"] },
    times_ms: { type: "object", additionalProperties: { type: ["integer", "null"] } },
  }),
});

/** `{"tx_id", "proposal_id"?, "status": "pending"}` of every governance write route. */
const accepted = obj({ tx_id: hex, proposal_id: hex, status: { type: "string", const: "pending" } }, [
  "proposal_id",
]);

/** The schema of the write route of one transaction type. */
export function govWriteSchema(type: string, body: unknown) {
  const op = type.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return { ...doc(TAG, op, `Submit a signed ${type} transaction`), body, response: answers(accepted, 202) };
}

export const proposalsSchema = {
  ...doc(TAG, "listProposals", "Proposals, newest first, paginated"),
  querystring: {
    type: "object",
    properties: {
      status: q(["voting"], "only proposals of this status"),
      limit,
      cursor: q(["5"], "last number seen"),
    },
  },
  response: answers(cursorPage("proposals", summary, nullableHeight)),
};

export const proposalSchema = {
  ...doc(TAG, "getProposal", "A proposal by id or number, with its tally, summaries and timing"),
  params: byId,
  response: answers(proposalDetail),
};

const voterQuery = {
  type: "object",
  properties: { cursor: q([address.examples[0]], "last address seen"), limit },
};
const voterLists = {
  votes: obj({
    voter: address,
    option: str,
    power: decimal,
    counted_power: decimal,
    height,
    tx_id: hex,
    replaced: { type: "integer", minimum: 0 },
  }),
  reviews: obj({
    reviewer: address,
    approved: bool,
    comment: str,
    code_hash: nullableString,
    power: decimal,
    height,
    tx_id: hex,
  }),
  "implementation-votes": obj({ voter: address, approved: bool, height, tx_id: hex }),
} as const;

/** The schema of one per-voter list of a proposal. */
export function perVoterSchema(path: keyof typeof voterLists) {
  const name = path.replace("-", "_");
  const op = `list${name === "votes" ? "Votes" : name === "reviews" ? "Reviews" : "ImplementationVotes"}`;
  return {
    ...doc(TAG, op, `Every ${path.replace("-", " ")} of a proposal, in account order, paginated`),
    params: byId,
    querystring: voterQuery,
    response: answers(cursorPage(name, voterLists[path], nullableString)),
  };
}

export const votingPowerSchema = {
  ...doc(TAG, "getVotingPower", "Balance and (capped) voting power, now or at a proposal's snapshot"),
  params: obj({ address: { ...address, type: "string" } }),
  querystring: { type: "object", properties: { proposal_id: { ...proposalRef } } },
  response: answers(
    obj({
      address,
      balance: decimal,
      power: decimal,
      capped_power: decimal,
      power_cap: decimal,
      snapshot_height: height,
    }),
  ),
};

const registryEntry = obj(
  {
    name: str,
    type: str,
    min: { type: ["string", "null"] },
    max: { type: ["string", "null"] },
    default: str,
    value: str,
    description: str,
    governable: bool,
    since: str,
  },
  ["since"],
);

export const paramsSchema = {
  ...doc(TAG, "getParams", "Every parameter and rule: type, bounds, default, current value"),
  response: answers(obj({ params: list(registryEntry), rules: list(registryEntry) })),
};
export const featuresSchema = {
  ...doc(TAG, "getFeatures", "Every feature flag: default and current value"),
  response: answers(obj({ features: list(registryEntry) })),
};
export const timelockSchema = {
  ...doc(TAG, "getTimelock", "Queued proposals with their eta and execution deadline"),
  response: answers(
    obj({ height, queued: list(obj({ ...summaryProps, eta: height, execution_deadline: height })) }),
  ),
};
export const historySchema = {
  ...doc(TAG, "getHistory", "Execution history, newest first, paginated"),
  querystring: { type: "object", properties: { limit, cursor: q(["3"], "last sequence number seen") } },
  response: answers(
    cursorPage(
      "entries",
      obj({
        seq: { type: "integer", minimum: 0 },
        height,
        tx_id: nullableString,
        event: str,
        proposal_id: hex,
        number: { type: "integer", minimum: 1 },
        kind: str,
        error_code: nullableString,
        target: nullableString,
        changes,
      }),
      nullableHeight,
    ),
  ),
};
export const fiatStatusSchema = {
  ...doc(TAG, "getFiatUnlockStatus", "The fiat-unlock window, tally and outcome"),
  response: answers(
    obj({
      height,
      start_height: height,
      snapshot_height: height,
      auto_unlock_height: height,
      min_votes: decimal,
      support_bps: decimal,
      quorum_bps: decimal,
      supply: decimal,
      voters: decimal,
      heads: decimal,
      support_power: decimal,
      voted_power: decimal,
      quorum_reached: bool,
      threshold_met: bool,
      unlocked: bool,
      unlocked_height: nullableHeight,
      unlock_reason: nullableString,
      unlock_tx_id: nullableString,
    }),
  ),
};
