/**
 * Event constructors: one literal per kind with every field spelled out (object spread is slow
 * and makes dictionary-mode objects; these are built millions of times).
 */
import type { Fill } from "./curve.js";
import type { SimFlow, SimLaunchEvent, SimMigrateEvent, SimRugEvent, SimTradeEvent } from "./events.js";
import type { Venue } from "./venue.js";

/** Where and when an event lands, and its signature. */
export interface Stamp {
  readonly mint: string;
  readonly slot: number;
  readonly tsMs: number;
  readonly signature: string;
  readonly solUsd: number;
}

export function launchEvent(s: Stamp, v: Venue, symbol: string, name: string, creator: string): SimLaunchEvent {
  return {
    kind: "launch",
    mint: s.mint,
    venue: v.kind,
    pool: v.address,
    slot: s.slot,
    tsMs: s.tsMs,
    signature: s.signature,
    solReserve: v.solReserve,
    tokenReserve: v.tokenReserve,
    realSolReserve: v.realSolReserve,
    realTokenReserve: v.realTokenReserve,
    price: v.price,
    solUsd: s.solUsd,
    symbol,
    name,
    creator,
  };
}

export function tradeEvent(s: Stamp, v: Venue, side: "buy" | "sell", fill: Fill, trader: string, flow: SimFlow): SimTradeEvent {
  return {
    kind: "trade",
    mint: s.mint,
    venue: v.kind,
    pool: v.address,
    slot: s.slot,
    tsMs: s.tsMs,
    signature: s.signature,
    solReserve: v.solReserve,
    tokenReserve: v.tokenReserve,
    realSolReserve: v.realSolReserve,
    realTokenReserve: v.realTokenReserve,
    price: v.price,
    solUsd: s.solUsd,
    side,
    solAmount: fill.sol,
    tokenAmount: fill.tokens,
    feeLamports: fill.fee,
    trader,
    flow,
  };
}

export function migrateEvent(s: Stamp, v: Venue, fromPool: string): SimMigrateEvent {
  return {
    kind: "migrate",
    mint: s.mint,
    venue: "pumpswap",
    pool: v.address,
    slot: s.slot,
    tsMs: s.tsMs,
    signature: s.signature,
    solReserve: v.solReserve,
    tokenReserve: v.tokenReserve,
    realSolReserve: v.realSolReserve,
    realTokenReserve: v.realTokenReserve,
    price: v.price,
    solUsd: s.solUsd,
    fromPool,
  };
}

export function rugEvent(s: Stamp, v: Venue, removed: { readonly sol: number; readonly token: number }, creator: string): SimRugEvent {
  return {
    kind: "rug",
    mint: s.mint,
    venue: v.kind,
    pool: v.address,
    slot: s.slot,
    tsMs: s.tsMs,
    signature: s.signature,
    solReserve: v.solReserve,
    tokenReserve: v.tokenReserve,
    realSolReserve: v.realSolReserve,
    realTokenReserve: v.realTokenReserve,
    price: v.price,
    solUsd: s.solUsd,
    removedSol: removed.sol,
    removedToken: removed.token,
    creator,
  };
}
