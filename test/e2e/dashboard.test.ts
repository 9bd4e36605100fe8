// The dashboard (issue 13) in a real browser: Debian's chromium (playwright-core) against a node
// started in-process with block production off, so the test produces every block itself and no
// vote can miss its window on a slow machine. A parameter change (block_reward 12 → 20 XAI) runs
// its whole lifecycle with signed API transactions from dev keys, then a rollback of it; every
// assertion is on the rendered DOM, waited for (no sleeps). The page is loaded once per proposal
// and never reloaded: the tally, stages and countdown change live (event stream, or polling).
// With XAI_SCREENSHOTS=1 the main pages are written to docs/screenshots/.
//
// Timeline (test preset: voting, review, implementation 5 blocks, timelock 3):
//   P1 submitted in 1; votes in 2-4; review from 6, reviews in 7; implementation from 11, votes
//   in 12 → queued, eta 15; executed in 16. P2 (rollback of P1) submitted in 16 and run alike.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { slotAt } from "../../src/chain/slots.js";
import { devKeyPair, type KeyPair, sign } from "../../src/crypto/keys.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import type { Logger } from "../../src/logger.js";
import { initChain } from "../../src/node/initChain.js";
import { readKeyFile } from "../../src/node/keyFile.js";
import { XaiNode } from "../../src/node/node.js";
import { nodePaths } from "../../src/node/paths.js";
import { getAccount } from "../../src/state-transition/accounts.js";
import type { Payload } from "../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";
import { chromiumPath, launchBrowser } from "../utils/browser.js";
import { ROOT } from "../utils/cli.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const SHOTS = process.env.XAI_SCREENSHOTS === "1" ? join(ROOT, "docs", "screenshots") : undefined;

