import { describe, expect, it } from "vitest";
import {
  LAMPORTS_PER_SOL,
  PUMP_INITIAL_REAL_TOKEN,
  PUMP_INITIAL_VIRTUAL_SOL,
  PUMP_INITIAL_VIRTUAL_TOKEN,
  PUMP_MIGRATION_TOKEN,
  TOKEN_UNIT,
} from "./constants.js";
import { curveBuy, curveCirculating, curvePrice, curveSell, newCurve } from "./curve.js";
import { Venue } from "./venue.js";

const k = (c: { virtualSol: number; virtualToken: number }): number => c.virtualSol * c.virtualToken;

describe("bonding curve", () => {
  it("starts at pump.fun's reserves and price", () => {
    const c = newCurve();
    expect(c.virtualSol).toBe(30 * LAMPORTS_PER_SOL);
    expect(c.virtualToken).toBe(1_073_000_000 * TOKEN_UNIT);
    expect(c.realToken).toBe(793_100_000 * TOKEN_UNIT);
    expect(curvePrice(c)).toBeCloseTo(30 / 1_073_000_000, 15);
  });

  it("prices a buy like the program: floor(vTok * sol / (vSol + sol)), 1% fee on top", () => {
    const c = newCurve();
    const fill = curveBuy(c, 1.01 * LAMPORTS_PER_SOL);
    expect(fill).not.toBeNull();
    expect(fill?.sol).toBe(LAMPORTS_PER_SOL);
    expect(fill?.fee).toBe(LAMPORTS_PER_SOL / 100);
    expect(fill?.tokens).toBe(Math.floor((PUMP_INITIAL_VIRTUAL_TOKEN * 1e9) / (PUMP_INITIAL_VIRTUAL_SOL + 1e9)));
    expect(c.realSol).toBe(LAMPORTS_PER_SOL);
  });

  it("never lets the product fall across buys and sells, and sells only what it sold", () => {
    const c = newCurve();
    let prev = k(c);
    for (let i = 1; i <= 200; i++) {
      const f = i % 3 === 0 ? curveSell(c, (i * 7_919_000_000) % 30_000_000_000_000) : curveBuy(c, (i * 37_000_003) % 400_000_000);
      if (f) expect(k(c) / prev).toBeGreaterThanOrEqual(1 - 1e-12);
      prev = k(c);
      expect(c.realSol).toBeGreaterThanOrEqual(0);
      expect(c.realToken).toBeGreaterThanOrEqual(0);
    }
    expect(c.complete).toBe(false);
    const held = curveCirculating(c);
    const f = curveSell(c, held * 10);
    expect(f?.tokens).toBe(held);
    expect(c.realToken).toBe(PUMP_INITIAL_REAL_TOKEN);
    expect(c.realSol).toBeGreaterThanOrEqual(0);
    expect(c.virtualSol).toBeGreaterThanOrEqual(PUMP_INITIAL_VIRTUAL_SOL);
  });

  it("completes at about 85 real SOL when the real tokens run out, capping the last buy", () => {
    const c = newCurve();
    let last = null;
    while (!c.complete) last = curveBuy(c, 7 * LAMPORTS_PER_SOL);
    expect(c.realToken).toBe(0);
    expect(c.realSol / LAMPORTS_PER_SOL).toBeGreaterThan(84.9);
    expect(c.realSol / LAMPORTS_PER_SOL).toBeLessThan(85.1);
    expect(last?.sol).toBeLessThan(7 * LAMPORTS_PER_SOL);
    expect(curveBuy(c, LAMPORTS_PER_SOL)).toBeNull();
  });

  it("migrates into a PumpSwap pool at the curve's final price", () => {
    const v = Venue.curve("curve");
    while (!v.complete) v.buy(10 * LAMPORTS_PER_SOL);
    const before = v.price;
    const realSol = v.realSolReserve;
    v.migrate("pool");
    expect(v.kind).toBe("pumpswap");
    expect(v.solReserve).toBe(realSol);
    expect(v.tokenReserve).toBe(PUMP_MIGRATION_TOKEN);
    expect(Math.abs(v.price / before - 1)).toBeLessThan(1e-3);
  });
});
