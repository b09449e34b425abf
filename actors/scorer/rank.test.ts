/** Ranking and thresholds on hand-set raw values. */
import { describe, expect, it } from "vitest";
import { decide, rankSignals, sigmoid } from "./rank.js";

const allow = () => ({ allow: true, reasons: [] });

describe("rankSignals", () => {
  it("ranks by raw value, best first; ties and saturated scores break by raw then mint; non-finite values are dropped", () => {
    const s = rankSignals([["b", 1], ["a", 1], ["c", 800], ["d", 700], ["e", Number.NaN], ["f", -Infinity], ["g", -3]], 42);
    expect(s.map((x) => [x.mint, x.rank])).toEqual([["c", 1], ["d", 2], ["a", 3], ["b", 4], ["g", 5]]);
    expect(s.every((x) => x.ts === 42 && Number.isFinite(x.score))).toBe(true);
    expect([s[0]!.score, s[1]!.score]).toEqual([1, 1]);
  });

  it("sigmoid is the logistic, without overflow at either end", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
    expect(sigmoid(-Math.log(3))).toBeCloseTo(0.25, 15);
    expect([sigmoid(1_000), sigmoid(-1_000)]).toEqual([1, 0]);
  });
});

describe("decide", () => {
  const rule = { buyThreshold: 0.85, sellThreshold: 0.45, maxOpenPositions: 3 };
  // sigmoid(x) > 0.85 iff x > logit(0.85) = 1.7346; < 0.45 iff x < logit(0.45) = -0.2007 (upstream §11.2).
  const signals = rankSignals([["up", 1.74], ["edge", 1.7346], ["mid", 0], ["low", -0.21], ["held", -0.3]], 0);

  it("buys strictly above the buy threshold and sells strictly below the sell threshold", () => {
    const d = decide(0, signals, new Set(["held", "mid"]), allow, rule);
    expect(d.entries.map((x) => x.mint)).toEqual(["up"]);
    expect(d.exits.map((x) => x.mint)).toEqual(["held"]);
    expect(d.ts).toBe(0);
  });

  it("with nothing to score, decides nothing (and no NaN time)", () => {
    expect(decide(7, [], new Set(), allow, rule)).toEqual({ ts: 7, signals: [], entries: [], refused: [], exits: [] });
  });

  it("counts held tokens against the open slots", () => {
    const many = rankSignals([["a", 5], ["b", 4], ["c", 3]], 0);
    const d = decide(0, many, new Set(["x", "y"]), allow, rule);
    expect(d.entries.map((x) => x.mint)).toEqual(["a"]);
    expect(d.refused.map((r) => r.signal.mint)).toEqual(["b", "c"]);
  });
});
