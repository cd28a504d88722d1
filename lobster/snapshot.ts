/**
 * One row of a LOBSTER orderbook file: the visible book after the message of the same row, as
 * Ask Price 1, Ask Size 1, Bid Price 1, Bid Size 1, Ask Price 2, … for `levels` levels.
 * Empty positions hold the dummy prices ±9999999999 with size 0; they end a side.
 */
export const EMPTY_ASK_PRICE = 9_999_999_999;
export const EMPTY_BID_PRICE = -9_999_999_999;

export class Snapshot {
  readonly askPrice: number[];
  readonly askSize: number[];
  readonly bidPrice: number[];
  readonly bidSize: number[];
  /** Occupied levels per side (positions before the first dummy). */
  askCount = 0;
  bidCount = 0;

  constructor(readonly levels: number) {
    this.askPrice = new Array<number>(levels).fill(0);
    this.askSize = new Array<number>(levels).fill(0);
    this.bidPrice = new Array<number>(levels).fill(0);
    this.bidSize = new Array<number>(levels).fill(0);
  }

  copyFrom(s: Snapshot): void {
    for (let i = 0; i < this.levels; i++) {
      this.askPrice[i] = s.askPrice[i] as number;
      this.askSize[i] = s.askSize[i] as number;
      this.bidPrice[i] = s.bidPrice[i] as number;
      this.bidSize[i] = s.bidSize[i] as number;
    }
    this.askCount = s.askCount;
    this.bidCount = s.bidCount;
  }

  /** The same book as text, best levels first: "asks 5802300x100 5804300x100 | bids …". */
  describe(): string {
    const side = (prices: number[], sizes: number[], count: number): string =>
      count === 0
        ? "(empty)"
        : prices
            .slice(0, count)
            .map((p, i) => `${p}x${sizes[i]}`)
            .join(" ");
    return `asks ${side(this.askPrice, this.askSize, this.askCount)} | bids ${side(this.bidPrice, this.bidSize, this.bidCount)}`;
  }
}

/** The number of levels a row describes (its columns / 4), or 0 when that is not a whole number. */
export function levelsOfRow(text: string): number {
  let commas = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) commas++;
  return (commas + 1) % 4 === 0 ? (commas + 1) / 4 : 0;
}

/**
 * Fills `out` from one row without splitting it (a day is ~150k rows of up to 40 numbers); returns
 * null when valid, else what is wrong.
 */
export function parseSnapshot(text: string, out: Snapshot): string | null {
  const columns = out.levels * 4;
  let column = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 44 : text.charCodeAt(i);
    if (c === 44) {
      if (digits === 0 || digits > 16) return `bad number in column ${column + 1}`;
      if (column >= columns) return `more than ${columns} columns`;
      const v = negative ? -value : value;
      const level = column >> 2;
      switch (column & 3) {
        case 0:
          out.askPrice[level] = v;
          break;
        case 1:
          out.askSize[level] = v;
          break;
        case 2:
          out.bidPrice[level] = v;
          break;
        default:
          out.bidSize[level] = v;
      }
      column++;
      value = 0;
      negative = false;
      digits = 0;
    } else if (c === 45 && digits === 0 && !negative) {
      negative = true;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return `unexpected character in column ${column + 1}`;
    }
  }
  if (column !== columns) return `${column} columns, expected ${columns}`;
  out.askCount = occupied(out.askPrice, out.askSize, EMPTY_ASK_PRICE);
  out.bidCount = occupied(out.bidPrice, out.bidSize, EMPTY_BID_PRICE);
  return null;
}

function occupied(prices: number[], sizes: number[], dummy: number): number {
  let n = 0;
  while (n < prices.length && prices[n] !== dummy && (sizes[n] as number) > 0) n++;
  return n;
}
