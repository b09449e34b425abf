/**
 * The simulated market's event stream: facts in slot order, as a chain indexer would see them.
 * Amounts are integers in base units (lamports; raw token units with 6 decimals). Every event
 * carries the venue's reserves *after* it, so a consumer can rebuild the pool account at any point.
 */

/** Where a token trades: the pump.fun curve, the PumpSwap pool it migrated to, or a Raydium CPMM pool it launched on. */
export type SimVenue = "pumpfun" | "pumpswap" | "raydium";

/**
 * Who sent an order (ground truth, not visible on chain; for tests and diagnostics):
 * `retail` noise traders, `sniper` launch buyers, `dev` the creator, `pump`/`dump` a coordinated
 * group entering and exiting, `burst` a buy-pressure burst, `follow` the planted signal's
 * follow-on buyers, `panic` holders selling into a rug.
 */
export type SimFlow = "retail" | "sniper" | "dev" | "pump" | "dump" | "burst" | "follow" | "panic";

interface SimEventBase {
  readonly mint: string;
  readonly venue: SimVenue;
  /** Bonding-curve account (pumpfun) or pool account (pumpswap, raydium). */
  readonly pool: string;
  readonly slot: number;
  /** Unix milliseconds: `startTs * 1000 + (slot - startSlot) * 400`. */
  readonly tsMs: number;
  /** Base58-looking, deterministic, unique per event. */
  readonly signature: string;
  /**
   * SOL-side reserve after the event, lamports: the curve's virtual SOL, or the pool's SOL.
   * The spot price is `(solReserve / 1e9) / (tokenReserve / 1e6)` SOL per token.
   */
  readonly solReserve: number;
  /** Token-side reserve after the event, raw: the curve's virtual tokens, or the pool's tokens. */
  readonly tokenReserve: number;
  /** Real SOL held after the event, lamports (curve: real SOL reserves; pool: same as solReserve). */
  readonly realSolReserve: number;
  /** Real tokens held after the event, raw (curve: real token reserves; pool: same as tokenReserve). */
  readonly realTokenReserve: number;
  /** Spot price after the event, SOL per whole token. */
  readonly price: number;
  /** SOL/USD at the event. */
  readonly solUsd: number;
}

export interface SimLaunchEvent extends SimEventBase {
  readonly kind: "launch";
  readonly symbol: string;
  readonly name: string;
  readonly creator: string;
}

export interface SimTradeEvent extends SimEventBase {
  readonly kind: "trade";
  readonly side: "buy" | "sell";
  /**
   * Lamports into (buy) or out of (sell) the venue's pricing, before the fee: a buyer paid
   * `solAmount + feeLamports`, a seller received `solAmount - feeLamports` (pump.fun TradeEvent
   * `sol_amount` semantics). Volume is counted on `solAmount`.
   */
  readonly solAmount: number;
  /** Raw token units bought or sold. */
  readonly tokenAmount: number;
  readonly feeLamports: number;
  readonly trader: string;
  readonly flow: SimFlow;
}

/** The curve completed: its real SOL and the remaining 206.9M tokens seed a PumpSwap pool. */
export interface SimMigrateEvent extends SimEventBase {
  readonly kind: "migrate";
  readonly venue: "pumpswap";
  /** The completed bonding curve account. */
  readonly fromPool: string;
}

/** The creator pulled liquidity: the pool's reserves drop to a fraction of a percent. */
export interface SimRugEvent extends SimEventBase {
  readonly kind: "rug";
  readonly removedSol: number;
  readonly removedToken: number;
  readonly creator: string;
}

export type SimEvent = SimLaunchEvent | SimTradeEvent | SimMigrateEvent | SimRugEvent;

/** Liquidity in USD implied by an event's reserves: 2 x the real SOL-side reserve. */
export function eventLiquidityUsd(e: SimEvent): number {
  return (2 * e.realSolReserve * e.solUsd) / 1e9;
}
