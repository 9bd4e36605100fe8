// End-to-end checks of client keys (SPEC §6, issue 12): the keyring through the compiled CLI
// (`node bin/xai-gov.js keys …`), encrypted key files, mnemonics, and signing a transaction with a
// keyring key against a dev node. Keystores are written with scrypt n = 2^14 to stay fast.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/logger.js";
import type { XaiNode } from "../../src/node/node.js";
import { BIN, killCliChildren, ROOT, type Run, spawnCli } from "../utils/cli.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const MNEMONIC = `${"abandon ".repeat(23)}art`;
/** The address of MNEMONIC at m/44'/5783881'/0'/0'/0' (test/unit/crypto/slip10.test.ts). */
const MNEMONIC_ADDRESS = "xai1dafw8rq5uuqv7wxjlqqwdj2kzp7hg9hvx3t9ar";
const PASS = "e2e passphrase";

function oneJson(r: Run): Record<string, unknown> {
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line of JSON, got: ${r.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function assertFailed(r: Run, code: string): void {
  assert.notEqual(r.code, 0, "non-zero exit");
  assert.equal(r.stdout, "", `nothing on stdout, got: ${r.stdout}`);
  assert.equal(/^([A-Z][A-Z0-9_]*): /.exec(r.stderr)?.[1], code, r.stderr);
}

/** The CLI with stdin fed from `input`. */
function spawnWithStdin(args: string[], input: string, env: Record<string, string>): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * The CLI on a pseudo-terminal (util-linux `script`), answering each prompt matched by `answers`
 * in turn once it has been printed (so nothing is typed before echo is off).
 */
function spawnOnTty(
  args: string[],
  answers: Array<[RegExp, string]>,
  env: Record<string, string>,
): Promise<Run> {
  return new Promise((res, rej) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let seen = 0;
    child.stdout.on("data", (d) => {
      stdout += d;
      const next = answers[0];
      if (next?.[0].test(stdout.slice(seen))) {
        seen = stdout.length;
        answers.shift();
        child.stdin.write(`${next[1]}\r`);
      }
    });
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout, stderr: "" }));
  });
}

/** Every file of a directory with its contents (to show nothing was written). */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

