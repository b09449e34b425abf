/**
 * Pure rules of one position: every guard and assign in the machine calls into here, so the
 * rules are testable without XState and cost microseconds per tick. Functions that change
 * the context return only the groups they rewrite.
 */
import type { PositionParams } from "./position.params.js";
import type {
  ExitReason, Fill, Order, PositionContext, PositionInput, PositionOutput, SellKind, StopKind,
  Track,
} from "./position.types.js";

export type HoldingState = "open" | "trailing" | "moonbag";
type Update = Partial<PositionContext>;

export type TickDecision =
  | { readonly kind: "exit"; readonly reason: ExitReason }
  | { readonly kind: "moonbag" | "tp1" | "arm" | "hold" | "ignore" };

const HOLD: TickDecision = { kind: "hold" };
const IGNORE: TickDecision = { kind: "ignore" };

export function initialContext(input: PositionInput): PositionContext {
  return {
    positionId: input.positionId, mint: input.mint, sizeSol: input.sizeSol, params: input.params,
    fills: { qty: 0, qtyBought: 0, costSol: 0, proceedsSol: 0, entryPrice: 0, fillPrice: 0 },
    track: {
      lastPrice: 0, peak: 0, stop: 0, stopKind: "loss", leg: 0, armed: false, tp1Done: false,
      openedTs: input.ts, moonbagTs: null, lastTs: input.ts, ignored: 0,
    },
    order: {
      sellKind: "exit", sellQty: 0, outcome: "none", attempts: 0, retryAt: 0, intentSeq: 1,
      signature: null, error: null, pendingExit: null, exitReason: null, partialRetryAt: 0,
    },
    reason: "created", seq: 0,
  };
}

export const intentId = (c: PositionContext): string => `${c.positionId}:${c.order.intentSeq}`;

export const holdingState = (c: PositionContext): HoldingState =>
  c.track.leg === 1 ? "moonbag" : c.track.armed ? "trailing" : "open";

const STOP_REASON: Record<StopKind, ExitReason> = {
  loss: "stop_loss", breakeven: "breakeven_stop", trailing: "trailing_stop", moonbag: "moonbag_stop",
};

/** Deadline of the current leg: max hold before the moonbag, the moonbag's max age after. */
export function deadline(c: PositionContext): number | null {
  const { params: p, track: t } = c;
  if (t.leg === 1) return p.moonbagMaxAgeMs === null ? null : (t.moonbagTs ?? t.openedTs) + p.moonbagMaxAgeMs;
  return p.maxHoldMs === null ? null : t.openedTs + p.maxHoldMs;
}

export function timeExit(c: PositionContext, ts: number): ExitReason | null {
  const d = deadline(c);
  if (d === null || !(ts >= d)) return null;
  return c.track.leg === 1 ? "moonbag_max_age" : "time_limit";
}

/** Peak, arming and stop after seeing `price`; the stop only ever rises within a leg. */
export function raiseStop(c: PositionContext, price: number): Pick<Track, "peak" | "armed" | "stop" | "stopKind"> {
  const { params: p, track: t } = c;
  const peak = Math.max(t.peak, price);
  const armed = t.armed || peak >= c.fills.entryPrice * (1 + p.trailingActivation);
  const drop = t.leg === 1 ? p.moonbagTrailingDrop : armed ? p.trailingDrop : null;
  if (drop !== null && peak * (1 - drop) > t.stop) {
    return { peak, armed, stop: peak * (1 - drop), stopKind: t.leg === 1 ? "moonbag" : "trailing" };
  }
  return { peak, armed, stop: t.stop, stopKind: t.stopKind };
}

/**
 * What a price tick means in a holding state, in order: a non-finite price is ignored (counted);
 * a price <= 0 is a crash and exits (upstream skipped the stop there); the stop; the deadline;
 * the moonbag trigger; TP1; arming the trailing stop.
 */
export function decideTick(c: PositionContext, price: number, ts: number): TickDecision {
  if (!Number.isFinite(price) || !Number.isFinite(ts)) return IGNORE;
  if (price <= 0) return { kind: "exit", reason: "price_zero" };
  const next = raiseStop(c, price);
  if (price <= next.stop) return { kind: "exit", reason: STOP_REASON[next.stopKind] };
  const late = timeExit(c, ts);
  if (late !== null) return { kind: "exit", reason: late };
  if (c.track.leg === 1) return HOLD;
  const entry = c.fills.entryPrice;
  const partialOk = ts >= c.order.partialRetryAt;
  if (partialOk && price >= entry * c.params.moonbagMultiple) return { kind: "moonbag" };
  if (partialOk && !c.track.tp1Done && price >= entry * (1 + c.params.tp1Gain)) return { kind: "tp1" };
  if (next.armed && !c.track.armed) return { kind: "arm" };
  return HOLD;
}

export const seeTs = (c: PositionContext, ts: number | undefined): number =>
  ts !== undefined && Number.isFinite(ts) ? Math.max(c.track.lastTs, ts) : c.track.lastTs;

export const withTs = (c: PositionContext, ts: number | undefined): Update =>
  ({ track: { ...c.track, lastTs: seeTs(c, ts) } });

/** The track after a tick; a non-finite one only counts, a crash records price 0. */
export function applyTick(c: PositionContext, price: number, ts: number): Update {
  const t = c.track;
  if (!Number.isFinite(price) || !Number.isFinite(ts)) return { track: { ...t, ignored: t.ignored + 1 } };
  if (price <= 0) return { track: { ...t, lastPrice: 0, lastTs: seeTs(c, ts) } };
  return { track: { ...t, ...raiseStop(c, price), lastPrice: price, lastTs: seeTs(c, ts) } };
}

