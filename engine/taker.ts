import { BUY, EXPIRE_MAKER, type OrderId, type SideCode, type StpCode } from "../protocol/commands.js";

/** The incoming side of a match. One record is reused for every command. */
export class Taker {
  id: OrderId = 0;
  account: string | null = null;
  side: SideCode = BUY;
  /** Worst price the taker accepts: a limit price or a market order's protection bound. */
  limitPrice = 0;
  remaining = 0;
  stp: StpCode = EXPIRE_MAKER;
  liquidation = false;
  /** Set when self-trade prevention expired the taker. */
  expiredBySelfTrade = false;

  reset(id: OrderId, account: string | null, side: SideCode, limitPrice: number, qty: number, stp: StpCode): void {
    this.id = id;
    this.account = account;
    this.side = side;
    this.limitPrice = limitPrice;
    this.remaining = qty;
    this.stp = stp;
    this.liquidation = false;
    this.expiredBySelfTrade = false;
  }
}
