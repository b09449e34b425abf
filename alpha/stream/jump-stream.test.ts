import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jumpSeries } from "../jump.js";
import { JumpStream } from "./jump-stream.js";

describe("JumpStream", () => {
  it("equals the JUMP kernel bit for bit, value by value (fast-check)", () => {
    fc.assert(
      fc.property(
        // Noise with rare spikes and runs of equal values, so that windows both fire and tie.
        fc.array(
          fc.oneof(
            { weight: 12, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
            { weight: 3, arbitrary: fc.constantFrom(0, 0.5) },
            { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e12, noNaN: true }) },
          ),
          { maxLength: 300, size: "max" },
        ),
        fc.integer({ min: 1, max: 70 }),
        (xs, w) => {
          const batch = jumpSeries(xs, w);
          const s = new JumpStream(w);
          const streamed = xs.map((x) => s.step(x));
          expect(streamed).toEqual([...batch]);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("fires on a lone spike: 11 zeros then 1 in a window of 12, mean 1/12, std 1/sqrt(12)", () => {
    const s = new JumpStream(12);
    for (let t = 0; t < 11; t++) expect(s.step(0)).toBe(0);
    // z = (1 - 1/12) / (std + 1e-6) = 3.175415..., JUMP = z - 3.
    expect(s.step(1)).toBeCloseTo((11 / 12) / (Math.sqrt(1 / 12) + 1e-6) - 3, 12);
    // The spike still in the window but no longer the newest value: no jump.
    expect(s.step(0)).toBe(0);
  });
});
