/**
 * Secrets typed by a person: passphrases (`--passphrase-file F`, else $XAI_PASSPHRASE, else a prompt
 * without echo on a terminal; never a command-line value), mnemonics and hex keys (a file, else
 * stdin: a prompt without echo on a terminal), and yes/no confirmations.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import { CliErrorCode } from "./errors.js";

/** The shortest passphrase accepted for a new encrypted key. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Where a passphrase may come from besides a prompt. */
export interface PassphraseOptions {
  passphraseFile?: string;
}

/** True if a person can answer prompts (stdin and stderr are terminals). */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Reads a line from the terminal without echoing it (stdin in raw mode). */
export function promptHidden(question: string): Promise<string> {
  return new Promise((res, rej) => {
    const stdin = process.stdin;
    // Echo off before the question shows, so nothing typed ahead of it is echoed.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.setEncoding("utf8");
    stdin.resume();
    let s = "";
    const done = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          done();
          return res(s);
        }
        if (ch === "\u0003" || ch === "\u0004") {
          done();
          return rej(xaiError(CliErrorCode.PASSPHRASE_REQUIRED, "cancelled"));
        }
        if (ch === "\u007f" || ch === "\b") s = s.slice(0, -1);
        else s += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** Asks a yes/no question on the terminal; true only for "y" or "yes". */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((res) => rl.question(question, res));
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** The first line of a file (a trailing newline is not part of the secret). */
function firstLine(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n[\s\S]*$/, "");
  } catch (err) {
    throw xaiError(NodeErrorCode.BAD_OPTION, `cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/**
 * A passphrase: `--passphrase-file`, else $XAI_PASSPHRASE, else a prompt on a terminal (twice for a
 * new one). A new one has at least MIN_PASSPHRASE_LENGTH characters.
 */
export async function readPassphrase(o: PassphraseOptions, what: string, isNew: boolean): Promise<string> {
  let pass: string;
  if (o.passphraseFile !== undefined) pass = firstLine(o.passphraseFile, "--passphrase-file");
  else if (process.env.XAI_PASSPHRASE) pass = process.env.XAI_PASSPHRASE;
  else if (interactive()) {
    pass = await promptHidden(`${isNew ? "New passphrase" : "Passphrase"} for ${what}: `);
    if (isNew && (await promptHidden("Repeat it: ")) !== pass)
      throw xaiError(CliErrorCode.BAD_PASSPHRASE, "the two passphrases differ; nothing was written");
  } else
    throw xaiError(
      CliErrorCode.PASSPHRASE_REQUIRED,
      `${what} needs a passphrase: not on a terminal, so give --passphrase-file FILE or set XAI_PASSPHRASE`,
    );
  if (pass === "" || (isNew && pass.length < MIN_PASSPHRASE_LENGTH))
    throw xaiError(
      CliErrorCode.BAD_PASSPHRASE,
      `a ${isNew ? "new " : ""}passphrase has at least ${isNew ? MIN_PASSPHRASE_LENGTH : 1} characters`,
    );
  return pass;
}

/** A secret to import (mnemonic, hex key): the file's text, else stdin (a hidden prompt on a terminal). */
export async function readSecretInput(file: string | undefined, what: string): Promise<string> {
  if (file !== undefined) {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      throw xaiError(
        NodeErrorCode.BAD_OPTION,
        `cannot read --secret-file ${file}: ${(err as Error).message}`,
      );
    }
  }
  if (process.stdin.isTTY) return promptHidden(`${what}: `);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
