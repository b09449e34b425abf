/**
 * The stream vocabulary. Feeds (Geyser, PubSub, replay) produce `FeedEvent`s in these neutral
 * shapes; decoders turn them into `MarketEvent`s (price ticks and trades per mint). `tsEvent` is
 * venue time, `tsInit` our clock when we received it (both unix ms).
 */
import type { BarRow } from "../core/bar.js";

export type Dex = "pumpfun" | "pumpswap" | "raydium-amm-v4" | "raydium-cpmm";

export interface AccountUpdate {
  readonly pubkey: string;
  readonly owner: string;
  readonly data: Uint8Array;
  readonly slot: number;
  /** Validator-wide write counter: orders two writes of the same account in one slot. */
  readonly writeVersion: number;
  readonly tsEvent: number;
  readonly tsInit: number;
}

export interface TokenBalance {
  readonly accountIndex: number;
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  readonly decimals: number;
}

export interface TransactionUpdate {
  readonly signature: string;
  readonly slot: number;
  readonly index: number;
  readonly failed: boolean;
  /** Static keys, then loaded writable, then loaded readonly: what `accountIndex` points into. */
  readonly accountKeys: readonly string[];
  readonly logMessages: readonly string[];
  readonly preTokenBalances: readonly TokenBalance[];
  readonly postTokenBalances: readonly TokenBalance[];
  readonly tsEvent: number;
  readonly tsInit: number;
}

export type SlotStatusName = "processed" | "confirmed" | "finalized" | "first_shred" | "completed" | "created_bank" | "dead";

export interface SlotUpdate {
  readonly slot: number;
  readonly parent: number | null;
  readonly status: SlotStatusName;
  readonly tsEvent: number;
  readonly tsInit: number;
}

/** The feed resumed later than the provider could replay: updates between the slots are lost. */
export interface FeedGap {
  readonly kind: "gap";
  /** First slot we asked to resume from. */
  readonly requestedFromSlot: number;
  /** First slot the provider actually delivered after the reconnect. */
  readonly resumedAtSlot: number;
  readonly tsInit: number;
}

export interface FeedStatus {
  readonly kind: "status";
  readonly state: "connected" | "disconnected" | "stale";
  readonly detail: string;
  readonly tsInit: number;
}

export type FeedEvent =
  | { readonly kind: "account"; readonly update: AccountUpdate }
  | { readonly kind: "transaction"; readonly update: TransactionUpdate }
  | { readonly kind: "slot"; readonly update: SlotUpdate }
  | FeedGap
  | FeedStatus;

export interface PriceTick {
  readonly kind: "price";
  readonly mint: string;
  readonly pool: string;
  readonly dex: Dex;
  readonly quoteMint: string;
  readonly slot: number;
  /**
   * Write version of the account write that set this price (the latest vault write for a
   * two-vault pool): validator-wide and increasing, so it tells apart and orders two ticks of one
   * mint in one slot or millisecond.
   */
  readonly writeVersion: number;
  readonly tsEvent: number;
  readonly tsInit: number;
  /** Quote tokens per token, UI units. */
  readonly price: number;
  /** Liquidity in quote units: 2 × the real quote-side reserve (UI units). */
  readonly liquidity: number;
  /** Fully diluted value in quote units, where the pool knows the supply. */
  readonly fdv: number | null;
}

export interface TradeTick {
  readonly kind: "trade";
  readonly mint: string;
  readonly pool: string;
  readonly dex: Dex;
  readonly quoteMint: string;
  readonly slot: number;
  readonly signature: string;
  /** The transaction's index in its block: orders trades that share a slot and a timestamp. */
  readonly seq: number;
  readonly tsEvent: number;
  readonly tsInit: number;
  readonly side: "buy" | "sell";
  /** Execution price, quote per token. */
  readonly price: number;
  /** The pool's spot price the trade left behind (quote per token), where the data says. */
  readonly spotAfter: number | null;
  /** Tokens traded, UI units. */
  readonly baseAmount: number;
  /** Quote traded, UI units: the volume. */
  readonly quoteAmount: number;
  readonly user: string | null;
}

export type MarketEvent = PriceTick | TradeTick;

/** Where decoders append their output (an array, or anything with `push`). */
export interface Out<T> {
  push(item: T): unknown;
}

/** One OHLCV bar, in USD: the stored `bars` row (core/bar.ts), so a sink writes it as is. */
export type Bar = BarRow;
