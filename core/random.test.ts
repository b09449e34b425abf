import { describe, expect, it } from "vitest";
import { randInt, seededRng } from "./random.js";

describe("seededRng", () => {
  it("repeats its sequence for the same seed and differs across seeds", () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it("stays in [0, 1) and fills integer buckets evenly", () => {
    const rng = seededRng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[randInt(rng, 10)]! += 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});
