/**
 * The token roster, drawn up front from the seed: who launches when, where, with what appeal.
 * Everything here is static per token; what happens to it later is the order flow's business.
 */
import type { Rng } from "../../core/random.js";
import { randNormal } from "../../core/random.js";
import type { TokenRow } from "../../runtime/storage/storage.js";
import { LAMPORTS_PER_SOL, TOKEN_TOTAL_SUPPLY, TOKEN_DECIMALS } from "./constants.js";
import { geometric, uniform } from "./draw.js";
import { ID_DOMAIN, addressFor, memeName, mintFor } from "./ids.js";
import type { ResolvedSimOptions } from "./options.js";
import type { Timeline } from "./timeline.js";

export interface TokenPlan {
  readonly index: number;
  readonly mint: string;
  readonly symbol: string;
  readonly name: string;
  readonly creator: string;
  /** Bonding curve (pumpfun) or Raydium pool (direct launches). */
  readonly launchPool: string;
  /** The PumpSwap pool a curve token migrates to. */
  readonly migrationPool: string;
  readonly launchStep: number;
  /** Fraction of the launch step at which the launch lands. */
  readonly launchT: number;
  readonly launchSlot: number;
  readonly launchMs: number;
  /** Launched straight into a Raydium pool with the creator's liquidity (else: pump.fun curve). */
  readonly direct: boolean;
  /** Creator's seed liquidity for a direct launch, lamports and raw tokens. */
  readonly directSol: number;
  readonly directToken: number;
  /** Lognormal multiplier on how much the token is traded. */
  readonly appeal: number;
  /** Minutes for attention to fade by 1/e after launch. */
  readonly fadeMinutes: number;
  /** Step at which the creator pulls the liquidity (direct launches only), or -1. */
  readonly rugStep: number;
}

export function planTokens(o: ResolvedSimOptions, seedHash: number, timeline: Timeline, rng: Rng): TokenPlan[] {
  const minutesPerStep = o.barIntervalS / 60;
  const window = Math.max(1, Math.floor(o.launchWindow * o.steps));
  const launches: number[] = [];
  for (let i = 0; i < o.tokens; i++) launches.push(i === 0 ? 0 : rng.next() * window);
  launches.sort((a, b) => a - b);
  const plans: TokenPlan[] = [];
  for (let i = 0; i < o.tokens; i++) {
    const at = launches[i] ?? 0;
    const launchStep = Math.min(o.steps - 1, Math.floor(at));
    const launchT = Math.min(0.5, (at - Math.floor(at)) * 0.5);
    const launchSlot = timeline.slotAt(launchStep, launchT);
    const { symbol, name } = memeName(rng, i);
    const direct = rng.next() < o.directLaunchShare;
    const directSol = Math.round(Math.exp(uniform(rng, Math.log(5), Math.log(150))) * LAMPORTS_PER_SOL);
    const directToken = Math.round(TOKEN_TOTAL_SUPPLY * uniform(rng, 0.6, 0.95));
    const appeal = Math.exp(0.9 * randNormal(rng));
    const fadeMinutes = Math.exp(Math.log(300) + 0.8 * randNormal(rng));
    // Most direct launches are rugs waiting to happen: on average ~3 h after launch.
    const rugs = direct && rng.next() < 0.65;
    const rugAfterMin = 20 + geometric(rng, 1 / 180);
    plans.push({
      index: i,
      mint: mintFor(seedHash, i),
      symbol,
      name,
      creator: addressFor(seedHash, ID_DOMAIN.creator, i),
      launchPool: addressFor(seedHash, direct ? ID_DOMAIN.pool : ID_DOMAIN.curve, i),
      migrationPool: addressFor(seedHash, ID_DOMAIN.pool, i),
      launchStep,
      launchT,
      launchSlot,
      launchMs: timeline.slotMs(launchSlot),
      direct,
      directSol,
      directToken,
      appeal,
      fadeMinutes,
      rugStep: rugs ? launchStep + Math.max(1, Math.round(rugAfterMin / minutesPerStep)) : -1,
    });
  }
  return plans;
}

/** The `tokens` row for a token as launched (version 1), or as migrated to PumpSwap (version 2). */
export function tokenRow(p: TokenPlan, migrated = false): TokenRow {
  return {
    mint: p.mint,
    symbol: p.symbol,
    name: p.name,
    decimals: TOKEN_DECIMALS,
    pool: migrated ? p.migrationPool : p.launchPool,
    dex: migrated ? "pumpswap" : p.direct ? "raydium" : "pumpfun",
    created_ts: Math.floor(p.launchMs / 1000),
    source: "sim",
    version: migrated ? 2 : 1,
  };
}
