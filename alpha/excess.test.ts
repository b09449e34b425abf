import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createContext } from "./context.js";
import { LocalEvaluator } from "./engine.js";
import { DEFAULT_COSTS, oneWayCost } from "./market.js";
import { buildPanel, type BarInput } from "./panel.js";
import { barsOf, canonical, handContext, type Row } from "./testing.js";

// Two tokens; B has no bar 2. Bars open where the previous one closed except A's bar 1 (a gap).
const a: Row[] = [
  [0, 1, 1, 1, 1, 10],
  [1, 1.1, 1.2, 1.1, 1.2, 10],
  [2, 1.2, 1.2, 0.9, 0.9, 10],
  [3, 0.9, 1, 0.9, 1, 10],
];
const b: Row[] = [
  [0, 2, 2, 2, 2, 10],
  [1, 2, 2.2, 2, 2.2, 10],
  [3, 2.2, 2.4, 2.2, 2.4, 10],
];
const panel = buildPanel([...barsOf("A", a), ...barsOf("B", b)], { intervalS: 60, grid: "regular" });
const f = Math.fround;
const ln = (x: number, y: number): number => Math.log(f(x) / f(y));

describe("excess returns", () => {
  const ctx = createContext(panel, { splits: [{ name: "all", start: 0, end: 4 }], excessReturns: true });
  const { excess } = ctx.market;
  const T = 4;

  it("subtract the equal-weight mean of the tokens valid in the bar, gap and bar parts alike", () => {
    // Bar 1: A gaps ln 1.1 and moves ln(1.2/1.1); B gaps 0 and moves ln 1.1.
    expect(excess!.gapRet[1]).toBeCloseTo(ln(1.1, 1) / 2, 6);
    expect(excess!.gapRet[T + 1]).toBeCloseTo(-ln(1.1, 1) / 2, 6);
    expect(excess!.barRet[1]).toBeCloseTo((ln(1.2, 1.1) - ln(2.2, 2)) / 2, 6);
    expect(excess!.barRet[T + 1]).toBeCloseTo((ln(2.2, 2) - ln(1.2, 1.1)) / 2, 6);
    // Bar 2: A alone is the market, so it earns no excess; B's missing bar stays 0.
    expect(excess!.barRet[2]).toBe(0);
    expect(excess!.barRet[T + 2]).toBe(0);
    // Bar 3: A moves ln(1/0.9), B ln(2.4/2.2).
    expect(excess!.barRet[3]).toBeCloseTo((ln(1, 0.9) - ln(2.4, 2.2)) / 2, 6);
    // Every bar's excess sums to 0 over its valid tokens.
    for (let t = 0; t < T; t++) expect(excess!.gapRet[t]! + excess!.gapRet[T + t]!).toBeCloseTo(0, 6);
    expect(createContext(panel, { splits: [{ name: "all", start: 0, end: 4 }] }).market.excess).toBeUndefined();
  });

  it("backtest a held token on its excess: its moves less the market's, the costs unchanged", () => {
    // RET by hand: A above the buy logit (1.73) on bar 0 only, so it is held from bar 1's open to the end; B never.
    const hand = handContext(panel, { 0: [[3, 3, 3, 3], [0, 0, 0, 0]] }, { excessReturns: true });
    const root = canonical("RET", hand);
    const ev = new LocalEvaluator(hand);
    const [abs] = ev.evaluate([root]);
    const [exc] = ev.evaluate([root], { returns: "excess" });
    const cost = -Math.log(1 - oneWayCost(1e6, DEFAULT_COSTS));
    // Entered at bar 1's open: bar 1's move, bar 2's (A alone: no excess), bar 3's; exit at the last close.
    const absolute = ln(1.2, 1.1) + ln(0.9, 1.2) + ln(1, 0.9) - 2 * cost;
    const relative = (ln(1.2, 1.1) - ln(2.2, 2)) / 2 + 0 + (ln(1, 0.9) - ln(2.4, 2.2)) / 2 - 2 * cost;
    expect(Math.log1p(abs!.splits[0]!.netReturn) * 2).toBeCloseTo(absolute, 5); // one sleeve of two
    expect(Math.log1p(exc!.splits[0]!.netReturn) * 2).toBeCloseTo(relative, 5);
    expect(exc!.splits[0]!.costPaid).toBe(abs!.splits[0]!.costPaid);
  });

  it("are refused by a context built without them", () => {
    const plain = createContext(panel, { splits: [{ name: "all", start: 0, end: 4 }] });
    expect(() => new LocalEvaluator(plain).evaluate([canonical("RET", plain)], { returns: "excess" })).toThrow(/excessReturns/);
  });

  it("ignore a move shared by the whole market: the excess backtest of a fixed signal is unchanged by it", () => {
    const N = 3;
    const Tn = 24;
    const price = fc.double({ min: 0.5, max: 2, noNaN: true });
    const bar = fc.tuple(price, price, fc.double({ min: 1e4, max: 1e7, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(fc.array(bar, { minLength: Tn, maxLength: Tn }), { minLength: N, maxLength: N }),
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: Tn, maxLength: Tn }),
        fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: Tn, maxLength: Tn }), { minLength: N, maxLength: N }),
        (tokens, market, signal) => {
          // The same bars, every price of bar t also scaled by exp(sum of market moves up to t).
          const build = (withMarket: boolean): BarInput[] =>
            tokens.flatMap((rows, i) => {
              let level = 0;
              return rows.map(([open, close, liquidity], t) => {
                level += withMarket ? market[t]! : 0;
                const k = Math.exp(level);
                return { mint: `T${i}`, ts: 1_735_689_600 + 60 * t, open: open * k, high: Math.max(open, close) * k, low: Math.min(open, close) * k, close: close * k, volume: 10, liquidity, fdv: 4 * liquidity };
              });
            });
          const run = (withMarket: boolean) => {
            const p = buildPanel(build(withMarket), { intervalS: 60, grid: "regular" });
            const h = handContext(p, { 0: signal }, { excessReturns: true });
            const ev = new LocalEvaluator(h);
            const root = canonical("RET", h);
            return { excess: ev.evaluate([root], { returns: "excess" })[0]!.splits[0]!, absolute: ev.evaluate([root])[0]!.splits[0]! };
          };
          const base = run(false);
          const moved = run(true);
          expect(moved.excess.trades).toBe(base.excess.trades);
          expect(moved.excess.netReturn).toBeCloseTo(base.excess.netReturn, 4);
          expect(moved.excess.costPaid).toBeCloseTo(base.excess.costPaid, 6);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});
