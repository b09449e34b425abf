/** Scripted price paths through running actors on a SimulatedClock, with scripted executors. */
import { describe, expect, it } from "vitest";
import { ENTRY, clockTick, filled, score, startPosition, tick } from "./position.fixtures.js";
import { positionParams } from "./position.params.js";

const states = (records: { state: string }[]) => records.map((r) => r.state);
const H = 3_600_000;

describe("position paths", () => {
  it("stop loss", async () => {
    const p = startPosition({ price: ENTRY });
    await p.send(tick(ENTRY * 0.99, 1), tick(ENTRY * 0.96, 2), tick(ENTRY * 0.95, 3));
    expect(p.actor.getSnapshot().output).toMatchObject({ outcome: "closed", reason: "stop_loss", qtyLeft: 0 });
    expect(p.calls.sell).toMatchObject([{ kind: "exit", qty: 1000, reason: "stop_loss" }]);
    expect(states(p.records)).toEqual(["entering", "open", "exiting", "closed"]);
    expect(p.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it("TP1 then trailing exit", async () => {
    const p = startPosition({ price: ENTRY });
    await p.send(tick(ENTRY * 1.06, 1), tick(ENTRY * 1.11, 2), tick(ENTRY * 1.15, 3), tick(ENTRY * 1.11, 4));
    const out = p.actor.getSnapshot().output;
    expect(out).toMatchObject({ outcome: "closed", reason: "trailing_stop", qtyLeft: 0 });
    expect(p.calls.sell.map((s) => [s.kind, s.qty])).toEqual([["tp1", 500], ["exit", 500]]);
    expect(out?.proceedsSol).toBeCloseTo(500 * ENTRY * 1.11 * 2, 9);
    expect(states(p.records)).toEqual(["entering", "open", "trailing", "tp1", "trailing", "exiting", "closed"]);
  });

  it("TP1, then the moonbag, which rides a dip the 3% trailing stop would have sold, then its own stop", async () => {
    const p = startPosition({ price: ENTRY });
    await p.send(tick(ENTRY * 1.1, 1));
    for (let i = 1; i <= 10; i++) await p.send(tick(ENTRY * (1.1 + 0.09 * i), 1 + i));
    expect(p.actor.getSnapshot().value).toEqual({ moonbag: "running" });
    const recover = p.calls.sell[1];
    expect(recover?.kind).toBe("recover");
    // TP1 got 0.55 SOL back; the moonbag sells 0.45 SOL worth at 2x.
    expect((recover?.qty ?? 0) * ENTRY * 2).toBeCloseTo(0.45, 9);
    await p.send(tick(ENTRY * 3, 20), tick(ENTRY * 2.5, 21));
    expect(p.actor.getSnapshot().value).toEqual({ moonbag: "running" });
    await p.send(tick(ENTRY * 2.25, 22));
    const out = p.actor.getSnapshot().output;
    expect(out).toMatchObject({ outcome: "closed", reason: "moonbag_stop", qtyLeft: 0 });
    expect(out?.proceedsSol).toBeGreaterThan(1.5);
    expect(states(p.records)).toContain("moonbag.recovering");
    expect(states(p.records)).toContain("moonbag.running");
  });

  it("AI exit", async () => {
    const p = startPosition({ price: ENTRY });
    await p.send(tick(ENTRY * 1.02, 1), score(0.6, 2), score(0.3, 3));
    expect(p.actor.getSnapshot().output).toMatchObject({ reason: "ai_exit", outcome: "closed" });
  });

  it("time exit by the actor's clock, and the moonbag's max age", async () => {
    const p = startPosition({ price: ENTRY });
    await p.advance(6 * H - 1);
    expect(p.actor.getSnapshot().value).toBe("open");
    await p.advance(1);
    expect(p.actor.getSnapshot().output).toMatchObject({ reason: "time_limit" });

    const m = startPosition({ price: ENTRY }, positionParams({ maxHoldMs: null, moonbagMaxAgeMs: 2 * H }));
    await m.send(tick(ENTRY * 2.1, 5));
    expect(m.actor.getSnapshot().value).toEqual({ moonbag: "running" });
    await m.advance(2 * H);
    expect(m.actor.getSnapshot().output).toMatchObject({ reason: "moonbag_max_age" });
  });

  it("failed buy", async () => {
    const p = startPosition({ price: ENTRY, buy: [new Error("insufficient funds")] });
    await p.send();
    expect(p.actor.getSnapshot().value).toBe("failed");
    expect(p.actor.getSnapshot().output).toMatchObject({ outcome: "failed", reason: "buy_failed", qtyBought: 0 });
    expect(p.actor.getSnapshot().context.order.error).toBe("insufficient funds");
  });

  it("failed sell retried with backoff and a new intent each time", async () => {
    const p = startPosition({ price: ENTRY, sell: [new Error("429"), new Error("503")] });
    await p.send(tick(ENTRY * 0.9, 1));
    expect(p.actor.getSnapshot().value).toEqual({ exiting: "backoff" });
    await p.advance(999);
    expect(p.calls.sell).toHaveLength(1);
    await p.advance(1);
    expect(p.calls.sell).toHaveLength(2);
    await p.advance(2_000);
    expect(p.actor.getSnapshot().output).toMatchObject({ reason: "stop_loss", qtyLeft: 0 });
    expect(p.calls.sell.map((s) => s.intentId)).toEqual(["p1:2", "p1:3", "p1:4"]);
  });

  it("an exit out of retries stalls, then tries again and never gives up", async () => {
    const fails = Array.from({ length: 3 }, () => new Error("rpc down"));
    const p = startPosition({ price: ENTRY, sell: fails }, positionParams({ maxSellRetries: 1 }));
    await p.send(tick(ENTRY * 0.9, 1));
    await p.advance(1_000);
    expect(p.actor.getSnapshot().value).toEqual({ exiting: "stalled" });
    await p.send(clockTick(1 + 30_000));
    expect(p.actor.getSnapshot().value).toEqual({ exiting: "backoff" });
    await p.advance(1_000);
    expect(p.actor.getSnapshot().value).toBe("closed");
    expect(p.calls.sell).toHaveLength(4);

    const u = startPosition({ price: ENTRY, sell: [new Error("down"), new Error("down")] }, positionParams({ maxSellRetries: 0 }));
    await u.send(tick(ENTRY * 0.9, 1));
    expect(u.actor.getSnapshot().value).toEqual({ exiting: "stalled" });
    await u.send({ type: "user.exit", ts: 2 }, { type: "user.exit", ts: 3 });
    expect(u.actor.getSnapshot().value).toBe("closed");
  });

  it("a partial fill on exit sells the remainder", async () => {
    const p = startPosition({ price: ENTRY, sell: [filled(600, 0.54)] });
    await p.send(tick(ENTRY * 0.9, 1));
    expect(p.calls.sell.map((s) => s.qty)).toEqual([1000, 400]);
    expect(p.actor.getSnapshot().output).toMatchObject({ qtyLeft: 0 });
  });

  it("unknown buy outcome resolved as landed: the resolved fill is booked", async () => {
    const p = startPosition({
      price: ENTRY, buy: [{ kind: "unknown", signature: "S1" }],
      resolve: [new Error("rpc timeout"), { kind: "landed", qty: 900, sol: 1, signature: "S1", ts: 3 }],
    });
    await p.send();
    expect(p.actor.getSnapshot().value).toEqual({ unknown: "waiting" });
    await p.advance(2_000);
    expect(p.actor.getSnapshot().value).toEqual({ unknown: "waiting" });
    expect(p.actor.getSnapshot().context.order.error).toBe("rpc timeout");
    await p.advance(2_000);
    expect(p.actor.getSnapshot().value).toBe("open");
    expect(p.actor.getSnapshot().context.fills).toMatchObject({ qty: 900, costSol: 1 });
    expect(p.calls.resolve).toMatchObject([{ side: "buy", signature: "S1", intentId: "p1:1" }, { signature: "S1" }]);
  });

  it("unknown buy outcome resolved as expired: failed, nothing held", async () => {
    const p = startPosition({ price: ENTRY, buy: [{ kind: "unknown", signature: "S1" }], resolve: [{ kind: "expired" }] });
    await p.advance(2_000);
    expect(p.actor.getSnapshot().output).toMatchObject({ outcome: "failed", reason: "buy_expired", qtyBought: 0 });
  });

  it("unknown sell outcome: expired is retried with a new intent, landed is booked once", async () => {
    const p = startPosition({
      price: ENTRY,
      sell: [{ kind: "unknown", signature: "X1" }, { kind: "unknown", signature: "X2" }],
      resolve: [{ kind: "expired" }, { kind: "landed", qty: 1000, sol: 0.9, signature: "X2", ts: 9 }],
    });
    await p.send(tick(ENTRY * 0.9, 1));
    expect(p.actor.getSnapshot().value).toEqual({ exiting: "unknown" });
    await p.advance(2_000);
    expect(p.actor.getSnapshot().value).toEqual({ exiting: "backoff" });
    await p.advance(1_000);
    await p.advance(2_000);
    expect(p.actor.getSnapshot().output).toMatchObject({ reason: "stop_loss", qtyLeft: 0, proceedsSol: 0.9 });
    expect(p.calls.sell.map((s) => s.intentId)).toEqual(["p1:2", "p1:3"]);
    expect(p.calls.resolve.map((r) => [r.intentId, r.signature])).toEqual([["p1:2", "X1"], ["p1:3", "X2"]]);
  });
});
