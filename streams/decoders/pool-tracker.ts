/**
 * Account updates in, price ticks per mint out. pump.fun curves price themselves in one account,
 * so they tick at once. Two-vault pools (Raydium, PumpSwap) need three accounts that a swap
 * changes together, so a pool is marked dirty and ticks once its slot is over: a tick never mixes
 * a new base vault with an old quote vault. Mint accounts feed supply (for FDV) and decimals.
 */
import { pubkeyAt } from "../../chain/layouts/bytes.js";
import type { Decoded } from "../../chain/layouts/errors.js";
import { curvePriceSol, decodeCurveReserves } from "../../chain/layouts/pumpfun-curve.js";
import {
  PUMP_PROGRAM_ID,
  PUMP_TOKEN_DECIMALS,
  PUMPSWAP_PROGRAM_ID,
  RAYDIUM_AMM_V4_PROGRAM_ID,
  RAYDIUM_CPMM_PROGRAM_ID,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  WSOL_MINT,
} from "../../chain/layouts/programs.js";
import { decodeMint, isMintData } from "../../chain/layouts/spl-mint.js";
import { decodeTokenAmount } from "../../chain/layouts/spl-token.js";
import type { AccountUpdate, Out, PriceTick } from "../types.js";
import { ammV4Pool, cpmmPool, pumpSwapPool, spotFromVaults, type TwoVaultPool } from "./pool-defs.js";
import type { PoolRegistry } from "./registry.js";
import type { DecodeStats } from "./stats.js";

interface PoolState {
  def: TwoVaultPool;
  tokenAmount: bigint | null;
  quoteAmount: bigint | null;
  slot: number;
  writeVersion: number;
  tsEvent: number;
  tsInit: number;
}

export class PoolTracker {
  readonly #pools = new Map<string, PoolState>();
  /** vault pubkey → pool pubkey and which side (and the answer `vault()` gave last, reused while the pool's def is the same). */
  readonly #vaults = new Map<string, { pool: string; side: "token" | "quote"; seen?: { pool: string; side: "token" | "quote"; def: TwoVaultPool } }>();
  readonly #dirty = new Set<string>();
  #dirtySlot = -1;
  readonly #registry: PoolRegistry;
  readonly #stats: DecodeStats;

  constructor(registry: PoolRegistry, stats: DecodeStats) {
    this.#registry = registry;
    this.#stats = stats;
  }

