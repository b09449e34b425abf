/**
 * Pre-trade risk (issue 6, item 2): pure checks that return every failing reason, so the
 * journal and the dashboard can say why an entry was refused. Risk never blocks an exit:
 * reduce-only means no new entries, while stops and exits keep working.
 */
import { buyForImpact, buyQuote, liquiditySol, validPool, type PoolReserves, type SwapQuote } from "./impact.js";
import type { RiskParams } from "./risk.params.js";
import { checkTokenSafety, type MintInfo, type SafetyCode } from "./token-safety.js";

export interface OpenExposure {
  readonly mint: string;
  /** SOL at cost still at risk in this position. */
  readonly exposureSol: number;
}

export interface ClosedTrade {
  readonly mint: string;
  readonly closedTs: number;
  /** Realized profit (negative: loss) in SOL, from fills. */
  readonly pnlSol: number;
}

/** What the portfolio ledger knows; the caller passes the clock's `nowTs`. */
export interface RiskBook {
  readonly open: readonly OpenExposure[];
  readonly closed: readonly ClosedTrade[];
  readonly nowTs: number;
}

export interface EntryRequest {
  readonly mint: string;
  readonly sizeSol: number;
  readonly token: MintInfo;
  readonly pool: PoolReserves;
}

export type RiskCode =
  | SafetyCode | "bad_request" | "max_open_positions" | "token_exposure" | "total_exposure"
  | "liquidity" | "price_impact" | "min_size" | "cooldown" | "daily_loss_limit";

export interface RiskReason {
  readonly code: RiskCode;
  readonly detail: string;
}

export type RiskMode = "normal" | "reduce_only";

export interface RiskDecision {
  readonly allow: boolean;
  readonly mode: RiskMode;
  readonly reasons: readonly RiskReason[];
  /** The buy on the pool as it stands, for the journal; null without a usable pool. */
  readonly quote: SwapQuote | null;
}

const DAY_MS = 86_400_000;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Start of the trading day that contains `ts`. */
export const dayStart = (ts: number, p: RiskParams): number =>
  Math.floor((ts - p.dayStartOffsetMs) / DAY_MS) * DAY_MS + p.dayStartOffsetMs;

/** Realized PnL of trades closed since the current trading day began. */
export function realizedToday(book: RiskBook, p: RiskParams): number {
  const from = dayStart(book.nowTs, p);
  return sum(book.closed.filter((t) => t.closedTs >= from && t.closedTs <= book.nowTs).map((t) => t.pnlSol));
}

export const riskMode = (book: RiskBook, p: RiskParams): RiskMode =>
  realizedToday(book, p) <= -p.dailyLossLimitSol ? "reduce_only" : "normal";

function exposureReasons(req: EntryRequest, book: RiskBook, p: RiskParams): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (book.open.length + 1 > p.maxOpenPositions) {
    reasons.push({ code: "max_open_positions", detail: `${book.open.length} open, at most ${p.maxOpenPositions}` });
  }
  const inToken = sum(book.open.filter((o) => o.mint === req.mint).map((o) => o.exposureSol)) + req.sizeSol;
  if (inToken > p.maxTokenExposureSol) {
    reasons.push({ code: "token_exposure", detail: `${inToken} SOL in ${req.mint} > ${p.maxTokenExposureSol}` });
  }
  const total = sum(book.open.map((o) => o.exposureSol)) + req.sizeSol;
  if (total > p.maxTotalExposureSol) {
    reasons.push({ code: "total_exposure", detail: `${total} SOL in total > ${p.maxTotalExposureSol}` });
  }
  return reasons;
}

function marketReasons(req: EntryRequest, p: RiskParams): { reasons: RiskReason[]; quote: SwapQuote | null } {
  if (!validPool(req.pool)) return { reasons: [{ code: "liquidity", detail: "no usable pool reserves" }], quote: null };
  const reasons: RiskReason[] = [];
  const liq = liquiditySol(req.pool);
  if (liq < p.minLiquiditySol) reasons.push({ code: "liquidity", detail: `${liq} SOL of liquidity < ${p.minLiquiditySol}` });
  const quote = buyQuote(req.pool, req.sizeSol);
  if (req.sizeSol < p.minEntrySol) reasons.push({ code: "min_size", detail: `${req.sizeSol} SOL < ${p.minEntrySol} (the pool takes no more at ${p.maxPriceImpact} impact)` });
  // A hair of float over the cap is the sizing's rounding, not a bigger trade.
  if (quote.priceImpact > p.maxPriceImpact * (1 + 1e-9)) {
    reasons.push({ code: "price_impact", detail: `impact ${quote.priceImpact} of ${req.sizeSol} SOL > ${p.maxPriceImpact}` });
  }
  return { reasons, quote };
}

/**
 * What an entry of up to `wantSol` spends in `pool`: all of it, or as much as keeps its price
 * impact at the cap (thin pools get smaller entries instead of none or costly ones).
 */
export function entrySize(pool: PoolReserves, wantSol: number, p: RiskParams): number {
  return validPool(pool) ? Math.min(wantSol, buyForImpact(pool, p.maxPriceImpact)) : wantSol;
}

function cooldownReason(req: EntryRequest, book: RiskBook, p: RiskParams): RiskReason | null {
  const last = Math.max(-Infinity, ...book.closed.filter((t) => t.mint === req.mint).map((t) => t.closedTs));
  const until = last + p.cooldownMs;
  return book.nowTs < until ? { code: "cooldown", detail: `${req.mint} cools down until ${until}` } : null;
}

/** Every check runs; the entry is allowed only when none fails. */
export function assessEntry(req: EntryRequest, book: RiskBook, p: RiskParams): RiskDecision {
  const mode = riskMode(book, p);
  if (!(Number.isFinite(req.sizeSol) && req.sizeSol > 0) || !Number.isFinite(book.nowTs)) {
    return { allow: false, mode, reasons: [{ code: "bad_request", detail: `size ${req.sizeSol}, now ${book.nowTs}` }], quote: null };
  }
  const reasons: RiskReason[] = [];
  if (mode === "reduce_only") {
    reasons.push({ code: "daily_loss_limit", detail: `realized ${realizedToday(book, p)} SOL today, limit -${p.dailyLossLimitSol}` });
  }
  reasons.push(...exposureReasons(req, book, p));
  const market = marketReasons(req, p);
  reasons.push(...market.reasons);
  reasons.push(...checkTokenSafety(req.token, p));
  const cooling = cooldownReason(req, book, p);
  if (cooling !== null) reasons.push(cooling);
  return { allow: reasons.length === 0, mode, reasons, quote: market.quote };
}
