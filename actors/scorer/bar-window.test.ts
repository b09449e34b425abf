/** BarWindow: bounded rings per mint, gaps left to the panel, corrections, carried liquidity. */
import { describe, expect, it } from "vitest";
import type { BarInput } from "../../alpha/index.js";
import { BarWindow } from "./bar-window.js";

const bar = (mint: string, slot: number, close: number, liquidity: number | null = null, fdv: number | null = null): BarInput =>
  ({ mint, ts: slot * 60 + 5, open: close, high: close, low: close, close, volume: 10, liquidity, fdv });
const closes = (w: BarWindow, mint: string) => w.bars(mint).map((b) => b.close);

describe("BarWindow", () => {
  it("keeps the newest `capacity` bars per mint, on the slot grid, oldest first", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 3 });
    for (let t = 0; t < 5; t++) expect(w.push(bar("A", t, 1 + t))).toBe("added");
    w.push(bar("B", 7, 9));
    expect(closes(w, "A")).toEqual([3, 4, 5]);
    expect(w.bars("A").map((b) => b.ts)).toEqual([120, 180, 240]);
    expect([w.size("A"), w.truncated("A"), w.size("B"), w.truncated("B")]).toEqual([3, true, 1, false]);
    expect([w.mints(), w.latestTs("A"), w.latestTs("Z")]).toEqual([["A", "B"], 240, null]);
    expect(w.stats).toMatchObject({ added: 6, evicted: 2 });
  });

  it("stores only real bars: a gap is simply a missing slot", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 5 });
    [0, 1, 4].forEach((t) => w.push(bar("A", t, t + 1)));
    expect(w.bars("A").map((b) => b.ts)).toEqual([0, 60, 240]);
  });

  it("a bar for a held slot is a correction; an older unheld slot is late; bad prices are rejected", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 3 });
    [0, 2, 4].forEach((t) => w.push(bar("A", t, t + 1)));
    expect(w.push(bar("A", 2, 20))).toBe("replaced");
    expect(w.push(bar("A", 4, 40))).toBe("replaced");
    expect(w.push(bar("A", 3, 30))).toBe("late");
    expect(w.push({ ...bar("A", 5, 1), close: Number.NaN })).toBe("rejected");
    expect(w.push({ ...bar("A", 5, 1), low: 0 })).toBe("rejected");
    expect(closes(w, "A")).toEqual([1, 20, 40]);
    expect(w.stats).toMatchObject({ replaced: 2, late: 1, rejected: 2 });
  });

  it("carries the last reported liquidity and FDV forward, across evicted bars too", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 2 });
    w.push(bar("A", 0, 1, 5_000, 50_000));
    w.push(bar("A", 1, 1));
    w.push(bar("A", 2, 1, null, 70_000));
    w.push(bar("A", 3, 1));
    expect(w.bars("A").map((b) => [b.liquidity, b.fdv])).toEqual([[5_000, 70_000], [5_000, 70_000]]);
    const never = new BarWindow({ intervalS: 60, capacity: 2 });
    never.push(bar("B", 0, 1, 0, -1));
    expect(never.bars("B").map((b) => [b.liquidity, b.fdv])).toEqual([[null, null]]);
  });

  it("resizes: growing keeps everything, shrinking keeps the newest and carries what it drops", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 4 });
    w.push(bar("A", 0, 1, 7_000));
    [1, 2, 3].forEach((t) => w.push(bar("A", t, 1 + t)));
    w.resize(6);
    [4, 5].forEach((t) => w.push(bar("A", t, 1 + t)));
    expect([closes(w, "A"), w.truncated("A")]).toEqual([[1, 2, 3, 4, 5, 6], false]);
    w.resize(2);
    expect([closes(w, "A"), w.truncated("A"), w.bars("A")[0]!.liquidity]).toEqual([[5, 6], true, 7_000]);
  });

  it("prunes mints that stopped trading", () => {
    const w = new BarWindow({ intervalS: 60, capacity: 2 });
    w.push(bar("A", 1, 1));
    w.push(bar("B", 9, 1));
    expect(w.prune(5 * 60)).toBe(1);
    expect(w.mints()).toEqual(["B"]);
  });

  it("refuses a nonsensical configuration", () => {
    expect(() => new BarWindow({ intervalS: 0, capacity: 1 })).toThrow(RangeError);
    expect(() => new BarWindow({ intervalS: 60, capacity: 0 })).toThrow(RangeError);
  });
});
