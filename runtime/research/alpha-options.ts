/** The one mapping from config keys to the alpha engine's options. */
import type { AppConfig } from "../../config/index.js";
import type { ContextOptions } from "../../alpha/index.js";
import { parseInterval } from "../io/index.js";

export function alphaContextOptions(config: AppConfig): ContextOptions {
  const { alpha, backtest, execution, strategy } = config;
  return {
    params: { featureSet: alpha.featureSet, normWindow: alpha.normWindow, jumpWindow: alpha.jumpWindow },
    costs: {
      tradeSizeSol: strategy.entryAmountSol,
      solUsd: backtest.solUsd,
      swapFeeBps: backtest.swapFeeBps,
      // One of the two, as live pays it: the tip replaces the priority fee.
      priorityFeeSol: execution.jitoTipLamports > 0 ? 0 : execution.priorityFeeLamports / 1e9,
      tipSol: execution.jitoTipLamports / 1e9,
    },
    upstreamCosts: { tradeSizeUsd: backtest.tradeSizeUsd, minLiquidityUsd: backtest.minLiquidityUsd, baseFee: backtest.swapFee },
    rule: { buyThreshold: strategy.buyThreshold, sellThreshold: strategy.sellThreshold },
    excessReturns: config.training.rewardReturns === "excess",
    splits: { train: alpha.trainShare, validation: alpha.validationShare, test: Math.max(0, 1 - alpha.trainShare - alpha.validationShare) },
  };
}

/** The schema admits only valid intervals, so this never throws on a decoded config. */
export function alphaIntervalS(config: AppConfig): number {
  const s = parseInterval(config.alpha.interval);
  if (s === undefined) throw new RangeError(`alpha.interval ${config.alpha.interval} is not an interval`);
  return s;
}
