/**
 * A backtest's figures, from its equity curve, trades and positions (all in SOL).
 *
 * - net return: final equity (paper wallet + open holdings at their last price) / start - 1.
 * - Sharpe: on daily returns (UTC days; a day's equity is its last sample), mean / sd x sqrt(365)
 *   (the market trades every day); null with fewer than two daily returns or no variance.
 * - max drawdown: the largest fall from a running peak of the equity curve (sampled at every bar
 *   interval), as a fraction of the peak.
 * - hit rate: closed round trips (a position that bought and is closed) with a positive PnL.
 * - turnover: SOL traded (buys and sells) / mean equity, over the run and per day.
 * - fees: network fees (base + priority, per transaction) as booked by the paper wallet, and the
 *   pools' swap fees (the venue's fee on the SOL side of each trade).
 * - capacity: the entry size at which price impact eats the edge. Per round trip, the return at
 *   the traded size plus the impact it paid is its zero-size edge e; a size S costs about
 *   S/R_entry + S/R_exit of it on constant-product pools (R the pool's SOL reserve when the trade
 *   filled). Capacity is the S where mean(e) = S x mean(1/R_entry + 1/R_exit); null without
 *   round trips, 0 when there is no edge even at zero size. First order: it ignores other
 *   traders' reaction and that a larger entry moves the pool for the exits too.
 */
import type { ReplayRunData, TradeRecord } from "./collect.js";

export interface BacktestMetrics {
  readonly startSol: number;
  readonly endSol: number;
  readonly netReturn: number;
  readonly days: number;
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
  readonly positions: number;
  readonly roundTrips: number;
  readonly hitRate: number | null;
  readonly trades: number;
  readonly tradedSol: number;
  readonly turnover: number;
  readonly turnoverPerDay: number | null;
  readonly networkFeesSol: number;
  readonly swapFeesSol: number;
  readonly feesSol: number;
  /** SOL per entry before impact eats the edge; null when unknown. */
  readonly capacitySol: number | null;
  readonly entrySol: number;
  readonly openAtEnd: number;
  readonly realisedPnlSol: number;
}

const DAY_MS = 86_400_000;

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function dailyReturns(equity: readonly { ts: number; equitySol: number }[], startSol: number): number[] {
  const byDay = new Map<number, number>();
  for (const p of equity) byDay.set(Math.floor(p.ts / DAY_MS), p.equitySol);
  const out: number[] = [];
  let prev = startSol;
  for (const [, e] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    out.push(prev > 0 ? e / prev - 1 : 0);
    prev = e;
  }
  return out;
}

export function sharpeOf(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  const v = returns.reduce((a, r) => a + (r - m) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(v);
  return sd > 0 ? (m / sd) * Math.sqrt(365) : null;
}

export function maxDrawdownOf(equity: readonly { equitySol: number }[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let dd = 0;
  for (const p of equity) {
    if (p.equitySol > peak) peak = p.equitySol;
    if (peak > 0) dd = Math.max(dd, (peak - p.equitySol) / peak);
  }
  return dd;
}

export interface RoundTrip {
  readonly positionId: string;
  readonly mint: string;
  readonly costSol: number;
  readonly proceedsSol: number;
  readonly pnlSol: number;
  readonly ret: number;
  /** 1/R_entry + 1/R_exit (per SOL), where the pools are known. */
  readonly impactPerSol: number | null;
}

/** Closed positions that bought, from their trades. */
export function roundTrips(run: Pick<ReplayRunData, "positions" | "trades">): RoundTrip[] {
  const byPosition = new Map<string, TradeRecord[]>();
  for (const t of run.trades) {
    const list = byPosition.get(t.positionId);
    if (list === undefined) byPosition.set(t.positionId, [t]);
    else list.push(t);
  }
  const out: RoundTrip[] = [];
  for (const p of run.positions) {
    if (p.state !== "closed") continue;
    const trades = byPosition.get(p.id) ?? [];
    const buys = trades.filter((t) => t.side === "buy");
    const sells = trades.filter((t) => t.side === "sell");
    if (buys.length === 0) continue;
    const cost = buys.reduce((a, t) => a + Math.abs(t.sol), 0);
    const proceeds = sells.reduce((a, t) => a + t.sol, 0);
    const bought = buys.reduce((a, t) => a + t.qty, 0);
    let impact: number | null = 0;
    for (const b of buys) impact = impact === null || b.poolSol === null || !(b.poolSol > 0) ? null : impact + (cost > 0 ? Math.abs(b.sol) / cost : 0) / b.poolSol;
    for (const s of sells) impact = impact === null || s.poolSol === null || !(s.poolSol > 0) ? null : impact + (bought > 0 ? s.qty / bought : 0) / s.poolSol;
    out.push({ positionId: p.id, mint: p.mint, costSol: cost, proceedsSol: proceeds, pnlSol: proceeds - cost, ret: cost > 0 ? proceeds / cost - 1 : 0, impactPerSol: sells.length === 0 ? null : impact });
  }
  return out;
}

/** See the module comment; `entrySol` is the size the run traded. */
export function capacityOf(trips: readonly RoundTrip[], entrySol: number): number | null {
  const known = trips.filter((t) => t.impactPerSol !== null && Number.isFinite(t.impactPerSol));
  if (known.length === 0) return null;
  const k = mean(known.map((t) => t.impactPerSol as number));
  const edge = mean(known.map((t) => t.ret + entrySol * (t.impactPerSol as number)));
  if (!(edge > 0) || !(k > 0)) return 0;
  return edge / k;
}

export function metricsOf(run: ReplayRunData): BacktestMetrics {
  const eq = run.equity;
  const first = eq[0];
  const last = eq[eq.length - 1];
  const days = first !== undefined && last !== undefined ? (last.ts - first.ts) / DAY_MS : 0;
  const trips = roundTrips(run);
  const traded = run.trades.reduce((a, t) => a + Math.abs(t.sol), 0);
  const meanEquity = eq.length > 0 ? mean(eq.map((p) => p.equitySol)) : run.startSol;
  const network = run.trades.reduce((a, t) => a + t.networkFeeSol, 0);
  const swap = run.trades.reduce((a, t) => a + t.swapFeeSol, 0);
  return {
    startSol: run.startSol,
    endSol: run.endSol,
    netReturn: run.startSol > 0 ? run.endSol / run.startSol - 1 : 0,
    days,
    sharpe: sharpeOf(dailyReturns(eq, run.startSol)),
    maxDrawdown: maxDrawdownOf(eq),
    positions: run.positions.length,
    roundTrips: trips.length,
    hitRate: trips.length === 0 ? null : trips.filter((t) => t.pnlSol > 0).length / trips.length,
    trades: run.trades.length,
    tradedSol: traded,
    turnover: meanEquity > 0 ? traded / meanEquity : 0,
    turnoverPerDay: days > 0 && meanEquity > 0 ? traded / meanEquity / days : null,
    networkFeesSol: network,
    swapFeesSol: swap,
    feesSol: network + swap,
    capacitySol: capacityOf(trips, run.entrySol),
    entrySol: run.entrySol,
    openAtEnd: run.positions.filter((p) => p.state !== "closed" && p.state !== "failed").length,
    realisedPnlSol: trips.reduce((a, t) => a + t.pnlSol, 0),
  };
}
