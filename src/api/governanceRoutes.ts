import type { FastifyInstance } from "fastify";
import { type RegistrySpace, registryEntries } from "../config/registry.js";
import { requireAddress } from "../crypto/keys.js";
import { XaiError, xaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import { PROPOSAL_STATUSES, type ProposalStatus } from "../governance/lifecycle.js";
import { proposalIdOf } from "../governance/proposalId.js";
import {
  fiatUnlockStatus,
  getProposal,
  history,
  listImplementationVotes,
  listProposals,
  listReviews,
  listVotes,
  timelock,
  votingPower,
} from "../governance/queries.js";
import { proposalIds } from "../governance/store.js";
import type { GovernanceMetrics } from "../metrics/governanceMetrics.js";
import { getRegistryRaw, isRegistryInForce } from "../state-transition/params.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { Tx, TxType } from "../types/tx.js";
import { ApiErrorCode } from "./errors.js";
import { GOV_TX_ROUTES, type GovTxType } from "./governanceTxRoutes.js";
import { type ProposalTimes, proposalTiming } from "./proposalTiming.js";
import {
  featuresSchema,
  fiatStatusSchema,
  govWriteSchema,
  historySchema,
  paramsSchema,
  perVoterSchema,
  proposalSchema,
  proposalsSchema,
  timelockSchema,
  votingPowerSchema,
} from "./schemas/governance.js";
import { type ApiContext, submitBase64Tx, txBodySchema } from "./server.js";

const PROPOSAL_ID_RE = /^[0-9a-f]{32}$/;
const PROPOSAL_NUMBER_RE = /^[1-9][0-9]{0,15}$/;

/**
 * A proposal named in a path or query: its id (32 lowercase hex characters) or its number, looked
 * up in the number index (GOV_UNKNOWN_PROPOSAL if there is none).
 */
async function proposalIdParam(state: StateReader, ref: string): Promise<string> {
  if (PROPOSAL_ID_RE.test(ref)) return ref;
  if (!PROPOSAL_NUMBER_RE.test(ref))
    throw xaiError(
      ApiErrorCode.BAD_REQUEST,
      "a proposal is named by its id (32 lowercase hex characters) or its number",
    );
  const id = await proposalIds.get(state, Number(ref));
  if (!id) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `no proposal number ${ref}`);
  return id;
}

function intQuery(v: string | undefined, what: string): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(v))
    throw xaiError(ApiErrorCode.BAD_REQUEST, `${what} must be a non-negative integer`);
  return Number(v);
}

function proposalIdOfTx(tx: Tx): string | undefined {
  const p = tx.body.payload;
  if (p.type === "SUBMIT_PROPOSAL") return proposalIdOf(tx.id);
  return "proposalId" in p ? p.proposalId : undefined;
}

/** The entries in force (v2 §4.7: one an upgrade adds appears from its height, with `since`). */
async function registryJson(space: RegistrySpace, state: ApiContext["chain"]["state"]) {
  const entries = [];
  for (const e of registryEntries(space))
    if (await isRegistryInForce(state, space, e.name))
      entries.push({
        name: e.name,
        type: e.type,
        min: e.min?.toString() ?? null,
        max: e.max?.toString() ?? null,
        default: e.default,
        value: await getRegistryRaw(state, space, e.name),
        description: e.description,
        governable: e.governable,
        ...(e.since ? { since: e.since } : {}),
      });
  return entries;
}

