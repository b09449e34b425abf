/**
 * Where one token trades right now: its bonding curve, then the pool it migrated to (or the
 * Raydium pool it launched on). One interface over both, so the order flow does not care.
 */
import {
  PUMP_MIGRATION_TOKEN,
  PUMPSWAP_LP_FEE_BPS,
  PUMPSWAP_PROTOCOL_FEE_BPS,
  RAYDIUM_LP_FEE_BPS,
  RAYDIUM_PROTOCOL_FEE_BPS,
} from "./constants.js";
import type { CurveState, Fill } from "./curve.js";
import { curveBuy, curveCirculating, curveSell, newCurve } from "./curve.js";
import type { PoolState } from "./amm.js";
import { newPool, poolBuy, poolSell, removeLiquidity } from "./amm.js";
import type { SimVenue } from "./events.js";

export class Venue {
  kind: SimVenue;
  address: string;
  #curve: CurveState | null;
  #pool: PoolState | null;

  private constructor(kind: SimVenue, address: string, curve: CurveState | null, pool: PoolState | null) {
    this.kind = kind;
    this.address = address;
    this.#curve = curve;
    this.#pool = pool;
  }

  static curve(address: string): Venue {
    return new Venue("pumpfun", address, newCurve(), null);
  }

  /** A Raydium pool seeded by its creator with `sol` lamports and `token` raw tokens. */
  static raydium(address: string, sol: number, token: number): Venue {
    return new Venue("raydium", address, null, newPool(sol, token, RAYDIUM_LP_FEE_BPS, RAYDIUM_PROTOCOL_FEE_BPS));
  }

  get isCurve(): boolean {
    return this.#curve !== null;
  }

  /** SOL side used for pricing, lamports (virtual on the curve). */
  get solReserve(): number {
    return this.#curve ? this.#curve.virtualSol : (this.#pool as PoolState).sol;
  }

  get tokenReserve(): number {
    return this.#curve ? this.#curve.virtualToken : (this.#pool as PoolState).token;
  }

  get realSolReserve(): number {
    return this.#curve ? this.#curve.realSol : (this.#pool as PoolState).sol;
  }

  get realTokenReserve(): number {
    return this.#curve ? this.#curve.realToken : (this.#pool as PoolState).token;
  }

  /** Spot price, SOL per whole token. */
  get price(): number {
    return (this.solReserve / this.tokenReserve) * 1e-3;
  }

  /** The curve has sold all its real tokens and waits to migrate. */
  get complete(): boolean {
    return this.#curve?.complete ?? false;
  }

  /** Tokens the curve can take back (on a pool: no limit but the seller's bag). */
  get sellable(): number {
    return this.#curve ? curveCirculating(this.#curve) : Number.MAX_SAFE_INTEGER;
  }

  buy(spend: number): Fill | null {
    return this.#curve ? curveBuy(this.#curve, spend) : poolBuy(this.#pool as PoolState, spend);
  }

  sell(tokens: number): Fill | null {
    return this.#curve ? curveSell(this.#curve, tokens) : poolSell(this.#pool as PoolState, tokens);
  }

  /** Move a completed curve's real SOL and the 206.9M reserved tokens into a PumpSwap pool. */
  migrate(poolAddress: string): string {
    const c = this.#curve;
    if (!c?.complete) throw new Error("migrate: the curve is not complete");
    const from = this.address;
    this.#pool = newPool(c.realSol, PUMP_MIGRATION_TOKEN, PUMPSWAP_LP_FEE_BPS, PUMPSWAP_PROTOCOL_FEE_BPS);
    this.#curve = null;
    this.kind = "pumpswap";
    this.address = poolAddress;
    return from;
  }

  /** Pull `fraction` of the pool's liquidity; only pools can be rugged. */
  rug(fraction: number): { readonly sol: number; readonly token: number } {
    if (!this.#pool) throw new Error("rug: a bonding curve has no removable liquidity");
    return removeLiquidity(this.#pool, fraction);
  }
}

