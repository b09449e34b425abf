/**
 * Seeded synthetic bars for tests and benchmarks: fat-tailed random-walk prices, volume that
 * rises with the move, slowly drifting pool liquidity, optional gaps and staggered listings, and
 * an optional planted signal (AR(1) bar returns: `reversion` < 0 makes a drop predict a rebound,
 * which the formula `RET NEG` encodes). Not a market simulator (that is testkit/sim).
 */
import { randNormal, randStudentT, seededRng } from "../core/random.js";
import { buildPanel, type BarInput, type Panel, type PanelOptions } from "./panel.js";

export interface SyntheticOptions {
  readonly tokens: number;
  readonly bars: number;
  readonly seed?: number;
  /** Default 60 (1-minute bars). */
  readonly intervalS?: number;
  /** First bar's open time, unix seconds; default 2025-01-01T00:00Z. */
  readonly startTs?: number;
  /** Typical bar log-return scale; default 0.02. */
  readonly volatility?: number;
  /** AR(1) coefficient of bar log returns; default 0 (no signal). */
  readonly reversion?: number;
  /** Probability that a bar is missing inside a token's life; default 0. */
  readonly gapRate?: number;
  /** Tokens list and delist at random times (up to a third of the span each); default false. */
  readonly staggered?: boolean;
  /** Median pool liquidity in USD; default 200,000. Null: bars carry no liquidity/FDV. */
  readonly liquidityUsd?: number | null;
}

export function* syntheticBars(o: SyntheticOptions): Generator<BarInput> {
  const rng = seededRng(o.seed ?? 1);
  const intervalS = o.intervalS ?? 60;
  const start = o.startTs ?? 1_735_689_600;
  const vol = o.volatility ?? 0.02;
  const phi = o.reversion ?? 0;
  const gapRate = o.gapRate ?? 0;
  const liqMedian = o.liquidityUsd === undefined ? 200_000 : o.liquidityUsd;
  for (let i = 0; i < o.tokens; i++) {
    const mint = `SYN${String(i).padStart(5, "0")}`;
    const first = o.staggered === true ? Math.floor(rng.next() * (o.bars / 3)) : 0;
    const last = o.staggered === true ? o.bars - 1 - Math.floor(rng.next() * (o.bars / 3)) : o.bars - 1;
    let close = Math.exp(randNormal(rng) * 3 - 9);
    let liq = liqMedian === null ? 0 : liqMedian * Math.exp(randNormal(rng));
    // FDV about 5x the pool's liquidity at listing, so LIQ_SCORE sits inside (0, 1).
    const supply = liqMedian === null ? 0 : (5 * liq) / close;
    let prevRet = 0;
    for (let t = first; t <= last; t++) {
      const ret = phi * prevRet + vol * Math.sqrt(1 - phi * phi) * (randStudentT(rng, 4) / Math.SQRT2);
      prevRet = ret;
      const open = close;
      close = open * Math.exp(ret);
      liq = liqMedian === null ? 0 : liq * Math.exp(0.01 * randNormal(rng));
      if (t !== first && t !== last && rng.next() < gapRate) continue;
      const wick = vol * 0.5;
      yield {
        mint,
        ts: start + t * intervalS,
        open,
        high: Math.max(open, close) * Math.exp(Math.abs(randNormal(rng)) * wick),
        low: Math.min(open, close) * Math.exp(-Math.abs(randNormal(rng)) * wick),
        close,
        volume: 2_000 * Math.exp(randNormal(rng) + 20 * Math.abs(ret)),
        liquidity: liqMedian === null ? null : liq,
        fdv: liqMedian === null ? null : close * supply,
      };
    }
  }
}

export function syntheticPanel(o: SyntheticOptions, panel: Partial<PanelOptions> = {}): Panel {
  return buildPanel(syntheticBars(o), { intervalS: o.intervalS ?? 60, ...panel });
}
