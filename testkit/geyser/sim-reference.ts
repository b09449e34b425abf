/**
 * Bars computed straight from the simulator's events, by the rules our pipeline follows (see
 * BarBook), as the e2e yardstick. One rule differs from the simulator's own BarAggregator:
 * volume is the SOL that moved through the venue's reserves, which is what the chain shows. On
 * a bonding curve that is the trade's `solAmount`; on a pool the LP fee stays in the reserves
 * and the protocol fee leaves, so it differs from `solAmount` by a fraction of a percent.
 */
import type { Bar as BarRow } from "../../streams/types.js";
import type { SimEvent } from "../sim/index.js";

export function referenceBars(events: Iterable<SimEvent>, intervalS: number): BarRow[] {
  const bars = new Map<string, BarRow & { trades: number }>();
  const lastSol = new Map<string, number>();
  for (const e of events) {
    const ts = Math.floor(e.tsMs / (intervalS * 1000)) * intervalS;
    const key = `${e.mint}|${ts}`;
    const usd = e.solUsd;
    const before = lastSol.get(e.pool) ?? 0;
    lastSol.set(e.pool, e.solReserve);
    let b = bars.get(key);
    if (b === undefined) {
      b = { interval_s: intervalS, mint: e.mint, ts, open: 0, high: -Infinity, low: Infinity, close: 0, volume: 0, liquidity: null, fdv: null, trades: 0, lowprec: 0, source: "reference", version: 1 };
      bars.set(key, b);
    }
    const p = e.price * usd;
    const row = b as { -readonly [K in keyof BarRow]: BarRow[K] };
    if (e.kind === "trade") {
      if (b.trades === 0) row.open = p;
      row.close = p;
      row.high = Math.max(b.high, p);
      row.low = Math.min(b.low, p);
      const moved = e.venue === "pumpfun" ? e.solAmount : Math.abs(e.solReserve - before);
      row.volume += (moved / 1e9) * usd;
      row.trades++;
    }
    row.liquidity = ((2 * e.realSolReserve) / 1e9) * usd;
    row.fdv = p * 1e9;
  }
  return [...bars.values()].filter((b) => b.trades > 0);
}

/** Compare two bar sets by (mint, ts) with a relative tolerance; returns the mismatches. */
export function diffBars(got: readonly BarRow[], want: readonly BarRow[], fields: readonly (keyof BarRow)[], rel = 1e-9): string[] {
  const key = (b: BarRow) => `${b.mint}|${b.ts}`;
  const index = new Map(got.map((b) => [key(b), b]));
  const out: string[] = [];
  if (got.length !== want.length) out.push(`count ${got.length} != ${want.length}`);
  for (const w of want) {
    const g = index.get(key(w));
    if (g === undefined) {
      out.push(`missing ${key(w)}`);
      continue;
    }
    for (const f of fields) {
      const a = g[f];
      const b = w[f];
      const same = typeof a === "number" && typeof b === "number" ? Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300) : a === b;
      if (!same) out.push(`${key(w)} ${String(f)}: ${String(a)} != ${String(b)}`);
    }
  }
  return out;
}
