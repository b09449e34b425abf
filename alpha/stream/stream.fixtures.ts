/**
 * Test helpers for the streams: one token's bars as fast-check generates them (gaps, flat bars,
 * crashes, unusable volume, missing or bad liquidity and FDV) and the batch panel of those bars,
 * the reference every stream is checked against.
 */
import fc from "fast-check";
import { createContext, type EvalContext } from "../context.js";
import { buildPanel, type BarInput, type LiquidityFallback } from "../panel.js";
import type { AlphaParams } from "../params.js";

export const INTERVAL = 60;
export const T0 = 1_735_689_600;

const step = fc.record({
  gap: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 30 }) }),
  move: fc.oneof({ weight: 8, arbitrary: fc.double({ min: -0.3, max: 0.3, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -14, 9) }),
  flat: fc.boolean(),
  spread: fc.double({ min: 0, max: 0.1, noNaN: true }),
  volume: fc.oneof({ weight: 6, arbitrary: fc.double({ min: 0, max: 1e9, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -3, Number.NaN, 1e-30) }),
  liquidity: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 5e4) }, { weight: 2, arbitrary: fc.double({ min: 1, max: 1e8, noNaN: true }) }),
  fdv: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.double({ min: 1, max: 1e9, noNaN: true }) }),
  jitter: fc.integer({ min: 0, max: INTERVAL - 1 }),
});

/** One token's bars, strictly later slot by slot (a random walk with gaps, flat bars and crashes). */
export const tokenBars = (mint: string, maxLength = 80) =>
  fc.array(step, { minLength: 1, maxLength, size: "max" }).map((steps) => {
    let slot = 0;
    let price = 1;
    return steps.map((s, k): BarInput => {
      slot += k === 0 ? 0 : 1 + s.gap;
      const open = price;
      const close = (price = s.flat ? open : open * Math.exp(s.move));
      return {
        mint, ts: T0 + slot * INTERVAL + s.jitter, open, close,
        high: s.flat ? open : Math.max(open, close) * (1 + s.spread),
        low: s.flat ? open : Math.min(open, close) * (1 - s.spread),
        volume: s.volume, liquidity: s.liquidity, fdv: s.fdv,
      };
    });
  });

export const params = fc.record({
  featureSet: fc.constantFrom("basic" as const, "extended" as const),
  normWindow: fc.integer({ min: 1, max: 12 }),
  // JUMP can only fire (z > 3) in windows of 11 bars or more.
  jumpWindow: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 11, max: 24 })),
});

export const fallback: fc.Arbitrary<LiquidityFallback> = fc.oneof(
  fc.record({ kind: fc.constant("volume-proxy" as const), dailyVolumeToLiquidity: fc.constantFrom(2, 500), floorUsd: fc.constantFrom(0, 1_000), windowBars: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant("constant" as const), usd: fc.constantFrom(5e4, 1.1e5) }),
);

/** The batch context of one token's bars on the regular grid, as the scorer's panel is built. */
export function batchContext(bars: readonly BarInput[], p: AlphaParams, liquidityFallback: LiquidityFallback, fdvFallbackUsd = 1_000_000): EvalContext {
  const panel = buildPanel(bars, { intervalS: INTERVAL, grid: "regular", liquidityFallback, fdvFallbackUsd });
  return createContext(panel, { params: p, splits: [{ name: "all", start: 0, end: panel.nTimes }] });
}

/** Grid index of a bar on a panel starting at the first bar's slot. */
export const slotIndex = (bars: readonly BarInput[], b: BarInput): number =>
  Math.floor(b.ts / INTERVAL) - Math.floor(bars[0]!.ts / INTERVAL);

/** Equal as numbers, NaN equal to NaN (the sign of a zero is not asked: nothing can tell). */
export const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
