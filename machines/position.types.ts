import type { PositionParams } from "./position.params.js";

/**
 * What a landed transaction moved, read from its balance changes (never from a quote):
 * `qty` tokens bought or sold, `sol` spent (buy) or received (sell), fees included.
 */
export interface Fill {
  readonly qty: number;
  readonly sol: number;
  readonly signature: string;
  readonly ts: number;
}

/**
 * A send whose outcome is not known yet: the executor must return this, not reject, whenever the
 * transaction might still land. Rejecting means "provably did not land" and allows a new intent.
 */
export interface Unknown {
  readonly kind: "unknown";
  readonly signature: string;
}

export type TradeResult = ({ readonly kind: "filled" } & Fill) | Unknown;
/**
 * What `resolveOutcome` says about an unknown send: landed (with its fill) or expired (its
 * blockhash passed and it is not on chain). While it cannot tell yet it rejects; the machine
 * asks again after `resolveRetryMs`.
 */
export type ResolveResult = ({ readonly kind: "landed" } & Fill) | { readonly kind: "expired" };

/**
 * `intentId` is the idempotency key: the same id after a restore means "the same order", which
 * the executor must look up in its journal and never sign anew.
 */
export interface BuyInput {
  readonly positionId: string;
  readonly mint: string;
  readonly intentId: string;
  readonly sizeSol: number;
}

export type SellKind = "tp1" | "recover" | "exit";

export interface SellInput {
  readonly positionId: string;
  readonly mint: string;
  readonly intentId: string;
  readonly kind: SellKind;
  /** Token quantity to sell; for an exit, everything the fills say is held. */
  readonly qty: number;
  readonly reason: string;
}

export interface ResolveInput {
  readonly positionId: string;
  readonly intentId: string;
  readonly side: "buy" | "sell";
  readonly signature: string;
}

export interface PositionInput {
  readonly positionId: string;
  readonly mint: string;
  readonly sizeSol: number;
  readonly params: PositionParams;
  /** The clock when the position was created; later times come with events and fills. */
  readonly ts: number;
}

export type ExitReason =
  | "stop_loss"
  | "breakeven_stop"
  | "trailing_stop"
  | "moonbag_stop"
  | "price_zero"
  | "ai_exit"
  | "time_limit"
  | "moonbag_max_age"
  | "user";

/** The stop that is armed: its level rises with each kind, and names the exit reason. */
export type StopKind = "loss" | "breakeven" | "trailing" | "moonbag";

/** Booked from fills only. */
export interface Fills {
  /** Tokens held. */
  readonly qty: number;
  readonly qtyBought: number;
  /** SOL spent on the buy and received from sells. */
  readonly costSol: number;
  readonly proceedsSol: number;
  /** Cost / quantity of the buy's fill. */
  readonly entryPrice: number;
  /** Price of the last fill (sol / qty): values the leftover as dust or not. */
  readonly fillPrice: number;
}

/** What prices and time have done to the position; rewritten on every tick. */
export interface Track {
  readonly lastPrice: number;
  readonly peak: number;
  readonly stop: number;
  readonly stopKind: StopKind;
  /** The moonbag starts leg 1 with its own, wider stop; within a leg the stop only rises. */
  readonly leg: 0 | 1;
  readonly armed: boolean;
  readonly tp1Done: boolean;
  readonly openedTs: number;
  readonly moonbagTs: number | null;
  /** Latest time seen on an event or fill: "now" for delays and deadlines. */
  readonly lastTs: number;
  /** Inputs ignored because they were not finite numbers (counted, never acted on). */
  readonly ignored: number;
}

/** The sell leg in progress and what is waiting to happen. */
export interface Order {
  readonly sellKind: SellKind;
  readonly sellQty: number;
  /** How the last attempt settled; the leg's `settle` state routes on it. */
  readonly outcome: "none" | "filled" | "unknown" | "failed";
  readonly attempts: number;
  readonly retryAt: number;
  readonly intentSeq: number;
  readonly signature: string | null;
  readonly error: string | null;
  /** An exit decided while a buy or partial sell was in flight; taken once it settles. */
  readonly pendingExit: ExitReason | null;
  readonly exitReason: ExitReason | null;
  /** No partial sell (TP1, moonbag) re-triggers before this time after one gave up. */
  readonly partialRetryAt: number;
}

/**
 * Few top-level keys on purpose: XState's `assign` copies the context with `Object.assign({},
 * ...)`, which V8 turns into a slow dictionary object past ~16 keys (about 2 KB per actor).
 */
export interface PositionContext {
  readonly positionId: string;
  readonly mint: string;
  readonly sizeSol: number;
  readonly params: PositionParams;
  readonly fills: Fills;
  readonly track: Track;
  readonly order: Order;
  readonly reason: string;
  readonly seq: number;
}

export type PositionEvent =
  | { readonly type: "price.tick"; readonly price: number; readonly ts: number }
  | { readonly type: "score.update"; readonly score: number; readonly ts: number }
  | { readonly type: "clock.tick"; readonly ts: number }
  | { readonly type: "user.exit"; readonly ts?: number };

export interface PositionOutput {
  readonly positionId: string;
  readonly outcome: "closed" | "failed";
  readonly reason: string;
  readonly qtyBought: number;
  /** Tokens left behind (dust, or sold elsewhere); 0 after a clean exit. */
  readonly qtyLeft: number;
  readonly costSol: number;
  readonly proceedsSol: number;
  readonly pnlSol: number;
}

/** What `recordTransition` receives: the runtime journals it with the persisted snapshot. */
export interface TransitionRecord {
  readonly positionId: string;
  readonly seq: number;
  readonly state: string;
  readonly reason: string;
  readonly ts: number;
}
