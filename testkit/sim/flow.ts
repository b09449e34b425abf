/**
 * The order flow's parameters and the order record. Rates are per minute of simulated time and
 * scale with the step length; sizes are in SOL or as shares of the venue's SOL side.
 */
import type { SimFlow } from "./events.js";

export const FLOW = {
  /** Retail trades per minute for a token of appeal 1 at launch, before hype and fading. */
  baseTradesPerMinute: 2,
  /** Log-hype: AR(1) with this stationary s.d. and per-minute persistence. */
  hypeSd: 0.8,
  hypeRhoPerMinute: 0.97,
  /** Attention never fades below this share of its launch level. */
  fadeFloor: 0.2,
  /** Retail order size in SOL: `sizeCoef * sqrt(SOL side in SOL) * walletFactor * min(|t3|, sizeTailCap)`. */
  sizeCoef: 0.06,
  sizeTailCap: 12,
  minOrderSol: 0.005,
  /** No single retail order exceeds this share of the SOL side. */
  maxOrderShare: 0.25,
  /** A retail sell sells at most this share of the public float. */
  sellCapShare: 0.25,
  /** Regimes: "moon" (buy bias) and "bear" (sell bias), entered at these hazards, left at `regimeExitPerMinute`. */
  moonPerMinute: 0.003,
  bearPerMinute: 0.002,
  regimeExitPerMinute: 1 / 40,
  regimeBias: [0.02, 0.06] as const,
  regimeActivity: 2.5,
  /** Pumps: a coordinated group buys this share of the SOL side within one bar, then dumps later. */
  pumpPerMinute: 0.001,
  pumpSize: [0.3, 1.0] as const,
  dumpProbability: 0.85,
  dumpDelayMinutes: 25,
  /** The creator sells its whole bag at this hazard. */
  devSellPerMinute: 0.0007,
  /** Bursts: bots buy (or sell) this share of the SOL side within one bar: volume and pressure spikes. */
  burstPerMinute: 0.03,
  burstSize: [0.03, 0.12] as const,
  burstBuyShare: 0.5,
  /** The planted signal's followers ignore candles asking for a smaller log move than this. */
  followMinMove: 0.005,
  /** Launch: the creator's own buy, then snipers. */
  devBuyProbability: 0.7,
  devBuySol: [0.2, 3] as const,
  snipers: [2, 8] as const,
  sniperSol: [0.3, 2.5] as const,
  /** Rugs: share of both reserves removed, then holders panic-sell a share of the float each. */
  rugShare: [0.985, 0.999] as const,
  panicSells: [3, 8] as const,
  panicShare: [0.15, 0.5] as const,
} as const;

export type OrderSide = "buy" | "sell" | "rug";

/** One intended action within a step, executed in `t` order against the token's venue. */
export interface Order {
  /** Time within the step, [0, 1). */
  t: number;
  side: OrderSide;
  /** Buy: lamports to spend, fee included. Sell (when `share` is 0): SOL notional to sell at spot. */
  lamports: number;
  /** Sell: share of the seller's bag to sell (1 = all). Rug: share of the liquidity to pull. */
  share: number;
  flow: SimFlow;
  /** Wallet index in the population; -1 for the creator. */
  trader: number;
}
