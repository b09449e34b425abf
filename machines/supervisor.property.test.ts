/** Properties over random event sequences (fast-check, seeded): the supervisor's invariants hold after every event. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { T0, boot, candidate, done, named, patient, records, restarts, step, testPolicy } from "./supervisor.fixtures.js";
import { blockingChildren } from "./supervisor.logic.js";
import { entriesAllowed } from "./supervisor.machine.js";
import { CHILD_NAMES, type ChildName, type SupervisorEvent } from "./supervisor.types.js";

type Gen = { dt: number; e: (ts: number) => SupervisorEvent };
const name = fc.constantFrom(...CHILD_NAMES);
const gen: fc.Arbitrary<Gen> = fc.record({
  dt: fc.integer({ min: 0, max: 15_000 }),
  e: fc.oneof(
    { weight: 6, arbitrary: name.map((n) => (ts: number): SupervisorEvent => ({ type: "child.heartbeat", name: n, ts })) },
    { weight: 3, arbitrary: name.map((n) => (ts: number): SupervisorEvent => ({ type: "child.crashed", name: n, error: "x", ts })) },
    { weight: 3, arbitrary: fc.constant((ts: number): SupervisorEvent => ({ type: "clock.tick", ts })) },
    { weight: 1, arbitrary: fc.boolean().map((flatten) => (ts: number): SupervisorEvent => ({ type: "user.stop", flatten, ts })) },
    { weight: 1, arbitrary: fc.constant((ts: number): SupervisorEvent => ({ type: "user.resume", ts })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.double({ min: -2, max: 2 }), fc.double({ min: -2, max: 2 })).map(([v, sh]) => (ts: number): SupervisorEvent =>
        ({ type: "strategy.candidate", ...candidate([v, 0], [sh, 0], `F${v}`), ts })),
    },
  ),
});

describe("supervisor properties", () => {
  for (const [label, policy] of [["10 s heartbeats", testPolicy()], ["patient", patient()]] as const) {
    it(`invariants hold under random events (${label})`, () => {
      fc.assert(
        fc.property(fc.array(gen, { maxLength: 80 }), fc.boolean(), (events, reconcileFirst) => {
          let [s, a] = boot({ policy });
          let seq = records(a).at(-1)!.seq;
          if (reconcileFirst) [s] = step(s, done("reconcile", { positions: 0 }));
          seq = s.context.seq;
          let ts = T0;
          const made = new Map<ChildName, number[]>();
          for (const g of events) {
            ts += g.dt;
            const e = g.e(ts);
            [s, a] = step(s, e);
            // Positions are restarted by nobody; nothing but an explicit flatten exits them.
            expect(restarts(a).some((c) => c.name === "positions")).toBe(false);
            if (named(a, "flattenPositions").length > 0) expect(e).toMatchObject({ type: "user.stop", flatten: true });
            // Every record has a reason; sequence numbers rise by one.
            for (const r of records(a)) {
              expect(r.reason.length).toBeGreaterThan(0);
              expect(r.seq).toBe(++seq);
            }
            // Entries only when reconciled, not stopped, every entry-holding child up.
            if (entriesAllowed(s)) {
              expect(blockingChildren(s.context)).toEqual([]);
              expect([s.context.reconcile.done, s.context.stopRequested]).toEqual([true, false]);
            }
            // The budget: between resumes, never more restarts per window than allowed.
            if (e.type === "user.resume") made.clear();
            for (const c of restarts(a)) made.set(c.name, [...(made.get(c.name) ?? []), s.context.now]);
            for (const times of made.values()) {
              for (const t of times) {
                const inWindow = times.filter((x) => x > t - policy.restart.windowMs && x <= t).length;
                expect(inWindow).toBeLessThanOrEqual(policy.restart.maxRestarts);
              }
            }
          }
          // The context stays plain JSON (no NaN, Infinity, Map).
          expect(JSON.parse(JSON.stringify(s.context))).toEqual(s.context);
        }),
        { seed: 11, numRuns: 150 },
      );
    });
  }
});
