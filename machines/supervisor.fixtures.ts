/**
 * Test helpers for the supervisor machine: inputs, events, pure stepping, and an actor on a
 * simulated clock whose named effects are recorded (hand-written stubs, no mocks).
 */
import { createActor, fromPromise, initialTransition, SimulatedClock, transition } from "xstate";
import { supervisorMachine, type SupervisorSnapshot } from "./supervisor.machine.js";
import { supervisorPolicy, type PolicyOverrides } from "./supervisor.policy.js";
import type {
  Candidate, ChildCommand, ChildName, FlushInput, PromoteParams, ReconcileInput, ReconcileResult, RetrainInput,
  SupervisorEvent, SupervisorInput, SupervisorRecord,
} from "./supervisor.types.js";

export const T0 = 1_000_000;

/** 1 s, 2 s, 4 s ... (no jitter), 3 restarts per minute; retrain hourly; 10 s heartbeat timeout. */
export const testPolicy = (o: PolicyOverrides = {}) =>
  supervisorPolicy({
    restart: { baseMs: 1_000, factor: 2, maxDelayMs: 60_000, jitter: 0, maxRestarts: 3, windowMs: 60_000 },
    children: Object.fromEntries(["ingest", "scorer", "trainer", "executor", "positions"].map((n) => [n, { heartbeatTimeoutMs: 10_000 }])),
    retrainIntervalMs: 3_600_000,
    shutdownGraceMs: 5_000,
    ...o,
  });

/** Heartbeat timeouts of a day: long time jumps in pure tests do not count as hangs. */
export const patient = (o: PolicyOverrides = {}) =>
  testPolicy({ children: Object.fromEntries(["ingest", "scorer", "trainer", "executor", "positions"].map((n) => [n, { heartbeatTimeoutMs: 86_400_000 }])), ...o });

export const input = (o: Partial<SupervisorInput> = {}): SupervisorInput => ({ ts: T0, policy: testPolicy(), activeFormula: "RET DEV SUB", ...o });

export const hb = (name: ChildName, ts: number): SupervisorEvent => ({ type: "child.heartbeat", name, ts });
export const crash = (name: ChildName, ts: number, error = "boom"): SupervisorEvent => ({ type: "child.crashed", name, error, ts });
export const tick = (ts: number): SupervisorEvent => ({ type: "clock.tick", ts });
export const candidate = (validation: [number, number | null], shadow: [number, number | null], formula = "RET LOG_VOL MUL"): Candidate => ({
  formula,
  validation: { candidate: validation[0], active: validation[1] },
  shadow: { candidate: shadow[0], active: shadow[1] },
});

/** What an invoked actor sends its parent; not part of the public event union. */
export const done = (id: "reconcile" | "retrain" | "flush", output: unknown): SupervisorEvent =>
  ({ type: `xstate.done.actor.${id}`, output }) as unknown as SupervisorEvent;
export const fail = (id: "reconcile" | "retrain" | "flush", message: string): SupervisorEvent =>
  ({ type: `xstate.error.actor.${id}`, error: new Error(message) }) as unknown as SupervisorEvent;

type Actions = ReturnType<typeof transition<typeof supervisorMachine>>[1];
export const step = (s: SupervisorSnapshot, ...events: SupervisorEvent[]): [SupervisorSnapshot, Actions] => {
  let actions: Actions = [];
  for (const e of events) {
    const [next, a] = transition(supervisorMachine, s, e);
    s = next;
    actions = [...actions, ...a];
  }
  return [s, actions];
};
export const boot = (o: Partial<SupervisorInput> = {}) => initialTransition(supervisorMachine, input(o));

export const named = <T>(as: Actions, type: string): T[] => as.filter((a) => a.type === type).map((a) => a.params as T);
export const records = (as: Actions) => named<SupervisorRecord>(as, "recordTransition");
export const restarts = (as: Actions) => named<ChildCommand>(as, "restartChild");
export const spawned = (as: Actions) =>
  as.filter((a) => a.type === "xstate.spawnChild").map((a) => a.params as unknown as { id: string; input: unknown });

export const ALL: readonly ChildName[] = ["ingest", "scorer", "trainer", "executor", "positions"];
export const beat = (ts: number, names: readonly ChildName[] = ALL) => names.map((n) => hb(n, ts));

/** Reconciled, every child heartbeating at T0 + 1 s: entries enabled. */
export function running(o: Partial<SupervisorInput> = {}): SupervisorSnapshot {
  const [s0] = boot(o);
  return step(s0, done("reconcile", { positions: 0 }), ...beat(T0 + 1_000))[0];
}

/** A promise that never settles: an actor still in flight. */
const HANG = new Promise<never>(() => {});

export interface Stubs {
  reconcile?: (i: ReconcileInput) => Promise<ReconcileResult>;
  retrain?: (i: RetrainInput) => Promise<Candidate | null>;
  flush?: (i: FlushInput) => Promise<void>;
}

/** An actor on a simulated clock; every named effect is logged in `log`. */
export function startSupervisor(stubs: Stubs = {}, o: Partial<SupervisorInput> = {}, snapshot?: unknown) {
  const log = {
    records: [] as SupervisorRecord[], started: [] as ChildCommand[], restarted: [] as ChildCommand[], degraded: [] as ChildCommand[],
    flattened: 0, promoted: [] as PromoteParams[], reconciles: [] as ReconcileInput[], retrains: [] as RetrainInput[], flushes: [] as FlushInput[],
  };
  const machine = supervisorMachine.provide({
    actors: {
      reconcile: fromPromise<ReconcileResult, ReconcileInput>(({ input: i }) => (log.reconciles.push(i), stubs.reconcile?.(i) ?? Promise.resolve({ positions: 0 }))),
      retrain: fromPromise<Candidate | null, RetrainInput>(({ input: i }) => (log.retrains.push(i), stubs.retrain?.(i) ?? HANG)),
      flush: fromPromise<void, FlushInput>(({ input: i }) => (log.flushes.push(i), stubs.flush?.(i) ?? Promise.resolve())),
    },
    actions: {
      recordTransition: (_, r) => void log.records.push(r),
      startChild: (_, c) => void log.started.push(c),
      restartChild: (_, c) => void log.restarted.push(c),
      childDegraded: (_, c) => void log.degraded.push(c),
      flattenPositions: () => void log.flattened++,
      promoteStrategy: (_, p) => void log.promoted.push(p),
    },
  });
  const clock = new SimulatedClock();
  clock.set(T0);
  const actor = snapshot === undefined
    ? createActor(machine, { input: input(o), clock })
    : createActor(machine, { snapshot: snapshot as SupervisorSnapshot, input: input(o), clock });
  actor.start();
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const send = async (...events: SupervisorEvent[]) => {
    await settle();
    for (const e of events) {
      actor.send(e);
      await settle();
    }
  };
  /** Move the simulated clock; `beating` children heartbeat every second on the way. */
  const advance = async (ms: number, beating: readonly ChildName[] = []) => {
    await settle();
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.increment(Math.min(1_000, end - clock.now()));
      await settle();
      for (const n of beating) actor.send(hb(n, clock.now()));
      await settle();
    }
  };
  return { actor, clock, log, send, advance };
}

/** Round trip through JSON, as the journal stores it. */
export const persisted = (actor: { getPersistedSnapshot(): unknown }): unknown =>
  JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
