/** The scorer by hand: a small universe with scores computed on paper, thresholds, risk, slots, history, no NaN. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BarInput } from "../../alpha/index.js";
import { INTERVAL, T0, allow } from "./scorer.fixtures.js";
import { Scorer, type ScorerOptions } from "./scorer.js";

const rule = { buyThreshold: 0.85, sellThreshold: 0.6, maxOpenPositions: 3 };
const scorer = (o: Partial<ScorerOptions> = {}) => new Scorer({ formula: "PRESSURE LIQ_SCORE ADD", intervalS: INTERVAL, rule, minBars: 1, ...o });
const bar = (mint: string, slot: number, o: number, h: number, l: number, c: number, liquidity: number | null, fdv: number | null, volume = 1_000): BarInput =>
  ({ mint, ts: T0 + slot * INTERVAL + 7, open: o, high: h, low: l, close: c, volume, liquidity, fdv });

/**
 * raw = tanh(3 (c - o) / (h - l)) + clamp(4 liq / fdv, 0, 1):
 * A: tanh(1.5) + 0.4 = 1.305148, B: tanh(-3) + 1 = 0.004945, C: tanh(2) + 1 = 1.964028.
 */
const UNIVERSE = [
  bar("A", 0, 1, 2, 1, 1.5, 100_000, 1_000_000),
  bar("B", 0, 2, 2, 1, 1, 250_000, 1_000_000),
  bar("C", 0, 1, 1.2, 0.9, 1.2, 300_000, 400_000),
];

describe("scorer: hand-computed", () => {
  it("scores sigmoid(raw) per token, ranked best first, at the closing slot", () => {
    const s = scorer();
    UNIVERSE.forEach((b) => s.push(b));
    const signals = s.score(T0 + 59);
    expect(signals.map((x) => [x.mint, x.rank, x.ts])).toEqual([["C", 1, T0], ["A", 2, T0], ["B", 3, T0]]);
    const [c, a, b] = signals;
    expect(c!.raw).toBeCloseTo(1.964028, 6);
    expect(c!.score).toBeCloseTo(0.876968, 6);
    expect(a!.raw).toBeCloseTo(1.305148, 6);
    expect(a!.score).toBeCloseTo(0.786700, 6);
    expect(b!.raw).toBeCloseTo(0.004945, 6);
    expect(b!.score).toBeCloseTo(0.501236, 6);
  });

  it("enters above the buy threshold when not held and risk allows; exits held tokens below the sell threshold", () => {
    const s = scorer();
    UNIVERSE.forEach((b) => s.push(b));
    const d = s.close(T0, { held: new Set(["B"]), risk: allow });
    expect(d.entries.map((x) => x.mint)).toEqual(["C"]);
    expect(d.exits.map((x) => x.mint)).toEqual(["B"]);
    expect(d.refused).toEqual([]);
    // Held tokens are never entered again, however well they score.
    expect(s.close(T0, { held: new Set(["C"]), risk: allow }).entries).toEqual([]);
  });

  it("risk refusals come back with their reasons; risk is only asked about would-be entries", () => {
    const s = scorer({ rule: { ...rule, buyThreshold: 0.7 } });
    UNIVERSE.forEach((b) => s.push(b));
    const asked: string[] = [];
    const d = s.close(T0, {
      held: new Set(),
      risk: (sig) => {
        asked.push(sig.mint);
        return sig.mint === "C" ? { allow: false, reasons: [{ code: "liquidity", detail: "pool too thin" }] } : allow();
      },
    });
    expect(asked).toEqual(["C", "A"]);
    expect(d.entries.map((x) => x.mint)).toEqual(["A"]);
    expect(d.refused).toEqual([{ signal: d.signals[0], reasons: [{ code: "liquidity", detail: "pool too thin" }] }]);
  });

  it("never proposes more entries than open slots", () => {
    const s = scorer({ rule: { buyThreshold: 0.5, sellThreshold: 0.1, maxOpenPositions: 2 } });
    UNIVERSE.forEach((b) => s.push(b));
    const d = s.close(T0, { held: new Set(["X"]), risk: allow });
    expect(d.entries.map((x) => x.mint)).toEqual(["C"]);
    expect(d.refused.map((r) => [r.signal.mint, r.reasons[0]!.code])).toEqual([["A", "max_open_positions"], ["B", "max_open_positions"]]);
  });

  it("a lag reads the previous slot, a gap slot carries the last bar and is not scored itself", () => {
    const s = scorer({ formula: "LIQ_SCORE DELAY1", minBars: 2 });
    s.push(bar("A", 0, 1, 1, 1, 1, 100_000, 1_000_000));
    expect(s.score(T0)).toEqual([]);
    expect(s.score(T0 + INTERVAL)).toEqual([]);
    s.push(bar("A", 2, 1, 1, 1, 1, 200_000, 1_000_000));
    const [x] = s.score(T0 + 2 * INTERVAL);
    // DELAY1 at slot 2 reads the gap at slot 1, which carries slot 0's liquidity: 4 * 0.1 = 0.4.
    expect(x!.raw).toBeCloseTo(0.4, 6);
    s.push(bar("A", 3, 1, 1, 1, 1, 200_000, 1_000_000));
    expect(s.score(T0 + 3 * INTERVAL)[0]!.raw).toBeCloseTo(0.8, 6);
  });

  it("a correction of a held bar is scored as corrected, at the bar and at every later lag", () => {
    const s = scorer({ formula: "LIQ_SCORE DELAY1" });
    s.push(bar("A", 0, 1, 1, 1, 1, 100_000, 1_000_000));
    s.push(bar("A", 1, 1, 1, 1, 1, 200_000, 1_000_000));
    expect(s.score(T0 + INTERVAL)[0]!.raw).toBeCloseTo(0.4, 6);
    // Slot 0 revised to 50k liquidity: DELAY1 at slot 1 reads 4 x 0.05 = 0.2.
    expect(s.push(bar("A", 0, 1, 1, 1, 1, 50_000, 1_000_000))).toBe("replaced");
    expect(s.score(T0 + INTERVAL)[0]!.raw).toBeCloseTo(0.2, 6);
    s.push(bar("A", 2, 1, 1, 1, 1, 300_000, 1_000_000));
    expect(s.score(T0 + 2 * INTERVAL)[0]!.raw).toBeCloseTo(0.8, 6);
  });

  it("a new formula is scored on the held history at once", () => {
    const s = scorer({ formula: "PRESSURE" });
    UNIVERSE.forEach((b) => s.push(b));
    s.setFormula("LIQ_SCORE");
    expect(s.score(T0).map((x) => [x.mint, Number(x.raw.toFixed(6))])).toEqual([["B", 1], ["C", 1], ["A", 0.4]]);
  });
});

