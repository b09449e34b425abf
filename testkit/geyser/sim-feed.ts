/**
 * The simulated market as a Geyser feed: every sim event becomes the account writes (real
 * pump.fun curve, PumpSwap pool, Raydium CPMM pool, SPL token and mint bytes) and the
 * transaction (pump.fun TradeEvent log, or vault balance changes) a validator would stream, plus
 * a slot update each time a slot is over. Sim ids are "base58-looking" but not 32-byte keys, so
 * each is mapped to a real key (sha256 of the id); `address`/`simId` translate.
 */
import { createHash } from "node:crypto";
import { base58, pubkeyBytes } from "../../chain/layouts/bytes.js";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_AUTHORITY, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID, WSOL_MINT } from "../../chain/layouts/programs.js";
import { encodeBondingCurve } from "../../chain/layouts/pumpfun-curve.js";
import { tradeEventLogLine } from "../../chain/layouts/pumpfun-trade-event.js";
import { encodePumpSwapPool } from "../../chain/layouts/pumpswap-pool.js";
import { encodeCpmmPool } from "../../chain/layouts/raydium-cpmm.js";
import { encodeMint } from "../../chain/layouts/spl-mint.js";
import { encodeTokenAccount } from "../../chain/layouts/spl-token.js";
import { SubscribeUpdate } from "../../streams/geyser/wire.js";
import type { SimEvent } from "../sim/index.js";

const BUY_IX = Uint8Array.from([102, 6, 61, 18, 1, 218, 235, 234]);
const SELL_IX = Uint8Array.from([51, 230, 133, 164, 1, 127, 131, 173]);
const SUPPLY = 1_000_000_000_000_000;

const sha = (s: string): Buffer => createHash("sha256").update(s).digest();

interface PoolVaults {
  readonly sol: string;
  readonly token: string;
  /** Owner of both vaults: the CPMM authority, or the PumpSwap pool itself. */
  readonly authority: string;
  readonly program: string;
  solAmount: number;
  tokenAmount: number;
}

export class SimGeyserFeed {
  readonly #toChain = new Map<string, string>();
  readonly #toSim = new Map<string, string>();
  readonly #pools = new Map<string, PoolVaults>();
  readonly #creators = new Map<string, string>();
  #writeVersion = 1;
  #lastSlot = -1;
  #lastSlotMs = 0;
  #txIndex = 0;

  /** The 32-byte key standing for a sim id. */
  address(simId: string): string {
    let a = this.#toChain.get(simId);
    if (a === undefined) {
      a = base58(sha(`sim:${simId}`));
      this.#toChain.set(simId, a);
      this.#toSim.set(a, simId);
    }
    return a;
  }

  simId(address: string): string | undefined {
    return this.#toSim.get(address);
  }

