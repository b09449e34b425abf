/**
 * What a replay run leaves behind, read from its journal and book before they close: the
 * transition log and intents (hashed), every position as the HTTP API's `position(id)` returns
 * it (the daemon's own control adapter computes the shape, so the statechart viewer reads a
 * report file as it reads the API), the trades with the pool each filled on, and the equity.
 */
import type { PoolReserves } from "../../actors/executor/cpmm.js";
import type { SimExecutor } from "../../actors/executor/executor.sim.js";
import type { AppConfig } from "../../config/index.js";
import type { Clock } from "../../core/clock.js";
import { DaemonControlAdapter } from "../daemon/control-adapter.js";
import type { PositionsHost } from "../daemon/children/positions.js";
import type { MarketState } from "../daemon/market-state.js";
import type { PositionDetail as ApiPositionDetail } from "../http/control-port.js";
import type { Journal } from "../journal/journal.js";
import type { PositionBook } from "../positions/book.js";
import type { EquityPoint, ReplayStrategy } from "./driver.js";
import { intentLine, runHash, transitionLine, type IntentLine, type RunLog, type TransitionLine } from "./hash.js";

export interface TradeRecord {
  readonly positionId: string;
  readonly mint: string;
  readonly side: "buy" | "sell";
  /** entry, tp1, recover or exit (the API's TradeView kinds). */
  readonly kind: "entry" | "tp1" | "recover" | "exit";
  readonly reason: string;
  readonly intentId: string;
  readonly signature: string;
  readonly ts: number;
  /** Tokens bought or sold (UI units). */
  readonly qty: number;
  /** SOL paid (buy) or received (sell), network fee and rent included. */
  readonly sol: number;
  /** SOL per token. */
  readonly price: number;
  /** Network fee (base + priority), SOL. */
  readonly networkFeeSol: number;
  /** The pool's swap fee on this trade, SOL (venue fee x the SOL side of the trade). */
  readonly swapFeeSol: number;
  /** The pool's SOL reserve before the trade (SOL), and its fee. */
  readonly poolSol: number | null;
  readonly feeBps: number | null;
}

export interface ReplayRunData {
  readonly hash: string;
  readonly log: RunLog;
  /** In the shape of the HTTP API's `GET /positions/:id`, oldest first. */
  readonly positions: readonly ApiPositionDetail[];
  readonly trades: readonly TradeRecord[];
  readonly equity: readonly EquityPoint[];
  readonly startSol: number;
  readonly endSol: number;
  readonly strategy: ReplayStrategy;
  /** Entry size and threshold the run traded with (for the capacity estimate). */
  readonly entrySol: number;
}

export interface CollectInput {
  readonly journal: Journal;
  readonly positions: PositionsHost;
  readonly book: PositionBook;
  readonly market: MarketState;
  readonly clock: Clock;
  readonly before: ReadonlyMap<string, PoolReserves | undefined>;
  readonly equity: readonly EquityPoint[];
  readonly startSol: number;
  readonly paper: SimExecutor | null;
  readonly config: AppConfig;
  readonly strategy: ReplayStrategy;
}

/** The control adapter over a replay's book: only what `position(id)` reads is real. */
function adapterFor(i: CollectInput): DaemonControlAdapter {
  const none = () => {
    throw new Error("not available in replay");
  };
  return new DaemonControlAdapter({
    mode: "replay", version: "replay", startedAt: 0, clock: i.clock, journal: i.journal,
    positions: i.positions,
    market: i.market, maxPositions: i.config.strategy.maxOpenPositions, symbol: () => null,
    state: () => "running", entriesEnabled: () => true, feeds: () => [], children: () => [], walletSol: () => null,
    strategy: () => null, reloadStrategy: async () => undefined, training: none, requestStop: none, requestResume: none,
  });
}

/** Read everything while the book still runs (open positions are read from their live actors). */
export async function collectRun(i: CollectInput): Promise<ReplayRunData> {
  const { journal } = i;
  const stored = journal.positions.list();
  const transitions: TransitionLine[] = [];
  const intents: IntentLine[] = [];
  for (const p of stored) {
    for (const t of journal.positions.transitions(p.positionId)) transitions.push(transitionLine(t));
    for (const x of journal.orders.intentsOf(p.positionId)) intents.push(intentLine(x));
  }
  const log: RunLog = { transitions, intents };
  const adapter = adapterFor(i);
  const positions: ApiPositionDetail[] = [];
  for (const p of stored) {
    positions.push(await adapter.position(p.positionId));
  }

  // Trades: every fill with its intent and the pool it filled on.
  const fills = stored.flatMap((p) => journal.orders.fillsOf(p.positionId));
  // Stable: fills at the same time keep the journal's position order.
  fills.sort((a, b) => a.ts - b.ts);
  const trades: TradeRecord[] = [];
  for (const f of fills) {
    const intent = journal.orders.intent(f.intentId);
    const kind = intent === undefined || intent.kind === "buy" ? "entry" : intent.kind;
    const pool = i.before.get(f.intentId);
    const feeBps = pool?.feeBps ?? null;
    const solSide = Math.abs(f.sol) - f.feeSol;
    trades.push({
      positionId: f.positionId, mint: f.mint, side: f.side, kind, reason: intent?.reason ?? "", intentId: f.intentId, signature: f.signature, ts: f.ts,
      qty: f.qty, sol: f.sol, price: f.qty > 0 ? Math.abs(f.sol) / f.qty : 0, networkFeeSol: f.feeSol,
      swapFeeSol: feeBps === null ? 0 : (Math.max(0, solSide) * feeBps) / 10_000,
      poolSol: pool === undefined ? null : Number(pool.sol) / 1e9, feeBps,
    });
  }
  const last = i.equity[i.equity.length - 1];
  return {
    hash: runHash(log), log, positions, trades, equity: i.equity, startSol: i.startSol, endSol: last?.equitySol ?? i.startSol,
    strategy: i.strategy, entrySol: i.config.strategy.entryAmountSol,
  };
}