describe("scorer: rebuilding after a swap", () => {
  it("rebuilds the dropped streams a chunk at a time, to the values of a scorer that had the new formula all along", () => {
    const bars = ["A", "B", "C"].flatMap((m, k) => [0, 1, 2, 3].map((slot) => bar(m, slot, 1 + k, 2 + k, 0.5, 1.5 + k * slot * 0.1, 100_000 * (k + 1), 1_000_000)));
    const swapped = scorer();
    bars.forEach((b) => swapped.push(b));
    swapped.setFormula("PRESSURE DELAY1 RET ADD");
    expect([swapped.rebuildStale(1), swapped.rebuildStale(1), swapped.rebuildStale(5), swapped.rebuildStale(5)]).toEqual([2, 1, 0, 0]);
    const fresh = scorer({ formula: "PRESSURE DELAY1 RET ADD" });
    bars.forEach((b) => fresh.push(b));
    expect(swapped.raws(T0 + 3 * INTERVAL)).toEqual(fresh.raws(T0 + 3 * INTERVAL));
  });
});

describe("scorer: history and hygiene", () => {
  it("a token with too little history scores nothing (default warm-up: every bar the formula reads)", () => {
    const s = new Scorer({ formula: "RET DELAY1", intervalS: INTERVAL, rule });
    expect(s.needs).toMatchObject({ lookback: 1, warmup: 22 });
    for (let t = 0; t < 22; t++) {
      s.push(bar("A", t, 1, 1.1, 0.9, 1 + t / 100, 1e5, 1e6));
      expect(s.score(T0 + t * INTERVAL).length).toBe(t + 1 >= 22 ? 1 : 0);
    }
  });

  it("never emits NaN: bad bars are rejected, and every score is finite in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({
          mint: fc.constantFrom("A", "B"), slot: fc.integer({ min: 0, max: 40 }),
          price: fc.oneof(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY)),
          move: fc.double({ min: -0.9, max: 5, noNaN: true }),
          volume: fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom(Number.NaN, -5)),
          liquidity: fc.option(fc.double({ min: -1, max: 1e9, noNaN: true })),
        }), { maxLength: 120 }),
        fc.constantFrom("RET DEV DIV", "LOG_VOL JUMP FOMO DIV", "LIQ_SCORE PRESSURE MUL DECAY"),
        (rows, formula) => {
          const s = scorer({ formula, params: { normWindow: 8, jumpWindow: 5 } });
          for (const r of rows.sort((a, b) => a.slot - b.slot)) {
            const close = r.price * (1 + r.move);
            s.push({ mint: r.mint, ts: T0 + r.slot * INTERVAL, open: r.price, high: Math.max(r.price, close), low: Math.min(r.price, close), close, volume: r.volume, liquidity: r.liquidity, fdv: null });
            for (const x of s.close(T0 + r.slot * INTERVAL, { held: new Set(["A"]), risk: allow }).signals) {
              expect(Number.isFinite(x.raw)).toBe(true);
              expect(x.score >= 0 && x.score <= 1).toBe(true);
            }
          }
        },
      ),
      { seed: 3, numRuns: 60 },
    );
  });

  it("a promoted formula that looks further back grows the window; cut-off tokens wait until it refills", () => {
    const s = new Scorer({ formula: "RET", params: { normWindow: 8, jumpWindow: 5 }, intervalS: INTERVAL, rule, minBars: 1, liquidityFallback: { kind: "constant", usd: 5e4 } });
    const feed = (from: number, to: number) => {
      for (let t = from; t < to; t++) s.push(bar("A", t, 1, 1.1, 0.9, 1 + (t % 7) / 100, 1e5, 1e6));
    };
    feed(0, 60);
    expect(s.window.truncated("A")).toBe(true);
    const before = s.needs.required;
    s.setFormula("RET JUMP JUMP");
    expect([s.formula, s.needs.required, s.window.capacity]).toEqual(["RET JUMP JUMP", before + 8, before + 8]);
    // 30 bars held, 38 needed: nothing until the 8th new bar has come.
    for (let t = 60; t < 67; t++) {
      feed(t, t + 1);
      expect(s.score(T0 + t * INTERVAL)).toEqual([]);
    }
    feed(67, 68);
    expect(s.score(T0 + 67 * INTERVAL).map((x) => x.mint)).toEqual(["A"]);
  });
});
