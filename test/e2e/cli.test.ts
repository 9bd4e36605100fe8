// End-to-end checks of the CLI (SPEC §6): `node bin/xai-gov.js ...` (the compiled code in dist/;
// run `npx tsc -p .` first) against nodes started in-process.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/logger.js";
import type { XaiNode } from "../../src/node/node.js";
import { BAD_ADDRESSES } from "../utils/badAddresses.js";
import { killCliChildren, ROOT, type Run, spawnCli } from "../utils/cli.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const DEV0_BALANCE = 100_000_000_000_000n;

// Sources load with dynamic import() (native ES modules, as dist/ runs them): under mocha + tsx a
// static import loads them as CommonJS, where src/state-transition/stateStore.ts fails with
// "BTree is not a constructor".
async function loadSrc() {
  const [init, keys, keygen, node] = await Promise.all([
    import("../../src/node/initChain.js"),
    import("../../src/crypto/keys.js"),
    import("../../src/crypto/keygen.js"),
    import("../../src/node/node.js"),
  ]);
  return { ...init, ...keys, ...keygen, ...node };
}
let src: Awaited<ReturnType<typeof loadSrc>>;

/** At most this many CLI processes at once (the machine may have 2 cores). */
const MAX_PARALLEL = 4;
let running = 0;
const waiting: Array<() => void> = [];

/** The chain id of the dev node these tests start, pinned by every `tx` command (SPEC §6 v2). */
const DEV_CHAIN_ID = "xai-devnet-1";

/**
 * Runs the CLI asynchronously (the in-process node must keep serving meanwhile). A `tx` command
 * without its own `--chain-id` gets the dev node's.
 */
