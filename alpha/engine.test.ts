import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng, randInt } from "../core/random.js";
import { createContext, type EvalContext } from "./context.js";
import { LocalEvaluator } from "./engine.js";
import { canonicalise, parseFormula, type Expr } from "./formula.js";
import { randomFormulaTokens } from "./grammar.js";
import { crossSectionalIC, finaliseSplit, type SplitMetrics } from "./metrics.js";
import { referenceBacktest, referenceSignal, referenceUpstreamFitness } from "./reference.js";
import { syntheticPanel } from "./synthetic.js";
import { maxRelDiff } from "./testing.js";

const panel = syntheticPanel({ tokens: 8, bars: 400, seed: 7, gapRate: 0.08, staggered: true, reversion: -0.3, volatility: 0.05 });
const ctx = createContext(panel, { params: { normWindow: 40, jumpWindow: 25 }, splits: { embargo: 42 } });
const engines = {
  interpreter: new LocalEvaluator(ctx, { engine: "interpreter" }),
  codegen: new LocalEvaluator(ctx, { engine: "codegen" }),
};

function referenceMetrics(root: Expr, c: EvalContext): SplitMetrics[] {
  const sig = referenceSignal(root, c.features, c.params.jumpWindow, c.panel);
  const bt = referenceBacktest(sig, c.panel, c.market, c.plan, c.rule);
  return c.plan.splits.map((s, si) =>
    finaliseSplit(
      si,
      c.plan,
      bt.counts[si]!,
      bt.barPnl,
      crossSectionalIC(sig, c.market.fwdRet, c.market.fwdValid, c.panel.nTokens, c.panel.nTimes, s),
      referenceUpstreamFitness(sig, c.panel, c.market, c.plan, si),
    ),
  );
}

function expectSameMetrics(a: readonly SplitMetrics[], b: readonly SplitMetrics[], label: string): void {
  a.forEach((m, si) => {
    for (const [k, v] of Object.entries(m)) {
      const w = (b[si] as unknown as Record<string, unknown>)[k];
      if (typeof v === "number" && typeof w === "number") {
        if (Math.abs(v - w) > 1e-5 * Math.max(1, Math.abs(w))) expect.fail(`${label} ${m.split}.${k}: fused ${v} vs reference ${w}`);
      } else if (v !== w) expect.fail(`${label} ${m.split}.${k}: fused ${String(v)} vs reference ${String(w)}`);
    }
  });
}

const noIc = (ms: readonly SplitMetrics[]): SplitMetrics[] => ms.map((m) => ({ ...m, ic: null, rankIc: null, icir: null }));

const root = (ids: readonly number[]): Expr => canonicalise(parseFormula(ids).root, "basic");

describe("fused evaluator against the reference", () => {
  it("agrees on signals and every split metric for random valid formulas (1e-5)", () => {
    let active = 0;
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 14 }), (seed, len) => {
        const r = root(randomFormulaTokens(seededRng(seed), len));
        const ref = referenceSignal(r, ctx.features, ctx.params.jumpWindow, ctx.panel);
        const want = referenceMetrics(r, ctx);
        if (want.some((m) => m.trades > 0)) active++;
        for (const [name, ev] of Object.entries(engines)) {
          expect(maxRelDiff(ev.signal(r), ref)).toBeLessThanOrEqual(1e-9);
          // With IC the engine evaluates whole rows; without, split by split from the look-back.
          const [whole] = ev.evaluate([r], { ic: true, upstream: true });
          expectSameMetrics(whole!.splits, want, name);
          const [segments] = ev.evaluate([r], { upstream: true });
          expectSameMetrics(segments!.splits, noIc(want), `${name} by split`);
        }
      }),
      { numRuns: 250 },
    );
    // The comparison is only worth something if formulas actually trade.
    expect(active).toBeGreaterThan(60);
  });

  it("gives the same answers in a batch whose formulas share cached subtrees", () => {
    const rng = seededRng(3);
    const parts = Array.from({ length: 5 }, () => randomFormulaTokens(rng, 5));
    const ops = [6, 7, 8, 9]; // ADD SUB MUL DIV
    const batch = Array.from({ length: 30 }, () =>
      root([...parts[randInt(rng, 5)]!, ...parts[randInt(rng, 5)]!, ops[randInt(rng, 4)]!, ...(rng.next() < 0.5 ? [14] : [])]),
    );
    for (const name of Object.keys(engines)) {
      const cached = new LocalEvaluator(ctx, { engine: name as "interpreter" | "codegen", cacheBytes: 64 * 2 ** 20, groupSize: 7 });
      const batched = cached.evaluate(batch, { upstream: true });
      batched.forEach((b, k) => expectSameMetrics(b.splits, noIc(referenceMetrics(batch[k]!, ctx)), `${name} batch #${k}`));
      // A second batch reuses the cache (rows already there).
      const again = cached.evaluate(batch.slice(0, 6), { upstream: true });
      again.forEach((b, k) => expectSameMetrics(b.splits, batched[k]!.splits, `${name} rerun #${k}`));
    }
  });

  it("evaluates only the splits asked for, with the same numbers", () => {
    const rng = seededRng(21);
    const batch = Array.from({ length: 12 }, () => root(randomFormulaTokens(rng, 12)));
    for (const ev of Object.values(engines)) {
      const all = ev.evaluate(batch);
      const train = ev.evaluate(batch, { splits: ["train"] });
      train.forEach((r, k) => {
        expect(r.splits.map((m) => m.split)).toEqual(["train"]);
        expect(r.splits[0]).toEqual(all[k]!.splits[0]);
      });
      expect(() => ev.evaluate(batch, { splits: ["nope"] })).toThrow(/no split named nope/);
    }
  });

  it("picks generated code for large panels and the interpreter for small ones", () => {
    expect(new LocalEvaluator(ctx).engine).toBe("interpreter");
    expect(new LocalEvaluator(ctx, { codegenMinCells: 10 }).engine).toBe("codegen");
    expect(new LocalEvaluator(ctx, { engine: "codegen" }).engine).toBe("codegen");
  });
});
