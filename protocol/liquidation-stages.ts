/**
 * The stage names of `liquidation_stage` events (the stage an account entered), in the order an
 * account goes deeper: the contract's Margin and liquidation section says what each means.
 */
export const LIQUIDATION_STAGES = ["preemptive", "breach", "stage2", "unrestorable", "bankrupt", "restored"] as const;
export type LiquidationStage = (typeof LIQUIDATION_STAGES)[number];
