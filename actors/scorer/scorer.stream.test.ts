/**
 * The streamed scorer equals the batch path: at every close, for every token it scores, its raw
 * value is `rawAtLastBar` on the window's held bars (a panel of the window evaluated by the alpha
 * engine), and it scores exactly the tokens the batch path would. Random formulas and feeds:
 * gaps, missing and bad liquidity/FDV, rejected bars, corrections of held bars, late bars,
 * formula swaps mid-stream, tokens pruned and coming back, and windows that evict.
 *
 * Bit for bit while a token's window still holds its whole history. Once bars were evicted the
 * batch panel starts at the oldest held bar while the stream carries on from the token's first
 * (or its last rebuild): the same value mathematically (history.ts sizes the window for that),
 * but JUMP's block sums (jump.ts) and the volume proxy's running sum (panel.ts) round according
 * to where their row starts, so within 1e-9 there (relative above 1, absolute below). The
 * stream is the whole-history value (scorer.panel.test.ts): the batch path is the one that moves.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalise, parseFormula, randomFormulaTokens, toRpn, type AlphaParams, type BarInput, type LiquidityFallback } from "../../alpha/index.js";
import { randNormal, seededRng, type Rng } from "../../core/random.js";
import { rawAtLastBar } from "./evaluate.js";
import { INTERVAL, T0 } from "./scorer.fixtures.js";
import { Scorer } from "./scorer.js";

const MINTS = ["A", "B", "C"];

interface Feed {
  readonly gap: number;
  readonly correct: number;
  readonly swap: number;
}

/** The batch path's raw values at the close of `slot`: what `Scorer.raws` returned before streaming. */
function batchRaws(s: Scorer, slot: number, params: AlphaParams, liquidityFallback: LiquidityFallback): Map<string, number> {
  const spec = {
    root: canonicalise(parseFormula(s.formula, { featureSet: params.featureSet }).root, params.featureSet),
    params, intervalS: INTERVAL, liquidityFallback, fdvFallbackUsd: 1_000_000,
  };
  const out = new Map<string, number>();
  for (const mint of s.window.mints()) {
    const n = s.window.size(mint);
    if (s.window.latestTs(mint) !== slot || (s.window.truncated(mint) && n < s.needs.required)) continue;
    const raw = rawAtLastBar(s.window.bars(mint), spec);
    if (raw !== null) out.set(mint, raw);
  }
  return out;
}

const formula = (rng: Rng, p: AlphaParams): string =>
  toRpn(parseFormula(randomFormulaTokens(rng, 1 + Math.floor(rng.next() * 12), p.featureSet), { featureSet: p.featureSet }).root, p.featureSet);

/** A random bar of `mint` at `slot`: a random walk from `price`, now and then flat, with or without liquidity and FDV. */
function bar(rng: Rng, mint: string, slot: number, price: number): BarInput {
  const flat = rng.next() < 0.15;
  const close = flat ? price : price * Math.exp(0.1 * randNormal(rng));
  const spread = flat ? 0 : Math.abs(randNormal(rng)) * 0.02;
  const report = rng.next();
  return {
    mint, ts: T0 + slot * INTERVAL + Math.floor(rng.next() * INTERVAL), open: price, close,
    high: Math.max(price, close) * (1 + spread), low: Math.min(price, close) * (1 - spread),
    volume: rng.next() < 0.1 ? 0 : Math.exp(6 + 2 * randNormal(rng)) * (rng.next() < 0.05 ? 1e6 : 1),
    liquidity: report < 0.3 ? 20_000 * (1 + rng.next()) : report < 0.35 ? 0 : null,
    fdv: report < 0.3 ? 100_000 * (1 + rng.next()) : null,
  };
}

