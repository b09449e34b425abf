/**
 * The supervisor machine's vocabulary: guards, pure assigns, delays, and the named side effects
 * the runtime provides with `.provide(...)` (placeholders here). The state tree is in
 * `supervisor.machine.ts`; the rules are in `supervisor.logic.ts`.
 */
import { assign, fromPromise, setup } from "xstate";
import {
  anyDegraded, beatsActive, blockingChildren, childStep, delayUntil, nextChildDue, reconcileRetryAt,
  rejection, seeTs, type ChildInput,
} from "./supervisor.logic.js";
import {
  CHILD_NAMES, type Candidate, type ChildCommand, type FlushInput, type PromoteParams, type ReconcileInput,
  type ReconcileResult, type RetrainInput, type SupervisorContext, type SupervisorEvent, type SupervisorInput,
  type SupervisorOutput, type SupervisorRecord,
} from "./supervisor.types.js";

const placeholder = <TOut, TIn>(name: string) =>
  fromPromise<TOut, TIn>(() => Promise.reject(new Error(`not provided: ${name}`)));

export const errorText = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === "string" ? e : "unknown error";

/** The candidate a `strategy.candidate` event carries (without its type and ts). */
export const candidateOf = (e: Candidate): Candidate => ({ formula: e.formula, validation: e.validation, shadow: e.shadow });

/** The event as an input to child supervision; a timer firing has no ts: time has reached the due time. */
function childInput(c: SupervisorContext, e: SupervisorEvent): ChildInput {
  switch (e.type) {
    case "child.heartbeat":
      return { kind: "heartbeat", name: e.name, ts: Number.isFinite(e.ts) ? e.ts : c.now };
    case "child.crashed":
      return { kind: "crash", name: e.name, error: e.error, ts: seeTs(c, e.ts) };
    case "user.resume":
      return { kind: "revive", ts: seeTs(c, e.ts) };
    case "clock.tick":
      return { kind: "tick", ts: e.ts };
    default:
      return { kind: "tick", ts: nextChildDue(c) ?? c.now };
  }
}

