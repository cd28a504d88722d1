/**
 * LOBSTER times are seconds after midnight with up to nine decimals ("34200.015105074"). They are
 * parsed digit by digit into integer nanoseconds: a float would lose the last digits of a day's
 * nanosecond clock (8.64e13 needs 47 bits, a double's fraction cannot also hold the decimals).
 * Digits past the ninth are below a nanosecond and dropped: some files carry the noise of a float
 * printed in full (AMZN 2012-06-21 level 5, line 67823: "43002.632812672004").
 */
const MAX_DECIMALS = 9;
const MAX_DIGITS = 30; // a longer fraction is not a time
const MAX_SECONDS = 7 * 86_400; // generous: a file may run past midnight, never by days

/** Nanoseconds after midnight (truncated to whole ns), or -1 when `text` is not a non-negative decimal. */
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
    const start = i;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9 || i - start > MAX_DIGITS) return -1;
      if (decimals === MAX_DECIMALS) continue;
      fraction = fraction * 10 + c;
      decimals++;
    }
  }
  for (; decimals < MAX_DECIMALS; decimals++) fraction *= 10;
  return seconds * 1_000_000_000 + fraction;
}