export function aiExit(c: PositionContext, score: number): boolean {
  const below = c.params.aiExitBelow[holdingState(c)];
  return below !== null && Number.isFinite(score) && score < below;
}

/** Tokens to sell for a leg; the moonbag sells just enough to get the initial cost back. */
export function sellQtyFor(c: PositionContext, kind: SellKind, price: number): number {
  const f = c.fills;
  if (kind === "exit") return f.qty;
  if (kind === "tp1") return f.qty * c.params.tp1Fraction;
  const owed = f.costSol - f.proceedsSol;
  return owed <= 0 || !(price > 0) ? 0 : Math.min(f.qty, owed / price);
}

export const validFill = (f: Fill): boolean =>
  Number.isFinite(f.qty) && Number.isFinite(f.sol) && f.qty > 0 && f.sol > 0;

export function applyBuy(c: PositionContext, f: Fill): Update {
  const entry = f.sol / f.qty;
  return {
    fills: { qty: f.qty, qtyBought: f.qty, costSol: f.sol, proceedsSol: 0, entryPrice: entry, fillPrice: entry },
    track: {
      ...c.track, lastPrice: entry, peak: entry, stop: entry * (1 + c.params.stopLossPct), stopKind: "loss",
      openedTs: Number.isFinite(f.ts) ? f.ts : c.track.lastTs, lastTs: seeTs(c, f.ts),
    },
    order: { ...c.order, signature: f.signature },
  };
}

/** The moonbag is a new leg: its stop starts at max(entry, peak less its wider drop). */
export function startMoonbag(c: PositionContext): Update {
  const t = c.track;
  const stop = Math.max(c.fills.entryPrice, t.peak * (1 - c.params.moonbagTrailingDrop));
  return { track: { ...t, leg: 1, armed: true, tp1Done: true, moonbagTs: t.lastTs, stop, stopKind: "moonbag" } };
}

/** Books a sell's fill (clamped: the held quantity never goes negative) and its leg's effect. */
export function applySell(c: PositionContext, f: Fill): Update {
  const kind = c.order.sellKind;
  const sold = Number.isFinite(f.qty) ? Math.min(Math.max(f.qty, 0), c.fills.qty) : 0;
  const sol = Number.isFinite(f.sol) ? Math.max(f.sol, 0) : 0;
  const fills = {
    ...c.fills, qty: c.fills.qty - sold, proceedsSol: c.fills.proceedsSol + sol,
    fillPrice: sold > 0 ? sol / sold : c.fills.fillPrice,
  };
  const next: PositionContext = {
    ...c, fills, track: { ...c.track, lastTs: seeTs(c, f.ts) },
    order: { ...c.order, signature: f.signature, attempts: 0, outcome: "filled" },
  };
  if (sold <= 0) return next;
  if (kind === "recover") return { ...next, ...startMoonbag(next) };
  if (kind !== "tp1") return next;
  const t = next.track;
  const be = c.params.breakEvenAfterTp1 && t.leg === 0 && fills.entryPrice > t.stop;
  return { ...next, track: { ...t, tp1Done: true, ...(be ? { stop: fills.entryPrice, stopKind: "breakeven" as const } : {}) } };
}

export const isDust = (c: PositionContext): boolean =>
  !(c.fills.qty > 0) || c.fills.qty * c.fills.fillPrice < c.params.dustSol;

export function retryDelay(p: PositionParams, attempts: number): number {
  return Math.min(p.sellRetryMaxMs, p.sellRetryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/** Failed attempts are counted before routing: retry while at most `maxSellRetries` failed. */
export const retriesLeft = (c: PositionContext): boolean => c.order.attempts <= c.params.maxSellRetries;

export function noteFailure(c: PositionContext, error: string): Update {
  const attempts = c.order.attempts + 1;
  const retryAt = c.track.lastTs + retryDelay(c.params, attempts);
  return { order: { ...c.order, outcome: "failed", attempts, error, retryAt }, reason: "sell_failed" };
}

const newLeg = (o: Order, sellKind: SellKind, sellQty: number): Order =>
  ({ ...o, sellKind, sellQty, attempts: 0, intentSeq: o.intentSeq + 1, outcome: "none" });

/** Starts the exit leg: sell everything the fills say is held. */
export function beginExit(c: PositionContext, reason: ExitReason, ts?: number): Update {
  const order = { ...newLeg(c.order, "exit", c.fills.qty), exitReason: reason, pendingExit: null };
  return { order, reason, ...(ts === undefined ? {} : withTs(c, ts)) };
}

export function beginSell(c: PositionContext, kind: "tp1" | "recover", price: number): Update {
  return { order: newLeg(c.order, kind, sellQtyFor(c, kind, price)), reason: kind === "tp1" ? "tp1_hit" : "moonbag_hit" };
}

/** A new attempt after a provable failure or a partial fill: a new intent, a new key. */
export function nextIntent(c: PositionContext): Update {
  const o = c.order;
  const sellQty = o.sellKind === "exit" ? c.fills.qty : o.sellQty;
  return { order: { ...o, intentSeq: o.intentSeq + 1, outcome: "none", sellQty } };
}

export function output(c: PositionContext, outcome: "closed" | "failed"): PositionOutput {
  const f = c.fills;
  return {
    positionId: c.positionId, outcome, reason: c.reason, qtyBought: f.qtyBought, qtyLeft: f.qty,
    costSol: f.costSol, proceedsSol: f.proceedsSol, pnlSol: f.proceedsSol - f.costSol,
  };
}
