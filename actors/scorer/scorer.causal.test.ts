/**
 * Causality: deleting the future moves nothing before it. A scorer fed the whole stream and one
 * fed only a prefix emit the same signals, entries and exits at every close of the prefix.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BarInput } from "../../alpha/index.js";
import { INTERVAL, PROXY, SMALL, bySlot, universe } from "./scorer.fixtures.js";
import { Scorer } from "./scorer.js";
import type { Decisions } from "./rank.js";

function run(bars: readonly BarInput[], formula: string): Map<number, Decisions> {
  const s = new Scorer({
    formula, params: SMALL, intervalS: INTERVAL, liquidityFallback: PROXY, minBars: 5,
    rule: { buyThreshold: 0.6, sellThreshold: 0.5, maxOpenPositions: 2 },
  });
  const out = new Map<number, Decisions>();
  for (const [slot, closing] of bySlot(bars)) {
    closing.forEach((b) => s.push(b));
    out.set(slot, s.close(slot, { held: new Set(["M01", "M03"]), risk: (x) => ({ allow: x.rank % 2 === 1, reasons: [] }) }));
  }
  return out;
}

describe("scorer causality", () => {
  it("appending future bars never changes a past score or decision (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 10, max: 90 }),
        fc.constantFrom("RET DEV SUB", "LOG_VOL JUMP DECAY", "LIQ_SCORE DELAY1 FOMO MAX3 MUL", "PRESSURE RET LIQ_SCORE GATE"),
        (seed, cut, formula) => {
          const bars = universe(seed, { tokens: 4, slots: 100, gap: 0.25, reported: 0.3 });
          const slots = bySlot(bars).map(([s]) => s);
          const cutTs = slots[Math.min(cut, slots.length - 1)]!;
          const full = run(bars, formula);
          const prefix = run(bars.filter((b) => Math.floor(b.ts / INTERVAL) * INTERVAL <= cutTs), formula);
          expect(prefix.size).toBeGreaterThan(0);
          for (const [slot, d] of prefix) expect(full.get(slot)).toEqual(d);
        },
      ),
      { seed: 17, numRuns: 25 },
    );
  });
});
