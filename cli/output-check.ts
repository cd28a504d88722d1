/**
 * Output files are checked before a run, so an unwritable `--book` fails in a moment with one line
 * (exit 73) rather than after the whole replay. The check is what can be known beforehand (the
 * directory exists and is writable, the path is not a directory); a disk that fills during the
 * run still ends the run with exit 73 when the write fails.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

function writeError(code: string, path: string, message: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${message}, open '${path}'`);
  err.code = code;
  err.path = path;
  err.syscall = "open";
  return err;
}

/** The kind of what is at `path`, or null when nothing is. */
function kindOf(path: string): "dir" | "other" | null {
  try {
    return statSync(path).isDirectory() ? "dir" : "other";
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws the error writing `path` would give (ENOENT, ENOTDIR, EISDIR, EACCES); "-" is stdout. */
export function checkOutputFile(path: string | undefined): void {
  if (path === undefined || path === "-") return;
  const kind = kindOf(path);
  if (kind === "dir") throw writeError("EISDIR", path, "illegal operation on a directory");
  if (kind === "other") {
    if (!writable(path)) throw writeError("EACCES", path, "permission denied");
    return;
  }
  const parent = dirname(resolve(path));
  const parentKind = kindOf(parent);
  if (parentKind === null) throw writeError("ENOENT", path, "no such file or directory");
  if (parentKind !== "dir") throw writeError("ENOTDIR", path, "not a directory");
  if (!writable(parent)) throw writeError("EACCES", path, "permission denied");
}

/** Every output of one command line, checked before it runs. */
export function checkOutputFiles(...paths: (string | undefined)[]): void {
  for (const path of paths) checkOutputFile(path);
}