describe("e2e: dashboard in chromium", function () {
  // One bound for the whole lifecycle; each step waits on a DOM condition, never on a clock.
  this.timeout(600_000);
  let dir: string;
  let node: XaiNode;
  let validator: KeyPair;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;
  const p1 = { id: "", number: 1 };
  const p2 = { id: "", number: 2 };

  async function mine(): Promise<number> {
    const slot = Math.max(slotAt(node.chain.genesis, Date.now()), node.chain.head.slot + 1);
    const block = await node.chain.produceBlock(slot, validator);
    assert.ok(block, "block produced");
    return block.header.height;
  }
  async function mineTo(height: number): Promise<void> {
    while (node.chain.head.height < height) await mine();
  }

  /** Signs `payload` with dev key `n` and posts it to `route` (202 expected); returns the tx id. */
  async function send(route: string, n: number, payload: Payload): Promise<string> {
    const key = devKeyPair(n);
    const a = await getAccount(node.chain.state, key.address);
    const nonce = a.nonce + BigInt(node.chain.mempool.pendingOf(key.address).length);
    const body = encodeTxBody({
      chainId: "xai-devnet-1",
      nonce,
      publicKey: key.publicKey,
      fee: 1_000n,
      payload,
    });
    const bytes = encodeSignedTx(body, sign(txSigningMessage(body), key.secretKey));
    const r = await fetch(`${base}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: Buffer.from(bytes).toString("base64") }),
    });
    assert.equal(r.status, 202, await r.text());
    return decodeTx(bytes).id;
  }
  const vote = (n: number, proposalId: string, option: "yes" | "no") =>
    send("/governance/vote", n, { type: "CAST_VOTE", proposalId, option });

  // Waits are on selectors (the page's CSP forbids the string evaluation of waitForFunction).
  /** Waits until an element `sel` has text matching `re`. */
  const untilText = (sel: string, re: RegExp) => page.locator(sel, { hasText: re }).first().waitFor();
  const attr = (sel: string, name: string) => page.locator(sel).first().getAttribute(name);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, cells apart, is what a voter reads
  const text = (sel: string) => page.locator(sel).first().innerText();
  /** Waits until the element `sel` has attribute `name` = `value`. */
  const untilAttr = (sel: string, name: string, value: string) =>
    page.locator(`${sel}[${name}="${value}"]`).first().waitFor();
  const stageState = (stage: string) => attr(`[data-testid=timeline] [data-stage=${stage}]`, "data-state");

  async function shot(name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** Votes (3 yes, 1 no), reviews and implementation votes: `p` ends up queued with eta `start + 14`. */
  async function driveToQueued(p: { id: string }, start: number, onVote?: (voters: number) => Promise<void>) {
    let voters = 0;
    for (const [n, option] of [
      [1, "yes"],
      [2, "yes"],
      [3, "yes"],
      [4, "no"],
    ] as const) {
      await vote(n, p.id, option);
      await mine();
      voters++;
      await onVote?.(voters);
    }
    await mineTo(start + 5); // end of voting → code_review
    for (const n of [5, 6])
      await send("/governance/review", n, {
        type: "SUBMIT_CODE_REVIEW",
        proposalId: p.id,
        approved: true,
        comment: "ok",
      });
    await mine();
    await mineTo(start + 10); // end of review → implementation_vote
    for (const n of [1, 2])
      await send("/governance/implementation-vote", n, {
        type: "VOTE_IMPLEMENTATION",
        proposalId: p.id,
        approved: true,
      });
    await mine(); // queued, eta start + 14
  }

  before(async function () {
    if (!chromiumPath()) {
      if (process.env.CI === "1") throw new Error("chromium is missing at /usr/bin/chromium (CI=1)");
      console.log("    (skipped: no chromium at /usr/bin/chromium; apt-get install chromium)");
      this.skip();
    }
    // The bundle the node serves (dist/ui/), built as `npm run build` does.
    execFileSync(process.execPath, [join(ROOT, "scripts", "buildUi.mjs")], { cwd: ROOT, stdio: "inherit" });
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-dashboard-"));
    initChain({ dir, dev: true, preset: "test", blockTimeMs: "1000" }, Date.now());
    validator = readKeyFile(nodePaths(dir).validatorKey);
    node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, produce: false, log: silent });
    base = node.apiAddress;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(0);
  });

  after(async () => {
    await browser?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("/ui redirects to /ui/; the files carry the CSP; an unknown path under /ui/ is the page", async () => {
    const r = await fetch(`${base}/ui`, { redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), "/ui/");
    for (const [path, type] of [
      ["/ui/", "text/html; charset=utf-8"],
      ["/ui/app.js", "text/javascript; charset=utf-8"],
      ["/ui/app.css", "text/css; charset=utf-8"],
      ["/ui/proposals/1", "text/html; charset=utf-8"],
    ]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), type, path);
      assert.match(
        res.headers.get("content-security-policy") ?? "",
        /^default-src 'none'; script-src 'self';/,
      );
    }
  });

  it("the list shows a submitted parameter change with its stage and time left", async () => {
    const tx = await send("/governance/proposals/submit", 0, {
      type: "SUBMIT_PROPOSAL",
      title: "Raise the block reward",
      description: "12 → 20 XAI",
      deposit: 1_000_000_000n,
      action: { kind: "protocol_parameter", name: "block_reward", value: "2000000000" },
    });
    p1.id = proposalIdOf(tx);
    await mine();
    await page.goto(`${base}/ui/`);
    const row = page.locator("[data-testid=proposals] tr[data-number='1']");
    await row.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered row, cells apart, as a voter reads it
    assert.match(await row.innerText(), /Raise the block reward\s+protocol_parameter\s+Voting/);
    await page.locator("[data-testid=proposals] tr[data-number='1'] [data-testid=time-left]").waitFor();
    assert.match(await text("[data-testid=time-left]"), /^Voting: 5 blocks \(~/);
    // The title search filters by URL-free state: no match, then the match again.
    await page.fill("input[name=search]", "nothing like it");
    await page.locator("text=No proposal matches.").waitFor();
    await page.fill("input[name=search]", "block reward");
    await row.waitFor();
    await shot("proposals");
  });

  it("the proposal page: the change with bounds, then the tally and countdown change live as votes arrive", async () => {
    await page.click("[data-testid=proposals] tr[data-number='1'] a >> nth=0");
    await page.locator("[data-testid=proposal]").waitFor();
    assert.equal(page.url(), `${base}/ui/#/proposals/1`);
    await page.evaluate("window.loadedOnce = true");
    await untilText("[data-testid=change-current]", /^1200000000$/);
    assert.equal(await text("[data-testid=change-new]"), "2000000000");
    assert.match(
      await text("[data-testid=change]"),
      /type amount, bounds 0 … 5000000000, default 1200000000/,
    );
    assert.equal(await stageState("voting"), "current");
    assert.equal(await attr("[data-testid=countdown]", "data-blocks-left"), "5");
    assert.equal(await attr("[data-testid=tally]", "data-voters"), "0");
    assert.match(
      await text("[data-testid=commands]"),
      /xai-gov tx vote --proposal 1 --option yes --key <your-key-file> --node http:\/\/127\.0\.0\.1:\d+/,
    );
    // With the event stream on this node (GET /events), the page is live from it, not from polling.
    const probe = new AbortController();
    const ev = await fetch(`${base}/events?from_height=0`, { signal: probe.signal });
    const streamed =
      ev.status === 200 && (ev.headers.get("content-type") ?? "").startsWith("text/event-stream");
    probe.abort();
    await page.locator(`[data-testid=live][data-mode=${streamed ? "stream" : "polling"}]`).waitFor();
    await driveToQueued(p1, 1, async (voters) => {
      await untilAttr("[data-testid=tally]", "data-voters", String(voters));
      // Voting ends at 6; the head is 1 + voters.
      await untilAttr("[data-testid=countdown]", "data-blocks-left", String(5 - voters));
      if (voters === 2) await shot("proposal-voting");
    });
    assert.equal(await attr("[data-testid=tally]", "data-no"), "100000000000000");
    assert.match(await text("[data-testid=voters]"), /^4 voters of 3 required · quorum reached · approved$/);
    assert.equal((await attr("[data-testid=votes] tbody tr >> nth=3", "data-option")) !== null, true);
    assert.equal(await page.locator("[data-testid=votes] tbody tr").count(), 4);
  });

  it("the stages advanced to the timelock with its countdown; the timelock page lists it", async () => {
    await untilAttr("[data-testid=proposal]", "data-status", "queued");
    // The status, the countdown and the approvals tables render from separate answers: wait for
    // each, then assert (asserting at once raced the countdown's and the tables' render).
    await untilAttr("[data-testid=countdown]", "data-blocks-left", "3");
    await page.locator("[data-testid=reviews] tbody tr").nth(1).waitFor();
    await page.locator("[data-testid=implementation-votes] tbody tr").nth(1).waitFor();
    assert.equal(await stageState("voting"), "done");
    assert.equal(await stageState("code_review"), "done");
    assert.equal(await stageState("implementation_vote"), "done");
    assert.equal(await stageState("timelock"), "current");
    assert.equal(await attr("[data-testid=countdown]", "data-blocks-left"), "3");
    assert.equal(await page.locator("[data-testid=reviews] tbody tr").count(), 2);
    assert.equal(await page.locator("[data-testid=implementation-votes] tbody tr").count(), 2);
    await mine(); // 13
    await untilAttr("[data-testid=countdown]", "data-blocks-left", "2");
    await shot("proposal-timelock");
    // Everything above changed without a reload.
    assert.equal(await page.evaluate("window.loadedOnce"), true);
    await page.goto(`${base}/ui/#/timelock`);
    await page.locator("[data-testid=timelock] tr[data-number='1']").waitFor();
    assert.match(await text("[data-testid=timelock] tr[data-number='1']"), /in 2 blocks/);
    await shot("timelock");
  });

  it("executed: the change with before/after on the proposal, the history and the parameters", async () => {
    await page.goto(`${base}/ui/#/proposals/1`);
    await page.locator("[data-testid=proposal]").waitFor();
    await mineTo(15); // eta 15: executable from here; the execute transaction goes into block 16
    await untilAttr("[data-testid=countdown]", "data-stage", "execution_window");
    assert.match(await text("[data-testid=commands]"), /xai-gov tx execute --proposal 1 /);
    await send("/governance/execute", 0, { type: "EXECUTE_PROPOSAL", proposalId: p1.id });
    await mine();
    await untilAttr("[data-testid=proposal]", "data-status", "executed");
    const change = "[data-testid=execution] [data-testid=changes] tr[data-key=block_reward]";
    assert.equal(await text(`${change} .before`), "1200000000");
    assert.equal(await text(`${change} .after`), "2000000000");
    await shot("proposal-executed");
    await page.goto(`${base}/ui/#/parameters`);
    const param = "[data-testid=registry-parameters] tr[data-name=block_reward]";
    await page.locator(param).waitFor();
    await untilText(`${param} [data-testid=last-changed]`, /^#1 /);
    assert.equal(await text(`${param} [data-testid=current]`), "2000000000");
    await shot("parameters");
  });

  it("a rollback shows on both records (links both ways, restored before/after)", async () => {
    const tx = await send("/governance/proposals/submit", 7, {
      type: "SUBMIT_PROPOSAL",
      title: "Roll back the block reward",
      description: "",
      deposit: 1_000_000_000n,
      action: { kind: "rollback", target: p1.id },
    });
    p2.id = proposalIdOf(tx);
    const start = await mine();
    await page.goto(`${base}/ui/#/proposals/2`);
    await page.locator("[data-testid=proposal]").waitFor();
    assert.match(await text("[data-testid=change]"), new RegExp(`Rolls back proposal ${p1.id}`));
    await driveToQueued(p2, start);
    await mineTo(start + 14);
    await send("/governance/execute", 0, { type: "EXECUTE_PROPOSAL", proposalId: p2.id });
    await mine();
    await untilAttr("[data-testid=proposal]", "data-status", "executed");
    const change = "[data-testid=execution] [data-testid=changes] tr[data-key=block_reward]";
    assert.equal(await text(`${change} .before`), "2000000000");
    assert.equal(await text(`${change} .after`), "1200000000");
    assert.equal(await attr("[data-testid=rollback-target] a", "href"), `#/proposals/${p1.id}`);
    await shot("proposal-rollback");
    await page.click("[data-testid=rollback-target] a");
    await untilAttr("[data-testid=proposal]", "data-status", "rolled_back");
    assert.equal(await attr("[data-testid=rollback-link] a", "href"), `#/proposals/${p2.id}`);
    assert.equal(await text(`${change} .after`), "2000000000");
    await page.goto(`${base}/ui/#/history`);
    await page.locator("[data-testid=history] li[data-number='2']").waitFor();
    assert.deepEqual(
      await page
        .locator("[data-testid=history] > li")
        .evaluateAll((l) => l.map((e) => `${e.getAttribute("data-event")} ${e.getAttribute("data-number")}`)),
      ["executed 2", "executed 1"],
    );
    assert.match(
      await text("[data-testid=history] li[data-number='2']"),
      /^executed of #2 \(rollback\) at height \d+ · target #/,
    );
    await shot("history");
  });

  it("the node page and the dark theme", async () => {
    await page.goto(`${base}/ui/#/node`);
    await untilText("[data-testid=node-height]", new RegExp(`^${node.chain.head.height}$`));
    await shot("node");
    await page.click("button.theme");
    await page.locator("html[data-theme=dark]").waitFor({ state: "attached" });
    await page.goto(`${base}/ui/#/proposals/1`);
    await page.locator("[data-testid=execution]").waitFor();
    await shot("proposal-dark");
    // Responsive: on a phone-sized viewport nothing overflows the page sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("[data-testid=execution]").waitFor();
    const widths = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return [d.scrollWidth, d.clientWidth];
    });
    assert.ok(widths[0]! <= widths[1]!, `page ${widths[0]} px wide in a ${widths[1]} px viewport`);
    await shot("proposal-mobile");
  });
});
