import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlphaEvaluator, buildPanel, vocabulary } from "../../alpha/index.js";
import { barsOf, handContext, type Row } from "../../alpha/testing.js";
import { defaultConfig } from "../../config/index.js";
import { alphaScorer } from "./alpha-scorer.js";
import { alphaScorerOptions } from "./from-app-config.js";

// Three tokens rising together 1% a bar for ten days of hourly bars, each with its own wiggle;
// RET set by hand above the buy threshold (1.73) but for one bar in 40 below the sell one, so
// the formula holds all three nearly throughout, in six trades each.
const T = 240;
const rows = (wiggle: number): Row[] =>
  Array.from({ length: T }, (_, t): Row => {
    const open = Math.exp(0.01 * t + wiggle * Math.sin(t));
    const close = Math.exp(0.01 * (t + 1) + wiggle * Math.sin(t + 1));
    return [t, open, Math.max(open, close), Math.min(open, close), close, 100];
  });
const panel = buildPanel([...barsOf("A", rows(0.002), 3600), ...barsOf("B", rows(-0.003), 3600), ...barsOf("C", rows(0.001), 3600)], { intervalS: 3600 });
const always = [[...vocabulary("basic").ids.entries()].find(([n]) => n === "RET")![1]];
let evaluator: AlphaEvaluator;

beforeAll(async () => {
  const ctx = handContext(panel, { 0: [0, 1, 2].map(() => Array.from({ length: T }, (_, t) => (t % 40 === 39 ? -1 : 3))) }, { excessReturns: true });
  evaluator = await AlphaEvaluator.create(ctx, { workers: 0 });
});
afterAll(() => evaluator.close());

describe("alpha scorer", () => {
  it("rewards the market's drift on absolute returns and only timing on excess ones", async () => {
    const absolute = (await alphaScorer(evaluator, { trainSplit: "all" }).evaluate([always]))[0]!;
    const excess = (await alphaScorer(evaluator, { trainSplit: "all", rewardReturns: "excess" }).evaluate([always]))[0]!;
    expect(absolute).toBeGreaterThan(10); // a steady 1% a bar
    // Holding every token earns the market exactly: nothing is left but the costs of entering and leaving.
    expect(excess).toBeLessThan(0);
  });

  it("takes its settings from the training section; a manifest without rewardReturns keeps absolute returns", () => {
    expect(alphaScorerOptions({ ...defaultConfig.training, rewardReturns: "excess" })).toEqual({ maxLength: 12, rewardMinDays: 30, rewardReturns: "excess" });
    const { rewardReturns: _r, ...old } = defaultConfig.training;
    expect(alphaScorerOptions(old as typeof defaultConfig.training).rewardReturns).toBe("absolute");
  });
});
