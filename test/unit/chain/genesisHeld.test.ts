// What a chain keeps of its genesis (issue 10): not the balances (only a new database's genesis
// state reads them), while the state holds them; and a database opened with another genesis, one
// balance changed or missing, is still refused (GENESIS_MISMATCH), as is a genesis.json swapped
// under a node's directory. A node whose database has checked the same genesis.json bytes before
// starts without checking the balances (startGenesis; GENESIS_FILE_META: the file's sha256 and the
// hash of the other fields it gave).
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Chain } from "../../../src/chain/chain.js";
import { chainGenesis, GENESIS_FILE_META } from "../../../src/chain/genesisBlock.js";
import { GenesisErrorCode, GenesisFault } from "../../../src/config/errors.js";
import { parseCheckedGenesis, parseGenesis } from "../../../src/config/genesis.js";
import { genesisFieldsHash } from "../../../src/config/genesisHash.js";
import { MAX_GENESIS_SUPPLY } from "../../../src/config/supply.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { isXaiError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/logger.js";
import { loadGenesis, readGenesisFile, startGenesis } from "../../../src/node/genesisFile.js";
import { initChain } from "../../../src/node/initChain.js";
import { createModules } from "../../../src/node/modules.js";
import { XaiNode } from "../../../src/node/node.js";
import { nodePaths } from "../../../src/node/paths.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { openTestChain, tempDir, testGenesis, testGenesisJson } from "../../utils/testChain.js";

const refused = (err: unknown) => isXaiError(err, GenesisErrorCode.MISMATCH);

/** What GENESIS_FILE_META holds for the file at `path`: its sha256, then its fields' hash. */
const recordOf = (path: string) =>
  toHex(sha256(readFileSync(path))) +
  toHex(genesisFieldsHash(parseGenesis(JSON.parse(readFileSync(path, "utf8")))));

