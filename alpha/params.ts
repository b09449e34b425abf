/**
 * Parameters that give a formula its meaning (recorded with a strategy beside `VOCAB_VERSION`)
 * and the rule that turns its signal into positions.
 */
import { DEFAULT_NORM_WINDOW } from "./features.js";
import type { FeatureSetId } from "./vocab.js";

export interface AlphaParams {
  readonly featureSet: FeatureSetId;
  /** Rolling median/MAD window of the normalised features, in valid bars. */
  readonly normWindow: number;
  /** Rolling window of JUMP's z-score, in bars (the token's own row, current bar included). */
  readonly jumpWindow: number;
}

export const DEFAULT_JUMP_WINDOW = 60;

export const DEFAULT_ALPHA_PARAMS: AlphaParams = {
  featureSet: "basic",
  normWindow: DEFAULT_NORM_WINDOW,
  jumpWindow: DEFAULT_JUMP_WINDOW,
};

/**
 * Long/flat hysteresis on sigmoid(signal), as upstream's live runner (§11): enter above
 * `buyThreshold`, exit below `sellThreshold`, hold in between. A decision on bar t's close fills
 * at the next valid bar's open.
 */
export interface TradeRule {
  readonly buyThreshold: number;
  readonly sellThreshold: number;
}

export const DEFAULT_TRADE_RULE: TradeRule = { buyThreshold: 0.85, sellThreshold: 0.45 };

/** sigmoid(s) > p  <=>  s > logit(p): thresholds compared on the raw signal, no exp per bar. */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
