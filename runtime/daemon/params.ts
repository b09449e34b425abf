/**
 * The one mapping from config keys to the trading core's parameters (position exit rules, risk
 * limits) and the daemon's derived numbers. Pure: tests and the daemon call the same functions.
 */
import { riskParams, type RiskParams } from "../../actors/risk/index.js";
import type { AppConfig } from "../../config/index.js";
import { positionParams, type PositionParams } from "../../machines/position.params.js";

/** `strategy.*` onto the position machine's exit rules. */
export function positionParamsFrom(config: AppConfig): PositionParams {
  const s = config.strategy;
  return positionParams({
    stopLossPct: s.stopLossPct,
    tp1Gain: s.takeProfit1Pct,
    tp1Fraction: s.takeProfit1SellFraction,
    trailingActivation: s.trailingActivationPct,
    trailingDrop: s.trailingDropPct,
    moonbagMultiple: s.moonbagTriggerMultiple,
    moonbagTrailingDrop: s.moonbagTrailingDropPct,
    moonbagMaxAgeMs: s.moonbagMaxAgeS * 1000,
    maxHoldMs: s.timeLimitS > 0 ? s.timeLimitS * 1000 : null,
    // The AI exit uses the strategy's sell threshold in open and trailing (upstream), never in the moonbag.
    aiExitBelow: { open: s.sellThreshold > 0 ? s.sellThreshold : null, trailing: s.sellThreshold > 0 ? s.sellThreshold : null, moonbag: null },
  });
}

/**
 * `risk.*` and `strategy.maxOpenPositions` onto the entry checks. Liquidity is configured in USD
 * and checked in SOL: converted at `backtest.solUsd` (the configured SOL price).
 */
export function riskParamsFrom(config: AppConfig): RiskParams {
  const r = config.risk;
  return riskParams({
    maxOpenPositions: config.strategy.maxOpenPositions,
    maxTokenExposureSol: r.maxTokenExposureSol,
    maxTotalExposureSol: r.maxTotalExposureSol,
    minLiquiditySol: r.minLiquidityUsd / config.backtest.solUsd,
    maxPriceImpact: r.maxPriceImpactPct,
    minEntrySol: r.minEntrySol,
    cooldownMs: r.cooldownS * 1000,
    dailyLossLimitSol: r.dailyLossLimitSol,
  });
}
