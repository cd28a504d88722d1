import v8 from "node:v8";
import vm from "node:vm";

let gcFn: (() => void) | null | undefined;

/**
 * A full garbage collection, so a measured run does not pay for the garbage its set-up left.
 * Uses global.gc under --expose-gc, otherwise enables it at run time (V8 flag + a fresh context).
 * Returns false when neither works.
 */
export function collectGarbage(): boolean {
  if (gcFn === undefined) gcFn = findGc();
  if (gcFn === null) return false;
  gcFn();
  return true;
}

function findGc(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn: unknown = vm.runInNewContext("gc");
    return typeof fn === "function" ? (fn as () => void) : null;
  } catch {
    return null;
  }
}