  /** Updates for one event, preceded by the slot update of the slot it closes. */
  *updates(e: SimEvent): Generator<SubscribeUpdate> {
    if (e.slot !== this.#lastSlot) {
      if (this.#lastSlot >= 0) yield this.#slot(this.#lastSlot, this.#lastSlotMs);
      this.#lastSlot = e.slot;
      this.#lastSlotMs = e.tsMs;
    }
    const at = new Date(e.tsMs);
    const mint = this.address(e.mint);
    if (e.kind === "launch") yield this.mintWrite(e, e.slot, at);
    if (e.venue === "pumpfun") {
      const creator = this.address(this.#creators.get(e.mint) ?? e.mint);
      const data = encodeBondingCurve({
        virtualTokenReserves: e.tokenReserve,
        virtualSolReserves: e.solReserve,
        realTokenReserves: e.realTokenReserve,
        realSolReserves: e.realSolReserve,
        tokenTotalSupply: SUPPLY,
        complete: e.realTokenReserve === 0,
        creator,
      });
      const curve = this.address(e.pool);
      yield this.#account(curve, PUMP_PROGRAM_ID, data, e.slot, at);
      if (e.kind === "trade") yield this.#pumpTrade(e, curve, mint, at);
      return;
    }
    // A pool venue: (re)define the pool on launch and migration, then write both vaults.
    let pool = this.#pools.get(e.pool);
    if (pool === undefined || e.kind === "launch" || e.kind === "migrate") {
      pool = this.#definePool(e);
      yield this.#poolAccount(e, pool, at);
    }
    const before = { sol: pool.solAmount, token: pool.tokenAmount };
    pool.solAmount = e.realSolReserve;
    pool.tokenAmount = e.realTokenReserve;
    yield this.#account(pool.sol, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: WSOL_MINT, owner: pool.authority, amount: pool.solAmount }), e.slot, at);
    yield this.#account(pool.token, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint, owner: pool.authority, amount: pool.tokenAmount }), e.slot, at);
    if (e.kind === "trade" || e.kind === "rug") yield this.#vaultTx(e, pool, mint, before, at);
  }

  /**
   * A launched token's mint account (classic SPL, both authorities revoked), written at `slot`:
   * at its launch, or again by a market resumed past the launch (a node would answer a read of
   * the mint the same way), so a consumer that needs the mint account has it.
   */
  mintWrite(e: Extract<SimEvent, { kind: "launch" }>, slot: number, at: Date): SubscribeUpdate {
    this.#creators.set(e.mint, e.creator);
    return this.#account(this.address(e.mint), TOKEN_PROGRAM_ID, encodeMint({ supply: SUPPLY, decimals: 6 }), slot, at);
  }

  /** The update closing the last slot; call once after the last event. */
  *finish(): Generator<SubscribeUpdate> {
    if (this.#lastSlot >= 0) yield this.#slot(this.#lastSlot, this.#lastSlotMs);
    this.#lastSlot = -1;
  }

  /** Every update of a run, slot updates included. */
  *feed(events: Iterable<SimEvent>): Generator<SubscribeUpdate> {
    for (const e of events) yield* this.updates(e);
    yield* this.finish();
  }

  #definePool(e: SimEvent): PoolVaults {
    const pumpswap = e.venue === "pumpswap";
    const poolAddr = this.address(e.pool);
    const p: PoolVaults = {
      sol: this.address(`${e.pool}:vault:sol`),
      token: this.address(`${e.pool}:vault:token`),
      authority: pumpswap ? poolAddr : RAYDIUM_CPMM_AUTHORITY,
      program: pumpswap ? PUMPSWAP_PROGRAM_ID : RAYDIUM_CPMM_PROGRAM_ID,
      solAmount: 0,
      tokenAmount: 0,
    };
    this.#pools.set(e.pool, p);
    return p;
  }

  #poolAccount(e: SimEvent, p: PoolVaults, at: Date): SubscribeUpdate {
    const mint = this.address(e.mint);
    const creator = this.address(this.#creators.get(e.mint) ?? e.mint);
    const data =
      e.venue === "pumpswap"
        ? encodePumpSwapPool({ creator, baseMint: mint, quoteMint: WSOL_MINT, lpMint: this.address(`${e.pool}:lp`), poolBaseTokenAccount: p.token, poolQuoteTokenAccount: p.sol })
        : encodeCpmmPool({ vaultA: p.sol, vaultB: p.token, mintA: WSOL_MINT, mintB: mint, mintDecimalA: 9, mintDecimalB: 6 });
    return this.#account(this.address(e.pool), p.program, data, e.slot, at);
  }

  #account(pubkey: string, owner: string, data: Uint8Array, slot: number, at: Date): SubscribeUpdate {
    return SubscribeUpdate.fromPartial({
      account: {
        account: { pubkey: pubkeyBytes(pubkey), owner: pubkeyBytes(owner), lamports: "2039280", data, writeVersion: String(this.#writeVersion++), rentEpoch: "18446744073709551615" },
        slot: String(slot),
      },
      createdAt: at,
    });
  }

  #slot(slot: number, ms: number): SubscribeUpdate {
    return SubscribeUpdate.fromPartial({ slot: { slot: String(slot), parent: String(slot - 1), status: 0 }, createdAt: new Date(ms) });
  }

  #tx(e: SimEvent, keys: readonly string[], ixData: Uint8Array, logs: readonly string[], pre: TokenBalanceIn[], post: TokenBalanceIn[], at: Date): SubscribeUpdate {
    const signature = Buffer.concat([sha(e.signature), sha(`${e.signature}:2`)]);
    return SubscribeUpdate.fromPartial({
      transaction: {
        slot: String(e.slot),
        transaction: {
          signature,
          isVote: false,
          index: String(this.#txIndex++),
          transaction: {
            signatures: [signature],
            message: {
              header: { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 },
              accountKeys: keys.map(pubkeyBytes),
              recentBlockhash: sha(`blockhash:${e.slot}`),
              instructions: [{ programIdIndex: keys.length - 1, accounts: Uint8Array.from(keys.slice(0, -1).map((_, i) => i)), data: ixData }],
              versioned: true,
            },
          },
          meta: { fee: "5000", logMessages: [...logs], preTokenBalances: pre.map(tokenBalance), postTokenBalances: post.map(tokenBalance), computeUnitsConsumed: "37453" },
        },
      },
      createdAt: at,
    });
  }

  #pumpTrade(e: Extract<SimEvent, { kind: "trade" }>, curve: string, mint: string, at: Date): SubscribeUpdate {
    const user = this.address(e.trader);
    const line = tradeEventLogLine({
      mint,
      solAmount: e.solAmount,
      tokenAmount: e.tokenAmount,
      isBuy: e.side === "buy",
      user,
      timestamp: Math.floor(e.tsMs / 1000),
      virtualSolReserves: e.solReserve,
      virtualTokenReserves: e.tokenReserve,
      realSolReserves: e.realSolReserve,
      realTokenReserves: e.realTokenReserve,
    });
    const logs = [`Program ${PUMP_PROGRAM_ID} invoke [1]`, `Program log: Instruction: ${e.side === "buy" ? "Buy" : "Sell"}`, line, `Program ${PUMP_PROGRAM_ID} success`];
    return this.#tx(e, [user, curve, PUMP_PROGRAM_ID], e.side === "buy" ? BUY_IX : SELL_IX, logs, [], [], at);
  }

  #vaultTx(e: SimEvent, p: PoolVaults, mint: string, before: { sol: number; token: number }, at: Date): SubscribeUpdate {
    const user = this.address(e.kind === "trade" ? e.trader : (this.#creators.get(e.mint) ?? e.mint));
    const bal = (i: number, m: string, amount: number, decimals: number): TokenBalanceIn => ({ accountIndex: i, mint: m, owner: p.authority, amount, decimals });
    const pre = [bal(1, WSOL_MINT, before.sol, 9), bal(2, mint, before.token, 6)];
    const post = [bal(1, WSOL_MINT, p.solAmount, 9), bal(2, mint, p.tokenAmount, 6)];
    return this.#tx(e, [user, p.sol, p.token, p.program], new Uint8Array([9]), [`Program ${p.program} invoke [1]`, `Program ${p.program} success`], pre, post, at);
  }
}

interface TokenBalanceIn {
  readonly accountIndex: number;
  readonly mint: string;
  readonly owner: string;
  readonly amount: number;
  readonly decimals: number;
}

function tokenBalance(b: TokenBalanceIn) {
  const ui = b.amount / 10 ** b.decimals;
  return {
    accountIndex: b.accountIndex,
    mint: b.mint,
    owner: b.owner,
    programId: TOKEN_PROGRAM_ID,
    uiTokenAmount: { uiAmount: ui, decimals: b.decimals, amount: String(b.amount), uiAmountString: String(ui) },
  };
}
