/**
 * Panels: bars aligned on one time grid as `[token][time]` Float32 rows (index `i * nTimes + t`)
 * in SharedArrayBuffers, with a validity mask. Upstream fills the time before a token's first
 * candle with zeros and trades on them (§5, §17 C3); here such cells are invalid, and nothing
 * trades or earns on an invalid cell. Gaps and the time after a token's last bar carry the last
 * close forward with zero volume (a flat, untraded bar) and are invalid too.
 */
import type { TokenBar } from "../core/bar.js";
import { Column, sharedF32, sharedF64, sharedI32, sharedU8 } from "./shared.js";

/** One token's bar, as the engine reads it. */
export type BarInput = TokenBar;

/**
 * Where a bar has no liquidity (the GeckoTerminal dataset has none): a volume proxy, pool
 * liquidity = trailing mean USD volume per day / `dailyVolumeToLiquidity` (active meme pools turn
 * their liquidity over about twice a day), never below `floorUsd`; or a configured constant.
 */
export type LiquidityFallback =
  | {
      readonly kind: "volume-proxy";
      readonly dailyVolumeToLiquidity: number;
      readonly floorUsd: number;
      /** Trailing window in bars; default one day of bars. */
      readonly windowBars?: number;
    }
  | { readonly kind: "constant"; readonly usd: number };

export const DEFAULT_LIQUIDITY_FALLBACK: LiquidityFallback = {
  kind: "volume-proxy",
  dailyVolumeToLiquidity: 2,
  floorUsd: 1_000,
};

export interface PanelOptions {
  readonly intervalS: number;
  /** `union`: the times at which any token has a bar (upstream); `regular`: every slot from first to last. */
  readonly grid?: "union" | "regular";
  readonly liquidityFallback?: LiquidityFallback;
  /** FDV where a bar has none; default 1,000,000 USD. */
  readonly fdvFallbackUsd?: number;
}

export interface Panel {
  readonly intervalS: number;
  readonly mints: readonly string[];
  readonly nTokens: number;
  readonly nTimes: number;
  /** Bar open time per grid index, unix seconds. */
  readonly times: Float64Array;
  readonly open: Float32Array;
  readonly high: Float32Array;
  readonly low: Float32Array;
  readonly close: Float32Array;
  readonly volume: Float32Array;
  readonly liquidity: Float32Array;
  readonly fdv: Float32Array;
  /** 1 where the token has a real bar at that time. */
  readonly valid: Uint8Array;
  /** First and last valid grid index per token; -1 for a token without bars. */
  readonly firstValid: Int32Array;
  readonly lastValid: Int32Array;
  /** How liquidity and FDV were obtained, for the CLI to print. */
  readonly liquiditySource: string;
  readonly fdvSource: string;
  /** Trailing bars behind the liquidity proxy where it was used (a feature look-back), else 0. */
  readonly liquidityWindowBars: number;
  /** Input rows dropped (non-finite or non-positive prices) and replaced (same token and slot). */
  readonly rejected: number;
  readonly duplicates: number;
}

export function describeLiquidityFallback(f: LiquidityFallback, intervalS: number): string {
  if (f.kind === "constant") return `constant ${f.usd} USD`;
  const w = proxyWindow(f, intervalS);
  return `volume proxy: trailing ${w}-bar USD volume per day / ${f.dailyVolumeToLiquidity}, floor ${f.floorUsd} USD`;
}

/** Trailing bars of the volume proxy: `windowBars`, default one day of bars. */
export function proxyWindow(f: LiquidityFallback & { kind: "volume-proxy" }, intervalS: number): number {
  return f.windowBars ?? Math.max(1, Math.round(86_400 / intervalS));
}

