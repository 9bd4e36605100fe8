import { refusalLog } from "../api/refusalLog.js";
import type { Chain } from "../chain/chain.js";
import type { KeyPair } from "../crypto/keys.js";
import type { Logger } from "../logger.js";
import type { NodeMetrics } from "../metrics/nodeMetrics.js";
import type { P2PNetwork } from "../network/network.js";

/** What the API's routes read of the node (the network may be undefined: no `--p2p`). */
export function apiContext(
  chain: Chain,
  metrics: NodeMetrics,
  key: KeyPair | undefined,
  network: P2PNetwork | undefined,
  cors: string[] | undefined,
  log: Logger,
) {
  return {
    chain,
    metrics,
    peers: () => network?.peers().length ?? 0,
    syncing: () => network?.syncing ?? false,
    ...(key ? { validator: key.address } : {}),
    ...(cors ? { cors } : {}),
    onRefused: refusalLog(log),
    ...(network ? { onTxAccepted: (bytes: Uint8Array) => void network.publishTx(bytes) } : {}),
  };
}
