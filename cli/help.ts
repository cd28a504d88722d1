/** `softliq --version`: the package's version (each subcommand's help is its CommandSpec's). */
import { readFileSync } from "node:fs";

/** The package's version, read from its package.json (two folders above dist/cli). */
export function version(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
