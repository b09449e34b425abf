/** Small MarketEvent builders for bar and operator tests. */
import type { PriceTick, TradeTick } from "../types.js";

export const QUOTE = "So11111111111111111111111111111111111111112";

export function trade(mint: string, tsEvent: number, spot: number, quote = 1): TradeTick {
  return { kind: "trade", mint, pool: `pool-${mint}`, dex: "pumpfun", quoteMint: QUOTE, slot: Math.floor(tsEvent / 400), signature: `sig-${mint}-${tsEvent}-${spot}`, seq: 0, tsEvent, tsInit: tsEvent, side: "buy", price: spot, spotAfter: spot, baseAmount: quote / spot, quoteAmount: quote, user: null };
}

export function price(mint: string, tsEvent: number, p: number, liquidity = 10, fdv: number | null = 100): PriceTick {
  return { kind: "price", mint, pool: `pool-${mint}`, dex: "pumpfun", quoteMint: QUOTE, slot: Math.floor(tsEvent / 400), writeVersion: tsEvent, tsEvent, tsInit: tsEvent, price: p, liquidity, fdv };
}