async function cli(args: string[], timeoutMs = 30_000): Promise<Run> {
  if (running >= MAX_PARALLEL) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    const pinned = args[0] === "tx" && !args.includes("--chain-id") ? ["--chain-id", DEV_CHAIN_ID] : [];
    return await spawnCli([...args, ...pinned], timeoutMs);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Parses stdout that must be exactly one JSON value on one line. */
function oneJson(r: Run): Record<string, unknown> {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, "", "nothing on stderr");
  assert.ok(r.stdout.endsWith("\n"), "stdout ends with a newline");
  const lines = r.stdout.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `one line of JSON, got: ${r.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
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

describe("e2e: CLI", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const nodes: XaiNode[] = [];
  let work: string;
  let url: string;

  function tempDir(tag: string): string {
    const d = mkdtempSync(join(tmpdir(), `xai-e2e-cli-${tag}-`));
    dirs.push(d);
    return d;
  }

  async function startNode(opts: { dev: boolean; chainId?: string }): Promise<XaiNode> {
    const dir = tempDir("node");
    src.initChain(
      {
        dir,
        dev: opts.dev,
        preset: "test",
        blockTimeMs: "200",
        ...(opts.chainId ? { chainId: opts.chainId } : {}),
      },
      Date.now(),
    );
    const node = await src.XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, log: silent });
    nodes.push(node);
    return node;
  }

  before(async function () {
    if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) this.skip();
    src = await loadSrc();
    work = tempDir("work");
    url = (await startNode({ dev: true })).apiAddress;
  });

  after(async () => {
    killCliChildren();
    for (const n of nodes) await n.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describe("keys", () => {
    it("keys new --out F --unencrypted --no-mnemonic --json writes a 0600 plaintext key file, refuses to overwrite it", async () => {
      const f = join(work, "alice.key");
      const out = oneJson(await cli(["keys", "new", "--out", f, "--unencrypted", "--no-mnemonic", "--json"]));
      assert.deepEqual(Object.keys(out).sort(), ["address", "encrypted", "file", "public_key"]);
      assert.equal(out.encrypted, false);
      assert.match(out.address as string, /^xai1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{38}$/);
      assert.match(out.public_key as string, /^[0-9a-f]{64}$/);
      assert.equal(out.file, f);
      assert.equal(statSync(f).mode & 0o777, 0o600);
      const stored = JSON.parse(readFileSync(f, "utf8"));
      assert.equal(stored.address, out.address);
      assert.equal(stored.public_key, out.public_key);
      assert.match(stored.secret_key, /^[0-9a-f]{64}$/);
      // The address is derived from the public key: XAI + first 20 bytes of sha256(public key).
      assert.equal(out.address, src.addressOf(Buffer.from(out.public_key as string, "hex")));

      const before = readFileSync(f, "utf8");
      assertFailed(await cli(["keys", "new", "--out", f, "--unencrypted", "--json"]), "KEY_FILE_EXISTS");
      assert.equal(readFileSync(f, "utf8"), before, "the key file is untouched");
    });

    it("keys show --key FILE matches keys new", async () => {
      const f = join(work, "bob.key");
      const created = oneJson(await cli(["keys", "new", "--out", f, "--unencrypted", "--json"]));
      const shown = oneJson(await cli(["keys", "show", "--key", f, "--json"]));
      assert.deepEqual(shown, { address: created.address, public_key: created.public_key });
    });

    it("keys show --key dev:0 --json", async () => {
      const shown = oneJson(await cli(["keys", "show", "--key", "dev:0", "--json"]));
      const dev0 = src.devKeyPair(0);
      assert.deepEqual(shown, {
        address: dev0.address,
        public_key: Buffer.from(dev0.publicKey).toString("hex"),
      });
    });

    it("keys show with a bad key fails with a code", async () => {
      const bad = join(work, "bad.key");
      writeFileSync(bad, "{}\n");
      const [dev10, invalid, missing] = await Promise.all([
        cli(["keys", "show", "--key", "dev:10", "--json"]),
        cli(["keys", "show", "--key", bad, "--json"]),
        cli(["keys", "show", "--key", join(work, "missing.key")]),
      ]);
      assertFailed(dev10, "BAD_KEY");
      assertFailed(invalid, "KEY_FILE_INVALID");
      assertFailed(missing, "KEY_FILE_INVALID");
    });
  });

  describe("transactions and queries", () => {
    let recipient: string;
    let txId: string;
    let height: number;

    before(async () => {
      recipient = src.generateKeyPair().address;
    });

    it("tx transfer --wait --json prints exactly the receipt", async () => {
      const r = oneJson(
        await cli([
          "tx",
          "transfer",
          "--key",
          "dev:0",
          "--to",
          recipient,
          "--amount",
          "5",
          "--node",
          url,
          "--wait",
          "--json",
        ]),
      );
      assert.deepEqual(Object.keys(r).sort(), [
        "error_code",
        "fee",
        "height",
        "proposal_id",
        "result",
        "tx_id",
      ]);
      assert.equal(r.fee, "1000", "the fee signed is shown: the chain's min_tx_fee");
      assert.match(r.tx_id as string, /^[0-9a-f]{64}$/);
      assert.equal(typeof r.height, "number");
      assert.ok((r.height as number) >= 1);
      assert.equal(r.result, "ok");
      assert.equal(r.error_code, null);
      assert.equal(r.proposal_id, null);
      txId = r.tx_id as string;
      height = r.height as number;
    });

    it("query account ADDR --json", async () => {
      const [ra, rd] = await Promise.all([
        cli(["query", "account", recipient, "--node", url, "--json"]),
        cli(["query", "account", src.devKeyPair(0).address, "--node", url, "--json"]),
      ]);
      const a = oneJson(ra);
      assert.deepEqual(a, { address: recipient, balance: "5", nonce: "0", next_nonce: "0", pending_txs: 0 });
      const d = oneJson(rd);
      // 5 units, 1 unit of transfer fee (24 bp rounded up) and the minimum fee of 1000.
      assert.equal(d.balance, (DEV0_BALANCE - 5n - 1n - 1_000n).toString());
      assert.equal(d.nonce, "1");
    });

    it("query tx ID --json", async () => {
      const t = oneJson(await cli(["query", "tx", txId, "--node", url, "--json"]));
      assert.equal(t.tx_id, txId);
      assert.equal(t.type, "TRANSFER");
      assert.equal(t.sender, src.devKeyPair(0).address);
      assert.equal(t.status, "included");
      assert.deepEqual(t.payload, { recipient, amount: "5" });
      const receipt = t.receipt as Record<string, unknown>;
      assert.equal(receipt.tx_id, txId);
      assert.equal(receipt.height, height);
      assert.equal(receipt.result, "ok");
      assert.equal(receipt.error_code, null);
    });

    it("query status --json and query block --json", async () => {
      const [rs, rb] = await Promise.all([
        cli(["query", "status", "--node", url, "--json"]),
        cli(["query", "block", String(height), "--node", url, "--json"]),
      ]);
      const s = oneJson(rs);
      assert.equal(s.chain_id, "xai-devnet-1");
      assert.ok((s.height as number) >= height);
      const b = oneJson(rb);
      assert.equal(b.height, height);
      assert.ok((b.txs as Array<{ tx_id: string }>).some((t) => t.tx_id === txId));
    });

    it("query upgrade --json prints GET /upgrade: no plan, nothing applied, no halt (SPEC v2 §4.7)", async () => {
      const u = oneJson(await cli(["query", "upgrade", "--node", url, "--json"]));
      assert.deepEqual({ ...u, height: 0 }, { height: 0, pending: null, applied: [], upgrade_needed: null });
      const s = oneJson(await cli(["query", "status", "--node", url, "--json"]));
      assert.equal(s.upgrade_needed, null);
    });

    for (const route of ["validators", "upgrade"]) {
      it(`query ${route} --json prints the JSON of GET /${route} (SPEC v2 §4.7, §4.8)`, async () => {
        const get = async () => (await (await fetch(`${url}/${route}`)).json()) as Record<string, unknown>;
        const before = await get();
        const out = oneJson(await cli(["query", route, "--node", url, "--json"]));
        const after = await get();
        // The head moves meanwhile (a block every 200 ms): the CLI read one between the two.
        const h = (j: Record<string, unknown>) => j.height as number;
        assert.ok(
          h(before) <= h(out) && h(out) <= h(after),
          `height ${h(out)} in [${h(before)}, ${h(after)}]`,
        );
        assert.deepEqual({ ...out, height: 0 }, { ...after, height: 0 });
        assert.deepEqual({ ...before, height: 0 }, { ...after, height: 0 }, "nothing else changed");
      });
    }

    it("tx transfer without --wait prints the 202 answer", async () => {
      const r = oneJson(
        await cli([
          "tx",
          "transfer",
          "--key",
          "dev:1",
          "--to",
          recipient,
          "--amount",
          "3",
          "--node",
          url,
          "--json",
        ]),
      );
      assert.deepEqual(Object.keys(r).sort(), ["fee", "status", "tx_id", "type"]);
      assert.equal(r.fee, "1000");
      assert.equal(r.type, "TRANSFER");
      assert.equal(r.status, "pending");
    });

    it("errors exit non-zero with `CODE: message` on stderr and nothing on stdout", async () => {
      const base = ["--node", url, "--json"];
      const transfer = (...extra: string[]) => [
        "tx",
        "transfer",
        "--to",
        recipient,
        "--amount",
        "5",
        ...extra,
        ...base,
      ];
      const cases: Array<[string[], string]> = [
        // §3 (v2): a malformed address is refused before anything is signed or asked of the node.
        ...BAD_ADDRESSES.filter((b) => b.value !== "").map((b): [string[], string] => [
          ["tx", "transfer", "--key", "dev:0", "--to", b.value, "--amount", "5", ...base],
          "INVALID_ADDRESS",
        ]),
        [["tx", "transfer", "--key", "dev:0", "--to", "", "--amount", "5", ...base], "INVALID_ADDRESS"],
        [["tx", "transfer", "--key", "dev:0", "--to", recipient, "--amount", "-5", ...base], "BAD_OPTION"],
        [["tx", "transfer", "--key", "dev:0", "--to", recipient, "--amount", "1.5", ...base], "BAD_OPTION"],
        [["tx", "transfer", "--key", "dev:0", "--to", recipient, "--amount", "0", ...base], "TX_ZERO_AMOUNT"],
        // Nonce 0 of dev:0 is used (a different amount, so not the same transaction).
        [transfer("--key", "dev:0", "--nonce", "0", "--amount", "6"), "TX_NONCE_TOO_LOW"],
        [transfer("--key", "dev:2", "--fee", "1"), "TX_FEE_TOO_LOW"],
        [transfer("--key", join(work, "missing.key")), "KEY_FILE_INVALID"],
        [["query", "tx", "ab".repeat(32), ...base], "NOT_FOUND"],
        [["query", "account", "XAIbad", ...base], "INVALID_ADDRESS"],
        [["query", "account", BAD_ADDRESSES[0]!.value, ...base], "INVALID_ADDRESS"],
        [["query", "account", src.devKeyPair(0).address.toUpperCase(), ...base], "INVALID_ADDRESS"],
        [["query", "block", "99999", ...base], "NOT_FOUND"],
        // Nothing listens on port 1.
        [["query", "status", "--node", "http://127.0.0.1:1", "--json"], "NODE_UNREACHABLE"],
      ];
      const runs = await Promise.all(cases.map(([args]) => cli(args)));
      for (const [i, r] of runs.entries()) assertFailed(r, cases[i]![1]);
      for (const [i, b] of BAD_ADDRESSES.filter((x) => x.value !== "").entries())
        assert.ok(
          runs[i]!.stderr.startsWith(`INVALID_ADDRESS: --to is not an address (${b.fault})`),
          runs[i]!.stderr,
        );
      // None of them reached the chain: dev:0 still has nonce 1 and nothing pending.
      const d = oneJson(await cli(["query", "account", src.devKeyPair(0).address, ...base]));
      assert.equal(d.nonce, "1");
      assert.equal(d.pending_txs, 0);
    });
  });

  it("--help works for every command and subcommand (found by walking the help output)", async function () {
    // One process per command (~35 with governance), each loading the whole CLI.
    this.timeout(150_000);
    const seen: string[] = [];
    const visit = async (path: string[]): Promise<void> => {
      const r = await cli([...path, "--help"]);
      assert.equal(r.code, 0, `${path.join(" ")} --help exits 0; stderr: ${r.stderr}`);
      assert.equal(r.stderr, "");
      assert.ok(r.stdout.startsWith(`Usage: xai-gov${path.map((p) => ` ${p}`).join("")}`), r.stdout);
      seen.push(path.join(" "));
      const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(r.stdout);
      if (!section) return;
      const names = section[1]!
        .split("\n")
        .map((l) => /^ {2}([a-z][a-z0-9-]*)/.exec(l)?.[1])
        .filter((n): n is string => n !== undefined && n !== "help");
      assert.ok(names.length > 0, `${path.join(" ")} lists its commands`);
      await Promise.all(names.map((n) => visit([...path, n])));
    };
    await visit([]);
    for (const c of [
      "init",
      "start",
      "keys",
      "keys new",
      "keys show",
      "tx",
      "tx transfer",
      "query",
      "query status",
      "query account",
      "query tx",
      "query validators",
      "query upgrade",
      "replay",
    ])
      assert.ok(seen.includes(c), `--help of ${c}`);
  });

  it("--version and -V print package.json's version (issue 12)", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await cli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });

  it("start --help shows the API default 127.0.0.1:8545", async () => {
    const r = await cli(["start", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--api <host:port>.*\(default: "127\.0\.0\.1:8545"\)/s);
  });

  it("start --workers: default 2, 0 to 64 (0: signatures on the main thread), else BAD_OPTION", async () => {
    const help = await cli(["start", "--help"]);
    assert.match(help.stdout, /--workers <n>\s+signature worker threads \(0: none\)\s+\(default: "2"\)/);
    const dir = mkdtempSync(join(tmpdir(), "xai-workers-"));
    try {
      for (const bad of ["x", "65", "1.5"]) {
        const r = await cli(["start", "--dir", dir, "--workers", bad]);
        assert.notEqual(r.code, 0);
        assert.equal(r.stderr, `BAD_OPTION: --workers is 0 to 64, got ${bad}\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("start --help names the upgrade halt: upgrade-info.json, exit code 3, XAI_TEST_UPGRADES", async () => {
    const r = await cli(["start", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /DIR\/upgrade-info\.json and exits with code 3/);
    assert.match(r.stdout, /XAI_TEST_UPGRADES=v2-test/);
  });

  it("dev keys are refused on a chain id that is not a devnet (pinned or reported)", async () => {
    const other = await startNode({ dev: false, chainId: "xai-testnet-9" });
    const status = (await (await fetch(`${other.apiAddress}/status`)).json()) as { chain_id: string };
    assert.equal(status.chain_id, "xai-testnet-9");
    const mempool = other.chain.mempool.size;
    const transfer = (chainId: string) => [
      "tx",
      "transfer",
      "--key",
      "dev:0",
      "--to",
      src.devKeyPair(1).address,
      "--amount",
      "5",
      "--node",
      other.apiAddress,
      "--chain-id",
      chainId,
      "--json",
    ];
    const [pinnedTestnet, pinnedDevnet] = await Promise.all([
      cli(transfer("xai-testnet-9")),
      cli(transfer(DEV_CHAIN_ID)),
    ]);
    assert.match(assertFailed(pinnedTestnet, "DEV_KEY_REFUSED"), /xai-testnet-9/);
    // Pinned to a dev chain, the node on another chain is refused before anything is signed.
    assert.match(assertFailed(pinnedDevnet, "CHAIN_ID_MISMATCH"), /xai-testnet-9/);
    assert.equal(other.chain.mempool.size, mempool, "nothing was submitted");
  });

  it("init refuses --dev on a non-devnet chain id and an existing directory", async () => {
    const d = tempDir("init");
    assertFailed(
      await cli(["init", "--dir", join(d, "a"), "--dev", "--chain-id", "xai-testnet-9", "--json"]),
      "GENESIS_INVALID",
    );
    assert.equal(existsSync(join(d, "a", "genesis.json")), false);
    const ok = oneJson(await cli(["init", "--dir", join(d, "b"), "--dev", "--preset", "test", "--json"]));
    assert.equal(ok.chain_id, "xai-devnet-1");
    assert.equal(statSync(join(d, "b", "validator.key")).mode & 0o777, 0o600);
    assertFailed(await cli(["init", "--dir", join(d, "b"), "--dev", "--json"]), "ALREADY_INITIALIZED");
  });
});
