/**
 * What a live ingest watches on a real Geyser (or PubSub) endpoint: the universe's venues.
 *
 * The universe is the `--mint` options, or else the `tokens` table (what `alphagpt sync` keeps):
 * the `universe.maxTokens` most recently synced tokens. Per token the venue is its `pool`
 * column: a pump.fun token (dex `pumpfun`, or no pool known) is watched through its bonding
 * curve, the PDA of its mint; any other pool through the pool account, its two vaults and the
 * token's mint account (for FDV). A two-vault pool's vaults are only named inside the pool
 * account, so they are read once over JSON-RPC (`solana.rpcUrl`, getMultipleAccounts) before
 * subscribing; that read also seeds the decoder with the current state, so prices flow from
 * the first trade. Without an RPC URL only pump.fun curves can be priced (the report says so).
 */
import { address, createSolanaRpc } from "@solana/kit";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from "../../chain/layouts/programs.js";
import type { Clock } from "../../core/clock.js";
import { ammV4Pool, cpmmPool, pumpSwapPool, type TwoVaultPool } from "../../streams/decoders/pool-defs.js";
import { pumpCurveAddress, type PoolRegistry } from "../../streams/decoders/registry.js";
import { CommitmentLevel, SubscribeRequest } from "../../streams/geyser/wire.js";
import type { AccountUpdate } from "../../streams/types.js";
import type { Storage } from "../storage/storage.js";

export interface WatchEntry {
  readonly mint: string;
  readonly pool: string;
  readonly dex: string;
}

export interface WatchPlan {
  readonly entries: readonly WatchEntry[];
  /** Every account to follow (curves, pools, vaults, mints). */
  readonly accounts: readonly string[];
  /** Accounts whose transactions carry the trades (curves and pools). */
  readonly venues: readonly string[];
  /** Current account states read over RPC, for the decoder before the stream starts. */
  readonly initial: readonly AccountUpdate[];
  readonly notes: readonly string[];
}

/** The universe: `--mint` options (their pools from `tokens` where known), else the tokens table. */
export async function watchList(storage: Pick<Storage, "query">, mints: readonly string[], maxTokens: number): Promise<WatchEntry[]> {
  if (mints.length > 0) {
    const rows = await storage.query<WatchEntry>("SELECT mint, pool, dex FROM tokens FINAL WHERE has({m:Array(String)}, mint)", { m: [...mints] });
    const known = new Map(rows.map((r) => [r.mint, r]));
    return [...new Set(mints)].map((m) => known.get(m) ?? { mint: m, pool: "", dex: "" });
  }
  return storage.query<WatchEntry>("SELECT mint, pool, dex FROM tokens FINAL ORDER BY version DESC, mint LIMIT {n:UInt32}", { n: maxTokens });
}

const TWO_VAULT: Readonly<Record<string, (pool: string, data: Uint8Array, registry: PoolRegistry) => ReturnType<typeof cpmmPool>>> = {
  [RAYDIUM_AMM_V4_PROGRAM_ID]: (p, d) => ammV4Pool(p, d),
  [RAYDIUM_CPMM_PROGRAM_ID]: (p, d) => cpmmPool(p, d),
  [PUMPSWAP_PROGRAM_ID]: (p, d, r) => pumpSwapPool(p, d, r),
};

interface RpcAccount {
  readonly pubkey: string;
  readonly owner: string;
  readonly data: Uint8Array;
}

async function readAccounts(rpcUrl: string, keys: readonly string[]): Promise<{ slot: number; accounts: RpcAccount[] }> {
  const rpc = createSolanaRpc(rpcUrl);
  const accounts: RpcAccount[] = [];
  let slot = 0;
  for (let i = 0; i < keys.length; i += 100) {
    const chunk = keys.slice(i, i + 100);
    const r = await rpc.getMultipleAccounts(chunk.map((k) => address(k)), { encoding: "base64" }).send();
    slot = Math.max(slot, Number(r.context.slot));
    r.value.forEach((a, j) => {
      if (a === null) return;
      accounts.push({ pubkey: chunk[j] as string, owner: a.owner, data: new Uint8Array(Buffer.from(a.data[0], "base64")) });
    });
  }
  return { slot, accounts };
}

