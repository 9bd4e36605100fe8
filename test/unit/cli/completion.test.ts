import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { Command } from "commander";

// Sources load with dynamic import() (native ES modules), as test/e2e/cli.test.ts explains.
async function load() {
  const [{ createProgram }, completion] = await Promise.all([
    import("../../../src/cli/program.js"),
    import("../../../src/cli/completion.js"),
  ]);
  return { program: createProgram(), ...completion };
}

/** Completes `words` (the last one being typed) with the bash script; the candidates. */
function complete(script: string, words: string[]): string[] {
  const cmd = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _xai_gov_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", cmd], { encoding: "utf8" }).split("\n").filter(Boolean);
}

describe("cli: completion bash|zsh", () => {
  it("the script names every command and every option of the program tree", async () => {
    const { program, bashCompletion } = await load();
    const script = bashCompletion(program);
    const missing: string[] = [];
    const walk = (c: Command, path: string) => {
      for (const o of c.options) if (o.long && !script.includes(o.long)) missing.push(`${path} ${o.long}`);
      for (const s of c.commands) {
        const p = path ? `${path} ${s.name()}` : s.name();
        if (!script.includes(`"${p}")`)) missing.push(p);
        walk(s, p);
      }
    };
    walk(program, "");
    assert.deepEqual(missing, []);
    for (const c of ["init", "start", "keys", "tx", "query", "replay", "devnet", "completion"])
      assert.ok(
        program.commands.some((s) => s.name() === c),
        c,
      );
  });

  it("bash completes subcommands and the options of the command typed so far", async () => {
    const { program, bashCompletion } = await load();
    const script = bashCompletion(program);
    assert.deepEqual(complete(script, ["xai-gov", "qu"]), ["query"]);
    assert.deepEqual(complete(script, ["xai-gov", "tx", "vo"]), ["vote"]);
    assert.deepEqual(complete(script, ["xai-gov", "tx", "vote", "--proposal", "7", "--opt"]), ["--option"]);
    assert.deepEqual(complete(script, ["xai-gov", "query", "proposals", "--st"]), ["--status"]);
  });

  it("zsh loads the bash script through bashcompinit; another shell is BAD_OPTION", async () => {
    const { program, bashCompletion, completionScript } = await load();
    const zsh = completionScript(program, "zsh");
    assert.ok(zsh.startsWith("# xai-gov completion for zsh"));
    assert.ok(zsh.includes("autoload -U +X bashcompinit && bashcompinit\n"));
    assert.ok(zsh.endsWith(bashCompletion(program)));
    assert.throws(() => completionScript(program, "fish"), { code: "BAD_OPTION" });
  });
});
