import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { coalesceLatest, type CoalesceStats } from "./coalesce-latest.js";

interface Ev {
  readonly k: string;
  readonly drop: boolean;
  readonly v: number;
  readonly b?: number;
}
const tick = (k: string, v: number, b = 0): Ev => ({ k, drop: true, v, b });
const fill = (k: string, v: number): Ev => ({ k, drop: false, v });

const scheduler = (): TestScheduler => new TestScheduler((a, e) => expect(a).toEqual(e));
const op = (s: TestScheduler, stats?: CoalesceStats, maxKeys?: number) =>
  coalesceLatest<Ev>({ key: (e) => e.k, droppable: (e) => e.drop, bucket: (e) => e.b ?? 0, windowMs: 5, ...(maxKeys === undefined ? {} : { maxKeys }) }, stats, s);

describe("coalesceLatest", () => {
  it("keeps only the latest tick per key in a window, flushed in arrival order", () => {
    const s = scheduler();
    s.run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot("-a-b-c------|", { a: tick("x", 1), b: tick("y", 2), c: tick("x", 3) });
      expectObservable(src.pipe(op(s))).toBe("------(cb)--|", { c: tick("x", 3), b: tick("y", 2) });
      expectSubscriptions(src.subscriptions).toBe("^-----------!");
    });
  });

  it("never drops a fill, and lets the pending tick of its key out first", () => {
    const s = scheduler();
    s.run(({ hot, expectObservable }) => {
      const src = hot("-a-F------b-----|", { a: tick("x", 1), F: fill("x", 9), b: tick("y", 2) });
      expectObservable(src.pipe(op(s))).toBe("---(aF)--------b|", { a: tick("x", 1), F: fill("x", 9), b: tick("y", 2) });
    });
  });

  it("does not merge across buckets: the old bucket's tick leaves when a new one starts", () => {
    const s = scheduler();
    s.run(({ hot, expectObservable }) => {
      const src = hot("-a-b-c--------|", { a: tick("x", 1, 0), b: tick("x", 2, 0), c: tick("x", 3, 1) });
      expectObservable(src.pipe(op(s))).toBe("-----bc-------|", { b: tick("x", 2, 0), c: tick("x", 3, 1) });
    });
  });

  it("lets every pending tick out before the first event of a later bucket, whatever its key", () => {
    const s = scheduler();
    s.run(({ hot, expectObservable }) => {
      const v = { a: tick("x", 1, 0), b: tick("y", 2, 0), F: { ...fill("z", 3), b: 1 } };
      expectObservable(hot("-a-b-F----|", v).pipe(op(s))).toBe("-----(abF)|", v);
    });
  });

  it("bounds memory: past maxKeys the oldest pending tick leaves early, counted", () => {
    const s = scheduler();
    const stats: CoalesceStats = { merged: 0, evicted: 0 };
    s.run(({ hot, expectObservable }) => {
      const src = hot("-abc------|", { a: tick("x", 1), b: tick("y", 2), c: tick("z", 3) });
      expectObservable(src.pipe(op(s, stats, 2))).toBe("---a--(bc)|", { a: tick("x", 1), b: tick("y", 2), c: tick("z", 3) });
    });
    expect(stats.evicted).toBe(1);
  });

  it("flushes what is pending on completion and on error", () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      expectObservable(cold("-a|", { a: tick("x", 1) }).pipe(op(s))).toBe("--(a|)", { a: tick("x", 1) });
      expectObservable(cold("-a#", { a: tick("x", 1) }).pipe(op(s))).toBe("--(a#)", { a: tick("x", 1) });
    });
  });
});
