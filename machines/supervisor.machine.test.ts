/** Pure tests: `initialTransition`/`transition` run nothing; we assert states and action lists. */
import { describe, expect, it } from "vitest";
import { initialTransition } from "xstate";
import {
  ALL, T0, beat, boot, candidate, crash, done, fail, hb, named, patient, records, restarts, running, running as runningWith, spawned,
  step, tick,
} from "./supervisor.fixtures.js";
import { SUPERVISOR_MACHINE_VERSION, degradedChildren, entriesAllowed, entriesHeldBy, supervisorMachine } from "./supervisor.machine.js";
import type { ChildCommand, PromoteParams } from "./supervisor.types.js";

describe("supervisor machine: lifecycle (pure)", () => {
  it("boots in paper mode: starts every child, reconciles first, entries disabled", () => {
    expect(supervisorMachine.version).toBe(String(SUPERVISOR_MACHINE_VERSION));
    const [s, actions] = initialTransition(supervisorMachine, { ts: T0 });
    expect(s.context.mode).toBe("paper");
    expect(s.value).toEqual({ active: { mode: { starting: "reconciling" }, supervision: "watching", health: "ok", training: "waiting" } });
    expect(named<ChildCommand>(actions, "startChild").map((c) => c.name)).toEqual(ALL);
    expect(spawned(actions)).toMatchObject([{ id: "reconcile", input: { mode: "paper", attempt: 1 } }]);
    expect(records(actions)).toEqual([{ seq: 1, state: "mode.starting.reconciling", reason: "boot", ts: T0 }]);
    expect(entriesAllowed(s)).toBe(false);
  });

  it("entries open only once reconciled AND the entry-holding children heartbeat", () => {
    const [s0] = boot();
    const [r, a] = step(s0, done("reconcile", { positions: 2 }));
    expect(r.value).toMatchObject({ active: { mode: { running: "held" } } });
    expect(records(a)).toMatchObject([{ state: "mode.running.held", reason: "reconciled: 2 open positions" }]);
    expect(entriesHeldBy(r)).toEqual(["ingest", "scorer", "executor", "positions"]);
    // The trainer does not hold entries: the active formula trades without it.
    const [u, b] = step(r, ...beat(T0 + 500, ["ingest", "scorer", "executor", "positions"]));
    expect(entriesAllowed(u)).toBe(true);
    expect(records(b).at(-1)).toMatchObject({ state: "mode.running.enabled", reason: "entries_enabled" });
    // Heartbeats before reconciliation do not open entries either.
    const [early] = step(s0, ...beat(T0 + 500));
    expect(entriesAllowed(early)).toBe(false);
  });

  it("a failed reconciliation retries on a backoff; entries stay disabled", () => {
    const [s0] = boot();
    const [r, a] = step(s0, ...beat(T0 + 10), fail("reconcile", "rpc down"));
    expect(r.value).toMatchObject({ active: { mode: { starting: "retrying" } } });
    expect(r.context.reconcile).toMatchObject({ attempts: 1, error: "rpc down", retryAt: T0 + 10 + 1_000 });
    expect(records(a).at(-1)).toMatchObject({ state: "mode.starting.retrying", reason: "reconcile_failed: rpc down" });
    const [same] = step(r, tick(T0 + 1_009));
    expect(same.value).toMatchObject({ active: { mode: { starting: "retrying" } } });
    const [again, b] = step(r, tick(T0 + 1_010));
    expect(again.value).toMatchObject({ active: { mode: { starting: "reconciling" } } });
    expect(spawned(b)).toMatchObject([{ id: "reconcile", input: { attempt: 2 } }]);
    expect(entriesAllowed(again)).toBe(false);
  });

  it("user.stop halts entries at once and keeps managing positions; resume re-opens them", () => {
    const [s, a] = step(running(), { type: "user.stop", flatten: false, ts: T0 + 2_000 });
    expect(s.value).toMatchObject({ active: { mode: "stoppingEntries" } });
    expect(entriesAllowed(s)).toBe(false);
    expect(named(a, "flattenPositions")).toEqual([]);
    expect(records(a)).toMatchObject([{ state: "mode.stoppingEntries", reason: "user_stop", ts: T0 + 2_000 }]);
    const [r] = step(s, { type: "user.resume" });
    expect(entriesAllowed(r)).toBe(true);
  });

  it("user.stop?flatten also sends exit to every position through flattenPositions", () => {
    const [s, a] = step(running(), { type: "user.stop", flatten: true, ts: T0 + 2_000 });
    expect(s.value).toMatchObject({ active: { mode: "stoppingEntries" } });
    expect(named(a, "flattenPositions")).toEqual([{ reason: "user_stop_flatten", ts: T0 + 2_000 }]);
    const [, again] = step(s, { type: "user.stop", flatten: true });
    expect(named(again, "flattenPositions")).toHaveLength(1);
  });

  it("a stop during reconciliation lets it finish, then holds entries", () => {
    const [s0] = boot();
    const [s1, a] = step(s0, { type: "user.stop", flatten: true });
    expect(s1.value).toMatchObject({ active: { mode: { starting: "reconciling" } } });
    expect(named(a, "flattenPositions")).toHaveLength(1);
    expect(a.some((x) => (x.type as string) === "xstate.stopChild")).toBe(false);
    const [s2] = step(s1, done("reconcile", { positions: 0 }), ...beat(T0 + 1));
    expect(s2.value).toMatchObject({ active: { mode: "stoppingEntries" } });
    expect(s2.context.reason).toBe("reconciled: 0 open positions, entries stopped");
  });

  it("an operator stop from before the start holds entries once reconciled, until user.resume", () => {
    const [s0] = boot({ stopRequested: true });
    const [s1, a] = step(s0, done("reconcile", { positions: 1 }), ...beat(T0 + 1_000));
    expect(s1.value).toMatchObject({ active: { mode: "stoppingEntries" } });
    expect(entriesAllowed(s1)).toBe(false);
    expect(records(a).filter((r) => r.state.startsWith("mode.")).map((r) => [r.state, r.reason])).toEqual([
      ["mode.stoppingEntries", "reconciled: 1 open positions, entries stopped"],
    ]);
    const [r] = step(s1, { type: "user.resume" }, ...beat(T0 + 2_000));
    expect(entriesAllowed(r)).toBe(true);
  });

  it("system.shutdown stops entries, flushes, then ends; supervision stops restarting", () => {
    const [s, a] = step(running(), { type: "system.shutdown", signal: "SIGTERM", ts: T0 + 5_000 });
    expect(s.value).toBe("shuttingDown");
    expect(entriesAllowed(s)).toBe(false);
    expect(spawned(a)).toMatchObject([{ id: "flush", input: { reason: "shutdown: SIGTERM" } }]);
    const [c, b] = step(s, crash("executor", T0 + 5_001), tick(T0 + 5_002));
    expect(restarts(b)).toEqual([]);
    expect(c.value).toBe("shuttingDown");
    const [end, e] = step(s, done("flush", undefined));
    expect([end.value, end.status, end.output]).toEqual(["stopped", "done", { reason: "flushed", ts: T0 + 5_000 }]);
    expect(records(e)).toMatchObject([{ state: "stopped", reason: "flushed" }]);
  });

  it("a flush that fails or overruns still ends; a second signal forces it", () => {
    const [s] = step(running(), { type: "system.shutdown", signal: "SIGINT", ts: T0 + 5_000 });
    expect(step(s, fail("flush", "disk full"))[0].output).toMatchObject({ reason: "flush_failed: disk full" });
    expect(step(s, tick(T0 + 9_999))[0].value).toBe("shuttingDown");
    expect(step(s, tick(T0 + 10_000))[0].output).toMatchObject({ reason: "flush_timeout" });
    expect(step(s, { type: "system.shutdown", signal: "SIGINT" })[0].output).toMatchObject({ reason: "shutdown_forced" });
  });

  it("every transition record has a reason and a rising sequence number", () => {
    const [s0, a0] = boot();
    const [, a] = step(
      s0, fail("reconcile", "x"), tick(T0 + 1_000), done("reconcile", { positions: 0 }), ...beat(T0 + 1_100),
      crash("scorer", T0 + 1_200), tick(T0 + 2_200), hb("scorer", T0 + 2_300), { type: "user.stop", flatten: false },
      { type: "system.shutdown", signal: "SIGTERM" }, done("flush", undefined),
    );
    const all = [...records(a0), ...records(a)];
    expect(all.length).toBeGreaterThan(10);
    expect(all.every((r) => r.reason.length > 0)).toBe(true);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
  });
});

