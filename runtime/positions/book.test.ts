import { afterEach, describe, expect, it } from "vitest";
import { ENTRY, entry, harness, type Harness } from "./book.fixtures.js";

let h: Harness;
afterEach(() => h?.close());

const opened = async (mint = "MINT") => {
  const r = await h.book.open(entry(mint));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  await h.until(r.positionId, "open");
  return r.positionId;
};

describe("position book", () => {
  it("opens through risk, buys once, arms the stop, and journals every transition with its snapshot", async () => {
    h = harness();
    const report = await h.book.ready;
    expect(report.restored).toEqual([]);
    const id = await opened();
    const v = h.book.get(id)!;
    expect(v).toMatchObject({ state: "open", qty: 1_000, qtyBought: 1_000, costSol: 1, stopKind: "loss" });
    expect(v.stop).toBeCloseTo(ENTRY * 0.95, 12);
    expect(v.transitions.map((t) => [t.fromState, t.toState, t.event])).toEqual([
      ["new", "entering", "xstate.init"],
      ["entering", "open", "xstate.done.actor.buy"],
    ]);
    expect(v.intents).toMatchObject([{ intentId: `${id}:1`, side: "buy", status: "filled", amountRaw: "1000000000" }]);
    expect(v.fills).toMatchObject([{ side: "buy", qty: 1_000, sol: 1, decimals: 6 }]);
    expect(h.journal.positions.get(id)).toMatchObject({ state: "open", status: "active", machineVersion: 1 });
    expect(h.chain.count("buy")).toBe(1);

    // TP1 sells half, then the trailing stop exits the rest; every sell journaled, once.
    expect(h.book.riskBook().closed).toEqual([]);
    h.chain.setPrice("MINT", ENTRY * 1.1);
    h.book.priceTick("MINT", ENTRY * 1.1);
    await h.until(id, "trailing");
    h.chain.setPrice("MINT", ENTRY * 1.05);
    h.book.priceTick("MINT", ENTRY * 1.05);
    await h.until(id, "closed");
    expect(h.chain.count("sell")).toBe(2);
    expect(h.chain.tokenQty("MINT")).toBe(0);
    const closed = h.book.get(id)!;
    expect(closed).toMatchObject({ status: "done", reason: "trailing_stop", qty: 0 });
    expect(closed.transitions.map((t) => t.toState)).toEqual(["entering", "open", "tp1", "trailing", "exiting", "closed"]);
    expect(h.book.list("active")).toEqual([]);
    expect(h.book.list("done").map((p) => p.positionId)).toEqual([id]);
    // Risk's view of closed trades follows the close, though it read (and kept) them before it.
    expect(h.book.riskBook().closed.map((c) => c.mint)).toEqual(["MINT"]);
  });

  it("refuses what risk refuses, and nothing while entries are paused", async () => {
    h = harness({ risk: { maxOpenPositions: 1 }, mints: ["A", "B"] });
    await opened("A");
    const second = await h.book.open(entry("B"));
    expect(second).toMatchObject({ ok: false, refused: "risk" });
    expect(second.ok === false && second.refused === "risk" && second.decision.reasons.map((r) => r.code)).toEqual(["max_open_positions"]);
    h.book.pauseEntries();
    expect(await h.book.open(entry("B"))).toEqual({ ok: false, refused: "paused" });
    expect(h.chain.count("buy")).toBe(1);
  });

  it("routes ticks by mint, user exits by id, and books what the chain says after an unknown outcome", async () => {
    h = harness({ mints: ["A", "B"] });
    const a = await opened("A");
    const b = await opened("B");
    h.executor.faults.sell.push("unknownAfterLanding");
    h.book.priceTick("A", ENTRY * 0.9); // A's stop; B does not hear it
    await h.until(a, "exiting.unknown");
    expect(h.book.get(b)?.state).toBe("open");
    h.tick(2_000); // resolveRetryMs: the book's clock tick moves the retry
    await h.until(a, "closed");
    expect(h.chain.count("sell", "A")).toBe(1);
    expect(h.book.get(a)).toMatchObject({ reason: "stop_loss", qty: 0 });
    expect(h.book.exit(b)).toBe(true);
    await h.until(b, "closed");
    expect(h.book.exit(b)).toBe(false);
    expect(h.chain.count("sell", "B")).toBe(1);
  });

  it("a failed sell retries with a new intent and never sells twice", async () => {
    h = harness();
    const id = await opened();
    h.executor.faults.sell.push("reject");
    h.book.priceTick("MINT", ENTRY * 0.9);
    await h.until(id, "exiting.backoff");
    h.tick(1_000);
    await h.until(id, "closed");
    const d = h.book.get(id)!;
    expect(d.intents.map((i) => [i.kind, i.status])).toEqual([["buy", "filled"], ["exit", "failed"], ["exit", "filled"]]);
    expect(h.chain.count("sell")).toBe(1);
  });

  it("stop() stops every position actor: no timer of a stopped book trades", async () => {
    h = harness();
    const id = await opened();
    h.executor.faults.sell.push("reject");
    h.book.priceTick("MINT", ENTRY * 0.9);
    await h.until(id, "exiting.backoff");
    h.book.stop();
    // The backoff's `after` timer would send the retry sell if the actor were still running.
    h.timers.increment(60_000);
    await new Promise((r) => setImmediate(r));
    expect(h.chain.count("sell")).toBe(0);
    expect(h.journal.positions.get(id)?.state).toBe("exiting.backoff");
  });

  it("writes tick-only changes (peak, stop) on the clock tick, in one commit", async () => {
    h = harness();
    const id = await opened();
    h.book.priceTick("MINT", ENTRY * 1.04);
    const stored = () => (h.journal.positions.get(id)?.snapshot as { context: { track: { peak: number } } }).context.track.peak;
    expect(stored()).toBe(ENTRY);
    h.tick(1_000);
    expect(stored()).toBeCloseTo(ENTRY * 1.04, 12);
    // Time and a price below the peak alone are not worth a write.
    const written = h.journal.positions.get(id)!.updatedTs;
    h.book.priceTick("MINT", ENTRY * 1.01);
    h.tick(1_000);
    expect(h.journal.positions.get(id)!.updatedTs).toBe(written);
  });

  it("tells subscribers about every change", async () => {
    h = harness();
    const seen: string[] = [];
    h.book.subscribe((v) => seen.push(v.state));
    await opened();
    expect(seen).toEqual(["entering", "open"]);
  });
});
