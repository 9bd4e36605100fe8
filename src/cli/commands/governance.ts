import type { Command } from "commander";
import { GOV_TX_ROUTES } from "../../api/governanceTxRoutes.js";
import { requireAddress } from "../../crypto/keys.js";
import { xaiError } from "../../errors.js";
import { actionFromJson, isProposalKind, PROPOSAL_KINDS, payloadHelp } from "../../governance/kinds/index.js";
import { NodeErrorCode } from "../../node/errors.js";
import type { ProposalAction, VoteOption } from "../../types/tx.js";
import { apiGet } from "../client.js";
import { CliErrorCode } from "../errors.js";
import { formatParams, formatProposal, formatProposals } from "../format/views.js";
import { DEFAULT_MAX_DEPOSIT } from "../pin.js";
import type { TxOptions } from "../signer.js";
import { addQuery } from "./query.js";
import { addTx, parseUnits } from "./tx.js";

/**
 * Builds a proposal action from --kind and --payload JSON (SPEC §6) with the kinds' own parsing
 * (the inverse of the API's action view). Values stay strings: the chain's capability registry,
 * not the CLI, decides whether they are valid.
 */
export function parseAction(kind: string, payloadJson: string): ProposalAction {
  if (!isProposalKind(kind))
    throw xaiError(NodeErrorCode.BAD_OPTION, `--kind is one of ${PROPOSAL_KINDS.join(", ")}`);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(payloadJson);
  } catch {
    throw xaiError(CliErrorCode.BAD_PAYLOAD, "--payload must be JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o))
    throw xaiError(CliErrorCode.BAD_PAYLOAD, "--payload must be an object");
  // Address fields of any kind (a treasury recipient, a validator): refused here, before signing.
  for (const field of ADDRESS_FIELDS) if (field in o) requireAddress(o[field], `--payload ${field}`);
  return actionFromJson(kind, o, (message) => {
    throw xaiError(CliErrorCode.BAD_PAYLOAD, message);
  });
}

/** The --payload fields that hold an address, whatever the kind. */
const ADDRESS_FIELDS = ["recipient", "address"] as const;

function parseCodeHash(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw xaiError(NodeErrorCode.BAD_OPTION, "--code-hash is 64 lowercase hex characters");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

function approval(o: Record<string, unknown>, yes: string, no: string): boolean {
  if (o[yes] === o[no]) throw xaiError(NodeErrorCode.BAD_OPTION, `give exactly one of --${yes} and --${no}`);
  return o[yes] === true;
}

/**
 * The deposit when `--deposit` is not given: the node's proposal_deposit rule, which the node
 * reports, so it is capped like the fee (SPEC §6 v2: the node never chooses what the client
 * signs): above `--max-deposit` (default DEFAULT_MAX_DEPOSIT) it is refused before signing.
 */
async function defaultDeposit(o: TxOptions & { maxDeposit?: string }): Promise<bigint> {
  const max = o.maxDeposit === undefined ? DEFAULT_MAX_DEPOSIT : parseUnits(o.maxDeposit, "--max-deposit");
  const p = await apiGet<{ rules?: Array<{ name: string; value: unknown }> }>(o.node, "/governance/params");
  const value = p.rules?.find((r) => r.name === "proposal_deposit")?.value;
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(value))
    throw xaiError(CliErrorCode.BAD_RESPONSE, "the node's proposal_deposit is not a decimal integer");
  const deposit = BigInt(value);
  if (deposit > max)
    throw xaiError(
      CliErrorCode.DEPOSIT_ABOVE_MAX,
      `the deposit the node asks (proposal_deposit) is ${deposit} units, above the maximum of ${max} (--max-deposit): refused before signing`,
      { deposit: deposit.toString(), max_deposit: max.toString() },
    );
  return deposit;
}

/** Registers the governance transactions under `tx`. */
export function registerGovernanceTx(tx: Command): void {
  addTx(
    tx,
    "submit-proposal",
    "submit a proposal (payload fields per kind, values as decimal strings)",
    (o) => ({
      type: "SUBMIT_PROPOSAL",
      title: String(o.title),
      description: typeof o.description === "string" ? o.description : "",
      deposit: o.deposit === undefined ? -1n : parseUnits(String(o.deposit), "--deposit"),
      action: parseAction(String(o.kind), String(o.payload)),
    }),
    (c) =>
      c
        .requiredOption("--kind <kind>", PROPOSAL_KINDS.join(" | "))
        .requiredOption("--payload <json>", payloadHelp())
        .requiredOption("--title <text>", "title (<= 140 characters)")
        .option("--description <text>", "description (<= 10,000 characters)")
        .option(
          "--deposit <units>",
          "deposit (default: the current proposal_deposit rule, at most --max-deposit)",
        )
        .option(
          "--max-deposit <units>",
          `refuse a proposal_deposit rule above this when --deposit is not given (default ${DEFAULT_MAX_DEPOSIT})`,
        ),
    GOV_TX_ROUTES.SUBMIT_PROPOSAL,
    async (o, payload) =>
      payload.type === "SUBMIT_PROPOSAL" && payload.deposit < 0n
        ? { ...payload, deposit: await defaultDeposit(o) }
        : payload,
  );
  addTx(
    tx,
    "vote",
    "vote on a proposal in voting",
    (o) => {
      const option = String(o.option);
      if (!["yes", "no", "abstain"].includes(option))
        throw xaiError(NodeErrorCode.BAD_OPTION, "--option is yes, no or abstain");
      return { type: "CAST_VOTE", proposalId: String(o.proposal), option: option as VoteOption };
    },
    (c) =>
      c
        .requiredOption("--proposal <id|number>", "proposal id, or its number (resolved by the node)")
        .requiredOption("--option <option>", "yes | no | abstain"),
    GOV_TX_ROUTES.CAST_VOTE,
  );
  addTx(
    tx,
    "review",
    "submit a code review of a proposal in code_review",
    (o) => ({
      type: "SUBMIT_CODE_REVIEW",
      proposalId: String(o.proposal),
      approved: approval(o, "approve", "reject"),
      comment: typeof o.comment === "string" ? o.comment : "",
      ...(typeof o.codeHash === "string" ? { codeHash: parseCodeHash(o.codeHash) } : {}),
    }),
    (c) =>
      c
        .requiredOption("--proposal <id|number>", "proposal id, or its number (resolved by the node)")
        .option("--approve", "approve")
        .option("--reject", "reject")
        .option("--comment <text>", "comment (<= 2,000 characters)")
        .option("--code-hash <hex>", "sha256 of the reviewed code (64 hex characters)"),
    GOV_TX_ROUTES.SUBMIT_CODE_REVIEW,
  );
  addTx(
    tx,
    "implementation-vote",
    "approve or reject the implementation (original yes voters only)",
    (o) => ({
      type: "VOTE_IMPLEMENTATION",
      proposalId: String(o.proposal),
      approved: approval(o, "approve", "reject"),
    }),
    (c) =>
      c
        .requiredOption("--proposal <id|number>", "proposal id, or its number (resolved by the node)")
        .option("--approve", "approve")
        .option("--reject", "reject"),
    GOV_TX_ROUTES.VOTE_IMPLEMENTATION,
  );
  addTx(
    tx,
    "execute",
    "execute a queued proposal (eta <= height <= eta + grace)",
    (o) => ({ type: "EXECUTE_PROPOSAL", proposalId: String(o.proposal) }),
    (c) => c.requiredOption("--proposal <id|number>", "proposal id, or its number (resolved by the node)"),
    GOV_TX_ROUTES.EXECUTE_PROPOSAL,
  );
  addTx(
    tx,
    "cancel",
    "cancel your own proposal while it is in voting (the deposit is burned)",
    (o) => ({ type: "CANCEL_PROPOSAL", proposalId: String(o.proposal) }),
    (c) => c.requiredOption("--proposal <id|number>", "proposal id, or its number (resolved by the node)"),
    GOV_TX_ROUTES.CANCEL_PROPOSAL,
  );
  addTx(
    tx,
    "fiat-unlock-vote",
    "vote on the fiat unlock",
    (o) => ({
      type: "FIAT_UNLOCK_VOTE",
      support: approval(o, "support", "oppose"),
      reason: typeof o.reason === "string" ? o.reason : "",
    }),
    (c) =>
      c
        .option("--support", "support")
        .option("--oppose", "oppose")
        .option("--reason <text>", "reason (<= 500)"),
    GOV_TX_ROUTES.FIAT_UNLOCK_VOTE,
  );
}

/** Registers the governance queries under `query`. */
export function registerGovernanceQuery(query: Command): void {
  const enc = encodeURIComponent;
  addQuery(
    query,
    "proposal <id>",
    "a proposal with its tally, review and implementation summaries",
    ([id]) => `/governance/proposals/${enc(id!)}`,
    undefined,
    formatProposal,
  );
  addQuery(
    query,
    "proposals",
    "proposals, newest first",
    (_a, o) => {
      const q = new URLSearchParams();
      if (o.status) q.set("status", o.status);
      if (o.limit) q.set("limit", o.limit);
      if (o.cursor) q.set("cursor", o.cursor);
      return `/governance/proposals?${q}`;
    },
    (c) =>
      c
        .option("--status <status>", "only this status")
        .option("--limit <n>", "page size")
        .option("--cursor <n>", "next page"),
    formatProposals,
  );
  // The per-voter lists of a proposal, each paginated (SPEC v2 §4.6): `query votes|reviews|implementation-votes ID`.
  for (const [list, what] of [
    ["votes", "votes of a proposal"],
    ["reviews", "code reviews of a proposal"],
    ["implementation-votes", "implementation votes of a proposal"],
  ] as const)
    addQuery(
      query,
      `${list} <id>`,
      `${what}, in address order (paginated)`,
      ([id], o) => {
        const q = new URLSearchParams();
        if (o.limit) q.set("limit", o.limit);
        if (o.cursor) q.set("cursor", requireAddress(o.cursor, "--cursor"));
        return `/governance/proposals/${enc(id!)}/${list}${q.size ? `?${q}` : ""}`;
      },
      (c) =>
        c.option("--limit <n>", "page size").option("--cursor <address>", "next page: the last address seen"),
    );
  addQuery(
    query,
    "params",
    "chain parameters and governance rules",
    () => "/governance/params",
    undefined,
    formatParams,
  );
  addQuery(query, "features", "features", () => "/governance/features");
  addQuery(query, "timelock", "queued proposals with eta", () => "/governance/timelock");
  addQuery(
    query,
    "history",
    "execution history, newest first",
    (_a, o) => {
      const q = new URLSearchParams();
      if (o.limit) q.set("limit", o.limit);
      if (o.cursor) q.set("cursor", o.cursor);
      return `/governance/history?${q}`;
    },
    (c) => c.option("--limit <n>", "page size").option("--cursor <n>", "next page"),
  );
  addQuery(
    query,
    "voting-power <address>",
    "balance, power, capped power, snapshot height",
    ([a], o) =>
      `/governance/voting-power/${enc(requireAddress(a, "address"))}${o.proposal ? `?proposal_id=${enc(o.proposal)}` : ""}`,
    (c) => c.option("--proposal <id>", "at this proposal's snapshot"),
  );
  addQuery(query, "fiat-unlock", "fiat unlock status", () => "/governance/fiat-unlock/status");
}
