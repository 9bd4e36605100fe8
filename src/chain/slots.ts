import type { Genesis } from "../config/genesis.js";

/** Slot of a wall-clock time: floor((now - genesis_time) / block_time); 0 before genesis. */
export function slotAt(genesis: Genesis, nowMs: number): number {
  if (nowMs <= genesis.genesisTimeMs) return 0;
  return Math.floor((nowMs - genesis.genesisTimeMs) / genesis.blockTimeMs);
}

/** Wall-clock start of a slot in ms. */
export function slotStartMs(genesis: Genesis, slot: number): number {
  return genesis.genesisTimeMs + slot * genesis.blockTimeMs;
}

/** Clock disparity tolerated for blocks from peers: half a block time, at most 500 ms. */
export function maxClockDisparityMs(genesis: Genesis): number {
  return Math.min(500, Math.floor(genesis.blockTimeMs / 2));
}
