/**
 * The planted predictive signal, for tests of formula mining. Off by default
 * (`plantedSignal` absent or `{ strength: 0 }`); on with `plantedSignal: { strength }`, strength
 * in [0, 1.5].
 *
 * What is planted: candle followers. At the end of every bar t in which a token had at least two
 * trades, bots look at that bar's candle (trade prices) and compute
 *
 *     p_t = PRESSURE_t = tanh(3 * (close_t - open_t) / (high_t - low_t))
 *     m_t = strength * p_t * ln(high_t / low_t) / 2
 *
 * and, when |m_t| >= 0.5%, trade in bar t+1 in the direction of p_t, sized to move the price by
 * m_t in log terms (buy `X (exp(m/2) - 1)` SOL or sell that much SOL's worth of tokens, X the SOL
 * side of the curve or pool; price is X^2 / invariant). Those 2-5 orders land at random times in
 * bar t+1, among the ordinary flow, which is unchanged (its random draws do not depend on the
 * signal). So the expected log return from close_t to close_{t+1} gains m_t: a bar with strong
 * buy pressure (a green candle, as a buy burst makes) predicts a rise, a red one a fall, in
 * proportion to the candle's pressure and range.
 *
 * The formula that encodes it, in RPN over RET, LIQ_SCORE, PRESSURE, FOMO, DEV, LOG_VOL: just
 * `PRESSURE` (`PLANTED_SIGNAL_FORMULA`). PRESSURE is AlphaGPT's buy/sell imbalance
 * `tanh(3 * (close - open) / (high - low + 1e-9))` on the bar's USD prices (`alpha/features.ts`);
 * with a `startTs` that is a multiple of `barIntervalS` (the default) bars are the simulation
 * steps and SOL/USD is constant within a step, so it equals p_t up to the 1e-9.
 *
 * Measured (40 tokens, 1 day of 1-minute bars, seeds 1-12; consecutive bars of the same token,
 * pooled): the Spearman correlation of PRESSURE_t with ln(close_{t+1} / close_t) is within
 * +-0.015 off, and about 0.11, 0.24, 0.43 and 0.59 at strength 0.25, 0.5, 1 and 1.5;
 * `signal.test.ts` pins |IC| < 0.05 off, > 0.15 at 0.5 and > 0.3 at 1. Side effect of turning it
 * on: trends feed on themselves (each follow-on bar is itself a strong candle, so the chase
 * decays by about strength/2 per bar), trading volume rises and more curves complete (200 tokens
 * x 3 days: 112 migrations at strength 1 against 59 off).
 */
import type { BarRow } from "../../runtime/storage/storage.js";

/** The planted signal's formula, RPN tokens over the feature names. */
export const PLANTED_SIGNAL_FORMULA: readonly string[] = ["PRESSURE"];

/** Reference PRESSURE of a bar (AlphaGPT `buy_sell_imbalance`), as the alpha engine computes it. */
export function barPressure(b: Pick<BarRow, "open" | "high" | "low" | "close">): number {
  return Math.tanh((3 * (b.close - b.open)) / (b.high - b.low + 1e-9));
}
