/**
 * The control port: everything the HTTP API, the WebSocket and the web UI may ask of the daemon.
 * The HTTP layer knows the daemon only through `DaemonControl`; runtime/ wires the supervisor,
 * position book, journal, scorer and trainer behind it, tests use `FakeDaemonControl`.
 *
 * Every method rejects only with the tagged errors of `./errors.ts` (`ControlError`); anything
 * else is a bug and becomes a 500 without details. No value here may carry a secret.
 * Prices are SOL per token; amounts of SOL are SOL (not lamports); times are epoch ms.
 */
import type { Statechart } from "./statechart.js";

export type DaemonMode = "live" | "paper" | "replay";
export type DaemonState = "starting" | "running" | "stopping-entries" | "stopped" | "degraded";

export interface Health {
  readonly ok: boolean;
  readonly state: DaemonState;
  readonly version: string;
  readonly uptimeMs: number;
}

/** A supervised child (ingest, scorer, trainer, executor, ...). */
export interface ChildStatus {
  readonly name: string;
  readonly state: "starting" | "running" | "restarting" | "stopped" | "failed";
  readonly restarts: number;
  /** The last failure, already scrubbed of secrets by the daemon. */
  readonly lastError: string | null;
}

export interface FeedStatus {
  readonly name: string;
  /** Milliseconds since the feed's last message; null before the first one. */
  readonly stalenessMs: number | null;
}

export interface StrategySummary {
  readonly id: string;
  readonly infix: string;
  readonly activatedAt: number;
  /** The score the strategy was promoted on (validation split); null if not scored. */
  readonly validationScore: number | null;
}

export interface TrainingPoint {
  readonly step: number;
  readonly bestScore: number;
  readonly meanScore: number;
}

export interface TrainingProgress {
  readonly running: boolean;
  readonly step: number;
  readonly totalSteps: number;
  readonly bestScore: number | null;
  readonly bestInfix: string | null;
  readonly updatedAt: number;
  /** Score history, oldest first; the daemon keeps it bounded (a few hundred points). */
  readonly history: readonly TrainingPoint[];
}

export interface DaemonStatus {
  readonly mode: DaemonMode;
  readonly state: DaemonState;
  readonly entriesEnabled: boolean;
  readonly walletBalanceSol: number | null;
  readonly openPositions: number;
  readonly maxPositions: number;
  readonly feeds: readonly FeedStatus[];
  readonly children: readonly ChildStatus[];
  readonly strategy: StrategySummary | null;
  readonly training: Omit<TrainingProgress, "history"> | null;
  readonly ts: number;
}

/**
 * One position as the UI shows it. `state` is the machine's state path as journaled by
 * `recordTransition` (`open`, `moonbag.running`, `exiting.stalled`). Unrealised PnL is valued
 * at `currentPrice`, never at the peak (upstream M6): see `unrealisedPnl` in `./pnl.ts`.
 */
export interface PositionView {
  readonly id: string;
  readonly mint: string;
  readonly symbol: string | null;
  readonly state: string;
  /** The machine's last reason (`tp1_filled`, `trailing_stop`, ...). */
  readonly reason: string;
  readonly entryPrice: number | null;
  readonly currentPrice: number | null;
  readonly peakPrice: number | null;
  /** Tokens held now. */
  readonly qty: number;
  /** Cost basis in SOL of the tokens held now. */
  readonly costSol: number;
  readonly realisedSol: number;
  readonly unrealisedPnlSol: number | null;
  readonly unrealisedPnlPct: number | null;
  readonly openedAt: number;
  readonly updatedAt: number;
}

/** One state entry of a position machine, as journaled. */
export interface TransitionRecord {
  readonly seq: number;
  readonly from: string | null;
  readonly to: string;
  /** The event that caused it (`price.tick`, `xstate.done.actor.sell`, `user.exit`). */
  readonly event: string;
  readonly reason: string;
  readonly ts: number;
}

export interface PositionDetail extends PositionView {
  /** Oldest first. */
  readonly transitions: readonly TransitionRecord[];
}

