import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createContext } from "./context.js";
import { LocalEvaluator } from "./engine.js";
import { buildPanel } from "./panel.js";
import { DEFAULT_COSTS, oneWayCost } from "./market.js";
import { crossSectionalIC, dailyReturns, maxDrawdown, rank, sharpe, sortino } from "./metrics.js";
import { referenceBacktest, referenceSignal, referenceUpstreamFitness } from "./reference.js";
import { classify, LADDER, rewardOf, softFloor, UPSTREAM_LADDER } from "./reward.js";
import { minEmbargo, planSplits, purgedSplits } from "./splits.js";
import { barsOf, canonical, type Row } from "./testing.js";
import type { SplitMetrics } from "./metrics.js";

// One token; bar 3 is missing. Prices move only inside bars except across the gap.
const rows: Row[] = [
  [0, 1, 1, 1, 1, 10],
  [1, 1, 1.1, 1, 1.1, 10],
  [2, 1.1, 1.21, 1.1, 1.21, 10],
  [4, 1.3, 1.3, 1.2, 1.2, 10],
  [5, 1.2, 1.2, 1, 1, 10],
  [6, 1, 1.05, 1, 1.05, 10],
  [7, 1.05, 1.05, 1.05, 1.05, 10],
];
const panel = buildPanel(barsOf("A", rows), { intervalS: 60, grid: "regular" });
const ctx = createContext(panel, { splits: [{ name: "all", start: 0, end: 8 }] });
// Hand signal through RET: buy above logit(0.85) = 1.73, sell below logit(0.45) = -0.20.
[3, 0, 0, 5, -1, 3, 0, 0].forEach((s, t) => (ctx.features.data[t] = s));
const c = -Math.log(1 - oneWayCost(1e6, DEFAULT_COSTS));

describe("backtest (hand-computed)", () => {
  const root = canonical("RET", ctx);
  const sig = referenceSignal(root, ctx.features, 60, ctx.panel);
  const ref = referenceBacktest(sig, panel, ctx.market, ctx.plan, ctx.rule);
  const [fast] = new LocalEvaluator(ctx).evaluate([root]);
  const m = fast!.splits[0]!;

  it("fills at the next valid open, holds through the gap, exits on the sell threshold and at the end", () => {
    expect(ref.counts[0]).toMatchObject({ entries: 2, exits: 2, wins: 2, activeBars: 5, validBars: 7 });
    expect(ref.counts[0]!.costPaid).toBeCloseTo(4 * c, 8); // costs are stored as float32
    // Held from the open of bar 1 to the open of bar 5, and from the open of bar 6 to the last close.
    const f = Math.fround;
    const want = Math.log(f(1.21)) + Math.log(f(1.2) / f(1.21)) + Math.log(f(1.05)) - 4 * c;
    let total = 0;
    for (const x of ref.barPnl) total += x;
    expect(total).toBeCloseTo(want, 6);
    expect(ref.barPnl[3]).toBe(0); // nothing earns on the missing bar; its move lands at bar 4's open
    expect(m.netReturn).toBeCloseTo(Math.expm1(want), 6);
    expect(m.trades).toBe(2);
    expect(m.turnover).toBeCloseTo(4 / 7, 12);
    expect(m.activity).toBeCloseTo(5 / 7, 12);
    expect(m.hitRate).toBe(1);
  });

  it("costs a swap as fee + fixed SOL fees + constant-product impact", () => {
    const notional = DEFAULT_COSTS.tradeSizeSol * DEFAULT_COSTS.solUsd;
    expect(oneWayCost(1e6, DEFAULT_COSTS)).toBeCloseTo(0.003 + 0.00015 / 2 + notional / (5e5 + notional), 12);
    expect(oneWayCost(0, DEFAULT_COSTS)).toBe(0.99);
  });

  it("scores upstream's §7 fitness with masks: cost on entry, sum of next-open returns, -10 below 5 active bars", () => {
    const on = canonical("LIQ_SCORE", ctx); // 4 * 1e6 / 4e6 = 1, below logit(0.85): never long
    expect(referenceUpstreamFitness(referenceSignal(on, ctx.features, 60, ctx.panel), panel, ctx.market, ctx.plan, 0)).toBe(-10);
    const always = new Float64Array(8).fill(5);
    const f = Math.fround;
    // Labels need bars t, t+1, t+2 valid and t + 2 < 8: t = 0, 4, 5. At t = 4 the label is
    // ln(1 / 1.2) = -0.18, a "big loss" (< -0.05) that costs 2 more.
    const labels = Math.log(f(1.1) / f(1)) + Math.log(f(1) / f(1.2)) + Math.log(f(1.05) / f(1));
    const upCost = 0.006 + 1000 / 1e6;
    // Entry at bar 0, out on the missing bar 3, back in at bar 4: three position changes.
    expect(referenceUpstreamFitness(always, panel, ctx.market, ctx.plan, 0)).toBeCloseTo(labels - 3 * upCost - 2, 6);
  });
});

