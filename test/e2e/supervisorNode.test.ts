// The upgrade supervisor with the real node (SPEC v2 §4.7): `xai-gov start --upgrade-dir` on a
// database whose chain scheduled the test upgrade v2-test. The base release (this build, no test
// upgrade known) halts at the plan's height; the supervisor verifies UDIR/v2-test/release.tgz
// against the plan's sha256 and restarts the node from UDIR/v2-test/bin/xai-gov.js, the "new
// release": a wrapper that runs this same build with XAI_TEST_UPGRADES=v2-test. Needs dist/ (tsc).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BIN, ROOT } from "../utils/cli.js";

const PLAN_HEIGHT = 40;

// Sources load with dynamic import() (see test/e2e/cli.test.ts: under mocha + tsx a static import
// of the chain loads it as CommonJS).
async function loadSrc() {
  const [tc, modules, upgrades, plan, params, keyFile, proposalId, store, accounts, keys] = await Promise.all(
    [
      import("../utils/testChain.js"),
      import("../../src/node/modules.js"),
      import("../../src/node/upgrades.js"),
      import("../../src/governance/upgrade/plan.js"),
      import("../../src/state-transition/params.js"),
      import("../../src/node/keyFile.js"),
      import("../../src/governance/proposalId.js"),
      import("../../src/governance/store.js"),
      import("../../src/state-transition/accounts.js"),
      import("../../src/crypto/keys.js"),
    ],
  );
  return {
    ...tc,
    ...modules,
    ...upgrades,
    ...plan,
    ...params,
    ...keyFile,
    ...proposalId,
    ...store,
    ...accounts,
    ...keys,
  };
}

/** Takes a software_upgrade for v2-test at PLAN_HEIGHT through governance on the chain `db` holds. */
async function scheduleV2Test(s: Awaited<ReturnType<typeof loadSrc>>, dbDir: string, info: string) {
  const genesis = s.testGenesis(1);
  const tc = await s.openTestChain({ genesis, dir: dbDir, modules: s.createModules(s.nodeUpgrades([])) });
  const dev = s.devKeyPair;
  const send = async (n: number, payload: Parameters<typeof s.signTx>[1]) => {
    const a = dev(n).address;
    const nonce =
      (await s.getAccount(tc.chain.state, a)).nonce + BigInt(tc.chain.mempool.pendingOf(a).length);
    return tc.chain.submitTx(s.signTx(dev(n), payload, { nonce }));
  };
  const action = { kind: "software_upgrade", name: "v2-test", height: BigInt(PLAN_HEIGHT), info } as const;
  const sub = await send(0, {
    type: "SUBMIT_PROPOSAL",
    title: "v2-test",
    description: "",
    deposit: 10n ** 9n,
    action,
  });
  const id = s.proposalIdOf(sub.id);
  await s.produce(tc.chain);
  const p = async () => (await s.findProposal(tc.chain.state, id))!;
  for (const n of [1, 2, 3, 4]) await send(n, { type: "CAST_VOTE", proposalId: id, option: "yes" });
  await s.runToHeight(tc.chain, (await p()).votingEnd);
  for (const n of [4, 5])
    await send(n, { type: "SUBMIT_CODE_REVIEW", proposalId: id, approved: true, comment: "" });
  await s.runToHeight(tc.chain, (await p()).reviewEnd);
  for (const n of [1, 2]) await send(n, { type: "VOTE_IMPLEMENTATION", proposalId: id, approved: true });
  await s.produce(tc.chain);
  await s.runToHeight(tc.chain, (await p()).eta - 1);
  await send(9, { type: "EXECUTE_PROPOSAL", proposalId: id });
  // The node started below halts at its first block: the plan's height.
  await s.runToHeight(tc.chain, PLAN_HEIGHT - 1);
  assert.equal((await s.upgradePlan.get(tc.chain.state))?.name, "v2-test");
  await tc.close();
  return genesis;
}

describe("upgrade supervisor with the real node: base release halts at v2-test, the new one applies it", function () {
  this.timeout(120_000);
  let root: string;
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("halt (exit 3) -> verified switch -> the new release applies v2-test at its height and goes on; SIGTERM stops it (exit 0)", async () => {
    const s = await loadSrc();
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    root = mkdtempSync(join(tmpdir(), "xai-supnode-"));
    const dir = join(root, "node");
    const udir = join(root, "upgrades");
    const release = join(udir, "v2-test");
    mkdirSync(join(release, "bin"), { recursive: true });
    // The new release: this build with the test upgrade known. Its "artifact" is the wrapper's text.
    const wrapper =
      `process.env.XAI_TEST_UPGRADES = "v2-test";\n` +
      `await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/src/cli/main.js")).href)});\n`;
    writeFileSync(join(release, "bin", "xai-gov.js"), wrapper);
    writeFileSync(join(release, "release.tgz"), wrapper);
    const sha = createHash("sha256").update(wrapper).digest("hex");
    const info = `https://example.org/v2-test sha256:${sha}`;

    mkdirSync(dir);
    const genesis = await scheduleV2Test(s, join(dir, "db"), info);
    writeFileSync(join(dir, "genesis.json"), JSON.stringify(s.testGenesisJson(1)));
    s.writeKeyFile(join(dir, "validator.key"), s.validatorKey(0));

    let out = "";
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.XAI_TEST_UPGRADES;
    child = spawn(
      process.execPath,
      [BIN, "start", "--dir", dir, "--api", "127.0.0.1:0", "--upgrade-dir", udir],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout!.on("data", (d) => {
      out += d;
    });
    child.stderr!.on("data", (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((res) => child!.on("exit", (code) => res(code)));
    const lines = () =>
      out.split("\n").flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    const heads = () =>
      lines()
        .filter((l) => l.msg === "new head")
        .map((l) => l.height as number);
    const deadline = Date.now() + 60_000;
    while (!heads().some((h) => h >= PLAN_HEIGHT + 1)) {
      assert.ok(Date.now() < deadline, `no block past ${PLAN_HEIGHT} in time; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGTERM");
    assert.equal(await exited, 0, out);
    child = undefined;

    const msgs = lines().map((l) => String(l.msg));
    const at = (re: RegExp) => msgs.findIndex((m) => re.test(m));
    assert.ok(at(/UPGRADE NEEDED/) >= 0, "the base release logs the halt");
    const order = [/node halted for an upgrade/, /release verified/, /switched release/, /new head/];
    const seen = order.map(at);
    assert.ok(
      seen.every((i) => i >= 0) && seen.every((i, k) => k === 0 || i > seen[k - 1]!),
      msgs.join("\n"),
    );
    assert.equal(Math.min(...heads()), PLAN_HEIGHT, "the first block any release wrote is the plan's height");
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "upgrade-info.json"), "utf8")), {
      name: "v2-test",
      height: PLAN_HEIGHT,
      info,
    });
    assert.equal(readFileSync(join(udir, "current"), "utf8"), `v2-test ${sha}\n`);

    const tc = await s.openTestChain({
      genesis,
      dir: join(dir, "db"),
      modules: s.createModules(s.nodeUpgrades(["v2-test"])),
    });
    try {
      const applied = await s.listAppliedUpgrades(tc.chain.state);
      assert.deepEqual(
        applied.map((u) => [u.name, u.height]),
        [["v2-test", PLAN_HEIGHT]],
      );
      assert.equal(await s.getRegistryRaw(tc.chain.state, "param", "min_transfer_amount"), "1000");
    } finally {
      await tc.close();
    }
  });
});
