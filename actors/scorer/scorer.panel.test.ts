/**
 * The scorer's window is exact: streaming bar by bar, its raw value at every close equals the
 * alpha engine's whole-history panel (the future included) at that slot, for formulas with
 * every kind of look-back, with gaps, evictions and unreported liquidity.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalise, parseFormula, randomFormulaTokens, toRpn, type LiquidityFallback } from "../../alpha/index.js";
import { seededRng } from "../../core/random.js";
import { INTERVAL, PROXY, SMALL, bySlot, universe, wholePanel } from "./scorer.fixtures.js";
import { rawAtLastBar } from "./evaluate.js";
import { historyNeeds } from "./history.js";
import { Scorer } from "./scorer.js";

const FORMULAS = [
  "RET",
  "LIQ_SCORE DELAY1 PRESSURE SUB",
  "DEV JUMP FOMO DECAY ADD",
  "LOG_VOL MAX3 DELAY1 JUMP RET DIV",
  "RET DEV LIQ_SCORE GATE DECAY DECAY",
];

/** Worst relative |scorer - reference| over every close (0: bit for bit), and how many closes were compared. */
function compare(seed: number, formula: string, fallback: LiquidityFallback, gap: number, reported = 0.5) {
  const bars = universe(seed, { tokens: 5, slots: 140, gap, reported });
  const ref = wholePanel(bars, formula, SMALL, fallback);
  const scorer = new Scorer({
    formula, params: SMALL, intervalS: INTERVAL, liquidityFallback: fallback, minBars: 1,
    rule: { buyThreshold: 0.85, sellThreshold: 0.45, maxOpenPositions: 3 },
  });
  let worst = 0;
  let compared = 0;
  for (const [slot, closing] of bySlot(bars)) {
    for (const b of closing) scorer.push(b);
    for (const s of scorer.score(slot)) {
      const r = ref.at(s.mint, slot);
      expect(r).not.toBeNull();
      worst = Math.max(worst, Math.abs(s.raw - r!) / Math.max(1, Math.abs(r!)));
      compared++;
    }
  }
  return { worst, compared, evicted: scorer.window.stats.evicted };
}

describe("scorer window = whole-history panel at the last bar", () => {
  it.each(FORMULAS)("%s", (formula) => {
    const cases = [[PROXY, 0.3, 0.5], [PROXY, 0.1, 0], [{ kind: "constant", usd: 50_000 } as const, 0.05, 0.5]] as const;
    for (const [fallback, gap, reported] of cases) {
      const { worst, compared, evicted } = compare(3, formula, fallback, gap, reported);
      expect(evicted).toBeGreaterThan(0);
      expect(compared).toBeGreaterThan(300);
      expect(worst).toBe(0);
    }
  });

  it("the bound is tight where it binds: one bar fewer than required and the value moves", () => {
    // LIQ_SCORE from the volume proxy alone reads exactly its 40-bar window (dense bars).
    const bars = universe(4, { tokens: 3, slots: 120, gap: 0, reported: 0 });
    const root = canonicalise(parseFormula("LIQ_SCORE").root, "basic");
    const spec = { root, params: SMALL, intervalS: INTERVAL, liquidityFallback: PROXY, fdvFallbackUsd: 1_000_000 };
    const { required } = historyNeeds(root, SMALL, INTERVAL, PROXY);
    expect(required).toBe(41);
    const mint = bars[0]!.mint;
    const own = bars.filter((b) => b.mint === mint).map((b) => ({ ...b, ts: Math.floor(b.ts / INTERVAL) * INTERVAL }));
    const ref = wholePanel(bars, "LIQ_SCORE", SMALL, PROXY).at(mint, own.at(-1)!.ts);
    expect(rawAtLastBar(own.slice(-(required - 1)), spec)).toBe(ref);
    expect(rawAtLastBar(own.slice(-(required - 2)), spec)).not.toBe(ref);
  });

  it("holds for random formulas and universes (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 12 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, len, gap) => {
        const tokens = randomFormulaTokens(seededRng(seed), len);
        const formula = toRpn(parseFormula(tokens).root, "basic");
        expect(compare(seed, formula, PROXY, gap).worst).toBe(0);
      }),
      { seed: 5, numRuns: 12 },
    );
  });
});
