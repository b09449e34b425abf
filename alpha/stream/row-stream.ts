/**
 * One token's panel row, a grid slot at a time: the cells `buildPanel` (panel.ts) gives a token
 * on a regular grid from its first bar, with the same Float32 storage and the same arithmetic
 * in the same order (the volume proxy's running sum included), so a stream and a panel agree
 * bit for bit. A gap slot is the previous close carried flat with zero volume, and invalid.
 */
import { proxyWindow, type BarInput, type LiquidityFallback } from "../panel.js";

export interface RowStreamOptions {
  readonly intervalS: number;
  readonly liquidityFallback: LiquidityFallback;
  readonly fdvFallbackUsd: number;
  /** Fill liquidity and FDV (only LIQ_SCORE reads them). */
  readonly liquidity: boolean;
}

/** The current cell, as the panel stores it (Float32 values). */
export interface Cell {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  liquidity: number;
  fdv: number;
  valid: boolean;
}

const f32 = Math.fround;

export class RowStream {
  readonly cell: Cell = { open: 0, high: 0, low: 0, close: 0, volume: 0, liquidity: 0, fdv: 0, valid: false };
  readonly #o: RowStreamOptions;
  /** Cells so far (the panel's t - first). */
  #t = 0;
  #lastLiq = Number.NaN;
  #lastFdv = Number.NaN;
  /** The proxy's last `w` volumes and their running sum; dropped once liquidity was reported (the proxy is never read again). */
  #vols: Float64Array | null;
  #volSum = 0;

  constructor(options: RowStreamOptions) {
    this.#o = options;
    const f = options.liquidityFallback;
    this.#vols = options.liquidity && f.kind === "volume-proxy" ? new Float64Array(proxyWindow(f, options.intervalS)) : null;
  }

  /** The cell of a real bar (valid prices: the window rejects the others). */
  bar(b: BarInput): Cell {
    const c = this.cell;
    c.open = f32(b.open);
    c.high = f32(b.high);
    c.low = f32(b.low);
    c.close = f32(b.close);
    c.volume = f32(Number.isFinite(b.volume) && b.volume > 0 ? b.volume : 0);
    c.valid = true;
    this.#fill(
      b.liquidity !== null && b.liquidity > 0 ? f32(b.liquidity) : Number.NaN,
      b.fdv !== null && b.fdv > 0 ? f32(b.fdv) : Number.NaN,
    );
    return c;
  }

  /** The cell of a slot without a bar (never the first). */
  gap(): Cell {
    const c = this.cell;
    c.open = c.close;
    c.high = c.close;
    c.low = c.close;
    c.volume = 0;
    c.valid = false;
    this.#fill(Number.NaN, Number.NaN);
    return c;
  }

  /** Liquidity and FDV as panel.ts `fillRow`: the last reported value carried, else the fallback. */
  #fill(liqIn: number, fdvIn: number): void {
    const t = this.#t++;
    if (!this.#o.liquidity) return;
    const c = this.cell;
    const f = this.#o.liquidityFallback;
    const vols = this.#vols;
    if (vols !== null) {
      const w = vols.length;
      this.#volSum += c.volume;
      if (t >= w) this.#volSum -= vols[t % w]!;
      vols[t % w] = c.volume;
    }
    let liq = Number.isNaN(liqIn) ? this.#lastLiq : liqIn;
    if (Number.isNaN(liq)) {
      if (f.kind === "constant") liq = f.usd;
      else {
        const n = Math.min(vols!.length, t + 1);
        liq = Math.max(f.floorUsd, ((this.#volSum / n) * (86_400 / this.#o.intervalS)) / f.dailyVolumeToLiquidity);
      }
    } else {
      this.#lastLiq = liq;
      this.#vols = null;
    }
    c.liquidity = f32(liq);
    let fdv = Number.isNaN(fdvIn) ? this.#lastFdv : fdvIn;
    if (Number.isNaN(fdv)) fdv = this.#o.fdvFallbackUsd;
    else this.#lastFdv = fdv;
    c.fdv = f32(fdv);
  }
}
