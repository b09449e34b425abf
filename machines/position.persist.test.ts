/**
 * Persistence: JSON round trips of `getPersistedSnapshot()`, and a restore in every state that
 * holds an invoked actor. The crashed run executed its order but lost the answer; the restored
 * run invokes again with the same intent id, the executor answers from its journal, and the
 * fill is booked once.
 */
import { describe, expect, it } from "vitest";
import { ENTRY, clockTick, filled, persisted, startPosition, tick, type Script } from "./position.fixtures.js";
import type { PositionEvent, ResolveResult } from "./position.types.js";

const landed = (qty: number, sol: number): ResolveResult => ({ kind: "landed", qty, sol, signature: "L", ts: 5 });

interface Case {
  name: string;
  script: () => Script;
  events: PositionEvent[];
  advance?: number;
  at: unknown;
  /** The `recordTransition` name of the state the crash happened in. */
  rec: string;
  after: unknown;
  qty: number;
}

const cases: Case[] = [
  {
    name: "entering (buy in flight)", script: () => ({ price: ENTRY, buy: [{ crashAfter: filled(1000, 1) }] }),
    events: [], at: "entering", rec: "entering", after: "open", qty: 1000,
  },
  {
    name: "unknown.resolving (buy outcome)",
    script: () => ({ price: ENTRY, buy: [{ kind: "unknown", signature: "S" }], resolve: [{ crashAfter: landed(990, 1) }] }),
    events: [], advance: 2_000, at: { unknown: "resolving" }, rec: "unknown", after: "open", qty: 990,
  },
  {
    name: "tp1.selling", script: () => ({ price: ENTRY, sell: [{ crashAfter: filled(500, 0.55) }] }),
    events: [tick(ENTRY * 1.1, 1)], at: { tp1: "selling" }, rec: "tp1", after: "trailing", qty: 500,
  },
  {
    name: "tp1.resolving",
    script: () => ({ price: ENTRY, sell: [{ kind: "unknown", signature: "U" }], resolve: [{ crashAfter: landed(500, 0.55) }] }),
    events: [tick(ENTRY * 1.1, 1)], advance: 2_000, at: { tp1: "resolving" }, rec: "tp1", after: "trailing", qty: 500,
  },
  {
    name: "moonbag.recovering.selling", script: () => ({ price: ENTRY, sell: [{ crashAfter: filled(476, 1) }] }),
    events: [tick(ENTRY * 2.1, 1)], at: { moonbag: { recovering: "selling" } }, rec: "moonbag.recovering", after: { moonbag: "running" }, qty: 524,
  },
  {
    name: "exiting.selling", script: () => ({ price: ENTRY, sell: [{ crashAfter: filled(1000, 0.9) }] }),
    events: [tick(ENTRY * 0.9, 1)], at: { exiting: "selling" }, rec: "exiting", after: "closed", qty: 0,
  },
  {
    name: "exiting.resolving",
    script: () => ({ price: ENTRY, sell: [{ kind: "unknown", signature: "U" }], resolve: [{ crashAfter: landed(1000, 0.9) }] }),
    events: [tick(ENTRY * 0.9, 1)], advance: 2_000, at: { exiting: "resolving" }, rec: "exiting", after: "closed", qty: 0,
  },
];

describe("position persistence", () => {
  it.each(cases)("restore in $name re-runs the invoke harmlessly", async (c) => {
    const script = c.script();
    const first = startPosition(script);
    await first.send(...c.events);
    if (c.advance !== undefined) await first.advance(c.advance);
    expect(first.actor.getSnapshot().value).toEqual(c.at);
    const saved = persisted(first.actor);
    const executed = script.executions?.n;
    first.actor.stop();

    const again = startPosition(script, undefined, saved);
    await again.send();
    const snap = again.actor.getSnapshot();
    expect(snap.value).toEqual(c.after);
    expect(snap.context.fills.qty).toBeCloseTo(c.qty, 9);
    expect(script.executions?.n).toBe(executed);
    // The re-run carried the crashed run's intent id; entry actions were not replayed.
    const firstCalls = [...first.calls.buy, ...first.calls.sell, ...first.calls.resolve].map((i) => i.intentId);
    const againCalls = [...again.calls.buy, ...again.calls.sell, ...again.calls.resolve].map((i) => i.intentId);
    expect(againCalls[0]).toBe(firstCalls.at(-1));
    expect(again.records.map((r) => r.state)).not.toContain(c.rec);
    expect(again.records.every((r) => r.seq > (saved as { context: { seq: number } }).context.seq)).toBe(true);
  });

  it("round-trips through JSON in every resting state, and the restored actor matches", async () => {
    const script: Script = {
      price: ENTRY, sell: [new Error("down"), { kind: "unknown", signature: "U" }, "hang"], resolve: [{ kind: "expired" }],
    };
    const p = startPosition(script);
    const seen: unknown[] = [];
    const check = async () => {
      const saved = persisted(p.actor);
      const restored = startPosition({ price: ENTRY, buy: ["hang"], sell: ["hang"], resolve: ["hang"] }, undefined, saved);
      expect(restored.actor.getSnapshot().value).toEqual(p.actor.getSnapshot().value);
      expect(restored.actor.getSnapshot().context).toEqual(p.actor.getSnapshot().context);
      expect(persisted(restored.actor)).toEqual(saved);
      restored.actor.stop();
      seen.push(p.actor.getSnapshot().value);
    };
    await p.send();
    await check();
    await p.send(tick(ENTRY * 1.06, 1));
    await check();
    await p.send(tick(ENTRY * 0.99, 2));
    await check();
    await p.advance(1_000);
    await check();
    await p.advance(2_000);
    await check();
    await p.advance(2_000);
    await check();
    expect(seen).toEqual(["open", "trailing", { exiting: "backoff" }, { exiting: "unknown" }, { exiting: "backoff" }, { exiting: "selling" }]);
  });

  it("a closed position restores as done with the same output", async () => {
    const p = startPosition({ price: ENTRY });
    await p.send(tick(ENTRY * 0.9, 1));
    const again = startPosition({ price: ENTRY }, undefined, persisted(p.actor));
    expect(again.actor.getSnapshot().status).toBe("done");
    expect(again.actor.getSnapshot().output).toEqual(p.actor.getSnapshot().output);
  });

  it("after a restore, stops are armed at once and timers move on clock.tick (XState does not persist them)", async () => {
    const first = startPosition({ price: ENTRY, sell: [new Error("429")] });
    await first.send(tick(ENTRY * 0.9, 1));
    expect(first.actor.getSnapshot().value).toEqual({ exiting: "backoff" });
    const again = startPosition({ price: ENTRY }, undefined, persisted(first.actor));
    await again.advance(60_000);
    expect(again.actor.getSnapshot().value).toEqual({ exiting: "backoff" });
    await again.send(clockTick(1_001));
    expect(again.actor.getSnapshot().value).toBe("closed");

    const open = startPosition({ price: ENTRY });
    await open.send(tick(ENTRY, 1));
    const restored = startPosition({ price: ENTRY }, undefined, persisted(open.actor));
    await restored.send(tick(ENTRY * 0.94, 2));
    expect(restored.actor.getSnapshot().output).toMatchObject({ reason: "stop_loss" });
  });
});
