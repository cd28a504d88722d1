/**
 * The floor: the same dispatch loop over the same commands, applied to a Map only (an order is
 * stored, found, updated, deleted; nothing is matched). No engine can beat it, so the gap to it
 * says how much room is left.
 */
import type { Command, OrderId } from "../../protocol/commands.js";

export class MapFloor {
  readonly orders = new Map<OrderId, Command>();
  touched = 0;

  apply(c: Command): void {
    switch (c.type) {
      case "limit":
        this.orders.set(c.id, c);
        return;
      case "market":
        this.touched++;
        return;
      case "cancel":
        this.orders.delete(c.id);
        return;
      case "modify":
        if (this.orders.get(c.id) !== undefined) this.touched++;
        return;
      default:
        return;
    }
  }
}