describe("metrics", () => {
  it("aggregates bar returns by UTC day before Sharpe and Sortino (sqrt(365))", () => {
    const day = Int32Array.from([0, 0, 1, 1, 2]);
    const daily = dailyReturns([0.01, 0.01, 0.03, -0.01, -0.02], { name: "s", start: 0, end: 5 }, day, 2);
    expect(daily).toEqual([0.01, 0.01, -0.01].map((x) => expect.closeTo(x, 12)));
    const d = [0.01, 0.02, -0.01];
    const mean = 0.02 / 3;
    const sd = Math.sqrt(((0.01 - mean) ** 2 + (0.02 - mean) ** 2 + (-0.01 - mean) ** 2) / 2);
    expect(sharpe(d)).toBeCloseTo((mean / sd) * Math.sqrt(365), 9);
    expect(sortino(d)).toBeCloseTo((mean / Math.sqrt(0.0001 / 3)) * Math.sqrt(365), 9);
    expect(sharpe([0.01])).toBeNull();
    expect(sortino([0.01, 0.02])).toBeNull();
  });

  it("measures drawdown from the running peak of log equity", () => {
    expect(maxDrawdown([0, 0.1, -0.1, 0.05])).toBeCloseTo(1 - Math.exp(-0.2), 12);
    expect(maxDrawdown([0.1, 0.2])).toBe(0);
  });

  it("computes per-bar Pearson IC and Spearman RankIC (average ranks for ties)", () => {
    expect([...rank([3, 1, 2, 2])]).toEqual([3, 0, 1.5, 1.5]);
    // Two bars, four tokens, layout i * T + t with T = 4 (only t = 0, 1 are before the purge).
    const signal = [1, 2, 0, 0, 2, 1, 0, 0, 3, 4, 0, 0, 4, 3, 0, 0];
    const target = [0.1, 0.4, 0, 0, 0.2, 0.3, 0, 0, 0.3, 0.2, 0, 0, 0.9, 0.1, 0, 0];
    const mask = new Uint8Array(16).fill(1);
    const ic = crossSectionalIC(signal, target, mask, 4, 4, { name: "s", start: 0, end: 4 });
    // Bar 0: ranks agree (RankIC 1), Pearson 1.25 / sqrt(5 * 0.3875). Bar 1: 1 - 6 * 16 / 60 = -0.6 both ways.
    const ics = [1.25 / Math.sqrt(5 * 0.3875), -0.6];
    expect(ic.bars).toBe(2);
    expect(ic.rankIc).toBeCloseTo((1 - 0.6) / 2, 12);
    expect(ic.ic).toBeCloseTo((ics[0]! + ics[1]!) / 2, 12);
    expect(ic.icir).toBeCloseTo((ics[0]! + ics[1]!) / 2 / (Math.abs(ics[0]! - ics[1]!) / Math.SQRT2), 9);
  });
});

