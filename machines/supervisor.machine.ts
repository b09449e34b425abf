/**
 * The daemon's supervisor as a statechart (issue 7, item 1). Pure: reconciliation, retraining,
 * the shutdown flush, child (re)starts, flattening and promotion are named actors and actions
 * provided by runtime/.
 *
 * active (parallel) ──system.shutdown──> shuttingDown (flush) ──> stopped (final)
 *   mode:        starting (reconciling ⇄ retrying) ──> running (held ⇄ enabled) ⇄ stoppingEntries
 *   supervision: watching: heartbeats, crashes and hangs; restarts on the backoff; budget ⇒ degraded
 *   health:      ok ⇄ degraded (some child spent its restart budget)
 *   training:    waiting ──retrain interval──> retraining ──> waiting   (off when the interval is 0)
 *
 * New entries are allowed only in mode.running.enabled (see `entriesAllowed`). Open positions
 * are never touched by supervision: they keep being managed in every state until `stopped`.
 * Time: due times are absolute in context; `after` timers (actor clock) are the fast path and
 * `clock.tick {ts}` from the runtime fires them too (XState does not persist pending timers).
 */
import { and, type SnapshotFrom } from "xstate";
import { blockingChildren, initialContext } from "./supervisor.logic.js";
import { candidateOf, errorText, supervisorSetup as s } from "./supervisor.setup.js";
import { CHILD_NAMES, type ChildName, type ReconcileResult, type SupervisorContext } from "./supervisor.types.js";

/** Bump when the context shape or the state tree changes: journaled with every snapshot. */
export const SUPERVISOR_MACHINE_VERSION = 1;

/** Every recorded step bumps `seq` and hands the runtime the state and the reason. */
const record = (state: string) => [
  { type: "bump" as const },
  {
    type: "recordTransition" as const,
    params: ({ context: c }: { context: SupervisorContext }) => ({ seq: c.seq, state, reason: c.reason, ts: c.now }),
  },
];

const reconciled = { type: "reconciled" as const, params: ({ event }: { event: { output: ReconcileResult } }) => ({ positions: event.output.positions }) };
const reason = (r: string) => ({ type: "setReason" as const, params: { reason: r } });
const MODE = "#supervisor.active.mode";
const flatten = { type: "flattenPositions" as const, params: ({ context: c }: { context: SupervisorContext }) => ({ reason: "user_stop_flatten", ts: c.now }) };

/** A retrain that comes due while the trainer is not up is skipped until the next period. */
const skipRetrain = [reason("retrain_skipped: trainer not up"), "scheduleRetrain" as const, ...record("training.skipped")];

