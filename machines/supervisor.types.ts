/**
 * The supervisor's vocabulary: children, policy, context, events, and what its named side
 * effects receive. Everything in the context is plain JSON (no Map, Set or Infinity) so
 * `getPersistedSnapshot()` round-trips through the journal.
 */
import type { RestartPolicy } from "./supervisor.restart.js";

export type Mode = "live" | "paper" | "replay";

export const CHILD_NAMES = ["ingest", "scorer", "trainer", "executor", "positions"] as const;
export type ChildName = (typeof CHILD_NAMES)[number];

export interface ChildSpec {
  /** Restarted by the supervisor on a crash or a missed heartbeat. Positions are not: they are independent. */
  readonly restart: boolean;
  /** New entries wait while this child is not up (no data, no scores, no executor: no trade). */
  readonly blocksEntries: boolean;
  /** No heartbeat for longer than this (after a start: since the start) counts as a hang. */
  readonly heartbeatTimeoutMs: number;
}

export interface SupervisorPolicy {
  readonly restart: RestartPolicy;
  readonly children: Readonly<Record<ChildName, ChildSpec>>;
  /** Retraining period; 0 disables it (config `training.retrainIntervalS`). */
  readonly retrainIntervalMs: number;
  /** Reconciliation retries back off like restarts, without a budget: entries wait until it succeeds. */
  readonly reconcileRetry: { readonly baseMs: number; readonly maxDelayMs: number };
  /** Longest graceful shutdown before the flush is abandoned. */
  readonly shutdownGraceMs: number;
  /** A candidate must beat the active formula by more than this on validation and in shadow. */
  readonly promotionMargin: number;
}

/**
 * starting: started at boot, no heartbeat yet; up: heartbeating; restarting: failed, restart
 * scheduled at `restartAt`; down: failed and not restartable, waits for a heartbeat;
 * degraded: restart budget spent, left alone until `user.resume`.
 */
export type ChildStatus = "starting" | "up" | "restarting" | "down" | "degraded";

export interface ChildState {
  readonly status: ChildStatus;
  /** Last heartbeat, or the (re)start time while starting. */
  readonly lastSeen: number;
  /** Times of the restarts made within the budget window, oldest first. */
  readonly restarts: readonly number[];
  /** Restarts ever made: keys the jitter draw. */
  readonly restartCount: number;
  readonly restartAt: number | null;
  readonly lastError: string | null;
}

/** Scores measured side by side on the same data: a stored score of the active one would be stale. */
export interface Comparison {
  readonly candidate: number;
  /** null when no formula is active yet. */
  readonly active: number | null;
}

export interface Candidate {
  /** RPN text (the alpha engine's canonical form). */
  readonly formula: string;
  readonly validation: Comparison;
  readonly shadow: Comparison;
}

export interface SupervisorContext {
  readonly mode: Mode;
  readonly policy: SupervisorPolicy;
  readonly seed: number;
  /** Latest time seen on an event or reached by a timer: "now" for every due time. */
  readonly now: number;
  readonly children: Readonly<Record<ChildName, ChildState>>;
  readonly reconcile: { readonly done: boolean; readonly attempts: number; readonly retryAt: number; readonly error: string | null };
  /** A `user.stop` that arrived before reconciliation finished: taken when it does. */
  readonly stopRequested: boolean;
  readonly strategy: { readonly active: string | null; readonly promotedAt: number | null; readonly retrainAt: number | null };
  readonly shutdownAt: number | null;
  readonly reason: string;
  readonly seq: number;
}

export interface SupervisorInput {
  /** Unix ms when the daemon starts (the runtime's clock). */
  readonly ts: number;
  readonly mode?: Mode;
  readonly policy?: SupervisorPolicy;
  /** Seeds the restart jitter. */
  readonly seed?: number;
  /** The formula read from the strategy file, if any. */
  readonly activeFormula?: string | null;
  /** The operator's stop, still in force from before this start: entries stay off until `user.resume`. */
  readonly stopRequested?: boolean;
}

export type ShutdownSignal = "SIGTERM" | "SIGINT" | "api" | "duration";

export type SupervisorEvent =
  | { readonly type: "child.heartbeat"; readonly name: ChildName; readonly ts: number }
  | { readonly type: "child.crashed"; readonly name: ChildName; readonly error: string; readonly ts?: number }
  | { readonly type: "clock.tick"; readonly ts: number }
  | { readonly type: "user.stop"; readonly flatten: boolean; readonly ts?: number }
  | { readonly type: "user.resume"; readonly ts?: number }
  | ({ readonly type: "strategy.candidate"; readonly ts?: number } & Candidate)
  | { readonly type: "system.shutdown"; readonly signal: ShutdownSignal; readonly ts?: number };

/** What `recordTransition` receives: journal it with `getPersistedSnapshot()`. */
export interface SupervisorRecord {
  readonly seq: number;
  /** A state path (`mode.running.enabled`) or a child's status (`child.scorer.restarting`). */
  readonly state: string;
  readonly reason: string;
  readonly ts: number;
}

export interface ChildCommand {
  readonly name: ChildName;
  readonly mode: Mode;
  /** Restarts of this child in the current window, this one included; 0 at boot. */
  readonly attempt: number;
  readonly reason: string;
}

export interface ReconcileInput {
  readonly mode: Mode;
  readonly attempt: number;
}

/** What reconciliation found; the runtime journals it (balances are the truth). */
export interface ReconcileResult {
  readonly positions: number;
  readonly note?: string;
}

export interface RetrainInput {
  readonly mode: Mode;
  readonly activeFormula: string | null;
  readonly ts: number;
}

export interface FlushInput {
  readonly mode: Mode;
  readonly reason: string;
}

export interface PromoteParams extends Candidate {
  readonly ts: number;
}

export interface SupervisorOutput {
  readonly reason: string;
  readonly ts: number;
}
