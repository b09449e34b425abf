/**
 * Unrealised PnL of a held position, valued at the current price. Upstream's dashboard valued it
 * at the peak price (`highest_price`) and so overstated every position (M6); the peak is a stop
 * level, never a value.
 */
export interface PnlInput {
  /** Tokens held now. */
  readonly qty: number;
  /** Cost basis in SOL of the tokens held now. */
  readonly costSol: number;
  /** SOL per token; null while no price is known. */
  readonly currentPrice: number | null;
}

export interface Pnl {
  readonly sol: number | null;
  /** Percent of the cost basis; null with no cost (a free moonbag) or no price. */
  readonly pct: number | null;
}

export function unrealisedPnl({ qty, costSol, currentPrice }: PnlInput): Pnl {
  if (currentPrice === null || !Number.isFinite(currentPrice) || !Number.isFinite(qty)) return { sol: null, pct: null };
  const sol = qty * currentPrice - costSol;
  return { sol, pct: costSol > 0 ? (sol / costSol) * 100 : null };
}