describe("chain: the genesis it keeps", () => {
  it("holds no balances after open, and the genesis state has them", async () => {
    const genesis = testGenesis(1);
    assert.equal(genesis.balances.length, 10);
    const t = await openTestChain({ genesis });
    try {
      assert.equal("balances" in t.chain.genesis, false);
      assert.deepEqual(t.chain.genesis.hash, genesis.hash);
      for (const b of genesis.balances)
        assert.equal((await getAccount(t.chain.state, b.address)).balance, b.amount);
    } finally {
      await t.cleanup();
    }
  });

  it("a database is refused with another genesis (a balance changed or missing), accepted with its own", async () => {
    const dir = await tempDir();
    await (await openTestChain({ dir })).close();
    const dev3 = devKeyPair(3).address;
    const others = [
      testGenesis(1, (j) => {
        (j.balances as Array<{ address: string; amount: string }>).find((b) => b.address === dev3)!.amount =
          "1";
      }),
      testGenesis(1, (j) => {
        j.balances = (j.balances as Array<{ address: string }>).filter((b) => b.address !== dev3);
      }),
    ];
    for (const genesis of others) {
      const db = await ChainDb.open(dir);
      try {
        await assert.rejects(Chain.open({ genesis, db, modules: createModules() }), refused);
      } finally {
        await db.close();
      }
    }
    const t = await openTestChain({ dir, genesis: testGenesis(1) });
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a node whose genesis.json was swapped for another refuses to start (GENESIS_MISMATCH)", async () => {
    const dir = await tempDir();
    initChain({ dir, dev: true, preset: "test" }, 0);
    const node = await XaiNode.start({
      dir,
      apiHost: "127.0.0.1",
      apiPort: 0,
      produce: false,
      signatureWorkers: 0,
      log: silentLogger,
    });
    await node.stop();
    const path = nodePaths(dir).genesis;
    // The first start stored the file's digest: the swapped file below differs from it.
    const db = await ChainDb.open(nodePaths(dir).db);
    assert.equal(toHex((await db.getMeta(GENESIS_FILE_META))!), recordOf(path));
    await db.close();
    const g = JSON.parse(readFileSync(path, "utf8"));
    g.balances[0].amount = String(BigInt(g.balances[0].amount) + 1n);
    writeFileSync(path, JSON.stringify(g));
    await assert.rejects(
      XaiNode.start({
        dir,
        apiHost: "127.0.0.1",
        apiPort: 0,
        produce: false,
        signatureWorkers: 0,
        log: silentLogger,
      }),
      refused,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  describe("a genesis.json the database has checked before", () => {
    const open = async (dir: string) => {
      const db = await ChainDb.open(nodePaths(dir).db);
      const file = readGenesisFile(dir);
      const loaded = { genesis: await startGenesis(file, db), fileSha256: file.fileSha256 };
      return { db, loaded };
    };
    const start = async (dir: string) => {
      const { db, loaded } = await open(dir);
      const chain = await Chain.open({
        genesis: loaded.genesis,
        genesisFileSha256: loaded.fileSha256,
        db,
        modules: createModules(),
      });
      return { db, chain, loaded };
    };

    it("is parsed whole at the first open, then without its balances, to the same genesis", async () => {
      const dir = await tempDir();
      initChain({ dir, dev: true, preset: "test" }, 0);
      const path = nodePaths(dir).genesis;
      const whole = loadGenesis(dir);
      assert.ok(whole.balances.length > 0);
      const first = await start(dir);
      assert.equal("balances" in first.loaded.genesis, true);
      assert.equal(toHex((await first.db.getMeta(GENESIS_FILE_META))!), recordOf(path));
      const head = first.chain.head.hash;
      await first.db.close();

      const second = await start(dir);
      assert.equal("balances" in second.loaded.genesis, false);
      assert.deepEqual(second.loaded.genesis, chainGenesis(whole));
      assert.deepEqual(second.chain.genesis, chainGenesis(whole));
      assert.equal(toHex(second.chain.head.hash), toHex(head));
      await second.db.close();

      // Other bytes, the same genesis (whitespace): parsed whole again, and its digest stored.
      writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, "utf8")), null, 2));
      const third = await start(dir);
      assert.equal("balances" in third.loaded.genesis, true);
      assert.equal(toHex((await third.db.getMeta(GENESIS_FILE_META))!), recordOf(path));
      await third.db.close();
      const fourth = await open(dir);
      assert.equal("balances" in fourth.loaded.genesis, false);
      await fourth.db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a new database parses the file whole, and is not started from a genesis without balances (DB_CORRUPT)", async () => {
      const dir = await tempDir();
      initChain({ dir, dev: true, preset: "test" }, 0);
      const fresh = await open(dir);
      assert.equal("balances" in fresh.loaded.genesis, true);
      const checked = parseCheckedGenesis(
        JSON.parse(readFileSync(nodePaths(dir).genesis, "utf8")),
        fresh.loaded.genesis.hash,
      );
      await assert.rejects(
        Chain.open({ genesis: checked, db: fresh.db, modules: createModules() }),
        (err: unknown) => isXaiError(err, DbErrorCode.CORRUPT),
      );
      assert.equal(await fresh.db.getHead(), undefined);
      await fresh.db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a database whose head is gone beside a checked genesis.json is DB_CORRUPT, not a new chain", async () => {
      const dir = await tempDir();
      initChain({ dir, dev: true, preset: "test" }, 0);
      await (await start(dir)).db.close();
      const db = await ChainDb.open(nodePaths(dir).db);
      await db.batch().delMeta("head").write();
      await db.close();
      const again = await open(dir);
      assert.equal("balances" in again.loaded.genesis, false);
      await assert.rejects(
        Chain.open({ genesis: again.loaded.genesis, db: again.db, modules: createModules() }),
        (err: unknown) => isXaiError(err, DbErrorCode.CORRUPT),
      );
      await again.db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("the same bytes read into other fields (another release's parse) are parsed whole again", async () => {
      const dir = await tempDir();
      initChain({ dir, dev: true, preset: "test" }, 0);
      await (await start(dir)).db.close();
      const path = nodePaths(dir).genesis;
      // As if an earlier release had stored the hash of other values for these bytes.
      const db = await ChainDb.open(nodePaths(dir).db);
      const record = (await db.getMeta(GENESIS_FILE_META))!.slice();
      record[40]! ^= 1;
      await db.batch().setMeta(GENESIS_FILE_META, record).write();
      await db.close();
      const s = await start(dir);
      assert.equal("balances" in s.loaded.genesis, true);
      assert.equal(toHex((await s.db.getMeta(GENESIS_FILE_META))!), recordOf(path));
      await s.db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a node refuses a genesis.json that is not JSON before it creates a database", async () => {
      const dir = await tempDir();
      initChain({ dir, dev: true, preset: "test" }, 0);
      writeFileSync(nodePaths(dir).genesis, "{ not json");
      await assert.rejects(
        XaiNode.start({
          dir,
          apiHost: "127.0.0.1",
          apiPort: 0,
          produce: false,
          signatureWorkers: 0,
          log: silentLogger,
        }),
        (err: unknown) =>
          isXaiError(err, GenesisErrorCode.INVALID) && err.data.reason === GenesisFault.NOT_JSON,
      );
      assert.equal(existsSync(nodePaths(dir).db), false);
      rmSync(dir, { recursive: true, force: true });
    });

    it("validates every field but the balances again", () => {
      const json = testGenesisJson(1);
      const g = parseGenesis(json);
      assert.throws(
        () => parseCheckedGenesis({ ...json, chain_id: "X" }, g.hash),
        (err: unknown) =>
          isXaiError(err, GenesisErrorCode.INVALID) && err.data.reason === GenesisFault.BAD_CHAIN_ID,
      );
      assert.throws(
        () => parseCheckedGenesis({ ...json, block_time_ms: 5 }, g.hash),
        (err: unknown) =>
          isXaiError(err, GenesisErrorCode.INVALID) && err.data.reason === GenesisFault.BAD_BLOCK_TIME,
      );
      // The treasury still counts against the supply bound (the balances did when the bytes were checked).
      assert.throws(
        () => parseCheckedGenesis({ ...json, treasury_balance: String(MAX_GENESIS_SUPPLY + 1n) }, g.hash),
        (err: unknown) =>
          isXaiError(err, GenesisErrorCode.INVALID) && err.data.reason === GenesisFault.SUPPLY_OVERFLOW,
      );
      // The balances are not checked at all: the hash is the one given.
      const c = parseCheckedGenesis({ ...json, balances: "not even an array" }, g.hash);
      assert.equal(toHex(c.hash), toHex(g.hash));
      assert.equal("balances" in c, false);
    });
  });
});