/** The governance routes of SPEC §5. */
export function governanceRoutes(gm: GovernanceMetrics) {
  return (app: FastifyInstance, ctx: ApiContext): void => {
    const { chain } = ctx;

    // One write route per transaction type; each refuses transactions of another type.
    const write = (url: string, type: TxType) =>
      app.post<{ Body: { tx: string } }>(
        url,
        { schema: govWriteSchema(type, txBodySchema) },
        async (req, reply) => {
          const tx = await submitChecked(req.body.tx, type);
          const proposalId = proposalIdOfTx(tx);
          return reply
            .code(202)
            .send({ tx_id: tx.id, ...(proposalId ? { proposal_id: proposalId } : {}), status: "pending" });
        },
      );

    async function submitChecked(b64: string, type: TxType): Promise<Tx> {
      try {
        return await submitBase64Tx(ctx, b64, type);
      } catch (err) {
        if (err instanceof XaiError && err.code.startsWith("GOV_")) gm.rejectedTxs.inc({ code: err.code });
        throw err;
      }
    }

    for (const [type, url] of Object.entries(GOV_TX_ROUTES)) write(url, type as GovTxType);

    app.get<{ Querystring: { status?: string; limit?: string; cursor?: string } }>(
      "/governance/proposals",
      { schema: proposalsSchema },
      async (req) => {
        const { status } = req.query;
        if (status !== undefined && status !== "" && !PROPOSAL_STATUSES.includes(status as ProposalStatus))
          throw xaiError(ApiErrorCode.BAD_REQUEST, `status must be one of ${PROPOSAL_STATUSES.join(", ")}`);
        const limit = intQuery(req.query.limit, "limit");
        const cursor = intQuery(req.query.cursor, "cursor");
        return listProposals(chain.state, {
          ...(status ? { status: status as ProposalStatus } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        });
      },
    );

    app.get<{ Params: { id: string } }>(
      "/governance/proposals/:id",
      { schema: proposalSchema },
      async (req) => {
        const p = await getProposal(chain.state, await proposalIdParam(chain.state, req.params.id));
        if (!p) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `unknown proposal ${req.params.id}`);
        const timingChain = {
          genesis: chain.genesis,
          head: chain.head,
          // The header only (cached), not the whole block.
          slotAt: async (h: number) => {
            const hash = await chain.db.getCanonicalHash(h);
            return hash ? (await chain.header(hash))?.slot : undefined;
          },
        };
        return { ...p, timing: await proposalTiming(timingChain, p as unknown as ProposalTimes) };
      },
    );

    // Every per-voter list of a proposal, paginated alike: cursor = the last address seen (SPEC §5).
    type PerVoterList = (
      state: ApiContext["chain"]["state"],
      id: string,
      o: { cursor?: string; limit?: number },
    ) => Promise<object | undefined>;
    const perVoter = (path: "votes" | "reviews" | "implementation-votes", list: PerVoterList) =>
      app.get<{ Params: { id: string }; Querystring: { cursor?: string; limit?: string } }>(
        `/governance/proposals/:id/${path}`,
        { schema: perVoterSchema(path) },
        async (req) => {
          const limit = intQuery(req.query.limit, "limit");
          const cursor = req.query.cursor;
          if (cursor !== undefined && cursor !== "") requireAddress(cursor, "cursor");
          const page = await list(chain.state, await proposalIdParam(chain.state, req.params.id), {
            ...(cursor ? { cursor } : {}),
            ...(limit !== undefined ? { limit } : {}),
          });
          if (!page) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `unknown proposal ${req.params.id}`);
          return page;
        },
      );
    perVoter("votes", listVotes);
    perVoter("reviews", listReviews);
    perVoter("implementation-votes", listImplementationVotes);

    app.get<{ Params: { address: string }; Querystring: { proposal_id?: string } }>(
      "/governance/voting-power/:address",
      { schema: votingPowerSchema },
      async (req) => {
        requireAddress(req.params.address);
        const pid = req.query.proposal_id;
        const r = await votingPower(chain.state, req.params.address, {
          height: chain.head.height,
          ...(pid ? { proposalId: await proposalIdParam(chain.state, pid) } : {}),
        });
        if (!r) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `unknown proposal ${pid}`);
        return r;
      },
    );

    app.get("/governance/params", { schema: paramsSchema }, async () => ({
      params: await registryJson("param", chain.state),
      rules: await registryJson("rule", chain.state),
    }));
    app.get("/governance/features", { schema: featuresSchema }, async () => ({
      features: await registryJson("feature", chain.state),
    }));
    app.get("/governance/timelock", { schema: timelockSchema }, async () => ({
      height: chain.head.height,
      queued: await timelock(chain.state),
    }));
    app.get<{ Querystring: { limit?: string; cursor?: string } }>(
      "/governance/history",
      { schema: historySchema },
      async (req) => {
        const limit = intQuery(req.query.limit, "limit");
        const cursor = intQuery(req.query.cursor, "cursor");
        return history(chain.state, {
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        });
      },
    );
    app.get("/governance/fiat-unlock/status", { schema: fiatStatusSchema }, async () => {
      const s = await fiatUnlockStatus(chain.state);
      if (!s) throw xaiError(ApiErrorCode.NOT_FOUND, "no fiat unlock on this chain");
      return { height: chain.head.height, ...s };
    });
  };
}