export const supervisorMachine = s.createMachine({
  id: "supervisor",
  version: String(SUPERVISOR_MACHINE_VERSION),
  context: ({ input }) => initialContext(input),
  output: ({ context }) => ({ reason: context.reason, ts: context.now }),
  initial: "active",
  states: {
    active: {
      type: "parallel",
      entry: "startChildren",
      on: { "system.shutdown": { target: "shuttingDown", actions: ["see", "beginShutdown"] } },
      states: {
        mode: {
          initial: "starting",
          states: {
            starting: {
              initial: "reconciling",
              states: {
                reconciling: {
                  entry: record("mode.starting.reconciling"),
                  invoke: {
                    id: "reconcile", src: "reconcile",
                    input: ({ context: c }) => ({ mode: c.mode, attempt: c.reconcile.attempts + 1 }),
                    onDone: [
                      { guard: "stopRequested", target: `${MODE}.stoppingEntries`, actions: reconciled },
                      { target: `${MODE}.running`, actions: reconciled },
                    ],
                    onError: { target: "retrying", actions: { type: "reconcileFailed", params: ({ event }) => ({ error: errorText(event.error) }) } },
                  },
                },
                retrying: {
                  entry: record("mode.starting.retrying"),
                  after: { untilReconcileRetry: { target: "reconciling", actions: "reconcileRetryReached" } },
                  on: { "clock.tick": { guard: "reconcileDue", target: "reconciling", actions: "see" } },
                },
              },
              // Reconciliation goes on: a stop asked for now is taken once it is done.
              on: {
                "user.stop": [
                  { guard: "flatten", actions: ["see", "requestStop", flatten, ...record("mode.starting.stop_requested")] },
                  { actions: ["see", "requestStop", ...record("mode.starting.stop_requested")] },
                ],
                "user.resume": { actions: ["see", "clearStop"] },
              },
            },
            running: {
              initial: "held",
              states: {
                held: {
                  entry: record("mode.running.held"),
                  always: { guard: "entriesClear", target: "enabled", actions: reason("entries_enabled") },
                },
                enabled: {
                  entry: record("mode.running.enabled"),
                  always: { guard: "entriesBlocked", target: "held", actions: "holdReason" },
                },
              },
              on: {
                "user.stop": [
                  { guard: "flatten", target: "stoppingEntries", actions: ["see", "requestStop", flatten] },
                  { target: "stoppingEntries", actions: ["see", "requestStop"] },
                ],
              },
            },
            stoppingEntries: {
              entry: record("mode.stoppingEntries"),
              on: {
                "user.stop": { guard: "flatten", actions: ["see", reason("user_stop_flatten"), flatten, ...record("mode.stoppingEntries.flatten")] },
                "user.resume": { target: "running", actions: ["see", "clearStop"] },
              },
            },
          },
        },
        supervision: {
          initial: "watching",
          states: {
            // Self-transitions of the leaf re-arm the timer; a transition from the region itself
            // would take the parallel parent's other regions with it (SCXML transition domain).
            watching: {
              after: { untilChildDue: { target: "watching", reenter: true, actions: "supervise" } },
              on: {
                "child.heartbeat": { guard: "knownChild", target: "watching", reenter: true, actions: "supervise" },
                "child.crashed": { guard: "knownChild", target: "watching", reenter: true, actions: "supervise" },
                "clock.tick": { target: "watching", reenter: true, actions: "supervise" },
                "user.resume": { target: "watching", reenter: true, actions: "supervise" },
              },
            },
          },
        },
        health: {
          initial: "ok",
          states: {
            ok: { always: { guard: "anyDegraded", target: "degraded", actions: "degradedReason" } },
            degraded: {
              entry: record("health.degraded"),
              always: { guard: "noneDegraded", target: "ok", actions: [reason("children_recovered"), ...record("health.ok")] },
            },
          },
        },
        training: {
          initial: "waiting",
          states: {
            waiting: {
              always: { guard: "retrainOff", target: "off" },
              after: {
                untilRetrain: [
                  { guard: "trainerUnavailable", target: "waiting", reenter: true, actions: ["retrainReached", ...skipRetrain] },
                  { target: "retraining", actions: "retrainReached" },
                ],
              },
              on: {
                "clock.tick": [
                  { guard: and(["retrainDue", "trainerUnavailable"]), target: "waiting", reenter: true, actions: ["see", ...skipRetrain] },
                  { guard: "retrainDue", target: "retraining", actions: "see" },
                ],
              },
            },
            off: {},
            retraining: {
              entry: [reason("retrain_due"), ...record("training.retraining")],
              invoke: {
                id: "retrain", src: "retrain",
                input: ({ context: c }) => ({ mode: c.mode, activeFormula: c.strategy.active, ts: c.now }),
                onDone: [
                  {
                    guard: { type: "beatsActive", params: ({ event }) => ({ candidate: event.output }) }, target: "waiting",
                    actions: [
                      { type: "promote", params: ({ event }) => ({ candidate: event.output! }) },
                      { type: "promoteStrategy", params: ({ context, event }) => ({ ...event.output!, ts: context.now }) },
                      ...record("strategy.promoted"), "scheduleRetrain",
                    ],
                  },
                  {
                    target: "waiting",
                    actions: [{ type: "reject", params: ({ event }) => ({ candidate: event.output }) }, ...record("strategy.rejected"), "scheduleRetrain"],
                  },
                ],
                onError: {
                  target: "waiting",
                  actions: [{ type: "setReason", params: ({ event }) => ({ reason: `retrain_failed: ${errorText(event.error)}` }) }, ...record("training.failed"), "scheduleRetrain"],
                },
              },
            },
          },
          // A candidate may also come from outside the schedule (the trainer's own run, a reload).
          on: {
            "strategy.candidate": [
              {
                guard: { type: "beatsActive", params: ({ event }) => ({ candidate: candidateOf(event) }) },
                actions: [
                  "see",
                  { type: "promote", params: ({ event }) => ({ candidate: candidateOf(event) }) },
                  { type: "promoteStrategy", params: ({ context, event }) => ({ ...candidateOf(event), ts: context.now }) },
                  ...record("strategy.promoted"),
                ],
              },
              { actions: ["see", { type: "reject", params: ({ event }) => ({ candidate: candidateOf(event) }) }, ...record("strategy.rejected")] },
            ],
          },
        },
      },
    },
    shuttingDown: {
      entry: record("shuttingDown"),
      invoke: {
        id: "flush", src: "flush",
        input: ({ context: c }) => ({ mode: c.mode, reason: c.reason }),
        onDone: { target: "stopped", actions: reason("flushed") },
        onError: { target: "stopped", actions: { type: "setReason", params: ({ event }) => ({ reason: `flush_failed: ${errorText(event.error)}` }) } },
      },
      after: { shutdownGrace: { target: "stopped", actions: reason("flush_timeout") } },
      on: {
        "system.shutdown": { target: "stopped", actions: ["see", reason("shutdown_forced")] },
        "clock.tick": { guard: "shutdownDue", target: "stopped", actions: ["see", reason("flush_timeout")] },
      },
    },
    stopped: { type: "final", entry: record("stopped") },
  },
});

export type SupervisorSnapshot = SnapshotFrom<typeof supervisorMachine>;

/** New entries are allowed: reconciled, not stopped, every entry-holding child up. */
export const entriesAllowed = (s: SupervisorSnapshot): boolean =>
  s.status === "active" && s.matches({ active: { mode: { running: "enabled" } } });

/** Children holding entries now (empty when none). */
export const entriesHeldBy = (s: SupervisorSnapshot): ChildName[] => blockingChildren(s.context);

export const degradedChildren = (s: SupervisorSnapshot): ChildName[] =>
  CHILD_NAMES.filter((n) => s.context.children[n].status === "degraded");