/** Replay a random feed; returns [closes compared, worst relative difference on evicted windows]. */
function replay(seed: number, p: AlphaParams, liq: LiquidityFallback, feed: Feed): [number, number] {
  const rng = seededRng(seed);
  const s = new Scorer({ formula: formula(rng, p), params: p, intervalS: INTERVAL, liquidityFallback: liq, minBars: 1, rule: { buyThreshold: 0.85, sellThreshold: 0.45, maxOpenPositions: 2 } });
  const price = new Map(MINTS.map((m) => [m, 1]));
  let compared = 0;
  let worst = 0;
  for (let slot = 0; slot < 160; slot++) {
    if (rng.next() < feed.swap) s.setFormula(formula(rng, p));
    if (slot === 100) s.prune(T0 + 95 * INTERVAL); // tokens quiet for 5 slots leave, and may come back
    for (const mint of MINTS) {
      if (rng.next() < feed.gap) continue;
      if (rng.next() < 0.03) s.push({ ...bar(rng, mint, slot, 1), high: Number.NaN }); // rejected
      const b = bar(rng, mint, slot, price.get(mint)!);
      price.set(mint, b.close);
      expect(s.push(b)).toBe("added");
      if (rng.next() < feed.correct) {
        // A correction of a held bar (often the newest), or a late bar already evicted.
        const back = rng.next() < 0.5 ? 0 : Math.floor(rng.next() * 80);
        s.push(bar(rng, mint, slot - back, price.get(mint)!));
      }
    }
    const ts = T0 + slot * INTERVAL;
    const ref = batchRaws(s, ts, p, liq);
    const got = new Map(s.raws(ts + 1));
    expect([...got.keys()]).toEqual([...ref.keys()]);
    for (const [mint, r] of ref) {
      const x = got.get(mint)!;
      if (!s.window.truncated(mint)) expect(x, `${mint} at slot ${slot}`).toBe(r);
      else worst = Math.max(worst, Math.abs(x - r) / Math.max(1, Math.abs(x), Math.abs(r)));
      compared++;
    }
  }
  return [compared, worst];
}

const PARAMS = fc.record({
  featureSet: fc.constantFrom("basic" as const, "extended" as const),
  normWindow: fc.integer({ min: 1, max: 12 }),
  // JUMP can only fire (z > 3) in windows of 11 bars or more.
  jumpWindow: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 11, max: 24 })),
});
const FALLBACK: fc.Arbitrary<LiquidityFallback> = fc.oneof(
  fc.record({ kind: fc.constant("volume-proxy" as const), dailyVolumeToLiquidity: fc.constant(500), floorUsd: fc.constant(100), windowBars: fc.integer({ min: 1, max: 60 }) }),
  fc.constant({ kind: "constant" as const, usd: 50_000 }),
);

describe("streamed scorer = batch path at every close", () => {
  it("random formulas, feeds, corrections, swaps, prunes and evictions (fast-check)", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        PARAMS,
        FALLBACK,
        fc.record({ gap: fc.double({ min: 0, max: 0.6, noNaN: true }), correct: fc.double({ min: 0, max: 0.2, noNaN: true }), swap: fc.double({ min: 0, max: 0.05, noNaN: true }) }),
        (seed, p, liq, feed) => {
          const [n, worst] = replay(seed, p, liq, feed);
          compared += n;
          if (worst > 0) console.log("WORST", worst, seed, JSON.stringify(p), JSON.stringify(liq));
          expect(worst).toBeLessThanOrEqual(1e-9);
        },
      ),
      { seed: 41, numRuns: 100 },
    );
    expect(compared).toBeGreaterThan(10_000);
  });

  it("JUMP firing over evicting windows: equal within 1e-9, though the batch's block sums start elsewhere", () => {
    const p: AlphaParams = { featureSet: "basic", normWindow: 8, jumpWindow: 30 };
    const liq = { kind: "constant", usd: 50_000 } as const;
    const s = new Scorer({ formula: "PRESSURE JUMP", params: p, intervalS: INTERVAL, liquidityFallback: liq, minBars: 1, rule: { buyThreshold: 0.85, sellThreshold: 0.45, maxOpenPositions: 2 } });
    const rng = seededRng(7);
    let fired = 0;
    let inexact = 0;
    for (let slot = 0; slot < 400; slot++) {
      for (const mint of MINTS) {
        // Small candles, and now and then a full green one: PRESSURE about +-0.15, then tanh(3).
        const close = rng.next() < 0.03 ? 1.1 : 1 + 0.002 * (rng.next() - 0.5);
        const [high, low] = close === 1.1 ? [1.1, 1] : [Math.max(1, close) + 0.01, Math.min(1, close) - 0.01];
        s.push({ mint, ts: T0 + slot * INTERVAL, open: 1, high, low, close, volume: 100, liquidity: null, fdv: null });
      }
      const ts = T0 + slot * INTERVAL;
      const ref = batchRaws(s, ts, p, liq);
      for (const [mint, x] of s.raws(ts)) {
        const r = ref.get(mint)!;
        if (!s.window.truncated(mint)) continue;
        if (x > 0) fired++;
        if (x !== r) inexact++;
        expect(Math.abs(x - r)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r)));
      }
    }
    expect(fired).toBeGreaterThan(20);
    expect(inexact).toBeGreaterThan(0);
  });
});
