import type { ChainEvent } from "../state-transition/module.js";

/** Governance event types (ChainEvent.type), each with string attributes. */
export type GovEventType =
  | "proposal_submitted"
  | "vote_cast"
  | "review_submitted"
  | "implementation_vote"
  | "proposal_status"
  | "proposal_executed"
  | "execution_failed"
  | "proposal_expired"
  | "rollback"
  | "emergency_action"
  | "fiat_unlock_vote"
  | "fiat_unlocked"
  | "upgrade_scheduled"
  | "upgrade_cancelled"
  | "upgrade_applied";

/** Where governance code emits events: the block height, the event list, the tx if any. */
export interface EventSink {
  height: number;
  events: ChainEvent[];
  /** Id of the transaction being applied; undefined at the end of block. */
  txId: string | undefined;
}

/** Pushes a governance event. */
export function emit(sink: EventSink, type: GovEventType, attributes: Record<string, string>): void {
  sink.events.push({
    type,
    height: sink.height,
    ...(sink.txId !== undefined ? { txId: sink.txId } : {}),
    attributes,
  });
}
