import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFeatures, rawFeatureRows } from "./features.js";
import { buildPanel } from "./panel.js";
import { jumpSeries } from "./jump.js";
import { RollingRobust, robustScale } from "./rolling.js";
import { barsOf } from "./testing.js";

const f = Math.fround;
// Three hand bars: open, high, low, close, volume; liquidity 1e5 against FDV 1e6.
const P = [
  [f(1), f(1.2), f(0.9), f(1.1), 100],
  [f(1.1), f(1.3), f(1), f(1.2), 300],
  [f(1.2), f(1.25), f(0.8), f(0.9), 50],
] as const;
const panel = buildPanel(
  barsOf("A", P.map(([o, h, l, c, v], t) => [t, o, h, l, c, v, 1e5, 1e6] as const)),
  { intervalS: 60 },
);
const rows = rawFeatureRows(panel, 0, "extended");
const col = (name: number): number[] => [...rows[name]!];

describe("raw features (hand-computed; lags repeat the first bar, windows average what exists)", () => {
  const c = P.map((b) => b[3]) as [number, number, number];
  const r = [0, Math.log(c[1] / c[0]), Math.log(c[2] / c[1])];
  const g = [0, (300 - 100) / 101, (50 - 300) / 301];

  it("RET: log return of the close, 0 on the first bar (no wrap-around)", () => {
    col(0).forEach((x, t) => expect(x).toBeCloseTo(r[t]!, 12));
  });
  it("LIQ_SCORE: clamp(4 liq / fdv, 0, 1)", () => {
    expect(col(1)).toEqual([0.4, 0.4, 0.4].map((x) => expect.closeTo(x, 9)));
  });
  it("PRESSURE: tanh(3 (c - o) / (h - l))", () => {
    col(2).forEach((x, t) => {
      const [o, h, l, cl] = P[t]!;
      expect(x).toBeCloseTo(Math.tanh((3 * (cl - o)) / (h - l + 1e-9)), 9);
    });
  });
  it("FOMO: change of volume growth, clamped to +-5", () => {
    expect(col(3)).toEqual([0, g[1]! - 0, g[2]! - g[1]!].map((x) => expect.closeTo(x, 12)));
  });
  it("DEV: close against its trailing mean of up to 20 bars", () => {
    const m = [c[0], (c[0] + c[1]) / 2, (c[0] + c[1] + c[2]) / 3];
    col(4).forEach((x, t) => expect(x).toBeCloseTo((c[t]! - m[t]!) / (m[t]! + 1e-9), 9));
  });
  it("LOG_VOL: log(1 + volume)", () => {
    expect(col(5)).toEqual([101, 301, 51].map((v) => expect.closeTo(Math.log(v), 12)));
  });
  it("VOL_CLUSTER: root of the trailing mean squared return", () => {
    expect(col(6)).toEqual(
      [0, r[1]! ** 2 / 2, (r[1]! ** 2 + r[2]! ** 2) / 3].map((m) => expect.closeTo(Math.sqrt(m + 1e-9), 12)),
    );
  });
  it("MOMENTUM_REV: 1 when the 5-bar momentum changes sign", () => {
    expect(col(7)).toEqual([0, 0, 1]); // r1 > 0, r1 + r2 < 0
  });
  it("REL_STRENGTH: RSI(14) mapped to [-1, 1]", () => {
    const d = [0, c[1] - c[0], c[2] - c[1]];
    const gain = [0, d[1]! / 2, d[1]! / 3];
    const loss = [0, 0, -d[2]! / 3];
    col(8).forEach((x, t) => {
      const rsi = 100 - 100 / (1 + (gain[t]! + 1e-9) / (loss[t]! + 1e-9));
      expect(x).toBeCloseTo((rsi - 50) / 50, 9);
    });
    expect(col(8)[0]).toBe(0);
    expect(col(8)[2]).toBeCloseTo(-0.5, 5);
  });
  it("HL_RANGE and CLOSE_POS", () => {
    col(9).forEach((x, t) => expect(x).toBeCloseTo((P[t]![1] - P[t]![2]) / (P[t]![3] + 1e-9), 9));
    col(10).forEach((x, t) => expect(x).toBeCloseTo((P[t]![3] - P[t]![2]) / (P[t]![1] - P[t]![2] + 1e-9), 9));
  });
  it("VOL_TREND: bar-on-bar volume growth", () => {
    expect(col(11)).toEqual(g.map((x) => expect.closeTo(x, 12)));
  });

  it("normalises with the rolling lower median and MAD of valid bars only, raw features untouched", () => {
    const fp = computeFeatures(panel, { featureSet: "basic", normWindow: 3 });
    const at = (feat: number, t: number): number => fp.data[feat * fp.nTimes + t]!;
    // RET window at t=2: {0, r1, r2} -> median 0, MAD = lower median of {0, r1, |r2|} = r1.
    expect(at(0, 2)).toBeCloseTo(Math.fround(r[2]! / (r[1]! + 1e-6)), 5);
    expect(at(0, 0)).toBe(0);
    expect(at(1, 1)).toBeCloseTo(0.4, 6);
    // A gap contributes nothing to the window: RET at the bar after it uses real bars only.
    const gappy = buildPanel(
      barsOf("A", [
        [0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 2, 1],
        [3, 2, 2, 2, 4, 1],
      ]),
      { intervalS: 60, grid: "regular" },
    );
    const g2 = computeFeatures(gappy, { normWindow: 10 });
    // Window at t=3 holds RET of bars 0, 1, 3: {0, ln2, ln2}: median ln2, MAD 0, so 0. Had the
    // gap's RET of 0 entered, the lower median would be 0 and the value clamped to 5.
    expect(g2.data[3]).toBe(0);
    expect(g2.data[1]).toBe(5);
  });
});

/** Lower median, as upstream's nanmedian on an even count. */
function naiveRobust(xs: number[], x: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[(s.length - 1) >> 1]!;
  const d = xs.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return robustScale(x, med, d[(d.length - 1) >> 1]!);
}

function naiveJump(xs: number[]): number {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : 0;
  return Math.max(0, (xs[n - 1]! - m) / (sd + 1e-6) - 3);
}

const values = fc.array(
  fc.oneof(
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.constantFrom(0, 1, -1, 1e6, -1e6, 1e-7),
    fc.integer({ min: -3, max: 3 }),
  ),
  { minLength: 1, maxLength: 120 },
);

describe("rolling statistics against naive recomputation", () => {
  it("RollingRobust equals sorting the window every time", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 20 }), (xs, w) => {
        const r = new RollingRobust(w);
        xs.forEach((x, t) => {
          r.push(x);
          expect(r.normalise(x)).toBeCloseTo(naiveRobust(xs.slice(Math.max(0, t - w + 1), t + 1), x), 9);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("JUMP equals the two-pass z-score over the window, spikes and plateaus included", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 30 }), (xs, w) => {
        const out = jumpSeries(xs, w);
        xs.forEach((_, t) => {
          const want = naiveJump(xs.slice(Math.max(0, t - w + 1), t + 1));
          const got = out[t]!;
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, want));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("JUMP stays exact after a huge value leaves the window (no cancellation residue)", () => {
    const xs = [1e9, ...Array.from({ length: 40 }, (_, t) => 0.001 * Math.sin(t) + (t === 30 ? 0.05 : 0))];
    const out = jumpSeries(xs, 10);
    xs.forEach((_, t) => {
      const want = naiveJump(xs.slice(Math.max(0, t - 9), t + 1));
      expect(Math.abs(out[t]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, want));
    });
  });
});
