import { describe, expect, it } from "vitest";
import type { BarRow } from "../../runtime/storage/storage.js";
import { BarAggregator } from "./bars.js";
import type { SimEvent, SimTradeEvent } from "./events.js";

const T0 = 1_735_689_600_000;

function trade(mint: string, tsMs: number, price: number, solAmount: number, realSol = 10e9): SimTradeEvent {
  return {
    kind: "trade",
    mint,
    venue: "pumpfun",
    pool: "curve",
    slot: (tsMs - T0) / 400,
    tsMs,
    signature: "sig",
    solReserve: 40e9,
    tokenReserve: 1e15,
    realSolReserve: realSol,
    realTokenReserve: 5e14,
    price,
    solUsd: 100,
    side: "buy",
    solAmount,
    tokenAmount: 1,
    feeLamports: 0,
    trader: "t",
    flow: "retail",
  };
}

describe("BarAggregator", () => {
  it("builds OHLCV in USD from trades, liquidity and fdv from the last event in the bar", () => {
    const agg = new BarAggregator(60);
    const out: BarRow[] = [];
    const events: SimEvent[] = [
      trade("A", T0 + 400, 1e-6, 1e9),
      trade("B", T0 + 800, 5e-6, 2e9),
      trade("A", T0 + 1200, 3e-6, 1e9),
      trade("A", T0 + 30_000, 0.5e-6, 1e9),
      trade("A", T0 + 59_600, 2e-6, 3e9, 20e9),
      { ...trade("A", T0 + 59_600, 2.2e-6, 0, 1e9), kind: "rug", removedSol: 19e9, removedToken: 1, creator: "c" },
      trade("A", T0 + 60_000, 2e-6, 1e9),
    ];
    for (const e of events) agg.add(e, out);
    // A's next-interval trade closes A's bar; B's stays open until the flush.
    expect(out.map((b) => b.mint)).toEqual(["A"]);
    agg.flush(T0 + 60_000, out);
    expect(out.map((b) => b.mint)).toEqual(["A", "B"]);
    const a = out[0] as BarRow;
    expect(a).toMatchObject({ interval_s: 60, ts: T0 / 1000, trades: 4, lowprec: 0, source: "sim", version: 1 });
    expect(a.open).toBeCloseTo(1e-4, 12);
    expect(a.high).toBeCloseTo(3e-4, 12);
    expect(a.low).toBeCloseTo(0.5e-4, 12);
    expect(a.close).toBeCloseTo(2e-4, 12);
    expect(a.volume).toBeCloseTo(600, 9);
    expect(a.liquidity).toBeCloseTo(200, 9);
    expect(a.fdv).toBeCloseTo(2.2e-6 * 100 * 1e9, 6);
    agg.flushAll(out);
    expect(out).toHaveLength(3);
    expect(out[2]?.ts).toBe(T0 / 1000 + 60);
  });

  it("emits no bar for an interval without trades and rejects events out of order", () => {
    const agg = new BarAggregator(60);
    const out: BarRow[] = [];
    agg.add({ ...trade("A", T0, 1e-6, 0), kind: "migrate", venue: "pumpswap", fromPool: "curve" }, out);
    agg.flushAll(out);
    expect(out).toEqual([]);
    expect(() => agg.add(trade("A", T0 - 400, 1e-6, 1), out)).toThrow(RangeError);
  });
});
