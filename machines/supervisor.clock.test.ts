/** Timers on the actor's SimulatedClock: hangs, backoff restarts, retraining and the shutdown grace fire without clock.tick. */
import { describe, expect, it } from "vitest";
import { T0, candidate, crash, patient, startSupervisor } from "./supervisor.fixtures.js";
import { entriesAllowed } from "./supervisor.machine.js";
import type { ChildName } from "./supervisor.types.js";

const ALL: ChildName[] = ["ingest", "scorer", "trainer", "executor", "positions"];
const without = (n: ChildName) => ALL.filter((x) => x !== n);

describe("supervisor on a simulated clock", () => {
  it("reconciles, opens entries, restarts a hung scorer on the backoff and reopens when it beats again", async () => {
    const s = startSupervisor();
    await s.advance(2_000, ALL);
    expect(s.log.started.map((c) => c.name)).toEqual(ALL);
    expect(entriesAllowed(s.actor.getSnapshot())).toBe(true);
    // The scorer goes quiet: 10 s later it is hung, 1 s after that restarted (timers only).
    await s.advance(10_001, without("scorer"));
    expect(s.actor.getSnapshot().context.children.scorer.status).toBe("restarting");
    expect(entriesAllowed(s.actor.getSnapshot())).toBe(false);
    expect(s.log.restarted).toEqual([]);
    await s.advance(1_000, without("scorer"));
    expect(s.log.restarted).toEqual([{ name: "scorer", mode: "paper", attempt: 1, reason: "scorer_restart" }]);
    await s.advance(1_000, ALL);
    expect(entriesAllowed(s.actor.getSnapshot())).toBe(true);
    s.actor.stop();
  });

  it("a crash loop backs off 1, 2, 4 s, then degrades the child", async () => {
    const s = startSupervisor({}, { policy: patient() });
    await s.advance(1_000, ALL);
    const at: number[] = [];
    for (let k = 0; k < 4; k++) {
      const before = s.log.restarted.length;
      await s.send(crash("executor", s.clock.now()));
      const crashedAt = s.clock.now();
      while (s.log.restarted.length === before && s.clock.now() - crashedAt < 20_000) await s.advance(100);
      if (s.log.restarted.length > before) at.push(s.clock.now() - crashedAt);
    }
    expect(at).toEqual([1_000, 2_000, 4_000]);
    expect(s.log.degraded).toEqual([{ name: "executor", mode: "paper", attempt: 3, reason: "executor_restart_budget_spent" }]);
    expect(s.actor.getSnapshot().matches({ active: { health: "degraded" } })).toBe(true);
    s.actor.stop();
  });

  it("retrains when the interval elapses and promotes a winning candidate", async () => {
    const win = candidate([1.5, 1.0], [0.4, 0.2]);
    const s = startSupervisor({ retrain: () => Promise.resolve(win) }, { policy: patient() });
    await s.advance(1_000, ALL);
    await s.advance(3_599_000 - 1);
    expect(s.log.retrains).toEqual([]);
    await s.advance(1, ALL);
    expect(s.log.retrains).toEqual([{ mode: "paper", activeFormula: "RET DEV SUB", ts: T0 + 3_600_000 }]);
    expect(s.log.promoted).toEqual([{ ...win, ts: T0 + 3_600_000 }]);
    expect(s.actor.getSnapshot().context.strategy.active).toBe(win.formula);
    s.actor.stop();
  });

  it("retries reconciliation on its backoff until it succeeds", async () => {
    let calls = 0;
    const s = startSupervisor({ reconcile: () => (++calls < 3 ? Promise.reject(new Error("rpc down")) : Promise.resolve({ positions: 1 })) });
    await s.advance(500, ALL);
    expect(s.actor.getSnapshot().matches({ active: { mode: { starting: "retrying" } } })).toBe(true);
    await s.advance(3_000, ALL);
    expect(calls).toBe(3);
    expect(s.log.reconciles.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(entriesAllowed(s.actor.getSnapshot())).toBe(true);
    s.actor.stop();
  });

  it("a flush that never ends is abandoned after the grace period", async () => {
    const s = startSupervisor({ flush: () => new Promise<never>(() => {}) });
    await s.advance(1_000, ALL);
    await s.send({ type: "system.shutdown", signal: "SIGTERM" });
    expect(s.actor.getSnapshot().value).toBe("shuttingDown");
    await s.advance(4_999);
    expect(s.actor.getSnapshot().value).toBe("shuttingDown");
    await s.advance(1);
    expect(s.actor.getSnapshot().status).toBe("done");
    expect(s.actor.getSnapshot().output).toMatchObject({ reason: "flush_timeout" });
    expect(s.log.restarted).toEqual([]);
  });
});
