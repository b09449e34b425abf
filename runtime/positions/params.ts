/**
 * The one place config keys become the position machine's and risk's parameters (they take no
 * config themselves). Seconds become milliseconds; 0 for `strategy.timeLimitS` disables it.
 */
import { riskParams, type RiskParams } from "../../actors/risk/index.js";
import type { AppConfig } from "../../config/index.js";
import { positionParams, type PositionParams } from "../../machines/position.params.js";

export interface BookParams {
  readonly params: PositionParams;
  readonly risk: RiskParams;
  readonly slippageBps: number;
  readonly entrySol: number;
}

/** `solUsd` converts the USD liquidity floor to SOL (the price of SOL now, or the backtest's). */
export function bookParams(config: AppConfig, solUsd = config.backtest.solUsd): BookParams {
  const s = config.strategy;
  const r = config.risk;
  const params = positionParams({
    stopLossPct: s.stopLossPct,
    tp1Gain: s.takeProfit1Pct,
    tp1Fraction: s.takeProfit1SellFraction,
    trailingActivation: s.trailingActivationPct,
    trailingDrop: s.trailingDropPct,
    moonbagMultiple: s.moonbagTriggerMultiple,
    moonbagTrailingDrop: s.moonbagTrailingDropPct,
    moonbagMaxAgeMs: s.moonbagMaxAgeS * 1_000,
    maxHoldMs: s.timeLimitS === 0 ? null : s.timeLimitS * 1_000,
    // Upstream's sell threshold applies before the moonbag; the moonbag is meant to run.
    aiExitBelow: { open: s.sellThreshold, trailing: s.sellThreshold, moonbag: null },
  });
  const risk = riskParams({
    maxOpenPositions: s.maxOpenPositions,
    maxTokenExposureSol: r.maxTokenExposureSol,
    maxTotalExposureSol: r.maxTotalExposureSol,
    minLiquiditySol: r.minLiquidityUsd / solUsd,
    maxPriceImpact: r.maxPriceImpactPct,
    cooldownMs: r.cooldownS * 1_000,
    dailyLossLimitSol: r.dailyLossLimitSol,
  });
  return { params, risk, slippageBps: config.execution.swapSlippageBps, entrySol: s.entryAmountSol };
}
