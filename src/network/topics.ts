/** Gossip topic of transactions, named with the chain id and a version. */
export function txTopic(chainId: string): string {
  return `/xai/${chainId}/tx/1`;
}

/** Gossip topic of transaction batches (several transactions per message, txBatch.ts). */
export function txBatchTopic(chainId: string): string {
  return `/xai/${chainId}/txs/1`;
}

/** Gossip topic of blocks. */
export function blockTopic(chainId: string): string {
  return `/xai/${chainId}/block/1`;
}

/** Request/response protocol of block sync. */
export function syncProtocol(chainId: string): string {
  return `/xai/${chainId}/sync/1`;
}

/** Largest gossip message: a block of max_block_bytes (bound 10,000,000) plus framing. */
export const MAX_GOSSIP_BYTES = 10_500_000;
