import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { LocalEvaluator } from "./engine.js";
import { tryParseFormula } from "./formula.js";
import { seededRng } from "../core/random.js";
import { createContext } from "./context.js";
import { AlphaEvaluator } from "./evaluator.js";
import { randomFormulaTokens } from "./grammar.js";
import { syntheticPanel } from "./synthetic.js";

const panel = syntheticPanel({ tokens: 12, bars: 600, seed: 5, gapRate: 0.05, staggered: true, reversion: -0.2, volatility: 0.04 });
const ctx = createContext(panel, { params: { normWindow: 50, jumpWindow: 20 }, splits: { embargo: 52 } });
const rng = seededRng(9);
const batch: (string | number[])[] = Array.from({ length: 40 }, () => randomFormulaTokens(rng, 12));
batch.push("RET DEV ADD", "DEV RET ADD", "RET ADD", [0, 99], "RET DECAY DEV SUB");

describe("AlphaEvaluator", async () => {
  const local = await AlphaEvaluator.create(ctx, { workers: 0 });
  const pooled = await AlphaEvaluator.create(ctx, { workers: 2, engine: "codegen" });
  afterAll(() => pooled.close());

  it("gives worker threads (shared panels) the same results as this thread, in input order", async () => {
    const [a, b] = await Promise.all([local.evaluate(batch, { upstream: true }), pooled.evaluate(batch, { upstream: true })]);
    expect(b).toHaveLength(batch.length);
    a.forEach((r, k) => {
      expect(b[k]!.formula).toEqual(r.formula);
      expect(b[k]!.status).toBe(r.status);
      expect(b[k]!.reward).toBeCloseTo(r.reward, 9);
      r.splits.forEach((s, si) => {
        expect(b[k]!.splits[si]!.netReturn).toBeCloseTo(s.netReturn, 9);
        expect(b[k]!.splits[si]!.trades).toBe(s.trades);
      });
    });
  });

  it("queues overlapping batches instead of mixing their replies", async () => {
    const [a, b] = await Promise.all([pooled.evaluate(batch.slice(0, 20)), pooled.evaluate(batch.slice(20, 40))]);
    const whole = await local.evaluate(batch.slice(0, 40));
    [...a, ...b].forEach((r, k) => expect(r.formula?.hash).toBe(whole[k]!.formula?.hash));
    [...a, ...b].forEach((r, k) => expect(r.splits[0]?.netReturn).toBeCloseTo(whole[k]!.splits[0]!.netReturn, 9));
  });

  it("rejects invalid formulas with position and reason and never evaluates them", async () => {
    const r = await pooled.evaluate(["RET ADD", [0, 99], "RET DEV"]);
    expect(r.map((x) => [x.status, x.error?.reason, x.error?.position])).toEqual([
      ["invalid", "stack-underflow", 1],
      ["invalid", "unknown-token", 1],
      ["invalid", "leftover-operands", 2],
    ]);
    expect(r.every((x) => x.splits.length === 0 && x.formula === null && x.reward === -3)).toBe(true);
  });

  it("never hands an invalid formula to the engine (property)", async () => {
    const spy = vi.spyOn(LocalEvaluator.prototype, "evaluate");
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (ids) => {
          spy.mockClear();
          const results = await local.evaluate(ids);
          const valid = ids.filter((f) => tryParseFormula(f).ok);
          results.forEach((r, k) => expect(r.status === "invalid").toBe(!tryParseFormula(ids[k]!).ok));
          const seen = spy.mock.calls.flatMap((c) => c[0]);
          expect(seen.length).toBe(new Set(results.filter((r) => r.formula !== null).map((r) => r.formula!.rpn)).size);
          expect(seen.length <= valid.length).toBe(true);
        }),
        { numRuns: 40 },
      );
    } finally {
      spy.mockRestore();
    }
  });

  it("deduplicates formulas equal up to operand order", async () => {
    const [x, y] = await local.evaluate(["RET DEV ADD", "DEV RET ADD"]);
    expect(x!.formula!.hash).toBe(y!.formula!.hash);
    expect(x!.formula!.rpn).toBe("DEV RET ADD");
    expect(x!.formula!.infix).toBe("RET + DEV");
    expect(y!.splits).toBe(x!.splits);
  });

  it("rewards with upstream's fitness on request", async () => {
    const [r] = await local.evaluate(["RET DECAY DEV SUB"], { reward: { kind: "upstream" } });
    expect(r!.reward).toBe(r!.splits[0]!.upstreamFitness);
  });
});
