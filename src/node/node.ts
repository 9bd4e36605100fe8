import { existsSync, writeFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { adminRoutes } from "../api/admin.js";
import { governanceRoutes } from "../api/governanceRoutes.js";
import type { RoutePlugin } from "../api/server.js";
import { upgradeRoutes } from "../api/upgradeRoutes.js";
import { validatorRoutes } from "../api/validatorRoutes.js";
import { Chain, type NewHeadEvent } from "../chain/chain.js";
import { SignGuard } from "../chain/signGuard.js";
import { SignaturePool } from "../chain/sigPool.js";
import { slotAt, slotStartMs } from "../chain/slots.js";
import type { KeyPair } from "../crypto/keys.js";
import { signatureBackend } from "../crypto/verify.js";
import { ChainDb } from "../db/chainDb.js";
import { DbErrorCode, dbCorrupt } from "../db/errors.js";
import type { XaiError } from "../errors.js";
import type { UpgradeNeeded } from "../governance/upgrade/beginBlock.js";
import type { Logger } from "../logger.js";
import { GovernanceMetrics } from "../metrics/governanceMetrics.js";
import { NodeMetrics } from "../metrics/nodeMetrics.js";
import type { P2PNetwork } from "../network/network.js";
import type { PenaltyOptions } from "../network/peerPenalties.js";
import { MAX_VALIDATORS } from "../state-transition/validatorSet.js";
import { VERSION } from "../version.js";
import { logHead } from "./eventLog.js";
import { readGenesisFile, startGenesis } from "./genesisFile.js";
import { readKeyFile } from "./keyFile.js";
import { openListeners } from "./listeners.js";
import { createModules } from "./modules.js";
import { nodePaths } from "./paths.js";
import { checkAppliedUpgrades, nodeUpgrades, parseTestUpgrades, TEST_UPGRADES_ENV } from "./upgrades.js";

/** Options of `xai-gov start`. */
export interface NodeOptions {
  dir: string;
  /** HTTP API address; port 0 picks a free port. */
  apiHost: string;
  apiPort: number;
  /** Produce blocks with the directory's validator key (default true when it exists). */
  produce?: boolean;
  log?: Logger;
  /** Extra API routes (the governance module's). */
  routes?: RoutePlugin[];
  /** libp2p listen multiaddrs; none runs the node without networking. */
  p2pListen?: string[];
  /** Peers to keep dialing. */
  peers?: string[];
  /** Announce the libp2p listen addresses to peers (default true; `start --no-announce`). */
  p2pAnnounce?: boolean;
  /** Exempt peers on loopback from gossipsub's IP colocation penalty (`start --p2p-loopback-exempt`). */
  p2pLoopbackExempt?: boolean;
  /** Peer penalty limits (default: the network's). */
  penalties?: Partial<PenaltyOptions>;
  /** Test upgrades this release knows (default: from XAI_TEST_UPGRADES; production: none). */
  testUpgrades?: string[];
  /**
   * Called once the chain halted before a block needing an upgrade this release lacks (after the
   * node stopped producing and wrote DIR/upgrade-info.json); `xai-gov start` then exits with
   * UPGRADE_NEEDED_EXIT_CODE.
   */
  onUpgradeNeeded?: (plan: UpgradeNeeded) => void;
  /** Worker threads verifying transaction signatures (default 2: this machine's cores; 0: none, on the main thread). */
  signatureWorkers?: number;
  /** Origins a browser may call the API from (`start --cors ORIGIN`; default none: no CORS headers). */
  cors?: string[];
  /**
   * Called once a write to the database or the sign state failed (fail-stop: the chain runs no job
   * again); `xai-gov start` exits with STORAGE_FAILED_EXIT_CODE. Without it the node stops itself.
   */
  onFatal?: (err: XaiError) => void;
}

/** Exit code of `xai-gov start` after a failed write (fail-stop; free the disk, then restart). */
export const STORAGE_FAILED_EXIT_CODE = 6;

/** Composition root: database, chain, block production and the HTTP API of one node. */
export class XaiNode {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private skippedForSync = 0;
  private stopping: Promise<void> | undefined;
  apiAddress = "";

  private constructor(
    readonly chain: Chain,
    readonly db: ChainDb,
    readonly metrics: NodeMetrics,
    readonly api: FastifyInstance,
    readonly key: KeyPair | undefined,
    readonly log: Logger,
    readonly network: P2PNetwork | undefined,
    private readonly signaturePool: SignaturePool | undefined,
  ) {}

  /** Opens the database, resumes from its head, opens every listener, then runs network and production. */
  static async start(o: NodeOptions): Promise<XaiNode> {
    const log = o.log ?? pino({ level: process.env.XAI_LOG_LEVEL ?? "info" });
    // Read first (NO_GENESIS, not_json); validated once the database says what it has checked.
    const genesisFile = readGenesisFile(o.dir);
    const paths = nodePaths(o.dir);
    const key =
      (o.produce ?? true) && existsSync(paths.validatorKey) ? readKeyFile(paths.validatorKey) : undefined;
    const testUpgrades = o.testUpgrades ?? parseTestUpgrades(process.env[TEST_UPGRADES_ENV]);
    const upgrades = nodeUpgrades(testUpgrades);
    // Read before anything is opened: a validator never signs without its sign state.
    const signGuard = key ? SignGuard.load(paths.signState) : undefined;
    const db = await ChainDb.open(paths.db);
    // Transaction signatures on worker threads (src/chain/sigPool.ts), closed on stop.
    // `signatureWorkers` 0: none (the main thread verifies; the harness's large clusters).
    const workers = o.signatureWorkers ?? 2;
    const signaturePool = workers > 0 ? new SignaturePool({ size: workers }) : undefined;
    const release = async () => {
      await signaturePool?.close();
      await db.close();
    };
    let chain: Chain;
    try {
      // After the database: a genesis.json it has checked before is not parsed whole again.
      chain = await Chain.open({
        genesis: await startGenesis(genesisFile, db),
        genesisFileSha256: genesisFile.fileSha256,
        db,
        modules: createModules(upgrades),
        log,
        ...(signaturePool ? { signaturePool } : {}),
        ...(signGuard ? { signGuard } : {}),
      });
      await checkAppliedUpgrades(chain.state, upgrades);
    } catch (err) {
      await release();
      throw err;
    }
    // A key outside the set is kept: the node follows the chain and starts producing in its slots
    // once a validator_set proposal's addition of it is in force (SPEC §4.8).
    if (key && !chain.validators.knows(key.address))
      log.warn(
        { validator: key.address },
        "validator key is not in the validator set: following until it is added",
      );
    const metrics = new NodeMetrics();
    metrics.collectProcessMetrics();
    const genesis = chain.genesis;
    metrics.buildInfo.set({ version: VERSION, node: process.version, chain_id: genesis.chainId }, 1);
    const gm = new GovernanceMetrics(metrics, () => chain.state);
    // Every listener is opened before anything runs (no sync, gossip or production): a node that
    // cannot open one closes what it opened and releases its database (NODE_LISTEN_FAILED).
    const { network, api, apiAddress } = await openListeners(
      o,
      { chain, metrics, log, key },
      paths.p2pKey,
      (net) => [
        governanceRoutes(gm),
        validatorRoutes,
        upgradeRoutes,
        ...(o.routes ?? []),
        ...(net ? [adminRoutes(net)] : []),
      ],
    ).catch(async (err: unknown) => {
      await release();
      throw err;
    });
    const node = new XaiNode(chain, db, metrics, api, key, log, network, signaturePool);
    node.apiAddress = apiAddress;
    metrics.trackBounds(() => [
      ...chain.bounds(),
      ...(signaturePool ? [signaturePool.bound()] : []),
      ...(network?.bounds() ?? []),
    ]);
    chain.on("head", (e: NewHeadEvent) => {
      gm.observe(e.result.events);
      node.onHead(e);
    });
    chain.on("blockRejected", (code: string) => {
      metrics.rejectedBlocks.inc({ code });
      // A reorg that found an undo record missing: never go on with wrong state (fail-stop).
      if (code === DbErrorCode.CORRUPT && !node.stopped)
        node.onFatal(dbCorrupt("a reorg's undo record is missing"), o);
    });
    chain.on("upgradeNeeded", (plan: UpgradeNeeded) => node.onUpgradeNeeded(plan, paths.upgradeInfo, o));
    chain.on("fatal", (err: XaiError) => node.onFatal(err, o));
    if (db.writeFailure) node.onFatal(db.writeFailure, o); // failed before the handler was there
    node.updateGauges();
    await network?.run();
    log.info(
      {
        chainId: genesis.chainId,
        height: chain.head.height,
        api: node.apiAddress,
        validator: key?.address ?? null,
        peerId: network?.peerId ?? null,
        p2p: network?.listenAddrs() ?? [],
        upgrades: [...upgrades.keys()],
        signatures: signatureBackend,
      },
      "node started",
    );
    if (key) {
      // With peers, first give sync a chance: a validator restarted on a stale head would
      // otherwise propose on it and fork.
      const grace = network && (o.peers ?? []).length > 0 ? 2 * genesis.blockTimeMs : 0;
      node.timer = setTimeout(() => node.scheduleNextSlot(), grace);
    }
    return node;
  }

  private onHead(e: NewHeadEvent): void {
    this.metrics.observeHead(e);
    this.updateGauges();
    logHead(this.log, e);
  }

  /**
   * The chain halted for an upgrade (SPEC v2 §4.7): production stops, the plan is written to
   * DIR/upgrade-info.json (what a supervisor reads, as Cosmovisor does) and the owner is told.
   */
  private onUpgradeNeeded(plan: UpgradeNeeded, file: string, o: NodeOptions): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
    o.onUpgradeNeeded?.(plan);
  }

  /** A write failed (fail-stop): no production, no chain job again; the owner stops the node. */
  private onFatal(err: XaiError, o: NodeOptions): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.log.warn({ code: err.code, err: err.message }, "storage failed: the node stops (fail-stop)");
    if (o.onFatal) o.onFatal(err);
    else void this.stop();
  }

  private updateGauges(): void {
    this.metrics.height.set(this.chain.head.height);
    this.metrics.finalizedHeight.set(this.chain.finalizedHeight);
    this.metrics.mempoolSize.set(this.chain.mempool.size);
    this.metrics.validators.set(this.chain.validators.current.validators.length);
  }

  /**
   * Wakes at the start of the next slot this node proposes (by the schedule of the set in force
   * after the head, SPEC §4.8) and produces its block. A key not in that set (a validator added
   * but not yet active, or removed) finds no slot within MAX_VALIDATORS: it wakes at the next
   * slot and looks again, so it starts producing as soon as its addition is in force.
   */
  private scheduleNextSlot(): void {
    if (this.stopped || !this.key) return;
    const g = this.chain.genesis;
    const now = Date.now();
    const first = Math.max(slotAt(g, now) + 1, this.chain.head.slot + 1);
    const height = this.chain.head.height + 1;
    let slot = first;
    while (
      slot < first + MAX_VALIDATORS &&
      this.chain.proposers.proposerOf(slot, height).address !== this.key.address
    )
      slot++;
    if (slot === first + MAX_VALIDATORS) slot = first;
    const delay = Math.max(0, slotStartMs(g, slot) - now);
    this.timer = setTimeout(() => void this.produce(slot), delay);
  }

  private async produce(slot: number): Promise<void> {
    try {
      // While catching up, do not fork off a stale head; but never skip more than a few slots in
      // a row for it, so no peer can keep a validator silent.
      if (this.network?.syncing && this.skippedForSync < 3) {
        this.skippedForSync++;
        this.log.info({ slot }, "skipping my slot while catching up with peers");
        return;
      }
      this.skippedForSync = 0;
      const block = await this.chain.produceBlock(slot, this.key!);
      if (block && this.network) await this.network.publishBlock(block.bytes);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, slot }, "block production failed");
    } finally {
      this.scheduleNextSlot();
    }
  }

  /** Stops production and the API, waits for the chain queue, closes the database (once). */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.api.close();
    await this.network?.stop();
    await this.chain.idle();
    await this.signaturePool?.close();
    await this.db.close();
    this.log.info({ height: this.chain.head.height }, "node stopped");
  }
}
