// loadGenesis on a genesis.json that is not JSON text: GENESIS_INVALID (reason not_json), not a bare
// SyntaxError (`ERROR: Unexpected token …` with no code from `xai-gov start`). Found by
// `npm run fuzz -- --target genesis` (vectors in test/fuzz-regressions/genesis/).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GenesisErrorCode, GenesisFault } from "../../../src/config/errors.js";
import { XaiError } from "../../../src/errors.js";
import { loadGenesis } from "../../../src/node/genesisFile.js";
import { testGenesisJson } from "../../utils/testChain.js";

describe("loadGenesis", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xai-genesis-file-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const text of ['{"chain_id":"xai-devnet-test","genesis_time_ms"', '{"chain_i000}}', "", "not json"])
    it(`a file that is not JSON (${JSON.stringify(text.slice(0, 20))}) is GENESIS_INVALID not_json`, () => {
      writeFileSync(join(dir, "genesis.json"), text);
      assert.throws(
        () => loadGenesis(dir),
        (err: unknown) =>
          err instanceof XaiError &&
          err.code === GenesisErrorCode.INVALID &&
          err.data.reason === GenesisFault.NOT_JSON &&
          err.message.includes("is not JSON"),
      );
    });

  it("a valid file still loads, and JSON that is not a genesis keeps its own reason", () => {
    writeFileSync(join(dir, "genesis.json"), JSON.stringify(testGenesisJson(1)));
    assert.equal(loadGenesis(dir).chainId, "xai-devnet-test");
    writeFileSync(join(dir, "genesis.json"), "null");
    assert.throws(
      () => loadGenesis(dir),
      (err: unknown) => err instanceof XaiError && err.data.reason === GenesisFault.NOT_AN_OBJECT,
    );
  });
});
