/**
 * The executor child. Positions hold a stable `ExecutorGateway`; behind it the supervised
 * instance comes and goes. While no instance is up (crashed, restarting, stopped) every call
 * fails at once with `ExecutorUnavailableError` (retryable; nothing was sent), which the position
 * machines treat as a failed attempt: an exit retries on its backoff, TP1 tries again later,
 * stops stay armed. Calls already in flight when an instance is killed finish: every executor
 * call is idempotent by intent id and journaled before anything leaves, so letting one complete
 * is always safe, and cutting one short could only turn a fact into an unknown.
 *
 * Per mode:
 * - paper and replay: the simulated executor (actors/executor/executor.sim.ts) filling on the
 *   constant-product pool of the latest tick (`MarketState`), against a paper wallet. The wallet
 *   is the paper "chain": it outlives executor restarts, and at start it is restored from the
 *   journal's fills, so positions recovered after a daemon restart still hold their tokens.
 * - live: the live executor (Jupiter quote/swap, wallet signing, RPC send/confirm, a Jito block
 *   engine too when tipping), its signatures journaled through the durable journal; the adapters
 *   come from live-adapters.ts, bounded by `execution.maxSendAttempts`.
 */
import { Effect } from "effect";
import { makeLiveExecutor } from "../../../actors/executor/executor.live.js";
import { makeSimExecutor, type SimExecutor, type SimMarket } from "../../../actors/executor/executor.sim.js";
import {
  ExecutorUnavailableError, type ExecutorError, type ExecutorShape, type TradeOutcome,
} from "../../../actors/executor/executor.js";
import { priorityFromConfig } from "../../../chain/jupiter/index.js";
import type { Wallet } from "../../../chain/signer/keypair.js";
import { confirmOptionsFromConfig } from "../../../chain/tx/confirm.js";
import type { AppConfig } from "../../../config/index.js";
import type { Clock } from "../../../core/clock.js";
import { seededRng } from "../../../core/random.js";
import { submissionJournal } from "../../journal/executor-port.js";
import type { Journal } from "../../journal/journal.js";
import { liveJupiter, liveRelays, liveRpc } from "../live-adapters.js";
import { TOKEN_DECIMALS } from "../market-state.js";
import type { ChildFactory, ChildInstance } from "./child.js";

/** What the executor did, for the landing-rate metric and the trade log. */
export interface ExecutorObserver {
  onOutcome(side: "buy" | "sell", outcome: TradeOutcome["_tag"] | ExecutorError["_tag"]): void;
}

export interface ExecutorGateway extends ExecutorShape {
  /** An instance is up. */
  readonly up: () => boolean;
  /** The paper wallet (paper and replay modes); null live. */
  readonly paper: SimExecutor | null;
}

export interface ExecutorChildOptions {
  readonly config: AppConfig;
  readonly journal: Journal;
  readonly clock: Clock;
  /** Pools for the paper executor (the daemon's market state). */
  readonly market: SimMarket;
  /** SOL the paper wallet starts with on a fresh data directory. */
  readonly paperStartSol: number;
  /** Live: the wallet, decoded once before the daemon started (preflight.ts `checkLiveConfig`). */
  readonly wallet?: Wallet;
  readonly observer?: ExecutorObserver;
}

export interface ExecutorChild {
  readonly factory: ChildFactory;
  readonly gateway: ExecutorGateway;
}

const unavailable = (): ExecutorUnavailableError =>
  new ExecutorUnavailableError({ message: "the executor is restarting: nothing was sent", system: "rpc", retryAfterMs: 1_000, retryable: true });