/** Resolve the venues, register curves with the decoder's registry, and read the initial state. */
export async function planWatch(entries: readonly WatchEntry[], registry: PoolRegistry, opts: { rpcUrl: string; clock: Clock }): Promise<WatchPlan> {
  const notes: string[] = [];
  const curves: string[] = [];
  const pools: string[] = [];
  for (const e of entries) {
    if (e.dex === "pumpfun" || e.pool === "") {
      const curve = e.dex === "pumpfun" && e.pool !== "" ? e.pool : await pumpCurveAddress(e.mint);
      registry.registerCurve(curve, e.mint);
      curves.push(curve);
    } else pools.push(e.pool);
  }
  const unknownPools = entries.filter((e) => e.pool === "" && e.dex !== "pumpfun").length;
  if (unknownPools > 0) notes.push(`${unknownPools} token(s) without a known pool are watched through their pump.fun curve (run \`alphagpt sync\` to learn pools)`);
  const accounts = new Set<string>([...curves, ...pools]);
  const initial: AccountUpdate[] = [];
  if (opts.rpcUrl === "") {
    if (pools.length > 0) notes.push(`solana.rpcUrl is empty: the vaults of ${pools.length} AMM pool(s) cannot be resolved, so only pump.fun curves are priced`);
  } else {
    const now = opts.clock.now();
    const first = await readAccounts(opts.rpcUrl, [...accounts]);
    const defs: TwoVaultPool[] = [];
    const update = (a: RpcAccount, slot: number): AccountUpdate => ({ pubkey: a.pubkey, owner: a.owner, data: a.data, slot, writeVersion: 0, tsEvent: now, tsInit: now });
    for (const a of first.accounts) {
      if (a.owner === PUMP_PROGRAM_ID) {
        initial.push(update(a, first.slot));
        continue;
      }
      const decode = TWO_VAULT[a.owner];
      const d = decode?.(a.pubkey, a.data, registry);
      if (d === undefined || !d.ok) {
        notes.push(`pool ${a.pubkey} (owner ${a.owner}) is not a venue the decoder knows: skipped`);
        accounts.delete(a.pubkey);
        continue;
      }
      defs.push(d.value);
      initial.push(update(a, first.slot));
    }
    const missing = [...accounts].filter((k) => !first.accounts.some((a) => a.pubkey === k));
    if (missing.length > 0) notes.push(`${missing.length} venue account(s) do not exist on chain (yet): watched anyway`);
    const extra = defs.flatMap((d) => [d.tokenVault, d.quoteVault, d.tokenMint]);
    for (const k of extra) accounts.add(k);
    if (extra.length > 0) {
      // Mints first, so FDV is known when the vaults price the pool.
      const second = await readAccounts(opts.rpcUrl, [...new Set(extra)]);
      const isMint = new Set(defs.map((d) => d.tokenMint));
      const ordered = [...second.accounts.filter((a) => isMint.has(a.pubkey)), ...second.accounts.filter((a) => !isMint.has(a.pubkey))];
      for (const a of ordered) initial.push(update(a, second.slot));
    }
  }
  return { entries, accounts: [...accounts], venues: [...curves, ...pools], initial, notes };
}

/** The Geyser subscription for a plan: its accounts, the trades touching its venues, and slots. */
export function watchRequest(plan: WatchPlan, commitment: "processed" | "confirmed" | "finalized"): SubscribeRequest {
  const level = commitment === "processed" ? CommitmentLevel.PROCESSED : commitment === "finalized" ? CommitmentLevel.FINALIZED : CommitmentLevel.CONFIRMED;
  return SubscribeRequest.fromPartial({
    accounts: { universe: { account: [...plan.accounts] } },
    transactions: { trades: { vote: false, failed: false, accountInclude: [...plan.venues] } },
    slots: { slots: {} },
    commitment: level,
  });
}
