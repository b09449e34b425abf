/**
 * Persistence: JSON round trips of `getPersistedSnapshot()`, and a restore in every state that
 * holds an invoked actor (reconcile, retrain, flush): the restored run invokes it again, and
 * the second run is harmless. Entry actions (starting children) are not replayed.
 */
import { describe, expect, it } from "vitest";
import { T0, candidate, crash, patient, persisted, startSupervisor, tick } from "./supervisor.fixtures.js";
import { entriesAllowed } from "./supervisor.machine.js";
import type { ChildName } from "./supervisor.types.js";

const ALL: ChildName[] = ["ingest", "scorer", "trainer", "executor", "positions"];
const HANG = () => new Promise<never>(() => {});

describe("supervisor persistence", () => {
  it("restore while reconciling: reconciliation runs again (it is idempotent) and entries open once", async () => {
    const first = startSupervisor({ reconcile: HANG });
    await first.advance(500, ALL);
    expect(first.actor.getSnapshot().matches({ active: { mode: { starting: "reconciling" } } })).toBe(true);
    const saved = persisted(first.actor);
    first.actor.stop();

    const again = startSupervisor({ reconcile: () => Promise.resolve({ positions: 3 }) }, {}, saved);
    await again.advance(500, ALL);
    expect(again.log.reconciles).toEqual([{ mode: "paper", attempt: 1 }]);
    expect(again.log.started).toEqual([]);
    expect(entriesAllowed(again.actor.getSnapshot())).toBe(true);
    expect(again.log.records.every((r) => r.seq > (saved as { context: { seq: number } }).context.seq)).toBe(true);
  });

  it("restore while retraining: the retrain runs again and its candidate is promoted once", async () => {
    const win = candidate([2, 1], [1, 0.5]);
    const first = startSupervisor({ retrain: HANG }, { policy: patient() });
    await first.advance(1_000, ALL);
    await first.send(tick(T0 + 3_600_000));
    expect(first.actor.getSnapshot().matches({ active: { training: "retraining" } })).toBe(true);
    const saved = persisted(first.actor);
    first.actor.stop();

    const again = startSupervisor({ retrain: () => Promise.resolve(win) }, { policy: patient() }, saved);
    await again.send();
    expect(again.log.retrains).toEqual([{ mode: "paper", activeFormula: "RET DEV SUB", ts: T0 + 3_600_000 }]);
    expect(again.log.promoted).toEqual([{ ...win, ts: T0 + 3_600_000 }]);
    expect(again.actor.getSnapshot().context.strategy.active).toBe(win.formula);
  });

  it("restore while shutting down: the flush runs again and the machine ends", async () => {
    const first = startSupervisor({ flush: HANG });
    await first.advance(1_000, ALL);
    await first.send({ type: "system.shutdown", signal: "SIGTERM" });
    const saved = persisted(first.actor);
    first.actor.stop();

    const again = startSupervisor({}, {}, saved);
    await again.send();
    expect(again.log.flushes).toEqual([{ mode: "paper", reason: "shutdown: SIGTERM" }]);
    expect(again.actor.getSnapshot().output).toEqual({ reason: "flushed", ts: T0 + 1_000 });
  });

  it("round-trips through JSON in every resting state, and the restored actor matches", async () => {
    const s = startSupervisor({}, { policy: patient() });
    const seen: unknown[] = [];
    const check = async () => {
      const saved = persisted(s.actor);
      const restored = startSupervisor({ reconcile: HANG, flush: HANG }, { policy: patient() }, saved);
      expect(restored.actor.getSnapshot().value).toEqual(s.actor.getSnapshot().value);
      expect(restored.actor.getSnapshot().context).toEqual(s.actor.getSnapshot().context);
      expect(persisted(restored.actor)).toEqual(saved);
      restored.actor.stop();
      seen.push(s.actor.getSnapshot().value);
    };
    await s.advance(1_000, ALL);
    await check();
    await s.send(crash("scorer", s.clock.now()));
    await check();
    // Three restarts within the minute, then a fourth crash: the budget is spent.
    for (let k = 1; k <= 3; k++) await s.send(tick(s.clock.now() + 10_000 * k), crash("scorer", s.clock.now() + 10_000 * k + 1));
    await check();
    await s.send({ type: "user.stop", flatten: true });
    await check();
    expect(seen.map((v) => JSON.stringify(v))).toEqual([
      { mode: { running: "enabled" }, health: "ok" },
      { mode: { running: "held" }, health: "ok" },
      { mode: { running: "held" }, health: "degraded" },
      { mode: "stoppingEntries", health: "degraded" },
    ].map((x) => JSON.stringify({ active: { mode: x.mode, supervision: "watching", health: x.health, training: "waiting" } })));
  });

  it("after a restore, due restarts move on clock.tick (XState does not persist timers)", async () => {
    const first = startSupervisor({}, { policy: patient() });
    await first.advance(1_000, ALL);
    await first.send(crash("ingest", T0 + 1_000));
    const saved = persisted(first.actor);
    first.actor.stop();
    const again = startSupervisor({}, { policy: patient() }, saved);
    await again.send(tick(T0 + 1_999));
    expect(again.log.restarted).toEqual([]);
    await again.send(tick(T0 + 2_000));
    expect(again.log.restarted).toEqual([{ name: "ingest", mode: "paper", attempt: 1, reason: "ingest_restart" }]);
  });
});
