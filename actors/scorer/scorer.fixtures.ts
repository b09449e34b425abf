/**
 * Test helpers for the scorer: a seeded random universe of bars with gaps, and the reference,
 * the alpha engine's whole-history panel evaluated at a slot.
 */
import {
  buildPanel, canonicalise, createContext, LocalEvaluator, parseFormula, type AlphaParams, type BarInput, type LiquidityFallback,
} from "../../alpha/index.js";
import { randNormal, seededRng, type Rng } from "../../core/random.js";
import { panelOptions } from "./evaluate.js";

export const INTERVAL = 60;
export const T0 = 1_735_689_600;

/** Small windows, so that eviction, normalisation and the liquidity proxy all show within ~100 bars. */
export const SMALL: AlphaParams = { featureSet: "basic", normWindow: 8, jumpWindow: 5 };
/** A proxy window longer than the normalisation, in the unclamped range of LIQ_SCORE (liquidity ~1k USD vs FDV 1M). */
export const PROXY: LiquidityFallback = { kind: "volume-proxy", dailyVolumeToLiquidity: 500, floorUsd: 100, windowBars: 40 };

export interface UniverseOptions {
  readonly tokens: number;
  readonly slots: number;
  /** Chance a token has no bar in a slot. */
  readonly gap: number;
  /** Chance a bar reports liquidity/FDV. */
  readonly reported: number;
}

/** Random walks per token, each starting at a random slot, with gaps; bars in time order. */
export function universe(seed: number, o: UniverseOptions): BarInput[] {
  const rng: Rng = seededRng(seed);
  const bars: BarInput[] = [];
  const price = Array.from({ length: o.tokens }, () => 0.001 * (1 + rng.next()));
  const start = Array.from({ length: o.tokens }, () => Math.floor(rng.next() * o.slots * 0.3));
  for (let t = 0; t < o.slots; t++) {
    for (let i = 0; i < o.tokens; i++) {
      if (t < start[i]! || (t > start[i]! && rng.next() < o.gap)) continue;
      const open = price[i]!;
      const close = open * Math.exp(0.05 * randNormal(rng));
      price[i] = close;
      const spread = Math.abs(randNormal(rng)) * 0.02;
      const report = rng.next() < o.reported;
      bars.push({
        mint: `M${String(i).padStart(2, "0")}`,
        ts: T0 + t * INTERVAL + Math.floor(rng.next() * INTERVAL),
        open,
        high: Math.max(open, close) * (1 + spread),
        low: Math.min(open, close) * (1 - spread),
        close,
        volume: rng.next() < 0.1 ? 0 : Math.exp(6 + 2 * randNormal(rng)),
        liquidity: report ? 20_000 * (1 + rng.next()) : null,
        fdv: report ? 100_000 * (1 + rng.next()) : null,
      });
    }
  }
  return bars;
}

export interface Reference {
  /** The formula's value for `mint` at slot `ts` on the whole-history panel; null where it has no bar. */
  at(mint: string, ts: number): number | null;
}

/** Evaluate once on a panel of all `bars` (the future included). */
export function wholePanel(bars: readonly BarInput[], formula: string, params: AlphaParams, liquidityFallback: LiquidityFallback): Reference {
  const panel = buildPanel(bars, panelOptions({ intervalS: INTERVAL, liquidityFallback, fdvFallbackUsd: 1_000_000 }));
  const ctx = createContext(panel, { params, splits: [{ name: "all", start: 0, end: panel.nTimes }] });
  const root = canonicalise(parseFormula(formula, { featureSet: params.featureSet }).root, params.featureSet);
  const signal = new LocalEvaluator(ctx, { engine: "interpreter" }).signal(root);
  const row = new Map(panel.mints.map((m, i) => [m, i]));
  const col = new Map([...panel.times].map((t, k) => [t, k]));
  return {
    at(mint, ts) {
      const i = row.get(mint);
      const t = col.get(Math.floor(ts / INTERVAL) * INTERVAL);
      if (i === undefined || t === undefined || panel.valid[i * panel.nTimes + t] !== 1) return null;
      return signal[i * panel.nTimes + t]!;
    },
  };
}

/** Slots in time order with the bars that close in each. */
export function bySlot(bars: readonly BarInput[]): [number, BarInput[]][] {
  const m = new Map<number, BarInput[]>();
  for (const b of bars) {
    const s = Math.floor(b.ts / INTERVAL) * INTERVAL;
    m.set(s, [...(m.get(s) ?? []), b]);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

export const allow = () => ({ allow: true, reasons: [] });