  /** Ticks caused by this update (and by pools whose slot it closes). */
  account(u: AccountUpdate, out: Out<PriceTick>): void {
    this.#stats.accounts++;
    if (this.#dirty.size > 0 && u.slot > this.#dirtySlot) this.#drain(out);
    switch (u.owner) {
      case PUMP_PROGRAM_ID:
        return this.#curve(u, out);
      case RAYDIUM_AMM_V4_PROGRAM_ID:
        return this.#define(u, ammV4Pool(u.pubkey, u.data));
      case RAYDIUM_CPMM_PROGRAM_ID:
        return this.#define(u, cpmmPool(u.pubkey, u.data));
      case PUMPSWAP_PROGRAM_ID:
        return this.#define(u, pumpSwapPool(u.pubkey, u.data, this.#registry));
      case TOKEN_PROGRAM_ID:
      case TOKEN_2022_PROGRAM_ID:
        return this.#tokenProgram(u);
      default:
        this.#stats.ignored++;
    }
  }

  /** A slot status: pools dirty in this slot or earlier are complete now. */
  slot(slot: number, out: Out<PriceTick>): void {
    if (this.#dirty.size > 0 && slot >= this.#dirtySlot) this.#drain(out);
  }

  /** Emit every pending pool (end of stream). */
  flush(out: Out<PriceTick>): void {
    if (this.#dirty.size > 0) this.#drain(out);
  }

  /** The pool's spot price for given vault amounts (a trade's post balances). */
  spotAfter(pool: string, tokenAmount: bigint, quoteAmount: bigint): number | null {
    const st = this.#pools.get(pool);
    return st === undefined ? null : (spotFromVaults(st.def, tokenAmount, quoteAmount)?.price ?? null);
  }

  /** Which pool and side a vault belongs to, for trades read from balance changes. */
  vault(vault: string): { readonly pool: string; readonly side: "token" | "quote"; readonly def: TwoVaultPool } | undefined {
    const ref = this.#vaults.get(vault);
    const st = ref === undefined ? undefined : this.#pools.get(ref.pool);
    if (ref === undefined || st === undefined) return undefined;
    if (ref.seen?.def !== st.def) ref.seen = { pool: ref.pool, side: ref.side, def: st.def };
    return ref.seen;
  }

  #curve(u: AccountUpdate, out: Out<PriceTick>): void {
    const d = decodeCurveReserves(u.data);
    if (!d.ok) return this.#stats.fail("account", u.pubkey, u.slot, d.error);
    const r = d.value;
    // 2026 USDC-paired curves carry their quote mint; USDC/USDT have 6 decimals, SOL 9.
    const quoteMint = u.data.length >= 115 ? pubkeyAt(u.data, 83) : WSOL_MINT;
    const quoteUnit = quoteMint === WSOL_MINT ? 1e9 : 1e6;
    const price = curvePriceSol(r.vSol, r.vTok) * (1e9 / quoteUnit);
    this.#stats.priceTicks++;
    out.push({
      kind: "price",
      mint: this.#registry.mintOfCurve(u.pubkey) ?? u.pubkey,
      pool: u.pubkey,
      dex: "pumpfun",
      quoteMint,
      slot: u.slot,
      writeVersion: u.writeVersion,
      tsEvent: u.tsEvent,
      tsInit: u.tsInit,
      price,
      liquidity: (2 * r.rSol) / quoteUnit,
      fdv: price * (r.supply / 10 ** PUMP_TOKEN_DECIMALS),
    });
  }

  #define(u: AccountUpdate, d: Decoded<TwoVaultPool>): void {
    if (!d.ok) return this.#stats.fail("account", u.pubkey, u.slot, d.error);
    const def = d.value;
    const prev = this.#pools.get(def.pool);
    const keep = prev !== undefined && prev.def.tokenVault === def.tokenVault && prev.def.quoteVault === def.quoteVault;
    this.#vaults.set(def.tokenVault, { pool: def.pool, side: "token" });
    this.#vaults.set(def.quoteVault, { pool: def.pool, side: "quote" });
    this.#registry.registerVault(def.tokenVault, def.pool);
    this.#registry.registerVault(def.quoteVault, def.pool);
    this.#pools.set(def.pool, {
      def,
      tokenAmount: keep ? prev.tokenAmount : null,
      quoteAmount: keep ? prev.quoteAmount : null,
      slot: u.slot,
      writeVersion: u.writeVersion,
      tsEvent: u.tsEvent,
      tsInit: u.tsInit,
    });
    this.#markDirty(def.pool, u.slot);
  }

  #tokenProgram(u: AccountUpdate): void {
    const ref = this.#vaults.get(u.pubkey);
    // A mint, Token-2022 ones with extensions included (their base 82 bytes are the same), or a token account of no watched pool.
    if (ref === undefined) return isMintData(u.data) ? this.#mint(u) : void this.#stats.ignored++;
    const d = decodeTokenAmount(u.data);
    if (!d.ok) return this.#stats.fail("account", u.pubkey, u.slot, d.error);
    const st = this.#pools.get(ref.pool);
    if (st === undefined) return;
    if (ref.side === "token") st.tokenAmount = d.value;
    else st.quoteAmount = d.value;
    st.slot = Math.max(st.slot, u.slot);
    st.writeVersion = Math.max(st.writeVersion, u.writeVersion);
    st.tsEvent = Math.max(st.tsEvent, u.tsEvent);
    st.tsInit = Math.max(st.tsInit, u.tsInit);
    this.#markDirty(ref.pool, u.slot);
  }

  #mint(u: AccountUpdate): void {
    const d = decodeMint(u.data);
    if (!d.ok) return this.#stats.fail("account", u.pubkey, u.slot, d.error);
    this.#registry.setMint(u.pubkey, Number(d.value.supply) / 10 ** d.value.decimals, d.value.decimals);
  }

  #markDirty(pool: string, slot: number): void {
    this.#dirty.add(pool);
    if (slot > this.#dirtySlot) this.#dirtySlot = slot;
  }

  #drain(out: Out<PriceTick>): void {
    for (const pool of this.#dirty) {
      const t = this.#tick(pool);
      if (t !== null) out.push(t);
    }
    this.#dirty.clear();
    this.#dirtySlot = -1;
  }

  #tick(pool: string): PriceTick | null {
    const st = this.#pools.get(pool);
    if (st === undefined || st.tokenAmount === null || st.quoteAmount === null) return null;
    const d = st.def;
    const spot = spotFromVaults(d, st.tokenAmount, st.quoteAmount);
    if (spot === null) return null;
    const supply = this.#registry.supply(d.tokenMint);
    this.#stats.priceTicks++;
    return {
      kind: "price",
      mint: d.tokenMint,
      pool,
      dex: d.dex,
      quoteMint: d.quoteMint,
      slot: st.slot,
      writeVersion: st.writeVersion,
      tsEvent: st.tsEvent,
      tsInit: st.tsInit,
      price: spot.price,
      liquidity: 2 * spot.quoteUi,
      fdv: supply === undefined ? null : spot.price * supply,
    };
  }
}