export function executorChild(o: ExecutorChildOptions): ExecutorChild {
  const paper = o.config.mode === "live" ? null : restoredPaperWallet(o);
  let current: ExecutorShape | null = null;

  const through = <A>(side: "buy" | "sell" | null, f: (e: ExecutorShape) => Effect.Effect<A, ExecutorError>): Effect.Effect<A, ExecutorError> =>
    Effect.suspend(() => {
      const e = current;
      if (e === null) {
        if (side !== null) o.observer?.onOutcome(side, "ExecutorUnavailableError");
        return Effect.fail(unavailable());
      }
      const call = f(e);
      if (side === null || o.observer === undefined) return call;
      const obs = o.observer;
      return call.pipe(
        Effect.tap((out) => Effect.sync(() => obs.onOutcome(side, (out as TradeOutcome)._tag))),
        Effect.tapError((err) => Effect.sync(() => obs.onOutcome(side, err._tag))),
      );
    });

  const gateway: ExecutorGateway = {
    buy: (i) => through("buy", (e) => e.buy(i)),
    sell: (i) => through("sell", (e) => e.sell(i)),
    resolve: (s) => through(null, (e) => e.resolve(s)),
    tokenBalance: (m) => through(null, (e) => e.tokenBalance(m)),
    solBalance: () => through(null, (e) => e.solBalance()),
    up: () => current !== null,
    paper,
  };

  const factory: ChildFactory = {
    name: "executor",
    async start(): Promise<ChildInstance> {
      const inner = paper ?? (await liveExecutor(o));
      let killed = false;
      current = inner;
      const release = () => {
        if (current === inner) current = null;
      };
      return {
        alive: () => !killed && current === inner,
        stop: async () => {
          killed = true;
          release();
        },
        kill: () => {
          killed = true;
          release();
        },
      };
    },
  };
  return { factory, gateway };
}

async function liveExecutor(o: ExecutorChildOptions): Promise<ExecutorShape> {
  const c = o.config;
  if (o.wallet === undefined) throw new Error("the live executor needs the wallet loaded at start (checkLiveConfig)");
  const rng = seededRng(c.training.seed);
  const rpc = liveRpc(c, rng);
  return makeLiveExecutor({
    wallet: o.wallet,
    rpc,
    jupiter: liveJupiter(c, rng),
    relays: liveRelays(c, rng),
    journal: submissionJournal(o.journal),
    clock: o.clock,
    confirm: confirmOptionsFromConfig(c),
    priority: priorityFromConfig(c.execution),
  });
}

const LAMPORTS = 1_000_000_000;
/** Lamports of each restoring buy (see below). */
const RESTORE_LAMPORTS = 1_000_000n;

/**
 * The paper wallet, restored from the journal: SOL = the start balance plus every fill's SOL
 * (buys negative, sells positive, fees included); each token = what the fills of the still
 * active positions hold. The simulated executor has no way to start with tokens, so each
 * holding is credited by one "restoring" buy on a synthetic pool priced to give exactly that
 * many raw units (x*y=k with no fee: reserves (L, 2q) give q for L), its SOL given back.
 */
function restoredPaperWallet(o: ExecutorChildOptions): SimExecutor {
  // Priority fee or Jito tip (the tip replaces it, as live pays), plus the signature fee.
  const { jitoTipLamports, priorityFeeLamports } = o.config.execution;
  const fee = BigInt(jitoTipLamports > 0 ? jitoTipLamports : priorityFeeLamports) + 5_000n;
  const holdings = new Map<string, bigint>();
  let lamports = BigInt(Math.round(o.paperStartSol * LAMPORTS));
  for (const p of o.journal.positions.list()) {
    for (const f of o.journal.orders.fillsOf(p.positionId)) {
      lamports += BigInt(Math.round((f.side === "buy" ? -f.sol : f.sol) * LAMPORTS));
      if (p.status !== "active") continue;
      const raw = BigInt(Math.round(f.qty * 10 ** (f.decimals ?? TOKEN_DECIMALS)));
      holdings.set(f.mint, (holdings.get(f.mint) ?? 0n) + (f.side === "buy" ? raw : -raw));
    }
  }
  const restoring = new Map<string, bigint>();
  for (const [mint, q] of holdings) if (q > 0n) restoring.set(mint, q);
  let restoringMint: string | null = null;
  const market: SimMarket = {
    pool: (mint) => {
      const q = restoringMint === mint ? restoring.get(mint) : undefined;
      return q === undefined ? o.market.pool(mint) : { sol: RESTORE_LAMPORTS, token: 2n * q, feeBps: 0 };
    },
    decimals: (mint) => o.market.decimals(mint),
  };
  const credit = BigInt(restoring.size) * (RESTORE_LAMPORTS + fee);
  const wallet = makeSimExecutor({ market, clock: o.clock, startLamports: (lamports > 0n ? lamports : 0n) + credit, networkFeeLamports: fee });
  for (const mint of restoring.keys()) {
    restoringMint = mint;
    Effect.runSync(Effect.ignore(wallet.buy({ intentId: `paper-restore:${mint}`, mint, lamports: RESTORE_LAMPORTS, slippageBps: 0 })));
  }
  restoringMint = null;
  return wallet;
}
