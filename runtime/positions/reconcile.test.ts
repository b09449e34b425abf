import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reconcile, type Holding } from "./reconcile.js";
import { inFlux, stateString, type PersistedPosition } from "./snapshot.js";

const h = (positionId: string, mint: string, qty: number): Holding => ({ positionId, mint, qty, fillPrice: 0.001, dustSol: 0.001 });

describe("reconcile", () => {
  it("leaves matching balances alone, reports a surplus, skips a mint without a balance", () => {
    const r = reconcile([h("a", "A", 100), h("b", "B", 50), h("c", "C", 10)], new Map([["A", 100], ["B", 70]]));
    expect(r).toEqual({ adjustments: [], surplus: [{ mint: "B", qty: 20 }] });
  });

  it("shares a shortfall pro rata among a mint's positions and closes what becomes dust", () => {
    const r = reconcile([h("a", "A", 3_000), h("b", "A", 1)], new Map([["A", 1_500.5]]));
    expect(r.adjustments).toEqual([
      { positionId: "a", mint: "A", fromQty: 3_000, toQty: 1_500, close: false },
      { positionId: "b", mint: "A", fromQty: 1, toQty: 0.5, close: true }, // worth 0.0005 SOL: dust
    ]);
    expect(reconcile([h("a", "A", 1_000)], new Map([["A", 0]])).adjustments).toEqual([{ positionId: "a", mint: "A", fromQty: 1_000, toQty: 0, close: true }]);
  });

  it("never gives positions more than the chain holds, nor a negative quantity", () => {
    const holding = fc.record({ id: fc.string(), mint: fc.constantFrom("A", "B"), qty: fc.double({ min: 0, max: 1e9, noNaN: true }) });
    fc.assert(fc.property(fc.array(holding, { maxLength: 8 }), fc.double({ min: -10, max: 2e9, noNaN: true }), (hs, balance) => {
      const list = hs.map((x, i) => h(`${i}`, x.mint, x.qty));
      const { adjustments } = reconcile(list, new Map([["A", balance]]));
      const after = list.filter((x) => x.mint === "A").map((x) => adjustments.find((a) => a.positionId === x.positionId)?.toQty ?? x.qty);
      const total = after.reduce((s, q) => s + q, 0);
      expect(after.every((q) => q >= 0)).toBe(true);
      if (adjustments.length > 0) expect(total).toBeLessThanOrEqual(Math.max(0, balance) * (1 + 1e-9) + 1e-9);
      expect(adjustments.every((a) => a.mint === "A")).toBe(true);
    }));
  });
});

describe("persisted snapshots", () => {
  const p = (value: unknown, status: PersistedPosition["status"] = "active") => ({ value, status }) as PersistedPosition;

  it("names states as recordTransition does and knows which hold an order in flight", () => {
    expect(stateString({ moonbag: { recovering: "selling" } })).toBe("moonbag.recovering.selling");
    const busy = ["entering", { unknown: "waiting" }, { tp1: "selling" }, { exiting: "resolving" }, { exiting: "unknown" }, { moonbag: { recovering: "unknown" } }];
    const idle = ["open", "trailing", { moonbag: "running" }, { exiting: "backoff" }, { exiting: "stalled" }, { tp1: "backoff" }];
    expect(busy.map((v) => inFlux(p(v)))).toEqual(busy.map(() => true));
    expect(idle.map((v) => inFlux(p(v)))).toEqual(idle.map(() => false));
    expect(inFlux(p("closed", "done"))).toBe(false);
  });
});
