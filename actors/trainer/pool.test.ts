import { describe, expect, it } from "vitest";
import { correlation, FormulaPool, type PoolEntry } from "./pool.js";
import { batchRewards, RewardCache } from "./rewards.js";

const entry = (key: string, score: number, series: number[]): PoolEntry => ({
  tokens: key.split(",").map(Number),
  key,
  score,
  trainReward: score,
  step: 0,
  series: Float64Array.from(series),
});

describe("formula pool", () => {
  it("ranks by validation score and keeps at most `size`", () => {
    const p = new FormulaPool(2, 0.9);
    expect(p.offer(entry("0", 1, [1, 0, 0, 1]))).toBe(true);
    expect(p.offer(entry("1", 3, [0, 1, 0, 0]))).toBe(true);
    expect(p.offer(entry("2", 2, [0, 0, 1, 0]))).toBe(true);
    expect(p.entries().map((e) => e.key)).toEqual(["1", "2"]);
    expect(p.offer(entry("3", 0.5, [1, 1, 0, 0]))).toBe(false); // below the pool's worst
    expect(p.offer(entry("1", 9, [0, 0, 0, 1]))).toBe(false); // already in
  });

  it("ranks by `rank` when an entry has one (the selector's worst-of score), keeping the validation score", () => {
    const p = new FormulaPool(3, 0.9);
    p.offer({ ...entry("0", 5, [1, 0, 0, 1]), rank: 1 }); // great on validation, poor on train
    p.offer({ ...entry("1", 3, [0, 1, 0, 0]), rank: 3 });
    p.offer({ ...entry("2", 2, [0, 0, 1, 0]), rank: 2 });
    expect(p.entries().map((e) => e.key)).toEqual(["1", "2", "0"]);
    expect(p.best()!.score).toBe(3);
    expect(FormulaPool.fromJSON(p.toJSON(), 3, 0.9).entries().map((e) => e.rank)).toEqual([3, 2, 1]);
  });

  it("admits a near-duplicate only if it beats every member it correlates with, then replaces them", () => {
    const p = new FormulaPool(5, 0.9);
    p.offer(entry("a", 2, [1, 2, 3, 4]));
    p.offer(entry("b", 1, [4, 1, 3, 2]));
    expect(p.offer(entry("c", 1.5, [2, 4, 6, 8.1]))).toBe(false); // ρ≈1 with a, worse than a
    expect(p.offer(entry("d", 3, [2, 4, 6, 8.1]))).toBe(true); // better: takes a's place
    expect(p.entries().map((e) => e.key)).toEqual(["d", "b"]);
    expect(p.offer(entry("e", 0.1, [-1, -2, -3, -4]))).toBe(false); // anti-correlated counts too
  });

  it("round-trips through JSON", () => {
    const p = new FormulaPool(3, 0.9);
    p.offer(entry("0,1,6", 1, [1, 2, 3]));
    const q = FormulaPool.fromJSON(JSON.parse(JSON.stringify(p.toJSON())), 3, 0.9);
    expect(q.entries()).toEqual(p.entries());
  });

  it("correlation handles flat series", () => {
    expect(correlation([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(correlation([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
});

describe("batch rewards", () => {
  it("evaluates each distinct formula once per step and reuses earlier steps' rewards", async () => {
    const calls: string[][] = [];
    const scorer = {
      evaluate: (fs: readonly (readonly number[])[]) => {
        calls.push(fs.map((f) => f.join(",")));
        return Promise.resolve(fs.map((f) => f.length));
      },
    };
    const cache = new RewardCache(100);
    const a = await batchRewards([[0], [1, 10], [0], [1, 10], [2]], scorer, cache);
    expect(Array.from(a.rewards)).toEqual([1, 2, 1, 2, 1]);
    expect(a).toMatchObject({ unique: 3, evaluated: 3 });
    const b = await batchRewards([[0], [3], [3]], scorer, cache);
    expect(Array.from(b.rewards)).toEqual([1, 1, 1]);
    expect(b.evaluated).toBe(1);
    expect(calls).toEqual([["0", "1,10", "2"], ["3"]]);
  });

  it("floors non-finite rewards below everything else and does not cache them", async () => {
    const scorer = { evaluate: (fs: readonly (readonly number[])[]) => Promise.resolve(fs.map((f) => (f[0] === 9 ? NaN : -f[0]!))) };
    const cache = new RewardCache(10);
    const r = await batchRewards([[1], [9], [3]], scorer, cache);
    expect(Array.from(r.rewards)).toEqual([-1, -4, -3]);
    expect(r.nonFinite).toBe(1);
    expect(cache.get("9")).toBeUndefined();
  });

  it("bounds the cache (least recently used goes first)", () => {
    const c = new RewardCache(2);
    c.set("a", 1);
    c.set("b", 2);
    c.get("a");
    c.set("c", 3);
    expect([c.get("a"), c.get("b"), c.get("c")]).toEqual([1, undefined, 3]);
  });
});
