import { rmSync } from "node:fs";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { ChainErrorCode } from "../../chain/errors.js";
import { replayChain } from "../../chain/replay.js";
import { verifyNode } from "../../crypto/verify.js";
import { ChainDb } from "../../db/chainDb.js";
import { xaiError } from "../../errors.js";
import { assertGovernanceInvariants } from "../../governance/invariants.js";
import { loadGenesis } from "../../node/genesisFile.js";
import { createModules } from "../../node/modules.js";
import { nodePaths } from "../../node/paths.js";
import { nodeUpgrades, parseTestUpgrades, TEST_UPGRADES_ENV } from "../../node/upgrades.js";
import { printResult } from "../output.js";

/** Registers `replay`. */
export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description(
      "rebuild all state from the stored blocks, verify every root and signature, compare with the stored state",
    )
    .requiredOption("--dir <dir>", "node directory (the node must be stopped)")
    .option(
      "--skip-signatures",
      "do not re-check transaction signatures (faster; only for a database you trust; block signatures are still checked)",
    )
    .option("--json", "print one JSON object")
    .action(async (o: { dir: string; json?: boolean; skipSignatures?: boolean }) => {
      const genesis = loadGenesis(o.dir);
      const paths = nodePaths(o.dir);
      const source = await ChainDb.open(paths.db);
      rmSync(paths.replayScratch, { recursive: true, force: true });
      const scratch = await ChainDb.open(paths.replayScratch);
      const bar = o.json
        ? undefined
        : new SingleBar({ format: "replay [{bar}] {value}/{total} blocks", stream: process.stderr });
      try {
        let started = false;
        const report = await replayChain({
          genesis,
          source,
          scratch,
          // The release's known upgrades (XAI_TEST_UPGRADES adds test ones), as `start` runs them.
          modules: createModules(nodeUpgrades(parseTestUpgrades(process.env[TEST_UPGRADES_ENV]))),
          blockVerifier: verifyNode,
          txVerifier: o.skipSignatures ? null : verifyNode,
          check: assertGovernanceInvariants,
          clock: () => performance.now(),
          onProgress: (h, total) => {
            if (!bar) return;
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.update(h);
          },
        });
        bar?.stop();
        printResult(
          // "verified" only if nothing was skipped: an auditor reading it must not miss --skip-signatures.
          {
            ...report,
            ms: Math.round(report.ms),
            verified: report.mismatches === 0 && report.txSignatures === "verified",
          },
          o.json === true,
        );
        if (report.mismatches > 0)
          throw xaiError(ChainErrorCode.REPLAY_MISMATCH, `${report.mismatches} state entries differ`);
      } finally {
        bar?.stop();
        await scratch.close();
        await source.close();
        rmSync(paths.replayScratch, { recursive: true, force: true });
      }
    });
}
