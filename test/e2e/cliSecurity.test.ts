// The client's defences, on the compiled CLI (`node bin/xai-gov.js`; run `npx tsc -p .` first).
// B3 (review security-2026-12): the CLI signed whatever chain id, fee and nonce the `--node`
// reported; the review's fake node got a signature for "xai-devnet-mainnet-lookalike" with a fee of
// 99,999,900,000,000 units for a 1-unit transfer. U4: `replay` did not re-check transaction
// signatures. The fake node here records every request, so "nothing was signed" is checked as
// "no transaction ever reached it".
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain } from "../../src/chain/chain.js";
import { toHex } from "../../src/crypto/bytes.js";
import { devKeyPair } from "../../src/crypto/keys.js";
import { verifySignature } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { createModules } from "../../src/node/modules.js";
import { nodePaths } from "../../src/node/paths.js";
import { decodeTx, txSigningMessage } from "../../src/types/txCodec.js";
import { killCliChildren, type Run, spawnCli } from "../utils/cli.js";
import {
  FAR_FUTURE_MS,
  produce,
  testGenesis,
  testGenesisJson,
  testKey,
  transferTx,
} from "../utils/testChain.js";

const LOOKALIKE = "xai-devnet-mainnet-lookalike";
const HUGE_FEE = "99999900000000";
const PINNED = "xai-devnet-1";

/** A hostile node: answers /status and /accounts as configured, records every request. */
interface FakeNode {
  url: string;
  requests: string[];
  posted: Uint8Array[];
  status: { chain_id: string; min_tx_fee: string };
  /** The receipt GET /tx/:id answers (null: pending). */
  receipt: Record<string, unknown> | null;
  close(): Promise<void>;
}

