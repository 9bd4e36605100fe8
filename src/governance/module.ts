/**
 * The governance state module: the seven governance transactions, end-of-block processing and
 * genesis. Plugged into the block pipeline as `{ modules: [bankModule, governanceModule] }`.
 */
import { DEPOSIT_ESCROW_ADDRESS } from "../config/addresses.js";
import type { Genesis } from "../config/genesis.js";
import { xaiError } from "../errors.js";
import type { StateModule, TxContext, TxOutcome } from "../state-transition/module.js";
import type { StateWriter } from "../state-transition/stateStore.js";
import type { TxType } from "../types/tx.js";
import { processEndBlock } from "./endBlock.js";
import { GovErrorCode } from "./errors.js";
import { executeProposal } from "./execution.js";
import { fiatUnlockVote, initialFiatState } from "./fiatUnlock.js";
import { cancelProposal, submitProposal } from "./proposals.js";
import { fiatState } from "./store.js";
import { processBeginBlock } from "./upgrade/beginBlock.js";
import { knownUpgrades, type UpgradeSet } from "./upgrade/handlers.js";
import { castVote, submitReview, voteImplementation } from "./voting.js";

/** Transaction types handled by the governance module. */
export const GOV_TX_TYPES: readonly TxType[] = [
  "SUBMIT_PROPOSAL",
  "CAST_VOTE",
  "SUBMIT_CODE_REVIEW",
  "VOTE_IMPLEMENTATION",
  "EXECUTE_PROPOSAL",
  "CANCEL_PROPOSAL",
  "FIAT_UNLOCK_VOTE",
];

/** Validates and applies one governance transaction (throws a GOV_* XaiError if invalid). */
export function applyGovernanceTx(ctx: TxContext): Promise<TxOutcome> {
  const p = ctx.tx.body.payload;
  switch (p.type) {
    case "SUBMIT_PROPOSAL":
      return submitProposal(ctx, p);
    case "CAST_VOTE":
      return castVote(ctx, p);
    case "SUBMIT_CODE_REVIEW":
      return submitReview(ctx, p);
    case "VOTE_IMPLEMENTATION":
      return voteImplementation(ctx, p);
    case "EXECUTE_PROPOSAL":
      return executeProposal(ctx, p.proposalId);
    case "CANCEL_PROPOSAL":
      return cancelProposal(ctx, p.proposalId);
    case "FIAT_UNLOCK_VOTE":
      return fiatUnlockVote(ctx, p);
    default:
      throw xaiError(GovErrorCode.INVALID_ACTION, `governance does not handle ${p.type}`);
  }
}

/** Genesis: the fiat-unlock configuration (rules are written by the chain's genesisState). */
export async function initGovernanceGenesis(state: StateWriter, genesis: Genesis): Promise<void> {
  fiatState.put(state, initialFiatState(genesis));
}

/**
 * The governance module of a release that knows the upgrades `known` (SPEC v2 §4.7): at a plan's
 * height it runs the migration, or refuses the block with GOV_UPGRADE_NEEDED.
 */
export function createGovernanceModule(known: UpgradeSet): StateModule {
  return {
    name: "governance",
    txTypes: GOV_TX_TYPES,
    moduleAccounts: [DEPOSIT_ESCROW_ADDRESS],
    applyTx: applyGovernanceTx,
    beginBlock: (ctx) => processBeginBlock(ctx, known),
    endBlock: processEndBlock,
    initGenesis: initGovernanceGenesis,
  };
}

/** The governance module of this release: the production upgrades only. */
export const governanceModule: StateModule = createGovernanceModule(knownUpgrades());
