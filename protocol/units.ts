/**
 * Integer units shared by every layer: prices in ticks, quantities in lots, money in quote units
 * (one tick × one lot), ratios in ppm. Nothing here uses floating point for a result.
 */
export const PPM = 1_000_000;
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

export function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** True when a × b is exactly representable (both operands already safe integers). */
export function isSafeProduct(a: number, b: number): boolean {
  return Number.isSafeInteger(a * b);
}

/**
 * floor(a × b / d) for non-negative safe integers, exact even when a × b exceeds 2^53: the
 * product is split as (q·d + r) × b so that only r × b (< d × b) must be safe; BigInt is the
 * fallback when even that is not. Returns MAX_SAFE + 1 (unsafe) when the result itself is not safe.
 */
export function mulDivFloor(a: number, b: number, d: number): number {
  const direct = a * b;
  if (Number.isSafeInteger(direct)) return Math.floor(direct / d);
  const exact = (BigInt(a) * BigInt(b)) / BigInt(d);
  return exact > BigInt(MAX_SAFE) ? MAX_SAFE + 1 : Number(exact);
}

/** ceil(a × b / d) for non-negative safe integers; see mulDivFloor. */
export function mulDivCeil(a: number, b: number, d: number): number {
  const direct = a * b;
  if (Number.isSafeInteger(direct)) return Math.ceil(direct / d);
  const big = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  const exact = big / bd + (big % bd === 0n ? 0n : 1n);
  return exact > BigInt(MAX_SAFE) ? MAX_SAFE + 1 : Number(exact);
}