describe("reward ladder", () => {
  const base = { signalStd: 1, trades: 10, days: 30, sharpe: 1, sharpeHourly: 3, upstreamFitness: -10 } as unknown as SplitMetrics;
  it("is monotone: invalid < constant < inactive < any active formula, whatever its Sharpe", () => {
    fc.assert(
      fc.property(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), (s) => {
        const active = rewardOf("active", { ...base, sharpe: s });
        expect(LADDER.invalid).toBeLessThan(LADDER.constant);
        expect(LADDER.constant).toBeLessThan(LADDER.inactive);
        expect(active).toBeGreaterThan(rewardOf("inactive", base));
        expect(rewardOf("invalid", null)).toBe(LADDER.invalid);
      }),
    );
    fc.assert(fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (x, d) => {
      expect(softFloor(x + d)).toBeGreaterThanOrEqual(softFloor(x));
    }));
  });

  it("scores the daily Sharpe, or the hourly one on splits of fewer than 5 days", () => {
    expect(rewardOf("active", base)).toBe(1);
    expect(rewardOf("active", { ...base, days: 3 })).toBe(3);
    expect(rewardOf("active", { ...base, days: 3, sharpeHourly: null })).toBe(0);
  });

  it("classifies by signal spread, then activity", () => {
    expect(classify({ ...base, signalStd: 1e-6 })).toBe("constant");
    expect(classify({ ...base, trades: 4 })).toBe("inactive");
    expect(classify(base)).toBe("active");
  });

  it("reproduces upstream's inverted ladder when asked (-5 invalid, -2 constant, -10 inactive)", () => {
    expect(rewardOf("invalid", null, { kind: "upstream" })).toBe(UPSTREAM_LADDER.invalid);
    expect(rewardOf("constant", base, { kind: "upstream" })).toBe(-2);
    expect(rewardOf("inactive", base, { kind: "upstream" })).toBe(-10);
  });
});

describe("walk-forward splits", () => {
  const w = { normWindow: 100, jumpWindow: 60 };
  it("separates train, validation and test by an embargo of the longest window plus the horizon", () => {
    expect(minEmbargo(w)).toBe(102);
    expect(minEmbargo({ ...w, liquidityWindowBars: 1440 })).toBe(1442);
    const s = purgedSplits(1_000, w);
    expect(s.map((x) => x.name)).toEqual(["train", "validation", "test"]);
    expect(s[0]!.start).toBe(0);
    expect(s[2]!.end).toBe(1_000);
    expect(s[1]!.start - s[0]!.end).toBe(102);
    expect(s[2]!.start - s[1]!.end).toBe(102);
    const sizes = s.map((x) => x.end - x.start);
    expect(sizes[0]! / (sizes[1]! + sizes[2]!)).toBeCloseTo(1.5, 1);
  });

  it("refuses an embargo shorter than the minimum and panels too short to split", () => {
    expect(() => purgedSplits(1_000, w, { embargo: 50 })).toThrow(/embargo 50/);
    expect(() => purgedSplits(210, w)).toThrow(/too few/);
    expect(() => planSplits(panel, [{ name: "x", start: 5, end: 3 }])).toThrow(RangeError);
  });

  it("closes every position at the split's last valid bar", () => {
    const two = createContext(panel, { splits: [{ name: "a", start: 0, end: 3 }, { name: "b", start: 4, end: 8 }] });
    [3, 0, 0, 5, -1, 3, 0, 0].forEach((s, t) => (two.features.data[t] = s));
    const [e] = new LocalEvaluator(two).evaluate([canonical("RET", two)]);
    // Split a: buy at bar 1, forced out at bar 2. Split b starts flat: its first decision is at bar 4.
    expect(e!.splits.map((x) => [x.trades, x.activity])).toEqual([
      [1, 2 / 3],
      [1, 2 / 4],
    ]);
  });
});
