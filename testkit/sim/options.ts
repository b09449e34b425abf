/** The simulated market's options, their documented defaults, and validation. */

export interface PlantedSignalOptions {
  /**
   * How hard the candle followers chase the previous bar, in [0, 1.5] (see `signal.ts`): the
   * next bar's expected log return gains `strength * PRESSURE * ln(high / low) / 2`. 0 adds
   * nothing; 0.25 is visible; 1 is strong. Above 2 the chase would feed on itself, hence the cap.
   */
  readonly strength: number;
}

export interface SolUsdOptions {
  /** SOL/USD at the start. Default 150. */
  readonly start?: number;
  /** Daily volatility of the SOL/USD random walk (geometric, driftless). 0 keeps it constant. Default 0.03. */
  readonly dailyVol?: number;
}

export interface SimOptions {
  /** Seed of everything: the same seed gives the same events and bars. Default 1. */
  readonly seed?: number;
  /** Tokens in the universe (they launch over time). Default 50. */
  readonly tokens?: number;
  /** Length of the run in days. Default 1. Ignored when `bars` is given. */
  readonly days?: number;
  /** Length of the run in bars (simulation steps of `barIntervalS`). Overrides `days`. */
  readonly bars?: number;
  /** Bar interval and simulation step, seconds (integer >= 1). Default 60. */
  readonly barIntervalS?: number;
  /** Start of the run, unix seconds. Default 1_735_689_600 (2025-01-01T00:00:00Z). */
  readonly startTs?: number;
  /** Slot at `startTs`; slots advance every 400 ms. Default 310_000_000. */
  readonly startSlot?: number;
  readonly solUsd?: SolUsdOptions;
  /** Off by default. See `signal.ts` for exactly what is planted. */
  readonly plantedSignal?: PlantedSignalOptions;
  /** Size of the trader population (wallets). Default 2000. */
  readonly traders?: number;
  /** Share of tokens launched straight into a Raydium pool with the creator's liquidity (the ones that can be rugged). Default 0.15. */
  readonly directLaunchShare?: number;
  /** Tokens launch uniformly over this fraction of the run, the first at the start. Default 0.8. */
  readonly launchWindow?: number;
  /** Multiplier on every trader's arrival rate. Default 1. */
  readonly activity?: number;
  /** Cap on retail trades per token per minute of simulated time (episodes come on top). Default 30. */
  readonly maxTradesPerMinute?: number;
}

export interface ResolvedSimOptions {
  readonly seed: number;
  readonly tokens: number;
  readonly steps: number;
  readonly barIntervalS: number;
  readonly startTs: number;
  readonly startSlot: number;
  readonly solUsdStart: number;
  readonly solUsdDailyVol: number;
  /** 0 when the planted signal is off. */
  readonly signalStrength: number;
  readonly traders: number;
  readonly directLaunchShare: number;
  readonly launchWindow: number;
  readonly activity: number;
  readonly maxTradesPerMinute: number;
}

export const SIM_DEFAULTS = {
  seed: 1,
  tokens: 50,
  days: 1,
  barIntervalS: 60,
  startTs: 1_735_689_600,
  startSlot: 310_000_000,
  solUsdStart: 150,
  solUsdDailyVol: 0.03,
  traders: 2000,
  directLaunchShare: 0.15,
  launchWindow: 0.8,
  activity: 1,
  maxTradesPerMinute: 30,
} as const;

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`simulateMarket: ${what}`);
}

export function resolveOptions(o: SimOptions): ResolvedSimOptions {
  const barIntervalS = o.barIntervalS ?? SIM_DEFAULTS.barIntervalS;
  check(Number.isInteger(barIntervalS) && barIntervalS >= 1, `barIntervalS must be an integer >= 1, got ${barIntervalS}`);
  const days = o.days ?? SIM_DEFAULTS.days;
  check(Number.isFinite(days) && days > 0, `days must be > 0, got ${days}`);
  const steps = o.bars ?? Math.round((days * 86_400) / barIntervalS);
  check(Number.isInteger(steps) && steps >= 1, `bars must be an integer >= 1, got ${steps}`);
  const r: ResolvedSimOptions = {
    seed: o.seed ?? SIM_DEFAULTS.seed,
    tokens: o.tokens ?? SIM_DEFAULTS.tokens,
    steps,
    barIntervalS,
    startTs: o.startTs ?? SIM_DEFAULTS.startTs,
    startSlot: o.startSlot ?? SIM_DEFAULTS.startSlot,
    solUsdStart: o.solUsd?.start ?? SIM_DEFAULTS.solUsdStart,
    solUsdDailyVol: o.solUsd?.dailyVol ?? SIM_DEFAULTS.solUsdDailyVol,
    signalStrength: o.plantedSignal?.strength ?? 0,
    traders: o.traders ?? SIM_DEFAULTS.traders,
    directLaunchShare: o.directLaunchShare ?? SIM_DEFAULTS.directLaunchShare,
    launchWindow: o.launchWindow ?? SIM_DEFAULTS.launchWindow,
    activity: o.activity ?? SIM_DEFAULTS.activity,
    maxTradesPerMinute: o.maxTradesPerMinute ?? SIM_DEFAULTS.maxTradesPerMinute,
  };
  check(Number.isInteger(r.seed), `seed must be an integer, got ${r.seed}`);
  check(Number.isInteger(r.tokens) && r.tokens >= 0, `tokens must be an integer >= 0, got ${r.tokens}`);
  check(Number.isInteger(r.startTs) && r.startTs >= 0, `startTs must be unix seconds (integer >= 0), got ${r.startTs}`);
  check(Number.isInteger(r.startSlot) && r.startSlot >= 0, `startSlot must be an integer >= 0, got ${r.startSlot}`);
  check(r.solUsdStart > 0 && Number.isFinite(r.solUsdStart), `solUsd.start must be > 0, got ${r.solUsdStart}`);
  check(r.solUsdDailyVol >= 0 && r.solUsdDailyVol < 1, `solUsd.dailyVol must be in [0, 1), got ${r.solUsdDailyVol}`);
  check(r.signalStrength >= 0 && r.signalStrength <= 1.5, `plantedSignal.strength must be in [0, 1.5], got ${r.signalStrength}`);
  check(Number.isInteger(r.traders) && r.traders >= 10, `traders must be an integer >= 10, got ${r.traders}`);
  check(r.directLaunchShare >= 0 && r.directLaunchShare <= 1, `directLaunchShare must be in [0, 1], got ${r.directLaunchShare}`);
  check(r.launchWindow >= 0 && r.launchWindow <= 1, `launchWindow must be in [0, 1], got ${r.launchWindow}`);
  check(r.activity > 0 && Number.isFinite(r.activity), `activity must be > 0, got ${r.activity}`);
  check(r.maxTradesPerMinute >= 1, `maxTradesPerMinute must be >= 1, got ${r.maxTradesPerMinute}`);
  return r;
}
