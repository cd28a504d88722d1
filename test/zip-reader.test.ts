/** The zip reader (io/zip-reader.ts): entries streamed out of an archive, deflated or stored. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LineCursor } from "../io/line-cursor.js";
import { listZip, openZipEntry } from "../io/zip-reader.js";

/** A zip archive of `files`, deflated or stored, as LOBSTER and `zip` write them. */
function zipOf(files: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(f.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(f.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(f.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe("zip reader", () => {
  it("streams deflated and stored entries out of an archive without extracting it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "softliq-zip-"));
    try {
      const text = Array.from({ length: 5000 }, (_, i) => `34200.${i},1,${i + 1},100,5800000,-1`).join("\n");
      const path = join(dir, "day.zip");
      await writeFile(
        path,
        zipOf([
          { name: "X_message_1.csv", data: Buffer.from(text), deflate: true },
          { name: "README.txt", data: Buffer.from("hello\n"), deflate: false },
        ]),
      );
      const entries = await listZip(path);
      expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
        ["X_message_1.csv", 8, text.length],
        ["README.txt", 0, 6],
      ]);
      const lines = new LineCursor(await openZipEntry(path, entries[0] as (typeof entries)[0]));
      let n = 0;
      let last = "";
      for (let l = await lines.next(); l !== null; l = await lines.next()) {
        n++;
        last = l;
      }
      expect([n, last]).toEqual([5000, "34200.4999,1,5000,100,5800000,-1"]);
      const readme = new LineCursor(await openZipEntry(path, entries[1] as (typeof entries)[0]));
      expect(await readme.next()).toBe("hello");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
