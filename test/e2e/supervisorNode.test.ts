// The upgrade supervisor with the real node (SPEC v2 §4.7): `xai-gov start --upgrade-dir` on a
// database whose chain scheduled the test upgrade v2-test. The base release (this build, no test
// upgrade known) halts at the plan's height; the supervisor verifies UDIR/v2-test/release.tgz
// against the plan's sha256 and restarts the node from UDIR/v2-test/bin/xai-gov.js, the "new
// release": a wrapper that runs this same build with XAI_TEST_UPGRADES=v2-test. Needs dist/ (tsc).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A JSON log line. */
type Line = Record<string, unknown>;

/** `xai-gov start --dir DIR --api 127.0.0.1:0 --upgrade-dir UDIR` (the base release: no test upgrade). */
function startSupervised(dir: string, udir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.XAI_TEST_UPGRADES;
  const args = [BIN, "start", "--dir", dir, "--api", "127.0.0.1:0", "--upgrade-dir", udir];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  const lines = (): Line[] =>
    out.split("\n").flatMap((l) => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return [];
      }
    });
  const heads = () =>
    lines()
      .filter((l) => l.msg === "new head")
      .map((l) => l.height as number);
  return { child, exited, lines, heads, out: () => out };
}

describe("upgrade supervisor with the real node: base release halts at v2-test, the new one applies it", function () {
  this.timeout(180_000);
  let root: string;
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("no release: exit 4; wrong sha256: exit 5; installed: verified switch, v2-test applied at its height, SIGTERM exits 0", async () => {
    const s = await loadSrc();
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    root = mkdtempSync(join(tmpdir(), "xai-supnode-"));
    const dir = join(root, "node");
    const udir = join(root, "upgrades");
    const release = join(udir, "v2-test");
    mkdirSync(udir);
    // The new release: this build with the test upgrade known. Its "artifact" is the wrapper's text.
    const wrapper =
      `process.env.XAI_TEST_UPGRADES = "v2-test";\n` +
      `await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist/src/cli/main.js")).href)});\n`;
    const sha = createHash("sha256").update(wrapper).digest("hex");
    const info = `https://example.org/v2-test sha256:${sha}`;
    mkdirSync(dir);
    const genesis = await scheduleV2Test(s, join(dir, "db"), info);
    writeFileSync(join(dir, "genesis.json"), JSON.stringify(s.testGenesisJson(1)));
    s.writeKeyFile(join(dir, "validator.key"), s.validatorKey(0));
    const refusal = (ls: Line[]) => ls.find((l) => /UPGRADE SWITCH REFUSED/.test(String(l.msg)));

    // 1. Nothing installed: the node halts before the plan's height and stays stopped (exit 4).
    let run = startSupervised(dir, udir);
    child = run.child;
    assert.equal(await run.exited, 4, run.out());
    assert.ok(run.out().includes("UPGRADE NEEDED"), "the base release logs the halt");
    assert.equal(refusal(run.lines())?.reason, "missing", run.out());
    assert.deepEqual(run.heads(), [], "no block written");

    // 2. Installed, but release.tgz is not the artifact the plan names: refused (exit 5).
    mkdirSync(join(release, "bin"), { recursive: true });
    writeFileSync(join(release, "bin", "xai-gov.js"), wrapper);
    writeFileSync(join(release, "release.tgz"), `${wrapper}// tampered\n`);
    run = startSupervised(dir, udir);
    child = run.child;
    assert.equal(await run.exited, 5, run.out());
    assert.equal(refusal(run.lines())?.reason, "sha256_mismatch", run.out());
    assert.deepEqual(run.heads(), [], "no block written");
    assert.ok(!existsSync(join(udir, "current")));

    // 3. The right artifact: the node halts again, the supervisor switches, the chain goes on.
    writeFileSync(join(release, "release.tgz"), wrapper);
    run = startSupervised(dir, udir);
    child = run.child;
    const deadline = Date.now() + 60_000;
    while (!run.heads().some((h) => h >= PLAN_HEIGHT + 1)) {
      assert.ok(Date.now() < deadline, `no block past ${PLAN_HEIGHT} in time; output:\n${run.out()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGTERM");
    assert.equal(await run.exited, 0, run.out());
    child = undefined;

    const msgs = run.lines().map((l) => String(l.msg));
    const at = (re: RegExp) => msgs.findIndex((m) => re.test(m));
    const order = [
      /UPGRADE NEEDED/,
      /node halted for an upgrade/,
      /release verified/,
      /switched release/,
      /new head/,
    ];
    const seen = order.map(at);
    assert.ok(
      seen.every((i) => i >= 0) && seen.every((i, k) => k === 0 || i > seen[k - 1]!),
      msgs.join("\n"),
    );
    assert.equal(
      Math.min(...run.heads()),
      PLAN_HEIGHT,
      "the first block any release wrote is the plan's height",
    );
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