export interface SplitMetrics {
  /** `train`, `validation`, `test`, or a walk-forward fold name. */
  readonly split: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface StrategyView {
  readonly id: string;
  /** The formula in RPN, token names (`RET`, `ADD`, ...). */
  readonly tokens: readonly string[];
  readonly infix: string;
  readonly createdAt: number;
  readonly activatedAt: number | null;
  readonly metrics: readonly SplitMetrics[];
}

export interface TradeView {
  readonly id: string;
  readonly positionId: string;
  readonly mint: string;
  readonly symbol: string | null;
  readonly side: "buy" | "sell";
  /** entry, tp1, recover (moonbag cost recovery) or exit. */
  readonly kind: "entry" | "tp1" | "recover" | "exit";
  readonly qty: number;
  readonly sol: number;
  readonly price: number;
  readonly signature: string;
  readonly reason: string;
  readonly ts: number;
}

export interface ScannerRow {
  readonly mint: string;
  readonly symbol: string | null;
  readonly liquidityUsd: number;
  readonly volumeUsd: number;
  readonly fdvUsd: number;
  /** The token's own latest bar (not a global latest timestamp: upstream M6). */
  readonly ts: number;
}

export interface PnlBucket {
  /** Bucket bounds in percent of cost, [fromPct, toPct). */
  readonly fromPct: number;
  readonly toPct: number;
  readonly count: number;
}

export interface PnlDistribution {
  readonly closedPositions: number;
  readonly realisedSol: number;
  readonly winRate: number | null;
  readonly buckets: readonly PnlBucket[];
}

export interface StopRequest {
  /** Also exit every open position. */
  readonly flatten: boolean;
  /** Who asked: the API (UI included) or the stop file. */
  readonly source: "api" | "stop-file";
  readonly reason: string;
}

export interface StopResult {
  readonly state: DaemonState;
  readonly entriesEnabled: boolean;
  /** Positions an exit was requested for (empty unless flatten). */
  readonly exiting: readonly string[];
}

export interface ResumeResult {
  readonly state: DaemonState;
  readonly entriesEnabled: boolean;
}

/** What the WebSocket pushes, as is. */
export type ControlEvent =
  | { readonly type: "status"; readonly status: DaemonStatus }
  | { readonly type: "position"; readonly position: PositionView }
  | { readonly type: "transition"; readonly positionId: string; readonly transition: TransitionRecord }
  | { readonly type: "trade"; readonly trade: TradeView }
  | { readonly type: "training"; readonly training: TrainingProgress };

export type ControlListener = (event: ControlEvent) => void;

export interface ControlEvents {
  /** Returns the unsubscribe function. Listeners are called synchronously and must not throw. */
  subscribe(listener: ControlListener): () => void;
}

export interface DaemonControl {
  health(): Promise<Health>;
  status(): Promise<DaemonStatus>;
  /** Open positions (and those still exiting), newest first. */
  positions(): Promise<readonly PositionView[]>;
  /** Open or closed; rejects ControlNotFoundError for an unknown id. */
  position(id: string): Promise<PositionDetail>;
  /** Rejects ControlNotFoundError while no strategy is active. */
  strategy(): Promise<StrategyView>;
  /** Stop new entries (idempotent); with flatten, also request an exit of every position. */
  stop(request: StopRequest): Promise<StopResult>;
  /** Allow entries again; rejects ControlConflictError where it cannot (starting, degraded). */
  resume(): Promise<ResumeResult>;
  /** Request an exit; NotFound for an unknown id, Conflict for a closed one. */
  exitPosition(id: string): Promise<PositionView>;
  /** Reload the active strategy from the strategy store; NotFound if there is none. */
  reloadStrategy(): Promise<StrategyView>;
  /** Most recent first, at most `limit`. */
  trades(limit: number): Promise<readonly TradeView[]>;
  scanner(): Promise<readonly ScannerRow[]>;
  pnlDistribution(): Promise<PnlDistribution>;
  training(): Promise<TrainingProgress>;
  /** The position machine's state tree, for drawing (see `statechartOf`). */
  machineDefinition(): Promise<Statechart>;
  readonly events: ControlEvents;
}
