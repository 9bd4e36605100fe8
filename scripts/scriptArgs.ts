// The options of the operator scripts (bench, fuzz, soak): `--help` prints the usage and exits 0; an
// unknown option, a missing value or a bad number prints what is wrong and the usage and exits 2,
// never a stack trace. The harness and chaos CLIs parse their own in the same way.
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Exits 2 with `message` and the usage. */
export function usageError(usage: string, message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** The parsed values of options `O`. */
export type ScriptValues<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O }>
>["values"];

/** Parses process.argv (strict: no positionals, no unknown options); `--help` or `-h` prints `usage`. */
export function scriptArgs<const O extends Options>(
  usage: string,
  options: O,
  argv = process.argv.slice(2),
): ScriptValues<O> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (err) {
    usageError(usage, (err as Error).message);
  }
}

/** A non-negative integer option's value, or exit 2 naming the option. */
export function intOption(usage: string, name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isSafeInteger(n) || n < 0)
    usageError(usage, `--${name} must be a non-negative integer, not ${v}`);
  return n;
}
