/**
 * The supervisor's rules as pure functions over its context: child health (heartbeats,
 * crashes, hangs, restarts on the backoff, the budget), entry gating, promotion. The machine
 * calls these from its assigns, guards and delays; tests call them directly.
 */
import { DEFAULT_SUPERVISOR_POLICY } from "./supervisor.policy.js";
import { backoffDelay, inWindow, jitterUnit, restartDecision } from "./supervisor.restart.js";
import {
  CHILD_NAMES, type Candidate, type ChildCommand, type ChildName, type ChildState, type Comparison,
  type SupervisorContext, type SupervisorInput, type SupervisorRecord,
} from "./supervisor.types.js";

/** Node's timers overflow past 2^31-1 ms; longer waits rely on `clock.tick`. */
export const MAX_TIMER_MS = 2_147_483_647;

export function initialContext(input: SupervisorInput): SupervisorContext {
  const policy = input.policy ?? DEFAULT_SUPERVISOR_POLICY;
  const child: ChildState = { status: "starting", lastSeen: input.ts, restarts: [], restartCount: 0, restartAt: null, lastError: null };
  return {
    mode: input.mode ?? "paper",
    policy,
    seed: input.seed ?? 0,
    now: input.ts,
    children: Object.fromEntries(CHILD_NAMES.map((n) => [n, child])) as Record<ChildName, ChildState>,
    reconcile: { done: false, attempts: 0, retryAt: input.ts, error: null },
    stopRequested: input.stopRequested ?? false,
    strategy: {
      active: input.activeFormula ?? null,
      promotedAt: null,
      retrainAt: policy.retrainIntervalMs > 0 ? input.ts + policy.retrainIntervalMs : null,
    },
    shutdownAt: null,
    reason: "boot",
    seq: 0,
  };
}

/** Time only moves forward: a late event's older `ts` does not move it back. */
export const seeTs = (c: SupervisorContext, ts: number | undefined): number =>
  ts !== undefined && Number.isFinite(ts) && ts > c.now ? ts : c.now;

export type ChildInput =
  | { readonly kind: "heartbeat"; readonly name: ChildName; readonly ts: number }
  | { readonly kind: "crash"; readonly name: ChildName; readonly error: string; readonly ts: number }
  | { readonly kind: "tick"; readonly ts: number }
  | { readonly kind: "revive"; readonly ts: number };

export type ChildEffect =
  | { readonly kind: "record"; readonly record: SupervisorRecord }
  | { readonly kind: "restart"; readonly command: ChildCommand }
  | { readonly kind: "degraded"; readonly command: ChildCommand };

export interface ChildStep {
  readonly children: Readonly<Record<ChildName, ChildState>>;
  readonly now: number;
  readonly seq: number;
  readonly effects: readonly ChildEffect[];
}

/**
 * One input to child supervision, then a sweep at the new "now": hung children fail, and
 * restarts that are due are made. Returns the new children and what to do, in order.
 */
