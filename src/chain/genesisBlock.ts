/**
 * Height 0: the genesis block (no proposer, no signature) and the first write of a new database.
 * The genesis state itself is the state transition's (src/state-transition/genesis.ts).
 */
import { GenesisErrorCode } from "../config/errors.js";
import type { Genesis, GenesisFile } from "../config/genesis.js";
import { genesisFieldsHash } from "../config/genesisHash.js";
import { bytesEqual } from "../crypto/bytes.js";
import { merkleRoot } from "../crypto/hash.js";
import type { ChainDb } from "../db/chainDb.js";
import { dbCorrupt } from "../db/errors.js";
import { XaiError } from "../errors.js";
import type { TxRules } from "../state-transition/applyTx.js";
import { genesisState } from "../state-transition/genesis.js";
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

/**
 * The database's meta entry for the genesis.json it was last opened with whole: the sha256 of its
 * bytes, then genesisFieldsHash of the genesis they gave (64 bytes). Written by the chain once
 * that genesis's hash matched the database's, or the genesis was written into a new database; read
 * at the next start (node/genesisFile.ts startGenesis).
 */
export const GENESIS_FILE_META = "genesis_file";

/**
 * The genesis a chain keeps: the file's without its balances, which only a new database's genesis
 * state reads (writeGenesis, at open); 100,000 balances held for the node's life were about 15 MiB
 * of objects (issue 10).
 */
export function chainGenesis(file: Genesis | GenesisFile): Genesis {
  if (!hasBalances(file)) return file;
  const { balances: _, ...genesis } = file;
  return genesis;
}

/** A genesis parsed whole, balances included (not one the database had checked before). */
export function hasBalances(g: Genesis | GenesisFile): g is GenesisFile {
  return "balances" in g;
}

/**
 * Writes genesis into a new database in one batch: the genesis block as canonical block 0 and
 * head, the genesis state, and the genesis hash (which a later open checks). Returns the block hash.
 */
export async function writeGenesis(db: ChainDb, genesis: GenesisFile, rules: TxRules): Promise<Uint8Array> {
  const { overlay, stateRoot } = await genesisState(genesis, rules);
  const block = genesisBlock(genesis, stateRoot);
  await db
    .batch()
    .putBlock(block.hash, block.bytes)
    .setCanonical(0, block.hash)
    .applyState(overlay.changes())
    .setMeta("genesis", genesis.hash)
    .setHead(block.hash)
    .write();
  return block.hash;
}

/**
 * The head of `db` opened with `genesis`: GENESIS_MISMATCH if the database holds another genesis;
 * a new database gets `genesis` written (which needs its balances). Once the genesis is the
 * database's, `fileSha256` (the bytes a whole genesis was parsed from) is stored in
 * GENESIS_FILE_META, so a start with the same bytes does not parse them whole again. A database
 * with a genesis but no head is DB_CORRUPT (a new one has neither).
 */
export async function openGenesis(
  db: ChainDb,
  genesis: Genesis | GenesisFile,
  fileSha256: Uint8Array | undefined,
  rules: TxRules,
): Promise<Uint8Array> {
  const stored = await db.getMeta("genesis");
  if (stored && !bytesEqual(stored, genesis.hash))
    throw new XaiError(GenesisErrorCode.MISMATCH, "the database belongs to another genesis");
  let head = await db.getHead();
  if (head === undefined) {
    // A database that holds a checked genesis.json's record has its genesis and head.
    if (!hasBalances(genesis))
      throw dbCorrupt("the database has no head block, and this genesis has no balances to write one");
    head = await writeGenesis(db, genesis, rules);
  }
  if (fileSha256 && hasBalances(genesis)) {
    const record = new Uint8Array(64);
    record.set(fileSha256, 0);
    record.set(genesisFieldsHash(genesis), 32);
    const known = await db.getMeta(GENESIS_FILE_META);
    if (!known || !bytesEqual(known, record)) await db.batch().setMeta(GENESIS_FILE_META, record).write();
  }
  return head;
}
