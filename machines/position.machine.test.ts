/** Pure tests: `initialTransition`/`transition` run nothing; we assert states and action lists. */
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { ENTRY, clockTick, done, fail, filled, input, score, tick, type Snapshot } from "./position.fixtures.js";
import { POSITION_MACHINE_VERSION, positionMachine } from "./position.machine.js";
import { positionParams, type PositionParams } from "./position.params.js";
import type { PositionEvent } from "./position.types.js";

type Actions = ReturnType<typeof transition<typeof positionMachine>>[1];
const step = (s: Snapshot, e: PositionEvent) => transition(positionMachine, s, e);
const records = (as: Actions) => as.filter((a) => a.type === "recordTransition").map((a) => a.params);
const spawned = (as: Actions) =>
  as.filter((a) => a.type === "xstate.spawnChild").map((a) => (a.params as unknown as { id: string; input: unknown }));

/** Bought 1,000 tokens for 1 SOL at ts 10: a fill, not the planned size. */
function opened(params?: PositionParams): Snapshot {
  const [s0] = initialTransition(positionMachine, input(params));
  return step(s0, done("buy", filled(1000, 1, 10, "B")))[0];
}

describe("position machine (pure)", () => {
  it("is versioned and starts by invoking the buy with an idempotency key", () => {
    expect(positionMachine.version).toBe(String(POSITION_MACHINE_VERSION));
    const [s, actions] = initialTransition(positionMachine, input());
    expect(s.value).toBe("entering");
    expect(records(actions)).toEqual([{ positionId: "p1", seq: 1, state: "entering", reason: "created", ts: 0 }]);
    expect(spawned(actions)).toMatchObject([{ id: "buy", input: { intentId: "p1:1", sizeSol: 1, mint: "MINT" } }]);
  });

  it("books the entry from the fill and arms the stop and the time limit", () => {
    const [s0] = initialTransition(positionMachine, input());
    const [s, actions] = step(s0, done("buy", filled(800, 1, 10, "B")));
    expect(s.value).toBe("open");
    expect(s.context.fills).toMatchObject({ qty: 800, costSol: 1, entryPrice: 1 / 800 });
    expect(s.context.track.stop).toBeCloseTo((1 / 800) * 0.95, 12);
    expect(records(actions)).toEqual([{ positionId: "p1", seq: 2, state: "open", reason: "bought", ts: 10 }]);
    const timer = actions.find((a) => a.type === "xstate.raise");
    expect(timer?.params).toMatchObject({ delay: 6 * 3_600_000 });
  });

  it("a failed or empty buy ends in failed with its reason", () => {
    const [s0] = initialTransition(positionMachine, input());
    const [f] = step(s0, fail("buy", "blockhash expired"));
    expect([f.value, f.status, f.output?.outcome, f.context.reason]).toEqual(["failed", "done", "failed", "buy_failed"]);
    const [e] = step(s0, done("buy", filled(0, 1)));
    expect([e.value, e.context.reason]).toEqual(["failed", "buy_empty_fill"]);
  });

  it("stop loss: the tick at -5% starts selling everything, with a new intent", () => {
    const [s, actions] = step(opened(), tick(ENTRY * 0.95, 20));
    expect(s.value).toEqual({ exiting: "selling" });
    expect(s.context.order.exitReason).toBe("stop_loss");
    expect(records(actions)).toMatchObject([{ state: "exiting", reason: "stop_loss", ts: 20 }]);
    expect(spawned(actions)).toMatchObject([{ id: "sell", input: { qty: 1000, kind: "exit", intentId: "p1:2", reason: "stop_loss" } }]);
    const [c] = step(s, done("sell", filled(1000, 0.94, 21)));
    expect(c.value).toBe("closed");
    expect(c.output).toMatchObject({ outcome: "closed", reason: "stop_loss", qtyLeft: 0, proceedsSol: 0.94 });
  });

  it("a zero price is a crash: the stop fires (upstream skipped it)", () => {
    const [s] = step(opened(), tick(0, 20));
    expect(s.value).toEqual({ exiting: "selling" });
    expect(s.context.order.exitReason).toBe("price_zero");
  });

  it("non-finite prices and scores are ignored and counted, never acted on", () => {
    let [s, actions] = step(opened(), tick(Number.NaN, 20));
    expect([s.value, s.context.track.ignored, actions]).toEqual(["open", 1, []]);
    [s] = step(s, tick(Number.POSITIVE_INFINITY, 21));
    [s] = step(s, score(Number.NaN, 22));
    expect([s.value, s.context.track.ignored, s.context.track.stop]).toEqual(["open", 3, ENTRY * 0.95]);
  });

  it("arms trailing past +5% and exits on the 3% drop from the peak", () => {
    let [s, actions] = step(opened(), tick(ENTRY * 1.06, 20));
    expect(s.value).toBe("trailing");
    expect(records(actions)).toMatchObject([{ state: "trailing", reason: "trailing_armed" }]);
    expect(s.context.track.stop).toBeCloseTo(ENTRY * 1.06 * 0.97, 12);
    [s] = step(s, tick(ENTRY * 1.03, 21));
    expect(s.value).toBe("trailing");
    [s] = step(s, tick(ENTRY * 1.02, 22));
    expect(s.context.order.exitReason).toBe("trailing_stop");
  });

  it("TP1 sells half; only a fill marks it done and lifts the stop to break-even", () => {
    let [s, actions] = step(opened(), tick(ENTRY * 1.1, 20));
    expect(s.value).toEqual({ tp1: "selling" });
    expect(s.context.track.tp1Done).toBe(false);
    expect(spawned(actions)).toMatchObject([{ input: { kind: "tp1", qty: 500 } }]);
    [s] = step(s, done("sell", filled(500, 0.55, 21)));
    expect(s.value).toBe("trailing");
    expect(s.context.track.tp1Done).toBe(true);
    expect(s.context.fills).toMatchObject({ qty: 500, proceedsSol: 0.55 });
    expect(s.context.track.stop).toBeCloseTo(ENTRY * 1.1 * 0.97, 12);
  });

  it("a TP1 sell that keeps failing does not mark TP1 done and waits before trying again", () => {
    let [s] = step(opened(positionParams({ maxSellRetries: 0 })), tick(ENTRY * 1.1, 20));
    [s] = step(s, fail("sell", "429"));
    expect(s.value).toBe("trailing");
    expect(s.context.track.tp1Done).toBe(false);
    expect(s.context.reason).toBe("tp1_sell_gave_up");
    [s] = step(s, tick(ENTRY * 1.12, 30));
    expect(s.value).toBe("trailing");
    [s] = step(s, tick(ENTRY * 1.13, 20 + 30_000));
    expect(s.value).toEqual({ tp1: "selling" });
  });

  it("a stop hit while the TP1 sell is in flight is taken as soon as that sell settles", () => {
    let [s] = step(opened(), tick(ENTRY * 1.1, 20));
    [s] = step(s, tick(ENTRY * 0.9, 21));
    expect(s.value).toEqual({ tp1: "selling" });
    expect(s.context.order.pendingExit).toBe("trailing_stop");
    const [e, actions] = step(s, done("sell", filled(500, 0.5, 22)));
    expect(e.value).toEqual({ exiting: "selling" });
    expect(spawned(actions)).toMatchObject([{ input: { kind: "exit", qty: 500, reason: "trailing_stop" } }]);
  });

  it("AI exit below the threshold of the current state; the moonbag has none by default", () => {
    let [s] = step(opened(), score(0.5, 20));
    expect(s.value).toBe("open");
    [s] = step(s, score(0.44, 21));
    expect(s.value).toEqual({ exiting: "selling" });
    expect(s.context.order.exitReason).toBe("ai_exit");
    const [t] = step(opened(positionParams({ aiExitBelow: { open: null } })), score(0.1, 20));
    expect(t.value).toBe("open");
  });

  it("time limit by clock.tick (the path that survives a restore)", () => {
    let [s] = step(opened(), clockTick(10 + 6 * 3_600_000 - 1));
    expect(s.value).toBe("open");
    [s] = step(s, clockTick(10 + 6 * 3_600_000));
    expect(s.context.order.exitReason).toBe("time_limit");
  });

  it("an exit asked for during the buy is taken once the buy fills", () => {
    const [s0] = initialTransition(positionMachine, input());
    const [s1] = step(s0, { type: "user.exit" });
    expect(s1.value).toBe("entering");
    const [s2] = step(s1, done("buy", filled(1000, 1, 10)));
    expect(s2.value).toEqual({ exiting: "selling" });
    expect(s2.context.order.exitReason).toBe("user");
  });

  it("a moonbag whose cost TP1 already recovered sells nothing and just runs", () => {
    let [s] = step(opened(positionParams({ tp1Gain: 0.2, tp1Fraction: 0.9 })), tick(ENTRY * 1.2, 20));
    [s] = step(s, done("sell", filled(900, 1.08, 21)));
    const [m, actions] = step(s, tick(ENTRY * 2, 22));
    expect(m.value).toEqual({ moonbag: "running" });
    expect(spawned(actions)).toEqual([]);
    expect(records(actions)).toMatchObject([{ state: "moonbag.running", reason: "moonbag_free" }]);
  });

  it("the moonbag sells just enough to recover the cost, then runs on its own wider stop", () => {
    let [s] = step(opened(), tick(ENTRY * 1.1, 20));
    [s] = step(s, done("sell", filled(500, 0.55, 21)));
    let actions: Actions;
    [s, actions] = step(s, tick(ENTRY * 2, 22));
    expect(s.value).toEqual({ moonbag: { recovering: "selling" } });
    const qty = (spawned(actions)[0]?.input as { qty: number }).qty;
    expect(qty).toBeCloseTo(0.45 / (ENTRY * 2), 9);
    [s] = step(s, done("sell", filled(qty, 0.45, 23)));
    expect(s.value).toEqual({ moonbag: "running" });
    expect(s.context.track).toMatchObject({ leg: 1, stopKind: "moonbag" });
    expect(s.context.track.stop).toBeCloseTo(ENTRY * 1.5, 12);
    [s] = step(s, tick(ENTRY * 1.6, 24));
    expect(s.value).toEqual({ moonbag: "running" });
    [s] = step(s, tick(ENTRY * 1.5, 25));
    expect(s.context.order.exitReason).toBe("moonbag_stop");
  });
});
