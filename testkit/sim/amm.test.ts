import { describe, expect, it } from "vitest";
import { LAMPORTS_PER_SOL, TOKEN_UNIT } from "./constants.js";
import { newPool, poolBuy, poolPrice, poolSell, removeLiquidity } from "./amm.js";

describe("constant-product pool", () => {
  it("charges 0.25% and keeps the LP part, so the product grows on every swap", () => {
    const p = newPool(85 * LAMPORTS_PER_SOL, 206_900_000 * TOKEN_UNIT, 20, 5);
    let prev = p.sol * p.token;
    const buy = poolBuy(p, LAMPORTS_PER_SOL);
    expect(buy?.fee).toBe(LAMPORTS_PER_SOL * 0.0025);
    expect(buy?.sol).toBe(LAMPORTS_PER_SOL * 0.9975);
    expect(p.sol * p.token).toBeGreaterThan(prev);
    prev = p.sol * p.token;
    const sell = poolSell(p, buy?.tokens ?? 0);
    expect(sell?.tokens).toBe(buy?.tokens);
    expect(sell?.sol).toBeLessThan(LAMPORTS_PER_SOL);
    expect(p.sol * p.token).toBeGreaterThan(prev);
  });

  it("moves the price up on buys and down on sells, and never empties a side", () => {
    const p = newPool(10 * LAMPORTS_PER_SOL, 500_000_000 * TOKEN_UNIT, 22, 3);
    const p0 = poolPrice(p);
    poolBuy(p, 1000 * LAMPORTS_PER_SOL);
    expect(poolPrice(p)).toBeGreaterThan(p0);
    expect(p.token).toBeGreaterThan(0);
    const p1 = poolPrice(p);
    poolSell(p, 10_000_000_000 * TOKEN_UNIT);
    expect(poolPrice(p)).toBeLessThan(p1);
    expect(p.sol).toBeGreaterThan(0);
  });

  it("a rug removes nearly all of both sides and keeps the price", () => {
    const p = newPool(100 * LAMPORTS_PER_SOL, 800_000_000 * TOKEN_UNIT, 22, 3);
    const before = poolPrice(p);
    const removed = removeLiquidity(p, 0.995);
    expect(removed.sol).toBe(99.5 * LAMPORTS_PER_SOL);
    expect(p.sol).toBe(0.5 * LAMPORTS_PER_SOL);
    expect(poolPrice(p) / before).toBeCloseTo(1, 9);
    removeLiquidity(p, 1);
    expect(p.sol).toBeGreaterThan(0);
    expect(p.token).toBeGreaterThan(0);
  });
});