const base = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    output: {} as SupervisorOutput,
  },
  actors: {
    reconcile: placeholder<ReconcileResult, ReconcileInput>("reconcile"),
    retrain: placeholder<Candidate | null, RetrainInput>("retrain"),
    flush: placeholder<void, FlushInput>("flush"),
  },
  guards: {
    knownChild: ({ event }) =>
      (event.type === "child.heartbeat" || event.type === "child.crashed") && (CHILD_NAMES as readonly string[]).includes(event.name),
    entriesBlocked: ({ context }) => blockingChildren(context).length > 0,
    entriesClear: ({ context }) => blockingChildren(context).length === 0,
    anyDegraded: ({ context }) => anyDegraded(context),
    noneDegraded: ({ context }) => !anyDegraded(context),
    stopRequested: ({ context }) => context.stopRequested,
    reconciled: ({ context }) => context.reconcile.done,
    flatten: ({ event }) => event.type === "user.stop" && event.flatten,
    reconcileDue: ({ context, event }) => event.type === "clock.tick" && event.ts >= context.reconcile.retryAt,
    retrainOff: ({ context }) => context.strategy.retrainAt === null,
    retrainDue: ({ context, event }) =>
      event.type === "clock.tick" && context.strategy.retrainAt !== null && event.ts >= context.strategy.retrainAt,
    trainerUnavailable: ({ context }) => context.children.trainer.status !== "up",
    shutdownDue: ({ context, event }) =>
      event.type === "clock.tick" && context.shutdownAt !== null && event.ts >= context.shutdownAt,
    /** Pure: the candidate (from the event or the retrain actor's output) beats the active formula. */
    beatsActive: ({ context }, p: { candidate: Candidate | null }) => p.candidate !== null && beatsActive(context, p.candidate),
  },
  actions: {
    /** Runtime: journal this with `getPersistedSnapshot()`. */
    recordTransition: (_, _record: SupervisorRecord) => {},
    /** Runtime: start (at boot) or kill-if-alive and start anew (on restart) the named child. Never touches positions. */
    startChild: (_, _command: ChildCommand) => {},
    restartChild: (_, _command: ChildCommand) => {},
    /** Runtime: the child spent its restart budget; stop it for good and alert. */
    childDegraded: (_, _command: ChildCommand) => {},
    /** Runtime: send `user.exit` to every open position. */
    flattenPositions: (_, _p: { reason: string; ts: number }) => {},
    /** Runtime: write the strategy file and hand the formula to the scorer. */
    promoteStrategy: (_, _p: PromoteParams) => {},
    bump: assign(({ context }) => ({ seq: context.seq + 1 })),
    setReason: assign((_, p: { reason: string }) => ({ reason: p.reason })),
    holdReason: assign(({ context }) => ({ reason: `entries_held: ${blockingChildren(context).join(", ")} not up` })),
    degradedReason: assign(({ context }) => ({
      reason: `degraded: ${CHILD_NAMES.filter((n) => context.children[n].status === "degraded").join(", ")}`,
    })),
    see: assign(({ context, event }) => ({ now: seeTs(context, "ts" in event ? event.ts : undefined) })),
    requestStop: assign({ stopRequested: true, reason: ({ event }) => (event.type === "user.stop" && event.flatten ? "user_stop_flatten" : "user_stop") }),
    clearStop: assign({ stopRequested: false, reason: "user_resume" }),
    reconciled: assign(({ context: c }, p: { positions: number }) => ({
      reconcile: { ...c.reconcile, done: true, error: null },
      reason: `reconciled: ${p.positions} open positions${c.stopRequested ? ", entries stopped" : ""}`,
    })),
    reconcileFailed: assign(({ context: c }, p: { error: string }) => {
      const reconcile = { ...c.reconcile, attempts: c.reconcile.attempts + 1, error: p.error };
      return { reconcile: { ...reconcile, retryAt: reconcileRetryAt({ ...c, reconcile }, c.now) }, reason: `reconcile_failed: ${p.error}` };
    }),
    reconcileRetryReached: assign(({ context: c }) => ({ now: Math.max(c.now, c.reconcile.retryAt) })),
    retrainReached: assign(({ context: c }) => ({ now: Math.max(c.now, c.strategy.retrainAt ?? c.now) })),
    scheduleRetrain: assign(({ context: c }) => ({
      strategy: { ...c.strategy, retrainAt: c.policy.retrainIntervalMs > 0 ? c.now + c.policy.retrainIntervalMs : null },
    })),
    promote: assign(({ context: c }, p: { candidate: Candidate }) => ({
      strategy: { ...c.strategy, active: p.candidate.formula, promotedAt: c.now },
      reason: "strategy_promoted",
    })),
    reject: assign(({ context: c }, p: { candidate: Candidate | null }) => ({
      reason: p.candidate === null ? "retrain_no_candidate" : rejection(c, p.candidate),
    })),
    beginShutdown: assign(({ context: c, event }) => ({
      shutdownAt: c.now + c.policy.shutdownGraceMs,
      reason: `shutdown: ${event.type === "system.shutdown" ? event.signal : "unknown"}`,
    })),
  },
  delays: {
    untilChildDue: ({ context }) => delayUntil(context.now, nextChildDue(context)),
    untilReconcileRetry: ({ context }) => delayUntil(context.now, context.reconcile.retryAt),
    untilRetrain: ({ context }) => delayUntil(context.now, context.strategy.retrainAt),
    shutdownGrace: ({ context }) => delayUntil(context.now, context.shutdownAt),
  },
});

/** Child supervision: assign the step's result, then enqueue its records, restarts and alerts in order. */
export const supervisorSetup = base.extend({
  actions: {
    /** At boot: start every child once (a restored snapshot does not replay this). */
    startChildren: base.enqueueActions(({ context: c, enqueue }) => {
      for (const name of CHILD_NAMES) enqueue({ type: "startChild", params: { name, mode: c.mode, attempt: 0, reason: "boot" } });
    }),
    supervise: base.enqueueActions(({ context, event, enqueue }) => {
      const step = childStep(context, childInput(context, event));
      enqueue.assign({ children: step.children, now: step.now, seq: step.seq });
      for (const e of step.effects) {
        if (e.kind === "record") enqueue({ type: "recordTransition", params: e.record });
        else if (e.kind === "restart") enqueue({ type: "restartChild", params: e.command });
        else enqueue({ type: "childDegraded", params: e.command });
      }
    }),
  },
});
