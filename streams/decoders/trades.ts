/**
 * Trades from transaction updates. pump.fun trades come from the TradeEvent the program logs
 * (`Program data: vdt/007mYe…`), which also carries the curve's reserves after the trade. Pool
 * swaps (Raydium, PumpSwap) come from the token balance changes of the pool's two vaults, which
 * every route leaves in the meta; the post balances give the spot price the trade left.
 */
import { curvePriceSol } from "../../chain/layouts/pumpfun-curve.js";
import { decodeTradeEvent, tradeEventPayload } from "../../chain/layouts/pumpfun-trade-event.js";
import { PUMP_PROGRAM_ID, PUMP_TOKEN_DECIMALS, quoteRank, RAYDIUM_AMM_V4_AUTHORITY, RAYDIUM_CPMM_AUTHORITY, SOL_DECIMALS, WSOL_MINT } from "../../chain/layouts/programs.js";
import type { Dex, Out, TokenBalance, TradeTick, TransactionUpdate } from "../types.js";
import { spotFromVaults, type TwoVaultPool } from "./pool-defs.js";
import type { PoolRegistry } from "./registry.js";
import type { DecodeStats } from "./stats.js";

/** Vault owners of pools we may not have seen yet (their pool account never came by). */
const AUTHORITIES: ReadonlyMap<string, Dex> = new Map([
  [RAYDIUM_AMM_V4_AUTHORITY, "raydium-amm-v4"],
  [RAYDIUM_CPMM_AUTHORITY, "raydium-cpmm"],
]);

export interface VaultLookup {
  vault(vault: string): { readonly pool: string; readonly def: TwoVaultPool } | undefined;
}

export function tradesFromTransaction(tx: TransactionUpdate, registry: PoolRegistry, vaults: VaultLookup, stats: DecodeStats, out: Out<TradeTick>): void {
  stats.transactions++;
  if (tx.failed) {
    stats.ignored++;
    return;
  }
  if (tx.logMessages.length > 0 && tx.accountKeys.includes(PUMP_PROGRAM_ID)) pumpTrades(tx, registry, stats, out);
  if (tx.postTokenBalances.length > 0) vaultTrades(tx, vaults, stats, out);
}

function pumpTrades(tx: TransactionUpdate, registry: PoolRegistry, stats: DecodeStats, out: Out<TradeTick>): void {
  for (const line of tx.logMessages) {
    const payload = tradeEventPayload(line);
    if (payload === null) continue;
    const d = decodeTradeEvent(payload);
    if (!d.ok) {
      stats.fail("transaction", tx.signature, tx.slot, d.error);
      continue;
    }
    const e = d.value;
    if (e.tokenAmount === 0 || e.solAmount === 0 || e.virtualTokenReserves === 0) {
      stats.fail("transaction", tx.signature, tx.slot, { layout: "pumpfun.TradeEvent", reason: "bad_value", detail: "zero amount or reserve" });
      continue;
    }
    const baseAmount = e.tokenAmount / 10 ** PUMP_TOKEN_DECIMALS;
    const quoteAmount = e.solAmount / 10 ** SOL_DECIMALS;
    stats.trades++;
    out.push({
      kind: "trade",
      mint: e.mint,
      pool: registry.curveOfMint(e.mint) ?? e.mint,
      dex: "pumpfun",
      quoteMint: WSOL_MINT,
      slot: tx.slot,
      signature: tx.signature,
      seq: tx.index,
      tsEvent: tx.tsEvent,
      tsInit: tx.tsInit,
      side: e.isBuy ? "buy" : "sell",
      price: quoteAmount / baseAmount,
      spotAfter: curvePriceSol(e.virtualSolReserves, e.virtualTokenReserves),
      baseAmount,
      quoteAmount,
      user: e.user,
    });
  }
}

interface Moved {
  readonly vault: string;
  readonly mint: string;
  readonly decimals: number;
  readonly delta: bigint;
  readonly post: bigint;
}

/** One trade per pool whose two vaults moved in opposite directions. */
function vaultTrades(tx: TransactionUpdate, vaults: VaultLookup, stats: DecodeStats, out: Out<TradeTick>): void {
  // Pools in order of their first vault in the post balances (a transaction touches one or two).
  const groups: { key: string; def: TwoVaultPool | null; dex: Dex; moved: Moved[] }[] = [];
  for (const b of tx.postTokenBalances) {
    const vault = tx.accountKeys[b.accountIndex] ?? "";
    const known = vaults.vault(vault);
    const dex = known?.def.dex ?? AUTHORITIES.get(b.owner);
    if (dex === undefined) continue;
    const key = known?.pool ?? `authority:${b.owner}`;
    let g = groups.find((x) => x.key === key);
    if (g === undefined) groups.push((g = { key, def: known?.def ?? null, dex, moved: [] }));
    const delta = b.amount - preAmount(tx.preTokenBalances, b.accountIndex);
    if (delta !== 0n) g.moved.push({ vault, mint: b.mint, decimals: b.decimals, delta, post: b.amount });
  }
  for (const g of groups) {
    const { key, moved } = g;
    const [x, y] = moved;
    // Several pools behind one authority are ambiguous from balances alone: skip them.
    if (moved.length !== 2 || x === undefined || y === undefined || x.delta > 0n === y.delta > 0n) continue;
    const def = g.def;
    const xIsToken = def !== null ? x.vault === def.tokenVault : !(quoteRank(x.mint) < quoteRank(y.mint));
    const [tok, quo] = xIsToken ? [x, y] : [y, x];
    const baseAmount = Math.abs(Number(tok.delta)) / 10 ** tok.decimals;
    const quoteAmount = Math.abs(Number(quo.delta)) / 10 ** quo.decimals;
    const spotAfter =
      def !== null ? (spotFromVaults(def, tok.post, quo.post)?.price ?? null) : tok.post > 0n ? Number(quo.post) / 10 ** quo.decimals / (Number(tok.post) / 10 ** tok.decimals) : null;
    stats.trades++;
    out.push({
      kind: "trade",
      mint: tok.mint,
      pool: def !== null ? key : tok.vault,
      dex: g.dex,
      quoteMint: quo.mint,
      slot: tx.slot,
      signature: tx.signature,
      seq: tx.index,
      tsEvent: tx.tsEvent,
      tsInit: tx.tsInit,
      // The pool paid out tokens: the trader bought.
      side: tok.delta < 0n ? "buy" : "sell",
      price: quoteAmount / baseAmount,
      spotAfter,
      baseAmount,
      quoteAmount,
      user: tx.accountKeys[0] ?? null,
    });
  }
}

/** A balance before the transaction (the last entry for the account, as a map of them would keep). */
function preAmount(pre: readonly TokenBalance[], accountIndex: number): bigint {
  for (let i = pre.length - 1; i >= 0; i--) if (pre[i]!.accountIndex === accountIndex) return pre[i]!.amount;
  return 0n;
}
