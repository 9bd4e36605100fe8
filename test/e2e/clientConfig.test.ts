// Client environment and config file (issue 12): for the node URL, the pinned chain id and the
// output, a flag beats the environment (XAI_NODE, XAI_CHAIN_ID), which beats the client config
// ($XAI_CONFIG; keys node, chain_id, output), which beats the default. No node is needed: the
// node URL shows in NODE_UNREACHABLE, the chain id in an offline --generate-only body.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killCliChildren, ROOT, spawnCli } from "../utils/cli.js";

describe("e2e: client env and config precedence (flag > env > config > default)", function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  const clean = { XAI_NODE: undefined, XAI_CHAIN_ID: undefined, XAI_GOV_CLIENT_CONFIG: undefined };
  let to: string;

  before(async function () {
    if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) this.skip();
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-client-config-"));
    config = join(dir, "client.json");
    writeFileSync(
      config,
      JSON.stringify({ node: "http://127.0.0.1:3", chain_id: "xai-devnet-3", output: "json" }),
    );
    const { devKeyPair } = await import("../../src/crypto/keys.js");
    to = devKeyPair(1).address;
  });
  after(() => {
    killCliChildren();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The URL `query status` tried, from its NODE_UNREACHABLE error. */
  async function nodeTried(args: string[], env: Record<string, string | undefined>): Promise<string> {
    const r = await spawnCli(["query", "status", ...args], 20_000, { ...clean, HOME: dir, ...env });
    assert.equal(r.code, 1);
    const m = /^NODE_UNREACHABLE: cannot reach (\S+):/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return m[1]!;
  }

  it("node: --node > XAI_NODE > config node > http://127.0.0.1:8545", async () => {
    const env = { XAI_NODE: "http://127.0.0.1:2", XAI_CONFIG: config };
    assert.equal(await nodeTried(["--node", "http://127.0.0.1:1"], env), "http://127.0.0.1:1");
    assert.equal(await nodeTried([], env), "http://127.0.0.1:2");
    assert.equal(await nodeTried([], { XAI_CONFIG: config }), "http://127.0.0.1:3");
    // HOME has no .xai-gov/client.json: the default.
    assert.equal(await nodeTried([], {}), "http://127.0.0.1:8545");
  });

  /** The chain id of an offline body (`--generate-only --nonce --fee`: no node is contacted). */
  async function chainSigned(args: string[], env: Record<string, string | undefined>): Promise<string> {
    const r = await spawnCli(
      [
        "tx",
        "transfer",
        "--to",
        to,
        "--amount",
        "1",
        "--key",
        "dev:0",
        "--generate-only",
        "--nonce",
        "0",
        "--fee",
        "1000",
        "--json",
        ...args,
      ],
      20_000,
      { ...clean, HOME: dir, ...env },
    );
    if (r.code !== 0) return r.stderr.split(":")[0]!;
    return (JSON.parse(r.stdout) as { chain_id: string }).chain_id;
  }

  it("chain id: --chain-id > XAI_CHAIN_ID > config chain_id > none (CHAIN_ID_REQUIRED)", async () => {
    const env = { XAI_CHAIN_ID: "xai-devnet-2", XAI_CONFIG: config };
    assert.equal(await chainSigned(["--chain-id", "xai-devnet-1"], env), "xai-devnet-1");
    assert.equal(await chainSigned([], env), "xai-devnet-2");
    assert.equal(await chainSigned([], { XAI_CONFIG: config }), "xai-devnet-3");
    assert.equal(await chainSigned([], {}), "CHAIN_ID_REQUIRED");
  });

  it('output: --json, else config output "json" prints one JSON line; default is readable', async () => {
    const show = (env: Record<string, string | undefined>, json = false) =>
      spawnCli(["keys", "show", "--key", "dev:0", ...(json ? ["--json"] : [])], 20_000, {
        ...clean,
        HOME: dir,
        ...env,
      });
    const flag = await show({}, true);
    const fromConfig = await show({ XAI_CONFIG: config });
    const dflt = await show({});
    assert.equal(flag.stdout.split("\n").length, 2);
    assert.equal(fromConfig.stdout, flag.stdout);
    assert.notEqual(dflt.stdout, flag.stdout);
    assert.deepEqual(JSON.parse(dflt.stdout), JSON.parse(flag.stdout));
  });

  it("a config with an unknown field or a bad output fails with BAD_CLIENT_CONFIG", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ output: "yaml" }));
    const r = await spawnCli(["query", "status"], 20_000, { ...clean, HOME: dir, XAI_CONFIG: bad });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `BAD_CLIENT_CONFIG: ${bad}: output is "json" or "text"\n`);
  });
});