async function fakeNode(chainId: string, minFee: string): Promise<FakeNode> {
  const node: Partial<FakeNode> = {
    requests: [],
    posted: [],
    status: { chain_id: chainId, min_tx_fee: minFee },
  };
  node.receipt = null;
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = "";
    req.on("data", (d) => {
      data += d;
    });
    req.on("end", () => {
      node.requests!.push(`${req.method} ${req.url}`);
      if (req.method === "GET" && req.url === "/status") return send(res, 200, node.status);
      if (req.method === "GET" && req.url === "/governance/params")
        return send(res, 200, { params: [], rules: [{ name: "proposal_deposit", value: HUGE_FEE }] });
      if (req.method === "GET" && req.url?.startsWith("/accounts/"))
        return send(res, 200, { balance: HUGE_FEE, nonce: "0", next_nonce: "0", pending_txs: 0 });
      if (req.method === "POST") {
        const bytes = new Uint8Array(Buffer.from((JSON.parse(data) as { tx: string }).tx, "base64"));
        node.posted!.push(bytes);
        return send(res, 202, { tx_id: decodeTx(bytes).id, status: "pending" });
      }
      if (req.method === "GET" && req.url?.startsWith("/tx/"))
        return node.receipt
          ? send(res, 200, { receipt: { tx_id: req.url.slice(4), ...node.receipt } })
          : send(res, 404, { error: { code: "NOT_FOUND", message: "unknown" } });
      send(res, 404, { error: { code: "NOT_FOUND", message: "no such route" } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  node.close = () => new Promise<void>((r) => server.close(() => r()));
  return node as FakeNode;
}

/** Asserts a failed run: non-zero exit, nothing on stdout, one `CODE: message` line on stderr. */
function assertFailed(r: Run, code: string): string {
  assert.notEqual(r.code, 0, "non-zero exit");
  assert.equal(r.stdout, "", `nothing on stdout, got: ${r.stdout}`);
  const m = /^([A-Z][A-Z0-9_]*): (.+)\n$/.exec(r.stderr);
  assert.ok(m, `stderr is "CODE: message", got: ${JSON.stringify(r.stderr)}`);
  assert.equal(m[1], code, r.stderr);
  return m[2]!;
}

function oneJson(r: Run): Record<string, unknown> {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, "");
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, r.stdout);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe("e2e: the client never signs what the node dictates", function () {
  this.timeout(120_000);
  const home = mkdtempSync(join(tmpdir(), "xai-e2e-client-home-"));
  const env = { HOME: home, XAI_GOV_CLIENT_CONFIG: undefined };
  const cli = (args: string[], extraEnv: Record<string, string | undefined> = {}) =>
    spawnCli(args, 30_000, { ...env, ...extraEnv });
  const to = devKeyPair(1).address;
  const transfer = (node: string, ...extra: string[]) => [
    "tx",
    "transfer",
    "--key",
    "dev:0",
    "--to",
    to,
    "--amount",
    "1",
    "--node",
    node,
    "--json",
    ...extra,
  ];
  const fakes: FakeNode[] = [];
  const start = async (chainId: string, minFee: string) => {
    const f = await fakeNode(chainId, minFee);
    fakes.push(f);
    return f;
  };

  after(async () => {
    killCliChildren();
    for (const f of fakes) await f.close();
    rmSync(home, { recursive: true, force: true });
  });

  describe("B3: pinned chain id and fee ceiling", () => {
    it("B3: the review's fake node (lookalike chain id, huge min_tx_fee): refused for each, nothing signed", async () => {
      const f = await start(LOOKALIKE, HUGE_FEE);
      // Pinned to the real dev chain: the lookalike chain id is refused.
      const wrongChain = await cli(transfer(f.url, "--chain-id", PINNED));
      const m1 = assertFailed(wrongChain, "CHAIN_ID_MISMATCH");
      assert.match(m1, new RegExp(LOOKALIKE));
      // Even pinned to the lookalike itself, the node's fee is refused (default ceiling 100,000).
      const hugeFee = await cli(transfer(f.url, "--chain-id", LOOKALIKE));
      const m2 = assertFailed(hugeFee, "FEE_ABOVE_MAX");
      assert.match(m2, new RegExp(`${HUGE_FEE} units, above the maximum of 100000`));
      assert.deepEqual(f.posted, [], "no transaction reached the node");
      assert.ok(!f.requests.some((r) => r.startsWith("POST")));
    });

    it("B3: without a pin nothing is asked or signed (CHAIN_ID_REQUIRED), and the node is never contacted", async () => {
      const f = await start(PINNED, "1000");
      assertFailed(await cli(transfer(f.url)), "CHAIN_ID_REQUIRED");
      assert.deepEqual(f.requests, []);
    });

    it("B3: the fee ceiling: --fee above it refused; --max-fee raises it; the signed fee is shown and is what was signed", async () => {
      const f = await start(PINNED, "1000");
      assertFailed(await cli(transfer(f.url, "--chain-id", PINNED, "--fee", "100001")), "FEE_ABOVE_MAX");
      assertFailed(await cli(transfer(f.url, "--chain-id", PINNED, "--max-fee", "999")), "FEE_ABOVE_MAX");
      assert.deepEqual(f.posted, []);
      // At the ceiling exactly: accepted.
      const atMax = oneJson(await cli(transfer(f.url, "--chain-id", PINNED, "--fee", "100000")));
      assert.equal(atMax.fee, "100000");
      const raised = oneJson(
        await cli(transfer(f.url, "--chain-id", PINNED, "--fee", "250000", "--max-fee", "250000")),
      );
      assert.equal(raised.fee, "250000");
      assert.equal(f.posted.length, 2);
      const signed = f.posted.map(decodeTx);
      assert.deepEqual(
        signed.map((t) => [t.body.chainId, t.body.fee]),
        [
          [PINNED, 100_000n],
          [PINNED, 250_000n],
        ],
      );
      for (const t of signed)
        assert.equal(
          verifySignature(t.signature, txSigningMessage(t.bodyBytes), devKeyPair(0).publicKey),
          true,
        );
    });

    it("B3: malformed --fee, --nonce, --max-fee, --chain-id are BAD_OPTION; the node's malformed min_tx_fee is BAD_RESPONSE", async () => {
      const f = await start(PINNED, "1e3");
      const runs = await Promise.all([
        cli(transfer(f.url, "--chain-id", PINNED, "--fee", "abc")),
        cli(transfer(f.url, "--chain-id", PINNED, "--fee", "1000", "--nonce", "-1")),
        cli(transfer(f.url, "--chain-id", PINNED, "--max-fee", "1.5")),
        cli(transfer(f.url, "--chain-id", "Not A Chain")),
        cli(transfer(f.url, "--chain-id", PINNED)),
      ]);
      for (const r of runs.slice(0, 4)) assertFailed(r, "BAD_OPTION");
      assertFailed(runs[4]!, "BAD_RESPONSE");
      assert.deepEqual(f.posted, []);
    });

    it("B3: the client config pins the chain id and the ceiling; --chain-id overrides; a malformed config is BAD_CLIENT_CONFIG", async () => {
      const f = await start(LOOKALIKE, "1000");
      const dir = mkdtempSync(join(tmpdir(), "xai-e2e-client-config-"));
      try {
        const good = join(dir, "client.json");
        writeFileSync(good, JSON.stringify({ chain_id: PINNED, max_fee: "500" }));
        const bad = join(dir, "bad.json");
        writeFileSync(bad, JSON.stringify({ chain_id: PINNED, maxfee: "500" }));
        const [fromConfig, override, malformed, missing] = await Promise.all([
          cli(transfer(f.url), { XAI_GOV_CLIENT_CONFIG: good }),
          cli(transfer(f.url, "--chain-id", LOOKALIKE), { XAI_GOV_CLIENT_CONFIG: good }),
          cli(transfer(f.url), { XAI_GOV_CLIENT_CONFIG: bad }),
          cli(transfer(f.url), { XAI_GOV_CLIENT_CONFIG: join(dir, "missing.json") }),
        ]);
        assertFailed(fromConfig, "CHAIN_ID_MISMATCH");
        // The config's max_fee (500) still holds under --chain-id: the node's 1000 is refused.
        assertFailed(override, "FEE_ABOVE_MAX");
        assertFailed(malformed, "BAD_CLIENT_CONFIG");
        assertFailed(missing, "BAD_CLIENT_CONFIG");
        // ~/.xai-gov/client.json is the default place.
        mkdirSync(join(home, ".xai-gov"));
        writeFileSync(join(home, ".xai-gov", "client.json"), JSON.stringify({ chain_id: LOOKALIKE }));
        const fromHome = oneJson(await cli(transfer(f.url)));
        assert.equal(fromHome.fee, "1000");
        rmSync(join(home, ".xai-gov"), { recursive: true, force: true });
        assert.equal(f.posted.length, 1);
        assert.equal(decodeTx(f.posted[0]!).body.chainId, LOOKALIKE);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("B3: --timeout must be a whole number of ms in 1 … 3,600,000 (BAD_TIMEOUT, checked before anything is sent)", async () => {
      const f = await start(PINNED, "1000");
      const bad = ["0", "-1", "abc", "1.5", "3600001", "1e3", ""];
      const runs = await Promise.all(
        bad.map((t) => cli(transfer(f.url, "--chain-id", PINNED, "--wait", "--timeout", t))),
      );
      for (const [i, r] of runs.entries()) assert.match(assertFailed(r, "BAD_TIMEOUT"), /3600000/, bad[i]);
      assert.deepEqual(f.requests, [], "not even /status was asked");
      // In range, a pending transaction times out with WAIT_TIMEOUT.
      assertFailed(
        await cli(transfer(f.url, "--chain-id", PINNED, "--wait", "--timeout", "300")),
        "WAIT_TIMEOUT",
      );
    });

    it("B3: --wait exits non-zero (RECEIPT_FAILED) when the receipt's result is not ok, after printing it", async () => {
      const f = await start(PINNED, "1000");
      f.receipt = { height: 9, result: "failed", error_code: "GOV_TREASURY_SHORT", proposal_id: "p" };
      const r = await cli(transfer(f.url, "--chain-id", PINNED, "--wait"));
      assert.equal(r.code, 1);
      const printed = JSON.parse(r.stdout) as Record<string, unknown>;
      const id = decodeTx(f.posted[0]!).id;
      assert.deepEqual(printed, { tx_id: id, ...f.receipt, fee: "1000" });
      assert.equal(
        r.stderr,
        `RECEIPT_FAILED: transaction ${id} was included at height 9 with result failed (GOV_TREASURY_SHORT)\n`,
      );
      f.receipt = { ...f.receipt, result: "ok", error_code: null };
      const ok = oneJson(await cli(transfer(f.url, "--chain-id", PINNED, "--wait")));
      assert.equal(ok.result, "ok");
      // A receipt of another transaction is not believed.
      f.receipt = { ...f.receipt, tx_id: "ab".repeat(32) };
      assertFailed(await cli(transfer(f.url, "--chain-id", PINNED, "--wait")), "BAD_RESPONSE");
    });
  });

  describe("B3: the deposit taken from the node is capped too", () => {
    const submit = (node: string, ...extra: string[]) => [
      "tx",
      "submit-proposal",
      "--kind",
      "feature_activation",
      "--payload",
      '{"feature":"fee_burn","enabled":true}',
      "--title",
      "T",
      "--key",
      "dev:0",
      "--node",
      node,
      "--chain-id",
      PINNED,
      "--json",
      ...extra,
    ];

    it("B3: a huge proposal_deposit from the node is refused (DEPOSIT_ABOVE_MAX); --max-deposit or --deposit decide", async () => {
      const f = await start(PINNED, "1000");
      const m = assertFailed(await cli(submit(f.url)), "DEPOSIT_ABOVE_MAX");
      assert.match(m, new RegExp(`${HUGE_FEE} units, above the maximum of 10000000000`));
      assertFailed(await cli(submit(f.url, "--max-deposit", "x")), "BAD_OPTION");
      assert.deepEqual(f.posted, []);
      oneJson(await cli(submit(f.url, "--max-deposit", HUGE_FEE)));
      oneJson(await cli(submit(f.url, "--deposit", "5")));
      const deposits = f.posted.map((b) => {
        const p = decodeTx(b).body.payload;
        return p.type === "SUBMIT_PROPOSAL" ? p.deposit : -1n;
      });
      assert.deepEqual(deposits, [BigInt(HUGE_FEE), 5n]);
    });
  });

  describe("B3: offline signing keeps the same rules (--generate-only, tx sign, tx broadcast)", () => {
    const dev0 = devKeyPair(0);
    const work = mkdtempSync(join(tmpdir(), "xai-e2e-offline-"));
    after(() => rmSync(work, { recursive: true, force: true }));
    const generate = (node: string, ...extra: string[]) => [
      "tx",
      "transfer",
      "--generate-only",
      "--public-key",
      toHex(dev0.publicKey),
      "--to",
      to,
      "--amount",
      "7",
      "--node",
      node,
      "--json",
      ...extra,
    ];

    it("B3: --generate-only with --nonce and --fee contacts no node; tx sign checks pin, fee and key; tx broadcast checks the node", async () => {
      const f = await start(PINNED, "1000");
      const unsigned = oneJson(
        await cli(generate(f.url, "--chain-id", PINNED, "--nonce", "4", "--fee", "2000")),
      );
      assert.deepEqual(f.requests, [], "built offline");
      assert.deepEqual(Object.keys(unsigned).sort(), [
        "body",
        "chain_id",
        "fee",
        "nonce",
        "public_key",
        "tx_id",
        "type",
      ]);
      assert.deepEqual(
        [unsigned.chain_id, unsigned.nonce, unsigned.fee, unsigned.type],
        [PINNED, "4", "2000", "TRANSFER"],
      );
      const bodyFile = join(work, "unsigned.json");
      writeFileSync(bodyFile, JSON.stringify(unsigned));
      const body = String(unsigned.body);

      const sign = (...extra: string[]) => ["tx", "sign", "--key", "dev:0", "--json", ...extra];
      const [wrongPin, lowCeiling, otherKey, noPin] = await Promise.all([
        cli(sign("--body", body, "--chain-id", LOOKALIKE)),
        cli(sign("--body", body, "--chain-id", PINNED, "--max-fee", "1999")),
        cli(["tx", "sign", "--key", "dev:2", "--body", body, "--chain-id", PINNED, "--json"]),
        cli(sign("--body", body)),
      ]);
      assertFailed(wrongPin, "CHAIN_ID_MISMATCH");
      assertFailed(lowCeiling, "FEE_ABOVE_MAX");
      assertFailed(otherKey, "KEY_MISMATCH");
      assertFailed(noPin, "CHAIN_ID_REQUIRED");
      const signed = oneJson(await cli(sign("--body-file", bodyFile, "--chain-id", PINNED)));
      assert.equal(signed.tx_id, unsigned.tx_id);
      const tx = decodeTx(new Uint8Array(Buffer.from(String(signed.tx), "base64")));
      assert.equal(
        toHex(tx.bodyBytes),
        Buffer.from(body, "base64").toString("hex"),
        "signs the body as given",
      );
      assert.equal(verifySignature(tx.signature, txSigningMessage(tx.bodyBytes), dev0.publicKey), true);
      assert.deepEqual(f.requests, [], "tx sign contacts no node");

      const lookalike = await start(LOOKALIKE, "1000");
      assertFailed(
        await cli(["tx", "broadcast", "--tx", String(signed.tx), "--node", lookalike.url, "--json"]),
        "CHAIN_ID_MISMATCH",
      );
      assertFailed(
        await cli([
          "tx",
          "broadcast",
          "--tx",
          String(signed.tx),
          "--node",
          f.url,
          "--chain-id",
          LOOKALIKE,
          "--json",
        ]),
        "CHAIN_ID_MISMATCH",
      );
      assert.deepEqual(lookalike.posted, []);
      const sent = oneJson(
        await cli(["tx", "broadcast", "--tx", String(signed.tx), "--node", f.url, "--json"]),
      );
      assert.equal(sent.tx_id, unsigned.tx_id);
      assert.equal(sent.fee, "2000");
      assert.equal(f.posted.length, 1);
      assert.equal(toHex(f.posted[0]!), toHex(tx.bytes), "broadcasts exactly the signed bytes");
    });

    it("B3: --generate-only that asks the node checks its chain id and fee like signing does", async () => {
      const f = await start(LOOKALIKE, HUGE_FEE);
      assertFailed(await cli(generate(f.url, "--chain-id", PINNED)), "CHAIN_ID_MISMATCH");
      assertFailed(await cli(generate(f.url, "--chain-id", LOOKALIKE)), "FEE_ABOVE_MAX");
      assertFailed(
        await cli(generate(f.url, "--chain-id", PINNED, "--nonce", "0", "--fee", "1", "--key", "dev:0")),
        "BAD_OPTION",
      );
      assert.deepEqual(f.posted, []);
    });
  });
});

describe("e2e: U4: xai-gov replay verifies transaction signatures", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "xai-e2e-u4-"));

  before(async () => {
    // A node directory whose validator-signed block 2 carries a transfer signed by another key,
    // written by a chain that accepted any signature (a dishonest source).
    writeFileSync(nodePaths(dir).genesis, JSON.stringify(testGenesisJson(1)));
    const db = await ChainDb.open(nodePaths(dir).db);
    const chain = await Chain.open({
      genesis: testGenesis(1),
      db,
      modules: createModules(),
      now: () => FAR_FUTURE_MS,
      verifier: () => true,
    });
    const alice = devKeyPair(0);
    await chain.submitTx(decodeTx(transferTx(alice, devKeyPair(1).address, 5n, { nonce: 0n })));
    await produce(chain);
    const thief = testKey("thief");
    await chain.submitTx(
      decodeTx(transferTx(alice, thief.address, 1_000_000n, { nonce: 1n, signer: thief })),
    );
    await produce(chain);
    await chain.idle();
    await db.close();
  });

  after(() => {
    killCliChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  it("U4: by default the forged transfer fails the replay (REPLAY_MISMATCH at block 2, TX_BAD_SIGNATURE)", async () => {
    const r = await spawnCli(["replay", "--dir", dir, "--json"]);
    const message = assertFailed(r, "REPLAY_MISMATCH");
    assert.match(message, /^block 2 is invalid: BLOCK_INVALID_TX: .*signature/);
  });

  it("U4: --skip-signatures replays it and says so (tx_signatures skipped, verified false, exit 0)", async () => {
    const report = oneJson(await spawnCli(["replay", "--dir", dir, "--skip-signatures", "--json"]));
    assert.equal(report.mismatches, 0);
    assert.equal(report.blocks, 2);
    assert.equal(report.tx_signatures, "skipped");
    assert.equal(report.block_signatures, "verified");
    assert.equal(report.verified, false);
  });
});
