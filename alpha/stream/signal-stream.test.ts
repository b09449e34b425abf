import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { LocalEvaluator } from "../engine.js";
import { canonicalise, parseFormula } from "../formula.js";
import { randomFormulaTokens } from "../grammar.js";
import { DEFAULT_ALPHA_PARAMS, type AlphaParams } from "../params.js";
import type { BarInput, LiquidityFallback } from "../panel.js";
import { SignalStream } from "./signal-stream.js";
import { batchContext, fallback, INTERVAL, params, same, slotIndex, T0, tokenBars } from "./stream.fixtures.js";

const spec = (formula: string | readonly number[], p: AlphaParams, liquidityFallback: LiquidityFallback) => ({
  root: canonicalise(parseFormula(formula, { featureSet: p.featureSet }).root, p.featureSet),
  params: p,
  intervalS: INTERVAL,
  liquidityFallback,
  fdvFallbackUsd: 1_000_000,
});

/** [slot, open, high, low, close, volume, liquidity, fdv] */
const bars = (rows: readonly (readonly [number, number, number, number, number, number, number | null, number | null])[]): BarInput[] =>
  rows.map(([s, open, high, low, close, volume, liquidity, fdv]) => ({ mint: "A", ts: T0 + s * INTERVAL, open, high, low, close, volume, liquidity, fdv }));

describe("SignalStream = the interpreter on the token's panel row", () => {
  it("at every bar, bit for bit, for random formulas and bars (fast-check)", () => {
    fc.assert(
      fc.property(tokenBars("A"), params, fallback, fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 16 }), (bs, p, liq, seed, len) => {
        const s = spec(randomFormulaTokens(seededRng(seed), len, p.featureSet), p, liq);
        const ctx = batchContext(bs, p, liq);
        const signal = new LocalEvaluator(ctx, { engine: "interpreter" }).signal(s.root);
        const stream = new SignalStream(s);
        const mismatches = bs.flatMap((b) => {
          const t = slotIndex(bs, b);
          const v = stream.push(b);
          return same(v, signal[t]!) ? [] : [`bar at ${t}: ${v} vs ${signal[t]}`];
        });
        expect(mismatches).toEqual([]);
      }),
      { seed: 29, numRuns: 400 },
    );
  });
});

describe("SignalStream by hand", () => {
  const constant = { kind: "constant", usd: 50_000 } as const;

  it("a gap slot is a flat bar that lags read: DECAY(PRESSURE) over bar, gap, bar", () => {
    const s = new SignalStream(spec("PRESSURE DECAY", DEFAULT_ALPHA_PARAMS, constant));
    const p0 = s.push(bars([[0, 1, 2, 1, 2, 10, null, null]])[0]!);
    expect(p0).toBeCloseTo(Math.tanh(3), 6);
    // Slot 1 has no bar: PRESSURE there is tanh(0) = 0. Slot 2: tanh(-3) + 0.8 * 0 + 0.6 * tanh(3).
    expect(s.push(bars([[2, 2, 2, 1, 1, 10, null, null]])[0]!)).toBeCloseTo(-Math.tanh(3) + 0.6 * Math.tanh(3), 6);
    expect(s.slot).toBe(T0 + 2 * INTERVAL);
  });

  it("LIQ_SCORE from the volume proxy over a gap, then reported liquidity carried", () => {
    // Proxy liquidity = trailing 2-slot mean volume x 1,440 bars a day / 2; FDV falls back to 1M.
    const proxy = { kind: "volume-proxy", dailyVolumeToLiquidity: 2, floorUsd: 1_000, windowBars: 2 } as const;
    const s = new SignalStream(spec("LIQ_SCORE", DEFAULT_ALPHA_PARAMS, proxy));
    const [b0, b2, b3, b4] = bars([
      [0, 1, 1, 1, 1, 100, null, null],
      [2, 1, 1, 1, 1, 300, null, null],
      [3, 1, 1, 1, 1, 0, 50_000, null],
      [4, 1, 1, 1, 1, 900, null, null],
    ]);
    expect(s.push(b0!)).toBeCloseTo((4 * 72_000) / 1e6, 6); // 100 x 720
    expect(s.push(b2!)).toBeCloseTo((4 * 108_000) / 1e6, 6); // (0 + 300) / 2 x 720; the gap's 36,000 is never read
    expect(s.push(b3!)).toBeCloseTo(0.2, 6); // 4 x 50,000 / 1M
    expect(s.push(b4!)).toBeCloseTo(0.2, 6); // carried, the proxy no longer applies
  });

  it("rejects a bar that is not after its latest slot", () => {
    const s = new SignalStream(spec("RET", DEFAULT_ALPHA_PARAMS, constant));
    const [b0] = bars([[5, 1, 1, 1, 1, 1, null, null]]);
    s.push(b0!);
    expect(() => s.push({ ...b0!, ts: b0!.ts + 30 })).toThrow(RangeError);
  });
});
