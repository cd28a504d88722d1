/**
 * LOBSTER times are seconds after midnight with up to nine decimals ("34200.015105074"). They are
 * parsed digit by digit into integer nanoseconds: a float would lose the last digits of a day's
 * nanosecond clock (8.64e13 needs 47 bits, a double's fraction cannot also hold the decimals).
 */
const MAX_DECIMALS = 9;
const MAX_SECONDS = 7 * 86_400; // generous: a file may run past midnight, never by days

/** Nanoseconds after midnight, or -1 when `text` is not a non-negative decimal with ≤ 9 decimals. */
export function parseLobsterTime(text: string): number {
  let seconds = 0;
  let i = 0;
  const n = text.length;
  if (n === 0) return -1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    seconds = seconds * 10 + c;
    if (seconds > MAX_SECONDS) return -1;
  }
  if (i === 0) return -1;
  let fraction = 0;
  let decimals = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return -1; // '.'
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9 || decimals === MAX_DECIMALS) return -1;
      fraction = fraction * 10 + c;
      decimals++;
    }
  }
  for (; decimals < MAX_DECIMALS; decimals++) fraction *= 10;
  return seconds * 1_000_000_000 + fraction;
}
