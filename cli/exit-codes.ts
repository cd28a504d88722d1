/**
 * The command line's exit codes and the one line each failure prints. 0–2 are the contract's;
 * the others follow sysexits.h, so scripts can tell "try again later" from "fix the disk".
 */

import { JournalWriteError, RecoveryError, systemCause } from "../worker/journal.js";
import { JournalInUseError } from "../worker/journal-lock.js";

export const EXIT_OK = 0;
/** `--strict` stopped at a malformed line. */
export const EXIT_STRICT = 1;
/** A file or journal that cannot be read or recovered (damaged, a gap, another format), or a usage error. */
export const EXIT_UNREADABLE = 2;
/** A bug: "internal error" and its stack. */
export const EXIT_INTERNAL = 70;
/** A file or directory that cannot be written: no space left, no permission, not a directory (EX_CANTCREAT). */
export const EXIT_CANNOT_WRITE = 73;
/** The journal directory is in use by another writer (EX_TEMPFAIL: try again when it is done). */
export const EXIT_IN_USE = 75;

/** System calls that only read: their failure is an unreadable file (2), not an unwritable one. */
const READS = new Set(["read", "scandir", "stat", "lstat"]);

/** The exit code and message of an error that is the user's situation, not a bug (null: a bug). */
export function describeFailure(err: unknown): { code: number; message: string } | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof RecoveryError) return { code: EXIT_UNREADABLE, message: e.message };
    if (e instanceof JournalInUseError) return { code: EXIT_IN_USE, message: e.message };
    if (e instanceof JournalWriteError) return { code: EXIT_CANNOT_WRITE, message: e.message };
    const errno = e as NodeJS.ErrnoException;
    if (typeof errno.code === "string" && /^E[A-Z]+$/.test(errno.code)) {
      const where = errno.path === undefined ? "" : ` ${errno.path}`;
      const cause = systemCause(errno, errno.code);
      if (READS.has(errno.syscall ?? "")) return { code: EXIT_UNREADABLE, message: `cannot read${where}: ${cause}` };
      return { code: EXIT_CANNOT_WRITE, message: `cannot write${where}: ${cause}` };
    }
  }
  return null;
}
