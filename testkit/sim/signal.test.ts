import { describe, expect, it } from "vitest";
import type { BarRow } from "../../runtime/storage/storage.js";
import { simulateMarket } from "./market.js";
import type { SimOptions } from "./options.js";
import { PLANTED_SIGNAL_FORMULA, barPressure } from "./signal.js";

function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    for (let q = i; q <= j; q++) r[order[q]?.[1] ?? 0] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = (x[i] ?? 0) - mx;
    const b = (y[i] ?? 0) - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman correlation of PRESSURE at bar t with ln(close[t+1] / close[t]), same token, consecutive bars, pooled. */
function pressureIc(opts: SimOptions): { ic: number; n: number } {
  const last = new Map<string, BarRow>();
  const feature: number[] = [];
  const next: number[] = [];
  for (const b of simulateMarket(opts).bars()) {
    const prev = last.get(b.mint);
    if (prev && b.ts === prev.ts + b.interval_s) {
      feature.push(barPressure(prev));
      next.push(Math.log(b.close / prev.close));
    }
    last.set(b.mint, b);
  }
  return { ic: pearson(ranks(feature), ranks(next)), n: feature.length };
}

const universe = { seed: 11, tokens: 40, days: 1 } as const;

describe("planted signal", () => {
  it("is encoded by the formula PRESSURE", () => {
    expect(PLANTED_SIGNAL_FORMULA).toEqual(["PRESSURE"]);
  });

  it("off: PRESSURE does not predict the next bar's return", () => {
    const { ic, n } = pressureIc(universe);
    expect(n).toBeGreaterThan(5000);
    expect(Math.abs(ic)).toBeLessThan(0.05);
  });

  it("on: PRESSURE predicts the next bar's return, more so the stronger the signal", () => {
    const half = pressureIc({ ...universe, plantedSignal: { strength: 0.5 } });
    const full = pressureIc({ ...universe, plantedSignal: { strength: 1 } });
    expect(half.ic).toBeGreaterThan(0.15);
    expect(full.ic).toBeGreaterThan(0.3);
    expect(full.ic).toBeGreaterThan(half.ic);
  });

  it("strength 0 is the same market as no signal", () => {
    const small = { seed: 4, tokens: 8, bars: 240 };
    const off = [...simulateMarket(small).events()];
    const zero = [...simulateMarket({ ...small, plantedSignal: { strength: 0 } }).events()];
    expect(zero).toEqual(off);
  });
});