describe("supervisor machine: children (pure)", () => {
  it("a crash restarts the child after the backoff, holding entries until it heartbeats", () => {
    const [s, a] = step(running(), crash("scorer", T0 + 2_000, "OOM"));
    expect(s.context.children.scorer).toMatchObject({ status: "restarting", restartAt: T0 + 3_000, lastError: "OOM" });
    expect(restarts(a)).toEqual([]);
    expect(entriesAllowed(s)).toBe(false);
    expect(records(a).map((r) => r.state)).toEqual(["child.scorer.restarting", "mode.running.held"]);
    const [r, b] = step(s, tick(T0 + 3_000));
    expect(restarts(b)).toEqual([{ name: "scorer", mode: "paper", attempt: 1, reason: "scorer_restart" }]);
    expect(r.context.children.scorer.status).toBe("starting");
    const [u] = step(r, hb("scorer", T0 + 3_500));
    expect(entriesAllowed(u)).toBe(true);
  });

  it("ignores heartbeats of unknown children and times that are not numbers", () => {
    const s = running();
    const [t] = step(s, { type: "child.heartbeat", name: "oracle" as never, ts: T0 + 2_000 }, hb("scorer", Number.NaN), tick(Number.NaN));
    expect(t.context.children).toEqual(s.context.children);
    expect(t.context.now).toBe(s.context.now);
  });

  it("a missed heartbeat is a hang: restarted like a crash", () => {
    let [s] = step(running(), ...beat(T0 + 5_000, ["ingest", "trainer", "executor", "positions"]));
    [s] = step(s, tick(T0 + 11_000));
    expect(s.context.children.scorer.status).toBe("up");
    const [h, a] = step(s, tick(T0 + 11_001));
    expect(h.context.children.scorer).toMatchObject({ status: "restarting", lastError: "no heartbeat for 10001 ms" });
    expect(records(a)[0]).toMatchObject({ state: "child.scorer.restarting", reason: "scorer_hung" });
  });

  it("the backoff doubles within the window; past the budget the child is degraded", () => {
    let s = running();
    const delays: number[] = [];
    let t = T0 + 2_000;
    for (let k = 0; k < 3; k++) {
      [s] = step(s, crash("executor", t));
      const at = s.context.children.executor.restartAt!;
      delays.push(at - t);
      [s] = step(s, tick(at));
      t = at + 100;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    const [d, a] = step(s, crash("executor", t));
    expect(d.context.children.executor.status).toBe("degraded");
    expect(named(a, "childDegraded")).toEqual([{ name: "executor", mode: "paper", attempt: 3, reason: "executor_restart_budget_spent" }]);
    expect(d.value).toMatchObject({ active: { health: "degraded" } });
    expect(degradedChildren(d)).toEqual(["executor"]);
    expect(entriesAllowed(d)).toBe(false);
    // Degraded is left alone: no restart, later heartbeats of the old instance ignored.
    const [still, b] = step(d, tick(t + 120_000), hb("executor", t + 120_001));
    expect([still.context.children.executor.status, restarts(b)]).toEqual(["degraded", []]);
    // user.resume revives it with a fresh budget.
    const [back, c] = step(d, { type: "user.resume", ts: t + 1 });
    expect(restarts(c)).toEqual([{ name: "executor", mode: "paper", attempt: 1, reason: "executor_restart" }]);
    const [ok] = step(back, hb("executor", t + 2));
    expect(ok.value).toMatchObject({ active: { health: "ok", mode: { running: "enabled" } } });
  });

  it("restarts that left the window no longer count against the budget", () => {
    let s = running();
    for (const t of [2_000, 30_000, 50_000]) [s] = step(s, crash("ingest", T0 + t), tick(T0 + t + 5_000), hb("ingest", T0 + t + 5_100));
    const [d] = step(s, crash("ingest", T0 + 70_000));
    expect(d.context.children.ingest.status).toBe("restarting");
    expect(d.context.children.ingest.restarts).toHaveLength(2);
  });

  it("a degraded trainer does not hold entries", () => {
    let s = running({ policy: patient() });
    for (let k = 0; k < 4; k++) [s] = step(s, crash("trainer", T0 + 2_000 + k * 20_000), tick(T0 + 12_000 + k * 20_000));
    expect(s.context.children.trainer.status).toBe("degraded");
    expect(s.value).toMatchObject({ active: { health: "degraded" } });
    const [u] = step(s, ...beat(T0 + 80_000, ["ingest", "scorer", "executor", "positions"]));
    expect(entriesAllowed(u)).toBe(true);
  });

  it("positions are restarted by nobody: their host going quiet holds entries until it heartbeats", () => {
    const [s, a] = step(running({ policy: patient() }), crash("positions", T0 + 2_000, "event loop stalled"), tick(T0 + 60_000));
    expect(restarts(a).some((c) => c.name === "positions")).toBe(false);
    expect(s.context.children.positions.status).toBe("down");
    expect(records(a)[0]).toMatchObject({ state: "child.positions.down", reason: "positions_crashed" });
    expect(entriesAllowed(s)).toBe(false);
    const [u, b] = step(s, ...beat(T0 + 60_001));
    expect(records(b)).toContainEqual(expect.objectContaining({ state: "child.positions.up", reason: "positions_recovered" }));
    expect(entriesAllowed(u)).toBe(true);
  });

  it("crashing children never flatten or otherwise touch positions", () => {
    let s = running({ policy: patient() });
    let all: ReturnType<typeof step>[1] = [];
    for (const [k, name] of ALL.entries()) {
      const [n, a] = step(s, crash(name, T0 + 2_000 + k * 200_000), tick(T0 + 100_000 + k * 200_000));
      s = n;
      all = [...all, ...a];
    }
    // Supervision's only effects are records and restarts (positions: none at all).
    const effects = new Set(all.map((a) => a.type).filter((t) => !t.startsWith("xstate.")));
    expect([...effects].every((t) => ["bump", "recordTransition", "restartChild", "childDegraded", "supervise"].includes(t))).toBe(true);
    expect(restarts(all).map((c) => c.name).sort()).toEqual(["executor", "ingest", "scorer", "trainer"]);
  });
});

describe("supervisor machine: retraining and promotion (pure)", () => {
  const running = () => runningWith({ policy: patient() });
  const promoted = (a: ReturnType<typeof step>[1]) => named<PromoteParams>(a, "promoteStrategy");

  it("retrains every interval and promotes a candidate that wins on validation AND in shadow", () => {
    const s = running();
    expect(step(s, tick(T0 + 3_599_999))[0].value).toMatchObject({ active: { training: "waiting" } });
    const [r, a] = step(s, ...beat(T0 + 3_599_000), tick(T0 + 3_600_000));
    expect(r.value).toMatchObject({ active: { training: "retraining" } });
    expect(spawned(a)).toMatchObject([{ id: "retrain", input: { activeFormula: "RET DEV SUB", ts: T0 + 3_600_000 } }]);
    const win = candidate([1.2, 1.0], [0.3, 0.1]);
    const [p, b] = step(r, done("retrain", win));
    expect(promoted(b)).toEqual([{ ...win, ts: T0 + 3_600_000 }]);
    expect(p.context.strategy).toMatchObject({ active: "RET LOG_VOL MUL", promotedAt: T0 + 3_600_000, retrainAt: T0 + 7_200_000 });
    expect(records(b).at(-1)).toMatchObject({ state: "strategy.promoted", reason: "strategy_promoted" });
  });

  it("does not promote a candidate that loses either comparison, or scores NaN", () => {
    const s = running();
    const cases = [
      [candidate([1.2, 1.0], [0.1, 0.3]), "candidate_rejected: shadow 0.1 vs active 0.3"],
      [candidate([0.9, 1.0], [0.5, 0.3]), "candidate_rejected: validation 0.9 vs active 1"],
      [candidate([Number.NaN, 1.0], [0.5, 0.3]), "candidate_rejected: validation NaN vs active 1"],
      [candidate([2, 1], [1, Number.NaN]), "candidate_rejected: shadow 1 vs active NaN"],
      [candidate([2, 1], [1, 0], "RET DEV SUB"), "candidate_rejected: already active"],
    ] as const;
    for (const [k, why] of cases) {
      const [r, a] = step(s, { type: "strategy.candidate", ...k });
      expect(promoted(a)).toEqual([]);
      expect(r.context.strategy.active).toBe("RET DEV SUB");
      expect(records(a)).toMatchObject([{ state: "strategy.rejected", reason: why }]);
    }
    const [, a] = step(s, { type: "strategy.candidate", ...candidate([1.1, 1.0], [0.2, 0.1]) });
    expect(promoted(a)).toHaveLength(1);
  });

  it("with no active formula any finite candidate is promoted", () => {
    const [s] = boot({ activeFormula: null, policy: patient() });
    const [, a] = step(s, { type: "strategy.candidate", ...candidate([0.1, null], [0.0, null]) });
    expect(promoted(a)).toHaveLength(1);
  });

  it("skips a retrain while the trainer is not up, and survives a failed one", () => {
    const [s] = step(running(), crash("trainer", T0 + 3_000_000), tick(T0 + 3_600_000));
    expect(s.value).toMatchObject({ active: { training: "waiting" } });
    expect(s.context.reason).toBe("retrain_skipped: trainer not up");
    expect(s.context.strategy.retrainAt).toBe(T0 + 7_200_000);
    const [r] = step(running(), ...beat(T0 + 3_599_000), tick(T0 + 3_600_000));
    const [f, a] = step(r, fail("retrain", "worker died"));
    expect(f.value).toMatchObject({ active: { training: "waiting" } });
    expect(records(a)).toMatchObject([{ state: "training.failed", reason: "retrain_failed: worker died" }]);
    const [n, b] = step(r, done("retrain", null));
    expect([n.context.reason, promoted(b)]).toEqual(["retrain_no_candidate", []]);
  });

  it("a retrain interval of 0 turns retraining off", () => {
    const [s] = boot({ policy: patient({ retrainIntervalMs: 0 }) });
    expect(s.value).toMatchObject({ active: { training: "off" } });
    expect(step(s, tick(T0 + 1e12))[0].value).toMatchObject({ active: { training: "off" } });
  });
});
