/** The pure restart decision, by hand-computed cases and a property over failure sequences. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, jitterUnit, restartDecision, type RestartPolicy } from "./index.js";

const p: RestartPolicy = { baseMs: 1_000, factor: 2, maxDelayMs: 60_000, jitter: 0.2, maxRestarts: 3, windowMs: 60_000 };

describe("restartDecision", () => {
  it("backs off with the restarts already made in the window", () => {
    expect(restartDecision([], 0, p)).toEqual({ kind: "restart", attempt: 0, delayMs: 1_000, restartsInWindow: 0 });
    expect(restartDecision([10_000], 30_000, p)).toEqual({ kind: "restart", attempt: 1, delayMs: 2_000, restartsInWindow: 1 });
    expect(restartDecision([10_000, 20_000], 30_000, p)).toEqual({ kind: "restart", attempt: 2, delayMs: 4_000, restartsInWindow: 2 });
  });

  it("applies the jitter draw: 4 s becomes 3.2 s at u = 0 and just under 4.8 s as u nears 1", () => {
    expect(restartDecision([10_000, 20_000], 30_000, p, 0)).toMatchObject({ delayMs: 3_200 });
    expect(restartDecision([10_000, 20_000], 30_000, p, 0.75)).toMatchObject({ delayMs: 4_400 });
    expect(restartDecision([10_000, 20_000], 30_000, p, 0.999)).toMatchObject({ delayMs: 4_798 });
  });

  it("degrades once the window's budget is spent", () => {
    expect(restartDecision([0, 10_000, 20_000], 30_000, p)).toEqual({ kind: "degrade", restartsInWindow: 3 });
  });

  it("forgets restarts that left the window (the window is (now - windowMs, now])", () => {
    expect(restartDecision([0, 10_000, 20_000], 60_000, p)).toEqual({ kind: "restart", attempt: 2, delayMs: 4_000, restartsInWindow: 2 });
    expect(restartDecision([0, 10_000, 20_000], 90_000, p)).toMatchObject({ attempt: 0, delayMs: 1_000 });
  });

  it("caps the delay at maxDelayMs", () => {
    const wide = { ...p, maxRestarts: 20 };
    const ten = Array.from({ length: 10 }, (_, i) => i * 100);
    expect(restartDecision(ten, 2_000, wide)).toMatchObject({ attempt: 10, delayMs: 60_000 });
    expect(backoffDelay(wide, 5, 0.5)).toBe(32_000);
    expect(backoffDelay(wide, 6, 0.5)).toBe(60_000);
  });

  it("a budget of zero never restarts", () => {
    expect(restartDecision([], 0, { ...p, maxRestarts: 0 })).toEqual({ kind: "degrade", restartsInWindow: 0 });
  });

  it("following its decisions never exceeds the budget in any window", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 60 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (gaps, u) => {
        const made: number[] = [];
        let now = 0;
        for (const g of gaps) {
          now += g;
          const d = restartDecision(made, now, p, u);
          if (d.kind === "restart") {
            now += d.delayMs;
            made.push(now);
          }
        }
        for (const t of made) expect(made.filter((x) => x > t - p.windowMs && x <= t).length).toBeLessThanOrEqual(p.maxRestarts);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe("jitterUnit", () => {
  it("is a deterministic draw in [0, 1) keyed by seed and key", () => {
    expect(jitterUnit(1, "scorer:0")).toBe(jitterUnit(1, "scorer:0"));
    expect(jitterUnit(1, "scorer:0")).not.toBe(jitterUnit(2, "scorer:0"));
    expect(jitterUnit(1, "scorer:0")).not.toBe(jitterUnit(1, "scorer:1"));
    const draws = Array.from({ length: 10_000 }, (_, i) => jitterUnit(3, `k:${i}`));
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});
