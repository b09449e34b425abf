import { describe, expect, it } from "vitest";
import { ElitePool } from "./elite.js";

describe("elite replay pool", () => {
  it("keeps the best formulas by reward, each once, older first among equals", () => {
    const e = new ElitePool(3);
    e.offer([[1], [2], [1], [3]], [0.5, 0.9, 0.7, 0.5]);
    e.offer([[4], [5]], [0.9, Number.NaN]);
    expect(e.toJSON()).toEqual([
      { tokens: [2], reward: 0.9 },
      { tokens: [4], reward: 0.9 },
      { tokens: [1], reward: 0.5 },
    ]);
    // replay leaves out what the batch already holds
    const r = e.replay([[4]]);
    expect(r.formulas).toEqual([[2], [1]]);
    expect(Array.from(r.rewards)).toEqual([0.9, 0.5]);
    // round trip (checkpoints)
    expect(new ElitePool(3, e.toJSON()).toJSON()).toEqual(e.toJSON());
  });

  it("holds nothing at size 0", () => {
    const e = new ElitePool(0);
    e.offer([[1]], [1]);
    expect(e.size).toBe(0);
    expect(e.replay([]).formulas).toEqual([]);
  });
});
