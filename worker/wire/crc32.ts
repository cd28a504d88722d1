/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial). node:zlib's crc32 (Node 20.15+, 22.2+) runs at
 * ~5 GB/s here against ~1.2 GB/s for the table-driven one below (slicing by four bytes a step),
 * which stays as the fallback for older Node 20 releases: 76 → 17 ns of checksum per journaled
 * command record.
 */
import * as zlib from "node:zlib";

type NativeCrc32 = (data: Uint8Array, value?: number) => number;
const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

const TABLES = makeTables();
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Int32, not Uint32: entries above 2^31 would be read as doubles and slow every step down. */
function makeTables(): Int32Array {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < 4; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/** CRC-32 of bytes[start, end), continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  if (native !== undefined) return native(bytes.subarray(start, end), crc);
  return crc32Tables(bytes, start, end, crc);
}

/** The table-driven CRC-32 (exported for the test that holds it equal to zlib's). */
export function crc32Tables(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  const t = TABLES;
  let c = ~crc;
  let i = start;
  // Whole 32-bit words through an Int32Array view when aligned (little-endian, as Node's platforms).
  if (LITTLE_ENDIAN && ((bytes.byteOffset + i) & 3) === 0 && end - i >= 8) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset + i, (end - i) >>> 2);
    const n = words.length;
    for (let w = 0; w < n; w++) {
      c ^= words[w] as number;
      c =
        (t[768 + (c & 0xff)] as number) ^
        (t[512 + ((c >>> 8) & 0xff)] as number) ^
        (t[256 + ((c >>> 16) & 0xff)] as number) ^
        (t[c >>> 24] as number);
    }
    i += n * 4;
  }
  for (; i + 4 <= end; i += 4) {
    c ^=
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    c =
      (t[768 + (c & 0xff)] as number) ^
      (t[512 + ((c >>> 8) & 0xff)] as number) ^
      (t[256 + ((c >>> 16) & 0xff)] as number) ^
      (t[c >>> 24] as number);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
