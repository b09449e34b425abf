import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vocabulary } from "../vocab.js";
import { FeatureStream } from "./feature-stream.js";
import { RowStream } from "./row-stream.js";
import { batchContext, fallback, INTERVAL, params, same, slotIndex, tokenBars } from "./stream.fixtures.js";

const COLUMNS = ["open", "high", "low", "close", "volume", "liquidity", "fdv"] as const;

describe("RowStream + FeatureStream = buildPanel + computeFeatures, cell by cell", () => {
  it("every panel column and every feature, bit for bit, gaps included (fast-check)", () => {
    fc.assert(
      fc.property(tokenBars("A"), params, fallback, (bars, p, liq) => {
        const ctx = batchContext(bars, p, liq);
        const { panel, features } = ctx;
        const T = panel.nTimes;
        const F = vocabulary(p.featureSet).opOffset;
        const row = new RowStream({ intervalS: INTERVAL, liquidityFallback: liq, fdvFallbackUsd: 1_000_000, liquidity: true });
        const fs = new FeatureStream(p.featureSet, p.normWindow, Array.from({ length: F }, (_, f) => f));
        const mismatches: string[] = [];
        let t = 0;
        for (const b of bars) {
          for (const end = slotIndex(bars, b); t <= end; t++) {
            const cell = t === end ? row.bar(b) : row.gap();
            if (cell.valid !== (panel.valid[t] === 1)) mismatches.push(`valid at ${t}`);
            for (const k of COLUMNS) if (!same(cell[k], panel[k][t]!)) mismatches.push(`${k} at ${t}: ${cell[k]} vs ${panel[k][t]}`);
            fs.step(cell);
            for (let f = 0; f < F; f++) {
              if (!same(fs.values[f]!, features.data[f * T + t]!)) mismatches.push(`feature ${f} at ${t}: ${fs.values[f]} vs ${features.data[f * T + t]}`);
            }
          }
        }
        expect(mismatches).toEqual([]);
        expect(t).toBe(T);
      }),
      { seed: 23, numRuns: 250 },
    );
  });
});
