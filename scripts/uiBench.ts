/**
 * The dashboard's bundle size and first load (issue 13, docs/BENCHMARKS.md): builds dist/ui/, starts
 * a dev node in-process (one proposal in it), and loads /ui/ in Debian's chromium RUNS times, each in
 * a fresh browser context (empty cache). Per load: DOMContentLoaded and first render (the page's
 * `xai:first-render` mark: the proposals list drawn with data), in ms from the start of navigation;
 * prints the medians as one JSON line.
 * Usage: npx tsx scripts/uiBench.ts [RUNS=9]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { slotAt } from "../src/chain/slots.js";
import { devKeyPair, sign } from "../src/crypto/keys.js";
import type { Logger } from "../src/logger.js";
import { initChain } from "../src/node/initChain.js";
import { readKeyFile } from "../src/node/keyFile.js";
import { XaiNode } from "../src/node/node.js";
import { nodePaths } from "../src/node/paths.js";
import { encodeSignedTx, encodeTxBody, txSigningMessage } from "../src/types/txCodec.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/utils/browser.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.argv[2] ?? 9);
const silent: Logger = { info() {}, warn() {}, debug() {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

execFileSync(process.execPath, [join(ROOT, "scripts", "buildUi.mjs")], { stdio: "inherit" });
const sizes: Record<string, { bytes: number; gzip: number }> = {};
for (const f of ["app.js", "app.css", "index.html"]) {
  const b = readFileSync(join(ROOT, "dist", "ui", f));
  sizes[f] = { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
}

const dir = mkdtempSync(join(tmpdir(), "xai-ui-bench-"));
initChain({ dir, dev: true, preset: "test", blockTimeMs: "1000" }, Date.now());
const node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, produce: false, log: silent });
const key = devKeyPair(0);
const body = encodeTxBody({
  chainId: "xai-devnet-1",
  nonce: 0n,
  publicKey: key.publicKey,
  fee: 1_000n,
  payload: {
    type: "SUBMIT_PROPOSAL",
    title: "Raise the block reward",
    description: "",
    deposit: 1_000_000_000n,
    action: { kind: "protocol_parameter", name: "block_reward", value: "2000000000" },
  },
});
const tx = Buffer.from(encodeSignedTx(body, sign(txSigningMessage(body), key.secretKey))).toString("base64");
await fetch(`${node.apiAddress}/governance/proposals/submit`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ tx }),
});
const validator = readKeyFile(nodePaths(dir).validatorKey);
await node.chain.produceBlock(Math.max(slotAt(node.chain.genesis, Date.now()), 1), validator);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const dcl: number[] = [];
const render: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${node.apiAddress}/ui/`);
    await page.locator("[data-testid=proposals] tr[data-number='1']").waitFor();
    const t = await page.evaluate(() => {
      const entries = performance.getEntriesByType.bind(performance) as unknown as (t: string) => unknown[];
      const nav = entries("navigation")[0] as { domContentLoadedEventEnd: number };
      const mark = performance.getEntriesByName("xai:first-render")[0];
      return { dcl: nav.domContentLoadedEventEnd, now: mark?.startTime ?? Number.NaN };
    });
    dcl.push(t.dcl);
    // First render: the mark the list sets when it first renders with data (ui/src/pages/proposals.tsx).
    render.push(t.now);
    await context.close();
  }
} finally {
  await browser.close();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    runs: RUNS,
    sizes,
    dom_content_loaded_ms: Math.round(median(dcl)),
    first_render_ms: Math.round(median(render)),
    all_dcl_ms: dcl.map(Math.round),
    all_render_ms: render.map(Math.round),
  }),
);
