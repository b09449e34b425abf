import { describe, expect, it } from "vitest";
import { pacer } from "./pacing.js";

describe("pacer", () => {
  it("sends the first event at once and each later one when the wall clock reaches it, at speed", async () => {
    let wall = 1_000;
    const waits: number[] = [];
    const pace = pacer({ speed: 60, now: () => wall, sleep: async (ms) => {
      waits.push(ms);
      wall += ms;
    } });
    await pace(500_000); // feed time 0 at wall 1,000
    await pace(560_000); // 60 s of feed: due 1 s later
    wall += 400;
    await pace(620_000); // due at wall 3,000, now 2,400
    await pace(620_060); // 1 ms late of due is not worth a timer
    expect(waits).toEqual([1_000, 600]);
    expect(() => pacer({ speed: 0 })).toThrow(/speed must be positive, got 0/);
  });
});
