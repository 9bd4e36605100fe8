import type { Genesis } from "../config/genesis.js";
import { merkleRoot } from "../crypto/hash.js";
import { assembleBlock, type Block } from "../types/block.js";

/**
 * The block at height 0: no proposer, no signature, parent_hash = genesis hash (so every block
 * hash commits to the whole genesis), state_root = root of the genesis state.
 */
export function genesisBlock(genesis: Genesis, stateRoot: Uint8Array): Block {
  return assembleBlock(
    {
      chainId: genesis.chainId,
      height: 0,
      slot: 0,
      parentHash: genesis.hash,
      proposer: "",
      txRoot: merkleRoot([]),
      stateRoot,
    },
    new Uint8Array(0),
    [],
  );
}
