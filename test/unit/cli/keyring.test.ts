// The keyring and `--key` resolution (src/cli/keyring.ts, keySource.ts, prompt.ts) and the node's
// plaintext key files (src/node/keyFile.ts) next to keystores.
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliErrorCode } from "../../../src/cli/errors.js";
import {
  ensureKeyring,
  keyInfo,
  keyringDir,
  listKeyring,
  plainKeyJson,
  readKeyJson,
  writeNewFile,
} from "../../../src/cli/keyring.js";
import { locateKey, resolveKey, resolvePublicKey } from "../../../src/cli/keySource.js";
import { encryptKey, MIN_SCRYPT_LOG_N } from "../../../src/cli/keystore.js";
import { readPassphrase } from "../../../src/cli/prompt.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { NodeErrorCode } from "../../../src/node/errors.js";
import { readKeyFile, writeKeyFile } from "../../../src/node/keyFile.js";

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isXaiError(err) ? err.code : "other";
  }
  return "none";
};

async function codeAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isXaiError(err) ? err.code : "other";
  }
  return "none";
}

describe("keyring and --key", () => {
  let dir: string;
  let ring: string;
  let cwd: string;
  const saved = { ...process.env };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xai-keyring-"));
    ring = join(dir, "ring");
    mkdirSync(ring, { mode: 0o700 });
    writeNewFile(join(ring, "plain.json"), JSON.stringify(plainKeyJson(devKeyPair(1))));
    const ks = await encryptKey(devKeyPair(2), "unit passphrase", { scryptLogN: MIN_SCRYPT_LOG_N });
    writeNewFile(join(ring, "enc.json"), JSON.stringify(ks));
    writeFileSync(join(ring, "broken.json"), "{");
    cwd = process.cwd();
    process.chdir(dir);
  });

  after(() => {
    process.chdir(cwd);
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("review: an existing keyring directory open to others is made 0700 before a key goes in", () => {
    const wide = join(dir, "wide");
    mkdirSync(wide);
    chmodSync(wide, 0o777);
    assert.equal(ensureKeyring({ keyring: wide }), wide);
    assert.equal(statSync(wide).mode & 0o777, 0o700);
  });

  it("review: a failed write leaves no partial secret file behind", () => {
    const d = join(dir, "fail");
    mkdirSync(d);
    // The secret is written to the temporary file, then the link fails (a name over 255 bytes).
    const bad = join(d, `${"k".repeat(300)}.json`);
    assert.throws(() => writeNewFile(bad, '{"secret_key":"abab"}'), /ENAMETOOLONG/);
    assert.deepEqual(readdirSync(d), []);
  });

  it("review: an unreadable key file's error does not quote its content (a mnemonic, a raw key)", () => {
    const f = join(dir, "words.txt");
    writeFileSync(f, "legal winner thank year wave sausage worth useful legal winner thank yellow\n");
    for (const read of [() => readKeyJson(f), () => readKeyFile(f)]) {
      let message = "";
      try {
        read();
      } catch (err) {
        message = (err as Error).message;
      }
      assert.equal(message, `cannot read key file ${f}: not JSON`);
    }
  });

  it("review: a plaintext file whose public_key is not its secret key's is KEY_FILE_INVALID", () => {
    const json = { ...plainKeyJson(devKeyPair(1)), public_key: plainKeyJson(devKeyPair(2)).public_key };
    assert.equal(
      code(() => keyInfo(json, "x.json")),
      NodeErrorCode.KEY_FILE_INVALID,
    );
  });

  it("the directory: --keyring, else XAI_KEYRING, else ~/.xai-gov/keys", () => {
    process.env.XAI_KEYRING = "/x/ring";
    assert.equal(keyringDir({ keyring: "/y" }), "/y");
    assert.equal(keyringDir({}), "/x/ring");
    delete process.env.XAI_KEYRING;
    assert.match(keyringDir({}), /\/\.xai-gov\/keys$/);
  });

  it("writeNewFile: mode 0600, never over an existing file, no temporary file left", () => {
    const f = join(dir, "new.json");
    writeNewFile(f, "one");
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.equal(
      code(() => writeNewFile(f, "two")),
      CliErrorCode.KEY_FILE_EXISTS,
    );
    assert.equal(readFileSync(f, "utf8"), "one");
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith(".tmp")),
      [],
    );
  });

  it("list: names in order, encrypted or not, a broken file with its code", () => {
    assert.deepEqual(
      listKeyring({ keyring: ring }).map((e) => [e.name, "encrypted" in e ? e.encrypted : e.error]),
      [
        ["broken", NodeErrorCode.KEY_FILE_INVALID],
        ["enc", true],
        ["plain", false],
      ],
    );
  });

  it("--key: dev:N, a keyring name, a file; KEY_NOT_FOUND, KEY_AMBIGUOUS, BAD_KEY", () => {
    const o = { keyring: ring };
    assert.deepEqual(locateKey("dev:3", o), { dev: 3 });
    assert.deepEqual(locateKey("enc", o), { path: join(ring, "enc.json"), name: "enc" });
    assert.deepEqual(locateKey("./enc", o), { path: "./enc" });
    assert.equal(
      code(() => locateKey("dev:10", o)),
      CliErrorCode.BAD_KEY,
    );
    assert.equal(
      code(() => locateKey("nosuch", o)),
      CliErrorCode.KEY_NOT_FOUND,
    );
    writeFileSync(join(dir, "enc"), "{}");
    assert.equal(
      code(() => locateKey("enc", o)),
      CliErrorCode.KEY_AMBIGUOUS,
    );
    rmSync(join(dir, "enc"));
    assert.equal(resolvePublicKey("enc", o).address, devKeyPair(2).address, "no passphrase needed");
  });

  it("signing: a keystore asks for its passphrase (file or env), a wrong one is KEY_PASSPHRASE_WRONG", async () => {
    const o = { keyring: ring };
    delete process.env.XAI_PASSPHRASE;
    assert.equal(await codeAsync(resolveKey("enc", o)), CliErrorCode.PASSPHRASE_REQUIRED);
    process.env.XAI_PASSPHRASE = "wrong passphrase";
    assert.equal(await codeAsync(resolveKey("enc", o)), CliErrorCode.KEY_PASSPHRASE_WRONG);
    const pf = join(dir, "pass");
    writeFileSync(pf, "unit passphrase\nsecond line ignored\n");
    assert.deepEqual((await resolveKey("enc", { ...o, passphraseFile: pf })).key, devKeyPair(2));
    assert.deepEqual((await resolveKey("plain", o)).key, devKeyPair(1));
  });

  it("a new passphrase has at least 8 characters (BAD_PASSPHRASE)", async () => {
    process.env.XAI_PASSPHRASE = "1234567";
    assert.equal(await codeAsync(readPassphrase({}, "k", true)), CliErrorCode.BAD_PASSPHRASE);
    assert.equal(await readPassphrase({}, "k", false), "1234567");
  });

  it("a node's validator key stays plaintext: a keystore there is KEY_FILE_ENCRYPTED", () => {
    const f = join(dir, "validator.key");
    writeKeyFile(f, devKeyPair(4));
    assert.deepEqual(readKeyFile(f), devKeyPair(4));
    assert.equal(
      code(() => readKeyFile(join(ring, "enc.json"))),
      NodeErrorCode.KEY_FILE_ENCRYPTED,
    );
  });
});
