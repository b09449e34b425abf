/** How much history a formula needs, by hand and against the alpha engine's own look-back. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalise, DEFAULT_ALPHA_PARAMS, parseFormula, randomFormulaTokens } from "../../alpha/index.js";
import { FEATURE_LOOKBACK } from "../../alpha/features.js";
import { lookback } from "../../alpha/subexpr.js";
import { seededRng } from "../../core/random.js";
import { FEATURE_HISTORY, formulaLookback, historyNeeds, liquidityWindow } from "./history.js";

const root = (f: string) => canonicalise(parseFormula(f).root, "basic");

describe("history needs", () => {
  it("adds look-backs along the deepest path", () => {
    expect(formulaLookback(root("RET"), 60)).toBe(0);
    expect(formulaLookback(root("RET DELAY1"), 60)).toBe(1);
    expect(formulaLookback(root("RET DELAY1 DECAY"), 60)).toBe(3);
    expect(formulaLookback(root("RET JUMP DEV MAX3 ADD"), 60)).toBe(59);
    expect(formulaLookback(root("RET JUMP DELAY1 JUMP"), 60)).toBe(119);
  });

  it("agrees with the alpha engine's look-back on random formulas", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 16 }), (seed, len) => {
        const r = canonicalise(parseFormula(randomFormulaTokens(seededRng(seed), len)).root, "basic");
        expect(formulaLookback(r, 17)).toBe(lookback(r, 17));
      }),
      { seed: 2, numRuns: 200 },
    );
  });

  it("covers the features' windows plus the bar before", () => {
    expect(FEATURE_HISTORY).toBe(FEATURE_LOOKBACK + 1);
  });

  it("required = look-back + max(normalisation + feature history, liquidity proxy window) + 1", () => {
    const p = DEFAULT_ALPHA_PARAMS;
    // 60 s bars: the default proxy averages a day, 1,440 bars, longer than 240 + 21.
    expect(liquidityWindow({ kind: "volume-proxy", dailyVolumeToLiquidity: 2, floorUsd: 1_000 }, 60)).toBe(1_440);
    expect(historyNeeds(root("RET DELAY1"), p, 60)).toEqual({ lookback: 1, required: 1 + 1_440 + 1, warmup: 22 });
    expect(historyNeeds(root("RET DELAY1"), p, 60, { kind: "constant", usd: 1 })).toEqual({ lookback: 1, required: 1 + 261 + 1, warmup: 22 });
    // 15-minute bars: 96 bars of proxy, the normalisation reaches further.
    expect(historyNeeds(root("RET"), p, 900).required).toBe(262);
  });
});
