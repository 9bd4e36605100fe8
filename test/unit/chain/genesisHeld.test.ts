// What a chain keeps of its genesis (issue 10): not the balances (only a new database's genesis
// state reads them), while the state holds them; and a database opened with another genesis, one
// balance changed or missing, is still refused (GENESIS_MISMATCH), as is a genesis.json swapped
// under a node's directory.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { Chain } from "../../../src/chain/chain.js";
import { GenesisErrorCode } from "../../../src/config/errors.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { isXaiError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/logger.js";
import { initChain } from "../../../src/node/initChain.js";
import { createModules } from "../../../src/node/modules.js";
import { XaiNode } from "../../../src/node/node.js";
import { nodePaths } from "../../../src/node/paths.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { openTestChain, tempDir, testGenesis } from "../../utils/testChain.js";

const refused = (err: unknown) => isXaiError(err, GenesisErrorCode.MISMATCH);

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
});
