import { commandSlots, REJECT_LINE_SLOTS } from "./command-codec.js";
import { eventSlots } from "./event-codec.js";
import {
  CONTROL_SLOTS,
  DONE_SLOTS,
  KIND_COMMAND,
  KIND_CONTROL,
  KIND_DONE,
  KIND_EVENT,
  KIND_INTERN,
  KIND_INTERN_RESET,
  KIND_READY,
  KIND_REJECT_LINE,
  KIND_TEXT,
  KIND_WRAP,
  READY_SLOTS,
  textSlots,
  WRAP_SLOTS,
} from "./records.js";

/** Slots of the record at `at`, whatever its kind; throws on a corrupt header. */
export function recordSlots(f64: Float64Array, at: number): number {
  const h = f64[at] as number;
  switch (h & 15) {
    case KIND_WRAP:
      return WRAP_SLOTS;
    case KIND_INTERN:
    case KIND_TEXT:
      return textSlots(f64[at + 1] as number);
    case KIND_INTERN_RESET:
      return 1;
    case KIND_COMMAND:
      return commandSlots(h);
    case KIND_REJECT_LINE:
      return REJECT_LINE_SLOTS;
    case KIND_CONTROL:
      return CONTROL_SLOTS;
    case KIND_EVENT:
      return eventSlots(h);
    case KIND_DONE:
      return DONE_SLOTS;
    case KIND_READY:
      return READY_SLOTS;
    default:
      throw new Error(`wire: corrupt record header ${h} at slot ${at}`);
  }
}
