// A full disk (issue 11, seen from outside: a dev validator on a 4 MB tmpfs went on announcing
// blocks it never stored, came back 50 blocks lower after a restart and signed different blocks at
// those heights). A real node process on a real 4 MB tmpfs: transfers are included, then the disk
// is filled. The node must stop with STORAGE_FAILED_EXIT_CODE and a coded message (fail-stop);
// once space is freed it restarts at or above every head it reported, keeps every included
// transaction, and never has two different blocks at one height across both runs.
//
// Mounting a tmpfs needs root (CI here runs as root); elsewhere the test is skipped and says so.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initDevChain, killAll, sleep, startNode as start } from "../../scripts/soak/node.js";

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  return (await res.json()) as Record<string, unknown>;
}

async function waitHeight(api: string, h: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (((await getJson(`${api}/status`)).height as number) >= h) return;
    await sleep(100);
  }
  throw new Error(`height ${h} not reached`);
}

/** Fills the filesystem of `file` until a write fails with ENOSPC. */
function fill(file: string): void {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, "ENOSPC");
  } finally {
    closeSync(fd);
  }
}

describe("e2e: a full disk stops the node (fail-stop), and no height is signed twice", function () {
  this.timeout(120_000);
  let mnt = "";
  let mounted = false;

  before(function () {
    mnt = mkdtempSync(join(tmpdir(), "xai-tmpfs-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], { stdio: "pipe" });
      mounted = true;
    } catch (err) {
      console.log(`      (skipped: mounting a tmpfs needs root: ${(err as Error).message.split("\n")[0]})`);
      this.skip();
    }
  });

  after(() => {
    killAll();
    if (mounted) execFileSync("umount", ["-l", mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it("stops with exit code 6 when a write fails, and resumes with every reported block", async () => {
    const { devKeyPair, sign } = await import("../../src/crypto/keys.js");
    const { encodeSignedTx, encodeTxBody, txSigningMessage } = await import("../../src/types/txCodec.js");
    const dir = join(mnt, "node");
    await initDevChain(dir);
    const first = await start(dir);
    await waitHeight(first.api, 2);
    // Three transfers, each included before the disk fills.
    const status = await getJson(`${first.api}/status`);
    const from = devKeyPair(0);
    const ids: string[] = [];
    for (let n = 0n; n < 3n; n++) {
      const body = encodeTxBody({
        chainId: status.chain_id as string,
        nonce: n,
        publicKey: from.publicKey,
        fee: BigInt(status.min_tx_fee as string),
        payload: { type: "TRANSFER", recipient: devKeyPair(5).address, amount: 7n },
      });
      const tx = encodeSignedTx(body, sign(txSigningMessage(body), from.secretKey));
      const res = await fetch(`${first.api}/tx`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: Buffer.from(tx).toString("base64") }),
      });
      assert.equal(res.status, 202);
      ids.push(((await res.json()) as { tx_id: string }).tx_id);
    }
    const included = new Map<string, number>();
    for (let i = 0; i < 100 && included.size < ids.length; i++) {
      for (const id of ids) {
        const r = await getJson(`${first.api}/tx/${id}`);
        if (r.status === "included") included.set(id, (r.receipt as { height: number }).height);
      }
      await sleep(100);
    }
    assert.equal(included.size, 3, "the transfers were included");

    fill(join(mnt, "filler"));
    const code = await Promise.race([first.exited.then((e) => e.code), sleep(60_000).then(() => "timeout")]);
    assert.equal(code, 6, `exit code\n${first.output().slice(-3000)}`);
    assert.match(first.output(), /"code":"(DB_WRITE_FAILED|SIGN_STATE_WRITE_FAILED)"/);
    assert.match(first.output(), /storage failed: the node stops \(fail-stop\)/);
    const reported = Math.max(...first.heads.keys());

    rmSync(join(mnt, "filler"));
    const second = await start(dir);
    assert.ok(second.height >= reported, `restarted at ${second.height}, had reported ${reported}`);
    await waitHeight(second.api, reported + 3);
    for (const [id, height] of included) {
      const r = await getJson(`${second.api}/tx/${id}`);
      assert.equal(r.status, "included", id);
      assert.equal((r.receipt as { height: number }).height, height, id);
    }
    // Every block either run reported is the canonical block at its height: none signed twice.
    for (const run of [first, second])
      for (const [height, hash] of run.heads) {
        const b = await getJson(`${second.api}/blocks/${height}`);
        assert.equal((b.hash as string).slice(0, 16), hash, `height ${height}`);
      }
    second.child.kill("SIGINT");
    assert.equal((await second.exited).code, 0);
  });
});
