/**
 * An evaluation context: a panel with its features, backtest inputs and split plan. Every array
 * lives in a SharedArrayBuffer, so the whole object can be posted to workers without copying.
 */
import { computeFeatures, type FeaturePanel } from "./features.js";
import { buildMarket, DEFAULT_COSTS, excessReturns, UPSTREAM_COSTS, type CostOptions, type MarketArrays, type UpstreamCostOptions } from "./market.js";
import type { Panel } from "./panel.js";
import { DEFAULT_ALPHA_PARAMS, DEFAULT_TRADE_RULE, type AlphaParams, type TradeRule } from "./params.js";
import { planSplits, purgedSplits, type Split, type SplitOptions, type SplitPlan } from "./splits.js";

export interface EvalContext {
  readonly panel: Panel;
  readonly features: FeaturePanel;
  readonly market: MarketArrays;
  readonly plan: SplitPlan;
  readonly params: AlphaParams;
  readonly rule: TradeRule;
}

export interface ContextOptions {
  readonly params?: Partial<AlphaParams>;
  readonly costs?: CostOptions;
  readonly upstreamCosts?: UpstreamCostOptions;
  readonly rule?: TradeRule;
  /** Explicit splits, or options for the default purged train/validation/test split. */
  readonly splits?: readonly Split[] | SplitOptions;
  /** Reuse features computed earlier for the same panel and parameters. */
  readonly features?: FeaturePanel;
  /** Also build market-relative returns, for requests with `returns: "excess"`. Default false. */
  readonly excessReturns?: boolean;
}

export function createContext(panel: Panel, options: ContextOptions = {}): EvalContext {
  const params: AlphaParams = { ...DEFAULT_ALPHA_PARAMS, ...options.params };
  const features =
    options.features ?? computeFeatures(panel, { featureSet: params.featureSet, normWindow: params.normWindow });
  if (features.featureSet !== params.featureSet || features.normWindow !== params.normWindow) {
    throw new Error("features were computed with other parameters than the context's");
  }
  const splits = Array.isArray(options.splits)
    ? (options.splits as readonly Split[])
    : purgedSplits(
        panel.nTimes,
        { ...params, liquidityWindowBars: panel.liquidityWindowBars },
        (options.splits ?? {}) as SplitOptions,
      );
  const market = buildMarket(panel, options.costs ?? DEFAULT_COSTS, options.upstreamCosts ?? UPSTREAM_COSTS);
  return {
    panel,
    features,
    market: options.excessReturns === true ? { ...market, excess: excessReturns(panel, market) } : market,
    plan: planSplits(panel, splits),
    params,
    rule: options.rule ?? DEFAULT_TRADE_RULE,
  };
}
