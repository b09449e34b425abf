/**
 * Rewards for the trainer. Upstream scores invalid formulas -5, constant ones -2 and inactive
 * ones -10, so the policy learns that breaking a formula beats trying one (§17 C4). Ours is a
 * monotone ladder, invalid < constant < inactive < any active formula, with the active score
 * the train split's daily Sharpe (the hourly one when the split spans fewer than `minDays`
 * days: a daily Sharpe of two or three points is noise), squashed below -1 so that it never
 * falls to the inactive rung.
 * `upstream` reproduces §7/§10 on our panels (masks included) for comparison.
 */
import type { SplitMetrics } from "./metrics.js";

export type RewardKind = "sharpe" | "upstream";
export type FormulaStatus = "invalid" | "constant" | "inactive" | "active";

export interface RewardOptions {
  readonly kind?: RewardKind;
  /** The split rewards are computed on; default "train". */
  readonly split?: string;
  /** Fewer entries than this on the split is inactive; default 5. */
  readonly minTrades?: number;
  /** Signal standard deviation below this is constant (upstream's 1e-4). */
  readonly constantStd?: number;
  /** Fewest days for the daily Sharpe to score; below, the hourly one. Default 5. */
  readonly minDays?: number;
}

export const LADDER = { invalid: -3, constant: -2.5, inactive: -2, activeFloor: -1.9 } as const;
export const UPSTREAM_LADDER = { invalid: -5, constant: -2 } as const;

export function classify(m: SplitMetrics, options: RewardOptions = {}): FormulaStatus {
  if (m.signalStd < (options.constantStd ?? 1e-4)) return "constant";
  if (m.trades < (options.minTrades ?? 5)) return "inactive";
  return "active";
}

/** Identity above -1, then an exponential approach to `activeFloor`: monotone and above inactive. */
export function softFloor(x: number): number {
  if (x >= -1) return x;
  return -1 + (LADDER.activeFloor + 1) * -Math.expm1(x + 1);
}

/** Reward of one formula; `m` is its metrics on the reward split, null when invalid. */
export function rewardOf(status: FormulaStatus, m: SplitMetrics | null, options: RewardOptions = {}): number {
  if (options.kind === "upstream") {
    if (status === "invalid" || m === null) return UPSTREAM_LADDER.invalid;
    if (status === "constant") return UPSTREAM_LADDER.constant;
    return m.upstreamFitness ?? Number.NaN;
  }
  switch (status) {
    case "invalid":
      return LADDER.invalid;
    case "constant":
      return LADDER.constant;
    case "inactive":
      return LADDER.inactive;
    case "active": {
      const daily = m !== null && m.days >= (options.minDays ?? 5) ? m.sharpe : null;
      return softFloor(daily ?? m?.sharpeHourly ?? 0);
    }
  }
}