export function childStep(c: SupervisorContext, input: ChildInput): ChildStep {
  const now = seeTs(c, input.ts);
  const kids = { ...c.children } as Record<ChildName, ChildState>;
  const effects: ChildEffect[] = [];
  let seq = c.seq;
  const set = (name: ChildName, next: ChildState, reason: string): void => {
    const before = kids[name].status;
    kids[name] = next;
    if (next.status !== before) {
      seq++;
      effects.push({ kind: "record", record: { seq, state: `child.${name}.${next.status}`, reason, ts: now } });
    }
  };
  const command = (name: ChildName, attempt: number, reason: string): ChildCommand => ({ name, mode: c.mode, attempt, reason });

  const fail = (name: ChildName, error: string, why: string): void => {
    const k = kids[name];
    const recent = inWindow(k.restarts, now, c.policy.restart);
    if (!c.policy.children[name].restart) {
      set(name, { ...k, status: "down", lastError: error }, `${name}_${why}`);
      return;
    }
    const d = restartDecision(recent, now, c.policy.restart, jitterUnit(c.seed, `${name}:${k.restartCount}`));
    if (d.kind === "degrade") {
      const reason = `${name}_restart_budget_spent`;
      set(name, { ...k, status: "degraded", restarts: recent, restartAt: null, lastError: error }, reason);
      effects.push({ kind: "degraded", command: command(name, recent.length, reason) });
      return;
    }
    set(name, { ...k, status: "restarting", restarts: recent, restartAt: now + d.delayMs, lastError: error }, `${name}_${why}`);
  };

  switch (input.kind) {
    case "heartbeat": {
      const k = kids[input.name];
      // A heartbeat while restarting or degraded is the old instance's last word: ignored.
      if (k.status === "starting" || k.status === "up" || k.status === "down") {
        const reason = k.status === "starting" ? `${input.name}_up` : `${input.name}_recovered`;
        set(input.name, { ...k, status: "up", lastSeen: Math.max(k.lastSeen, input.ts) }, reason);
      }
      break;
    }
    case "crash": {
      const k = kids[input.name];
      if (k.status === "starting" || k.status === "up") fail(input.name, input.error, "crashed");
      break;
    }
    case "revive":
      for (const name of CHILD_NAMES) {
        const k = kids[name];
        if (k.status === "degraded") set(name, { ...k, status: "restarting", restarts: [], restartAt: now }, "user_resume");
      }
      break;
    case "tick":
      break;
  }

  for (const name of CHILD_NAMES) {
    const k = kids[name];
    const timeout = c.policy.children[name].heartbeatTimeoutMs;
    if ((k.status === "starting" || k.status === "up") && now - k.lastSeen > timeout) {
      fail(name, `no heartbeat for ${now - k.lastSeen} ms`, "hung");
    }
    const r = kids[name];
    if (r.status === "restarting" && r.restartAt !== null && r.restartAt <= now) {
      const restarts = [...inWindow(r.restarts, now, c.policy.restart), now];
      const reason = `${name}_restart`;
      set(name, { ...r, status: "starting", lastSeen: now, restarts, restartCount: r.restartCount + 1, restartAt: null }, reason);
      effects.push({ kind: "restart", command: command(name, restarts.length, reason) });
    }
  }
  return { children: kids, now, seq, effects };
}

/** The next time child supervision must look again (a hang deadline or a due restart), or null. */
export function nextChildDue(c: SupervisorContext): number | null {
  let due = Number.POSITIVE_INFINITY;
  for (const name of CHILD_NAMES) {
    const k = c.children[name];
    if (k.status === "starting" || k.status === "up") due = Math.min(due, k.lastSeen + c.policy.children[name].heartbeatTimeoutMs + 1);
    else if (k.status === "restarting" && k.restartAt !== null) due = Math.min(due, k.restartAt);
  }
  return Number.isFinite(due) ? due : null;
}

/** A delay in ms for an `after` timer from `now` to `due`, clamped to what Node's timers take. */
export const delayUntil = (now: number, due: number | null): number =>
  due === null ? MAX_TIMER_MS : Math.min(MAX_TIMER_MS, Math.max(0, due - now));

/** Children that hold new entries right now (the entry-holding ones that are not up). */
export function blockingChildren(c: SupervisorContext): ChildName[] {
  return CHILD_NAMES.filter((n) => c.policy.children[n].blocksEntries && c.children[n].status !== "up");
}

export const anyDegraded = (c: SupervisorContext): boolean => CHILD_NAMES.some((n) => c.children[n].status === "degraded");

/** When reconciliation should be tried again after `attempts` failures (backoff, no budget). */
export function reconcileRetryAt(c: SupervisorContext, now: number): number {
  const r = c.policy.reconcileRetry;
  const p = { ...c.policy.restart, baseMs: r.baseMs, maxDelayMs: r.maxDelayMs };
  return now + backoffDelay(p, Math.max(0, c.reconcile.attempts - 1), jitterUnit(c.seed, `reconcile:${c.reconcile.attempts}`));
}

const better = (x: Comparison, margin: number): boolean =>
  Number.isFinite(x.candidate) && (x.active === null || (Number.isFinite(x.active) && x.candidate > x.active + margin));

/**
 * Promote only a different formula that beats the active one on validation AND in shadow
 * scoring, each by more than the margin; NaN or infinite scores never promote.
 */
export function beatsActive(c: SupervisorContext, k: Candidate): boolean {
  return k.formula.length > 0 && k.formula !== c.strategy.active &&
    better(k.validation, c.policy.promotionMargin) && better(k.shadow, c.policy.promotionMargin);
}

/** Why a candidate was not promoted, for the transition record. */
export function rejection(c: SupervisorContext, k: Candidate): string {
  if (k.formula.length === 0) return "candidate_rejected: empty formula";
  if (k.formula === c.strategy.active) return "candidate_rejected: already active";
  if (!better(k.validation, c.policy.promotionMargin)) {
    return `candidate_rejected: validation ${k.validation.candidate} vs active ${k.validation.active}`;
  }
  return `candidate_rejected: shadow ${k.shadow.candidate} vs active ${k.shadow.active}`;
}