/** Align bars on one grid; mints are sorted so a token's row never depends on query order. */
export function buildPanel(bars: Iterable<BarInput>, options: PanelOptions): Panel {
  const intervalS = options.intervalS;
  if (!(intervalS > 0)) throw new RangeError(`intervalS must be positive, got ${intervalS}`);
  const mintIds = new Map<string, number>();
  const cols = {
    mint: new Column(32),
    slot: new Column(64),
    o: new Column(32),
    h: new Column(32),
    l: new Column(32),
    c: new Column(32),
    v: new Column(32),
    liq: new Column(32),
    fdv: new Column(32),
  };
  let rejected = 0;
  for (const b of bars) {
    const prices = [b.open, b.high, b.low, b.close];
    if (!prices.every((p) => Number.isFinite(p) && p > 0) || !Number.isFinite(b.ts)) {
      rejected++;
      continue;
    }
    let id = mintIds.get(b.mint);
    if (id === undefined) mintIds.set(b.mint, (id = mintIds.size));
    cols.mint.push(id);
    cols.slot.push(Math.floor(b.ts / intervalS) * intervalS);
    cols.o.push(b.open);
    cols.h.push(b.high);
    cols.l.push(b.low);
    cols.c.push(b.close);
    cols.v.push(Number.isFinite(b.volume) && b.volume > 0 ? b.volume : 0);
    cols.liq.push(b.liquidity !== null && b.liquidity > 0 ? b.liquidity : Number.NaN);
    cols.fdv.push(b.fdv !== null && b.fdv > 0 ? b.fdv : Number.NaN);
  }
  const times = gridTimes(cols.slot, intervalS, options.grid ?? "union");
  const index = new Map<number, number>();
  times.forEach((s, t) => index.set(s, t));
  const mints = [...mintIds.keys()].sort();
  const row = new Int32Array(mints.length);
  mints.forEach((m, i) => (row[mintIds.get(m)!] = i));

  const N = mints.length;
  const T = times.length;
  const p = {
    open: sharedF32(N * T),
    high: sharedF32(N * T),
    low: sharedF32(N * T),
    close: sharedF32(N * T),
    volume: sharedF32(N * T),
    liquidity: sharedF32(N * T),
    fdv: sharedF32(N * T),
    valid: sharedU8(N * T),
  };
  let duplicates = 0;
  for (let r = 0; r < cols.mint.length; r++) {
    const k = row[cols.mint.get(r)]! * T + index.get(cols.slot.get(r))!;
    if (p.valid[k] === 1) duplicates++;
    p.valid[k] = 1;
    p.open[k] = cols.o.get(r);
    p.high[k] = cols.h.get(r);
    p.low[k] = cols.l.get(r);
    p.close[k] = cols.c.get(r);
    p.volume[k] = cols.v.get(r);
    p.liquidity[k] = cols.liq.get(r);
    p.fdv[k] = cols.fdv.get(r);
  }
  const liqFallback = options.liquidityFallback ?? DEFAULT_LIQUIDITY_FALLBACK;
  const fdvFallback = options.fdvFallbackUsd ?? 1_000_000;
  const firstValid = sharedI32(N);
  const lastValid = sharedI32(N);
  const fallbacks = { liq: 0, fdv: 0, bars: 0 };
  for (let i = 0; i < N; i++) {
    const span = fillRow(p, i * T, T, liqFallback, fdvFallback, intervalS, fallbacks);
    firstValid[i] = span[0];
    lastValid[i] = span[1];
  }
  return {
    intervalS,
    mints,
    nTokens: N,
    nTimes: T,
    times,
    ...p,
    firstValid,
    lastValid,
    liquiditySource: sourceName(fallbacks.liq, fallbacks.bars, "reported liquidity", describeLiquidityFallback(liqFallback, intervalS)),
    fdvSource: sourceName(fallbacks.fdv, fallbacks.bars, "reported FDV", `constant ${fdvFallback} USD`),
    liquidityWindowBars: fallbacks.liq > 0 && liqFallback.kind === "volume-proxy" ? proxyWindow(liqFallback, intervalS) : 0,
    rejected,
    duplicates,
  };
}

function sourceName(fallbackBars: number, bars: number, reported: string, fallback: string): string {
  if (fallbackBars === 0) return reported;
  if (fallbackBars === bars) return fallback;
  return `${reported}; ${fallback} on ${fallbackBars} of ${bars} bars`;
}

function gridTimes(slots: Column, intervalS: number, grid: "union" | "regular"): Float64Array {
  const all = new Float64Array(slots.length);
  for (let r = 0; r < slots.length; r++) all[r] = slots.get(r);
  all.sort();
  let unique: number[] = [];
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[r - 1]) unique.push(all[r]!);
  if (grid === "regular" && unique.length > 0) {
    const first = unique[0]!;
    const n = Math.round((unique[unique.length - 1]! - first) / intervalS) + 1;
    unique = Array.from({ length: n }, (_, k) => first + k * intervalS);
  }
  const out = sharedF64(unique.length);
  out.set(unique);
  return out;
}

type Fields = Record<"open" | "high" | "low" | "close" | "volume" | "liquidity" | "fdv", Float32Array> & {
  valid: Uint8Array;
};

/**
 * One token row: carry the last bar forward over gaps and past the end (flat, zero volume),
 * and fill missing liquidity/FDV causally. Returns the first and last valid index.
 */
function fillRow(
  p: Fields,
  base: number,
  T: number,
  liqFallback: LiquidityFallback,
  fdvFallback: number,
  intervalS: number,
  counts: { liq: number; fdv: number; bars: number },
): [number, number] {
  let first = -1;
  let last = -1;
  for (let t = 0; t < T; t++) {
    if (p.valid[base + t] === 1) {
      if (first < 0) first = t;
      last = t;
    }
  }
  if (first < 0) return [-1, -1];
  const perDay = 86_400 / intervalS;
  const w = liqFallback.kind === "volume-proxy" ? proxyWindow(liqFallback, intervalS) : 1;
  let volSum = 0;
  let lastLiq = Number.NaN;
  let lastFdv = Number.NaN;
  for (let t = first; t < T; t++) {
    const k = base + t;
    const isBar = p.valid[k] === 1;
    if (!isBar) {
      const c = p.close[k - 1]!;
      p.open[k] = c;
      p.high[k] = c;
      p.low[k] = c;
      p.close[k] = c;
      p.volume[k] = 0;
    }
    // Trailing volume sum over the last w grid bars of this token, the current one included.
    volSum += p.volume[k]!;
    if (t - first >= w) volSum -= p.volume[k - w]!;
    const n = Math.min(w, t - first + 1);
    // A bar without liquidity carries the token's last reported value; the fallback only fills
    // what was never reported.
    let liq = isBar && !Number.isNaN(p.liquidity[k]!) ? p.liquidity[k]! : lastLiq;
    if (isBar) counts.bars++;
    if (Number.isNaN(liq)) {
      liq =
        liqFallback.kind === "constant"
          ? liqFallback.usd
          : Math.max(liqFallback.floorUsd, ((volSum / n) * perDay) / liqFallback.dailyVolumeToLiquidity);
      if (isBar) counts.liq++;
    } else lastLiq = liq;
    p.liquidity[k] = liq;
    let fdv = isBar && !Number.isNaN(p.fdv[k]!) ? p.fdv[k]! : lastFdv;
    if (Number.isNaN(fdv)) {
      fdv = fdvFallback;
      if (isBar) counts.fdv++;
    } else lastFdv = fdv;
    p.fdv[k] = fdv;
  }
  return [first, last];
}
