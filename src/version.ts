/** This release's version: package.json's, read once (from src/ under tsx, or dist/src/ when built). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function readVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["..", "../.."]) {
    const file = join(here, up, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "xai-gov" && pkg.version) return pkg.version;
  }
  return "unknown";
}

/** The version of this release (package.json `version`). */
export const VERSION = readVersion();