describe("e2e: keys (keyring, keystores, mnemonics)", function () {
  this.timeout(120_000);
  let work: string;
  let ring: string;
  let passFile: string;
  let env: Record<string, string | undefined>;
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
    spawnCli(args, 30_000, { ...env, ...extra });

  before(function () {
    if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) this.skip();
    work = mkdtempSync(join(tmpdir(), "xai-e2e-keys-"));
    ring = join(work, "ring");
    passFile = join(work, "pass.txt");
    writeFileSync(passFile, `${PASS}\n`);
    env = { XAI_KEYRING: ring, XAI_KEYSTORE_SCRYPT_LOG_N: "14", XAI_PASSPHRASE: undefined };
  });

  after(() => {
    killCliChildren();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("without a passphrase off a terminal: PASSPHRASE_REQUIRED, and nothing is written", async () => {
    assertFailed(await cli(["keys", "new", "--name", "nopass", "--json"]), "PASSPHRASE_REQUIRED");
    assert.equal(existsSync(ring), false, "no keyring directory either");
    assertFailed(
      await cli(["keys", "new", "--name", "short", "--json"], { XAI_PASSPHRASE: "short" }),
      "BAD_PASSPHRASE",
    );
  });

  it("keys new --name: encrypted 0600 file in a 0700 keyring, a 24-word mnemonic once; list, show", async () => {
    const made = oneJson(
      await cli(["keys", "new", "--name", "alice", "--passphrase-file", passFile, "--json"]),
    );
    assert.deepEqual(Object.keys(made).sort(), [
      "address",
      "derivation_path",
      "encrypted",
      "file",
      "mnemonic",
      "name",
      "public_key",
    ]);
    assert.equal(made.encrypted, true);
    assert.equal((made.mnemonic as string).split(" ").length, 24);
    assert.equal(made.derivation_path, "m/44'/5783881'/0'/0'/0'");
    assert.equal(statSync(ring).mode & 0o777, 0o700);
    const file = join(ring, "alice.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(stored.format, "xai-gov-keystore");
    assert.equal(stored.secret_key, undefined);
    assert.ok(!readFileSync(file, "utf8").includes(made.mnemonic as string));
    assertFailed(
      await cli(["keys", "new", "--name", "alice", "--passphrase-file", passFile]),
      "KEY_FILE_EXISTS",
    );

    const list = JSON.parse((await cli(["keys", "list", "--json"])).stdout);
    assert.deepEqual(list, [
      { name: "alice", address: made.address, public_key: made.public_key, encrypted: true },
    ]);
    const shown = oneJson(await cli(["keys", "show", "alice", "--json"]));
    assert.deepEqual(shown, { address: made.address, public_key: made.public_key });
    // The mnemonic printed restores the same key.
    const mfile = join(work, "alice.words");
    writeFileSync(mfile, `${made.mnemonic}\n`);
    const again = oneJson(
      await cli(["keys", "import", "alice2", "--mnemonic", "--secret-file", mfile, "--json"], {
        XAI_PASSPHRASE: PASS,
      }),
    );
    assert.equal(again.address, made.address);
  });

  it("keys import --mnemonic: the same fixed address from stdin and from a file, every time", async () => {
    const fromStdin = await spawnWithStdin(
      ["keys", "import", "m1", "--mnemonic", "--json"],
      `${MNEMONIC}\n`,
      {
        XAI_KEYRING: ring,
        XAI_KEYSTORE_SCRYPT_LOG_N: "14",
        XAI_PASSPHRASE: PASS,
      },
    );
    assert.equal(oneJson(fromStdin).address, MNEMONIC_ADDRESS);
    const mfile = join(work, "words.txt");
    writeFileSync(mfile, MNEMONIC.toUpperCase());
    const fromFile = oneJson(
      await cli([
        "keys",
        "import",
        "m2",
        "--mnemonic",
        "--secret-file",
        mfile,
        "--passphrase-file",
        passFile,
        "--json",
      ]),
    );
    assert.equal(fromFile.address, MNEMONIC_ADDRESS);
    writeFileSync(mfile, `${"abandon ".repeat(24)}`);
    assertFailed(
      await cli([
        "keys",
        "import",
        "m3",
        "--mnemonic",
        "--secret-file",
        mfile,
        "--passphrase-file",
        passFile,
      ]),
      "BAD_MNEMONIC",
    );
  });

  it("keys export: the keystore as stored, or --unsafe-raw; a wrong passphrase writes nothing", async () => {
    const exported = oneJson(await cli(["keys", "export", "m1", "--json"], { XAI_PASSPHRASE: PASS }));
    assert.deepEqual(exported, JSON.parse(readFileSync(join(ring, "m1.json"), "utf8")));
    const out = join(work, "m1-export.json");
    assertFailed(
      await cli(["keys", "export", "m1", "--out", out, "--json"], { XAI_PASSPHRASE: "not the passphrase" }),
      "KEY_PASSPHRASE_WRONG",
    );
    assert.equal(existsSync(out), false);
    const raw = oneJson(
      await cli(["keys", "export", "m1", "--unsafe-raw", "--passphrase-file", passFile, "--json"]),
    );
    assert.equal(raw.address, MNEMONIC_ADDRESS);
    assert.match(raw.secret_key as string, /^[0-9a-f]{64}$/);

    // Import of that keystore under another name: a wrong passphrase leaves the keyring unchanged.
    const ks = join(work, "m1.keystore.json");
    writeFileSync(ks, JSON.stringify(exported));
    const before = snapshot(ring);
    assertFailed(
      await cli(["keys", "import", "copy", "--file", ks], { XAI_PASSPHRASE: "not the passphrase" }),
      "KEY_PASSPHRASE_WRONG",
    );
    assert.deepEqual(snapshot(ring), before);
    const copied = oneJson(
      await cli(["keys", "import", "copy", "--file", ks, "--json"], { XAI_PASSPHRASE: PASS }),
    );
    assert.equal(copied.address, MNEMONIC_ADDRESS);
    // A raw hex key imports to the same address too.
    const hex = join(work, "hex.txt");
    writeFileSync(hex, `${raw.secret_key}\n`);
    const fromHex = oneJson(
      await cli([
        "keys",
        "import",
        "hexkey",
        "--hex",
        "--secret-file",
        hex,
        "--passphrase-file",
        passFile,
        "--json",
      ]),
    );
    assert.equal(fromHex.address, MNEMONIC_ADDRESS);
  });

  it("--generate-only --key NAME needs no passphrase (only the public key is read)", async () => {
    const r = oneJson(
      await cli([
        "tx",
        "transfer",
        "--generate-only",
        "--key",
        "m1",
        "--to",
        MNEMONIC_ADDRESS,
        "--amount",
        "1",
        "--nonce",
        "0",
        "--fee",
        "1000",
        "--chain-id",
        "xai-devnet-1",
        "--json",
      ]),
    );
    assert.equal(r.public_key, "0025fdd01b3aca596901eee0a3a144037e046748238396a251dd4cbc59cafbf4");
  });

  it("a tampered or weakened keystore is refused with its code", async () => {
    const ks = JSON.parse(readFileSync(join(ring, "m1.json"), "utf8"));
    const tampered = structuredClone(ks);
    tampered.crypto.ciphertext =
      (ks.crypto.ciphertext[0] === "0" ? "1" : "0") + ks.crypto.ciphertext.slice(1);
    const weak = structuredClone(ks);
    weak.crypto.kdfparams.n = 1024;
    const tf = join(work, "tampered.json");
    const wf = join(work, "weak.json");
    writeFileSync(tf, JSON.stringify(tampered));
    writeFileSync(wf, JSON.stringify(weak));
    const sign = (f: string) =>
      cli(["tx", "sign", "--body", "AAAA", "--key", f, "--chain-id", "xai-devnet-1"], {
        XAI_PASSPHRASE: PASS,
      });
    assertFailed(await sign(tf), "KEYSTORE_TAMPERED");
    assertFailed(await sign(wf), "KEYSTORE_WEAK_KDF");
  });

  it("keys delete: CONFIRMATION_REQUIRED off a terminal without --yes; --yes deletes", async () => {
    assertFailed(await cli(["keys", "delete", "copy"]), "CONFIRMATION_REQUIRED");
    assert.ok(existsSync(join(ring, "copy.json")));
    const r = oneJson(await cli(["keys", "delete", "copy", "--yes", "--json"]));
    assert.deepEqual(r, { name: "copy", address: MNEMONIC_ADDRESS, deleted: true });
    assert.equal(existsSync(join(ring, "copy.json")), false);
    assertFailed(await cli(["keys", "delete", "copy", "--yes"]), "KEY_NOT_FOUND");
    assertFailed(await cli(["keys", "show", "--key", "nosuchkey"]), "KEY_NOT_FOUND");
    assertFailed(
      await cli(["keys", "new", "--name", "bad.name", "--passphrase-file", passFile]),
      "BAD_KEY_NAME",
    );
  });

  it("on a terminal: the passphrase is prompted twice without echo, delete asks for confirmation", async function () {
    if (spawnSync("script", ["--version"]).status !== 0) this.skip();
    const tenv = { XAI_KEYRING: ring, XAI_KEYSTORE_SCRYPT_LOG_N: "14" };
    const typed = "typed on the tty";
    const made = await spawnOnTty(
      ["keys", "new", "--name", "tty1", "--json"],
      [
        [/New passphrase for key tty1: $/, typed],
        [/Repeat it: $/, typed],
      ],
      tenv,
    );
    assert.equal(made.code, 0, made.stdout);
    assert.ok(!made.stdout.includes(typed), "the passphrase is not echoed");
    const address = JSON.parse(made.stdout.slice(made.stdout.indexOf("{"))).address as string;
    const exported = oneJson(
      await cli(["keys", "export", "tty1", "--unsafe-raw", "--json"], { XAI_PASSPHRASE: typed }),
    );
    assert.equal(exported.address, address, "stored with the typed passphrase");
    const differ = await spawnOnTty(
      ["keys", "new", "--name", "tty2"],
      [
        [/New passphrase for key tty2: $/, typed],
        [/Repeat it: $/, "something else"],
      ],
      tenv,
    );
    assert.notEqual(differ.code, 0);
    assert.match(differ.stdout, /BAD_PASSPHRASE: /);
    assert.equal(existsSync(join(ring, "tty2.json")), false);
    const no = await spawnOnTty(["keys", "delete", "tty1"], [[/\[y\/N\] /, "n"]], tenv);
    assert.match(no.stdout, /CONFIRMATION_REQUIRED: /);
    assert.ok(existsSync(join(ring, "tty1.json")));
    const yes = await spawnOnTty(["keys", "delete", "tty1", "--json"], [[/\[y\/N\] /, "y"]], tenv);
    assert.equal(yes.code, 0, yes.stdout);
    assert.equal(existsSync(join(ring, "tty1.json")), false);
  });

  describe("signing with a keyring key against a dev node", () => {
    let node: XaiNode;
    let dir: string;

    before(async () => {
      const [init, nodeMod] = await Promise.all([
        import("../../src/node/initChain.js"),
        import("../../src/node/node.js"),
      ]);
      dir = mkdtempSync(join(tmpdir(), "xai-e2e-keys-node-"));
      init.initChain({ dir, dev: true, preset: "test", blockTimeMs: "200" }, Date.now());
      node = await nodeMod.XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, log: silent });
    });

    after(async () => {
      await node?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("tx transfer --key NAME --passphrase-file F --wait: included with result ok", async () => {
      const url = node.apiAddress;
      const fund = ["tx", "transfer", "--key", "dev:0", "--to", MNEMONIC_ADDRESS, "--amount", "1000000"];
      assert.equal(
        oneJson(await cli([...fund, "--node", url, "--chain-id", "xai-devnet-1", "--wait", "--json"])).result,
        "ok",
      );
      const send = [
        "tx",
        "transfer",
        "--key",
        "m1",
        "--passphrase-file",
        passFile,
        "--to",
        "xai1uphzwy0sh9g52t28gmkuycwtfkp23tpxpzx5rm",
        "--amount",
        "7",
        "--node",
        url,
        "--chain-id",
        "xai-devnet-1",
        "--wait",
        "--json",
      ];
      const r = oneJson(await cli(send));
      assert.equal(r.result, "ok");
      const tx = (await (await fetch(`${url}/tx/${r.tx_id}`)).json()) as {
        tx: { sender?: string; from?: string };
      };
      assert.ok(JSON.stringify(tx).includes(MNEMONIC_ADDRESS), "signed by the keyring key's address");
      const wrong = send.map((a) => (a === passFile ? join(work, "wrongpass.txt") : a));
      writeFileSync(join(work, "wrongpass.txt"), "not it\n");
      assertFailed(await cli(wrong), "KEY_PASSPHRASE_WRONG");
    });
  });
});
