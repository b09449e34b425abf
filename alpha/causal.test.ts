import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../core/random.js";
import { computeFeatures } from "./features.js";
import { randomFormulaTokens } from "./grammar.js";
import { buildPanel, type BarInput } from "./panel.js";
import { referenceSignal } from "./reference.js";
import { syntheticBars } from "./synthetic.js";
import { canonical, fastSignals } from "./testing.js";
import { createContext } from "./context.js";
import type { FeatureSetId } from "./vocab.js";

/**
 * DESIGN.md principle 2: a value at bar t uses data up to t only. Delete every bar after a
 * cutoff; nothing at or before it may move: features, the liquidity fallback, formula values.
 */
describe("causality: deleting the future changes nothing at or before the cutoff", () => {
  it("features and formula values (reference and fast) at t <= cutoff are identical", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.2, max: 0.95, noNaN: true }),
        fc.constantFrom<FeatureSetId>("basic", "extended"),
        fc.boolean(),
        (seed, cut, featureSet, reportLiquidity) => {
          const bars = [
            ...syntheticBars({
              tokens: 5,
              bars: 120,
              seed,
              gapRate: 0.1,
              staggered: true,
              liquidityUsd: reportLiquidity ? 200_000 : null,
            }),
          ];
          const cutoff = bars[Math.floor(cut * (bars.length - 1))]!.ts;
          const past = bars.filter((b: BarInput) => b.ts <= cutoff);
          const options = { intervalS: 60 };
          const full = buildPanel(bars, options);
          const trunc = buildPanel(past, options);
          const params = { featureSet, normWindow: 15, jumpWindow: 10 };
          const splits = [{ name: "all", start: 0, end: 1 }];
          const cf = createContext(full, { params, splits, features: computeFeatures(full, params) });
          const ct = createContext(trunc, { params, splits, features: computeFeatures(trunc, params) });
          const T = trunc.nTimes;
          expect([...full.times.subarray(0, T)]).toEqual([...trunc.times]);
          const rng = seededRng(seed);
          const roots = Array.from({ length: 3 }, () => randomFormulaTokens(rng, 12, featureSet));
          const sig = roots.map((ids) => {
            const rf = canonical(ids, cf);
            const rt = canonical(ids, ct);
            return {
              full: [referenceSignal(rf, cf.features, 10, cf.panel), fastSignals(cf, rf).interpreter, fastSignals(cf, rf).codegen],
              trunc: [referenceSignal(rt, ct.features, 10, ct.panel), fastSignals(ct, rt).interpreter, fastSignals(ct, rt).codegen],
            };
          });
          trunc.mints.forEach((mint, it) => {
            const iF = full.mints.indexOf(mint);
            for (let t = 0; t < T; t++) {
              const kt = it * T + t;
              const kf = iF * full.nTimes + t;
              expect(full.valid[kf]).toBe(trunc.valid[kt]);
              expect(full.liquidity[kf]).toBe(trunc.liquidity[kt]);
              for (let f = 0; f < cf.features.nFeatures; f++) {
                const a = cf.features.data[(f * full.nTokens + iF) * full.nTimes + t];
                const b = ct.features.data[(f * trunc.nTokens + it) * T + t];
                if (a !== b) expect.fail(`feature ${f} of ${mint} at t=${t} moved: ${a} -> ${b}`);
              }
              for (const s of sig) s.full.forEach((arr, e) => expect(arr[kf]).toBe(s.trunc[e]![kt]));
            }
          });
        },
      ),
      { numRuns: 50 },
    );
  });
});
