import { describe, expect, it } from "vitest";
import { buyQuote, liquiditySol, sellQuote, validPool } from "./impact.js";

// 100 SOL against 1,000,000 tokens (spot 0.0001 SOL per token), Raydium's 25 bps fee.
const pool = { reserveSol: 100, reserveToken: 1_000_000, feeBps: 25 };

describe("constant-product impact", () => {
  it("buying 2 SOL: 1.995 SOL after fee buys 1e6 * 1.995 / 101.995 tokens", () => {
    const q = buyQuote(pool, 2);
    expect(q.amountOut).toBeCloseTo(19_559.782342, 5);
    expect(q.priceImpact).toBeCloseTo(1.995 / 101.995, 12); // 1.956%
    expect(q.cost).toBeCloseTo(1 - 19_559.782342 / 20_000, 9); // 2.201% with the fee
  });

  it("selling 10,000 tokens: 9,975 after fee gets 100 * 9975 / 1,009,975 SOL", () => {
    const q = sellQuote(pool, 10_000);
    expect(q.amountOut).toBeCloseTo(0.987648209, 9);
    expect(q.priceImpact).toBeCloseTo(9_975 / 1_009_975, 12);
    expect(q.cost).toBeCloseTo(0.012351791, 9);
  });

  it("liquidity counts both sides; pools without reserves are not usable", () => {
    expect(liquiditySol(pool)).toBe(200);
    expect(validPool(pool)).toBe(true);
    expect(validPool({ ...pool, reserveSol: 0 })).toBe(false);
    expect(validPool({ ...pool, reserveToken: Number.NaN })).toBe(false);
    expect(validPool({ ...pool, feeBps: 10_000 })).toBe(false);
  });
});
