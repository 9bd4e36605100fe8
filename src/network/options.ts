/** The P2P network's options and the fixed bounds of its gossip validation (network.ts). */
import type { PrivateKey } from "@libp2p/interface";
import { TopicValidatorResult } from "@libp2p/interface";
import type { Chain } from "../chain/chain.js";
import type { Logger } from "../logger.js";
import type { NodeMetrics } from "../metrics/nodeMetrics.js";
import type { P2PNodeOptions } from "./p2pNode.js";
import type { IgnoreBudgetOptions, PenaltyOptions } from "./peerPenalties.js";

/** Options of the P2P network (and whether it announces its addresses, P2PNodeOptions.announce). */
export interface NetworkOptions extends Pick<P2PNodeOptions, "announce"> {
  chain: Chain;
  /** Multiaddrs to listen on, e.g. /ip4/127.0.0.1/tcp/9545. */
  listen: string[];
  /** Multiaddrs of peers to keep dialing (with or without /p2p/<id>). */
  peers: string[];
  privateKey: PrivateKey;
  metrics: NodeMetrics;
  log: Logger;
  penalties?: Partial<PenaltyOptions>;
  /** Each peer's budget of ignored transactions (default DEFAULT_IGNORE_BUDGET). */
  ignoreBudget?: Partial<IgnoreBudgetOptions>;
  /** Most gossiped transactions waiting for validation (a batch counts each); more are ignored. */
  maxPendingValidations?: number;
  /** How long admitted transactions are collected into one batch message (default 2 ms). */
  batchWindowMs?: number;
  /**
   * Peers on 127.0.0.1 and ::1 are this host's own processes (a local cluster), exempt from the IP
   * colocation penalty (`start --p2p-loopback-exempt`). Default false: never behind a proxy or
   * tunnel on this host, which makes every remote peer a loopback peer.
   */
  loopbackExempt?: boolean;
}

/** Most gossiped blocks waiting for validation at once (each may be megabytes). */
export const MAX_PENDING_BLOCKS = 16;

/** Gossipsub's verdict for each result of validation. */
export const VERDICTS = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
} as const;
