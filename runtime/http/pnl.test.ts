import { describe, expect, it } from "vitest";
import { unrealisedPnl } from "./pnl.js";

describe("unrealisedPnl", () => {
  it("values the held tokens at the current price, not the peak (upstream M6)", () => {
    // Bought 1000 tokens for 2 SOL, the price peaked at 0.004 and is 0.0025 now.
    const pnl = unrealisedPnl({ qty: 1000, costSol: 2, currentPrice: 0.0025 });
    expect(pnl.sol).toBeCloseTo(0.5, 12);
    expect(pnl.pct).toBeCloseTo(25, 12);
  });

  it("has no percentage for a free moonbag and no value without a price", () => {
    expect(unrealisedPnl({ qty: 500, costSol: 0, currentPrice: 0.002 })).toEqual({ sol: 1, pct: null });
    expect(unrealisedPnl({ qty: 500, costSol: 1, currentPrice: null })).toEqual({ sol: null, pct: null });
  });
});
