/**
 * One writer per journal directory: `DIR/journal.lock` holds the pid of the process whose writer
 * (an EngineClient, or `softliq recover` while it reads) has the directory. It is created
 * exclusively (O_EXCL) and removed when the writer closes; a lock whose process is gone (a kill
 * -9, a crash) is stale and taken over. The worker thread never takes it: its client does, for
 * the client's whole life, so a restarted worker stays inside the same lock.
 *
 * A takeover removes a file another process may be looking at too. Two takers that both found it
 * stale could otherwise each remove it and the second remove the first one's fresh lock: both
 * would write. So a stale lock is removed only under a guard (`journal.lock.takeover`, also created
 * exclusively), after looking at it again there; whoever finds the guard taken tries again.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "journal.lock";
/** Held while a stale lock is removed (see the file comment). */
export const TAKEOVER_FILE = "journal.lock.takeover";

/** Another live process (or another client in this one) holds the journal directory. */
export class JournalInUseError extends Error {}

export interface JournalLock {
  readonly path: string;
  release(): void;
}

function holderOf(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/**
 * A lock file without a pid yet is another writer between its exclusive create and its write:
 * held, unless it has stayed empty this long (its writer died in that gap).
 */
const UNWRITTEN_LOCK_MS = 2_000;

function recentlyCreated(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < UNWRITTEN_LOCK_MS;
  } catch {
    return false; // gone meanwhile: try again
  }
}

/**
 * Whether the file at `path` (a lock or the guard) is stale: it exists and its holder is gone (a
 * dead pid, or no pid written for too long). A missing file is not stale: there is nothing to
 * remove, and removing the path now could hit a fresh file made meanwhile.
 */
function isStale(path: string): boolean {
  if (statSync(path, { throwIfNoEntry: false }) === undefined) return false;
  const pid = holderOf(path);
  return pid === null ? !recentlyCreated(path) : !alive(pid);
}

/**
 * Removes the stale lock at `path` under the takeover guard, after finding it stale again there:
 * nobody else removes or replaces it meanwhile (a taker needs the guard, the exclusive create
 * fails while it exists). False when another process holds the guard: it is taking the lock over
 * now. The guard holds its taker's pid, so a slow taker keeps it; a guard whose taker died is
 * removed like a stale lock (that double fault leaves a window between two processes removing
 * it at once, which the lock itself no longer has).
 */
function removeStale(dir: string, path: string): boolean {
  const guard = join(dir, TAKEOVER_FILE);
  let fd: number;
  try {
    fd = openSync(guard, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    if (isStale(guard)) rmSync(guard, { force: true });
    return false;
  }
  try {
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    if (isStale(path)) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/**
 * Takes the lock of `dir` or throws JournalInUseError naming its holder. Errors of the file
 * system itself (a missing or unwritable directory) are thrown as they are.
 */
export function lockJournal(dir: string): JournalLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = holderOf(path);
      if (pid !== null && alive(pid)) {
        const who = pid === process.pid ? "another writer in this process" : `process ${pid}`;
        throw new JournalInUseError(`${dir} is in use by ${who} (lock ${path}); a journal takes one writer at a time`);
      }
      if (pid === null && recentlyCreated(path)) {
        throw new JournalInUseError(
          `${dir} is being taken by another writer (lock ${path}); a journal takes one writer at a time`,
        );
      }
      // Stale: its process is gone (or it never got its pid written). Take it over, guarded.
      removeStale(dir, path);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        if (holderOf(path) === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new JournalInUseError(`${dir}: could not take the lock ${path} (taken over by another process meanwhile)`);
}
