import { join } from "node:path";

/** Files of a node directory. */
export function nodePaths(dir: string) {
  return {
    genesis: join(dir, "genesis.json"),
    validatorKey: join(dir, "validator.key"),
    p2pKey: join(dir, "p2p.key"),
    /** The last block this validator signed (src/chain/signGuard.ts): never two at one height or slot. */
    signState: join(dir, "sign_state.json"),
    db: join(dir, "db"),
    replayScratch: join(dir, "replay.tmp"),
    /** Written when the node halts for an upgrade it does not know: `{name, height, info}`. */
    upgradeInfo: join(dir, "upgrade-info.json"),
  };
}
