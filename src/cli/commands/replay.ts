import { rmSync } from "node:fs";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { ChainErrorCode } from "../../chain/errors.js";
import { repairChain } from "../../chain/repair.js";
import { replayChain } from "../../chain/replay.js";
import { SignaturePool } from "../../chain/sigPool.js";
import { verifySignature } from "../../crypto/verify.js";
import { ChainDb } from "../../db/chainDb.js";
import { xaiError } from "../../errors.js";
import { assertGovernanceInvariants } from "../../governance/invariants.js";
import { loadGenesis } from "../../node/genesisFile.js";
import { createModules } from "../../node/modules.js";
import { nodePaths } from "../../node/paths.js";
import { nodeUpgrades, parseTestUpgrades, TEST_UPGRADES_ENV } from "../../node/upgrades.js";
import { printResult } from "../output.js";

interface ReplayCliOptions {
  dir: string;
  json?: boolean;
  skipSignatures?: boolean;
  workers: string;
  repair?: boolean;
}

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
    .option("--workers <n>", "worker threads verifying transaction signatures (0: on the main thread)", "2")
    .option(
      "--repair",
      "repair a database the node refuses as DB_CORRUPT: LevelDB's repair, then the state, receipts and undo records rebuilt from the longest run of intact blocks (docs/RUNBOOK.md)",
    )
    .option("--json", "print one JSON object")
    .action(async (o: ReplayCliOptions) => {
      const genesis = loadGenesis(o.dir);
      const paths = nodePaths(o.dir);
      // LevelDB's own repair keeps every record it can still read (the node must be stopped).
      if (o.repair) await ChainDb.repair(paths.db);
      const source = await ChainDb.open(paths.db, { repairing: o.repair === true });
      rmSync(paths.replayScratch, { recursive: true, force: true });
      const scratch = await ChainDb.open(paths.replayScratch);
      const bar = o.json
        ? undefined
        : new SingleBar({
            format: "replay [{bar}] {value}/{total} blocks | {txs} tx | {rate} tx/s | eta {eta_formatted}",
            stream: process.stderr,
          });
      const workers = Number.parseInt(o.workers, 10);
      // Signatures of the next blocks verified on the workers while one is applied (replay.ts).
      const pool = !o.skipSignatures && workers > 0 ? new SignaturePool({ size: workers }) : undefined;
      const t0 = performance.now();
      try {
        let started = false;
        const report = await (o.repair ? repairChain : replayChain)({
          genesis,
          source,
          scratch,
          // The release's known upgrades (XAI_TEST_UPGRADES adds test ones), as `start` runs them.
          modules: createModules(nodeUpgrades(parseTestUpgrades(process.env[TEST_UPGRADES_ENV]))),
          blockVerifier: verifySignature,
          // With the pool: the default verifier (verifySignature behind a memo the pool fills).
          ...(o.skipSignatures ? { txVerifier: null } : pool ? { pool } : { txVerifier: verifySignature }),
          check: assertGovernanceInvariants,
          clock: () => performance.now(),
          onProgress: (h, total, txs) => {
            if (!bar) return;
            const rate = Math.round(txs / Math.max(0.001, (performance.now() - t0) / 1000));
            if (!started) {
              bar.start(total, 0, { txs, rate });
              started = true;
            }
            bar.update(h, { txs, rate });
          },
        });
        bar?.stop();
        printResult(
          // "verified" only if nothing was skipped: an auditor reading it must not miss --skip-signatures.
          snakeKeys({
            ...report,
            ms: Math.round(report.ms),
            verified: report.mismatches === 0 && report.txSignatures === "verified",
          }),
          o.json === true,
        );
        // A repair replaces the stored state, so its differences are what it fixed.
        if (report.mismatches > 0 && !o.repair)
          throw xaiError(ChainErrorCode.REPLAY_MISMATCH, `${report.mismatches} state entries differ`);
      } finally {
        bar?.stop();
        await pool?.close();
        await scratch.close();
        await source.close();
        rmSync(paths.replayScratch, { recursive: true, force: true });
      }
    });
}

/** The report with snake_case keys, nested ones too (the API's style: head_height, state_root). */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x)]),
  );
}
