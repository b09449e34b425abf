/**
 * What the trading path knows about the market right now, from the decoded stream: the latest
 * SOL-quoted price tick per mint (price, liquidity, FDV, venue) and the latest closed bar (USD).
 * It prices entries for risk, backs the paper executor's pools (`SimMarket`) and the dashboard's
 * scanner. Ticks of pools not quoted in SOL are kept for the scanner but never traded.
 */
import type { PoolReserves as RiskPool } from "../../actors/risk/index.js";
import type { PoolReserves as CpPool } from "../../actors/executor/cpmm.js";
import type { SimMarket } from "../../actors/executor/executor.sim.js";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import type { Bar, Dex, PriceTick } from "../../streams/types.js";

/** Total swap fee per venue in basis points (pump.fun 1%, PumpSwap and Raydium 0.25%). */
export const VENUE_FEE_BPS: Readonly<Record<Dex, number>> = { pumpfun: 100, pumpswap: 25, "raydium-cpmm": 25, "raydium-amm-v4": 25 };

/** Meme tokens on these venues have 6 decimals; the paper wallet books them so. */
export const TOKEN_DECIMALS = 6;

export interface MintQuote {
  readonly mint: string;
  readonly dex: Dex;
  readonly quoteMint: string;
  /** SOL per token. */
  readonly price: number;
  /** Liquidity in SOL: 2 x the SOL reserve. */
  readonly liquiditySol: number;
  readonly fdvSol: number | null;
  /** Venue time of the tick, and our wall time when it arrived. */
  readonly tsEvent: number;
  readonly seenAt: number;
}

export class MarketState {
  readonly #quotes = new Map<string, MintQuote>();
  readonly #bars = new Map<string, Bar>();
  readonly #maxMints: number;

  constructor(maxMints = 10_000) {
    this.#maxMints = maxMints;
  }

  /** A decoded price tick; false when it is not SOL-quoted or not a usable price. */
  onTick(t: PriceTick, seenAt: number): boolean {
    if (t.quoteMint !== WSOL_MINT || !(t.price > 0) || !Number.isFinite(t.price)) return false;
    this.#quotes.delete(t.mint); // re-insert: the map stays in recency order for eviction
    this.#quotes.set(t.mint, {
      mint: t.mint, dex: t.dex, quoteMint: t.quoteMint, price: t.price, liquiditySol: t.liquidity,
      fdvSol: t.fdv, tsEvent: t.tsEvent, seenAt,
    });
    if (this.#quotes.size > this.#maxMints) this.#quotes.delete(this.#quotes.keys().next().value as string);
    return true;
  }

  onBar(b: Bar): void {
    this.#bars.delete(b.mint);
    this.#bars.set(b.mint, b);
    if (this.#bars.size > this.#maxMints) this.#bars.delete(this.#bars.keys().next().value as string);
  }

  quote(mint: string): MintQuote | undefined {
    return this.#quotes.get(mint);
  }

  lastBar(mint: string): Bar | undefined {
    return this.#bars.get(mint);
  }

  bars(): IterableIterator<Bar> {
    return this.#bars.values();
  }

  get size(): number {
    return this.#quotes.size;
  }

  /** The pool as risk sees it (UI units), from the latest tick; undefined without one. */
  riskPool(mint: string): RiskPool | undefined {
    const q = this.#quotes.get(mint);
    if (q === undefined || !(q.liquiditySol > 0)) return undefined;
    const reserveSol = q.liquiditySol / 2;
    return { reserveSol, reserveToken: reserveSol / q.price, feeBps: VENUE_FEE_BPS[q.dex] };
  }

  /** The paper executor's view: the same pool in lamports and raw token units. */
  simMarket(): SimMarket {
    return {
      pool: (mint): CpPool | undefined => {
        const p = this.riskPool(mint);
        if (p === undefined) return undefined;
        const sol = BigInt(Math.floor(p.reserveSol * 1e9));
        const token = BigInt(Math.floor(p.reserveToken * 10 ** TOKEN_DECIMALS));
        return sol > 0n && token > 0n ? { sol, token, feeBps: p.feeBps } : undefined;
      },
      decimals: () => TOKEN_DECIMALS,
    };
  }
}
