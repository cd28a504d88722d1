import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { Readable } from "node:stream";

/** Opens a flow file (or stdin for "-"), or says in one line why it cannot be read. */
export async function openSource(path: string): Promise<{ source: Readable; size: number } | string> {
  if (path === "-") return { source: process.stdin, size: 0 };
  try {
    const info = await stat(path);
    if (!info.isFile()) return `${path} is not a file`;
    // Opening proves read permission before any output is produced.
    const handle = await open(path, "r");
    await handle.close();
    return { source: createReadStream(path, { highWaterMark: 1 << 16 }), size: info.size };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `cannot read ${path}: ${e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message}`;
  }
}
