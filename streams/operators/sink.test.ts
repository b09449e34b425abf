import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { sinkTo, type SinkStats } from "./sink.js";

describe("sinkTo", () => {
  it("pushes rows and passes every event on without waiting for the writer", async () => {
    const pushed: number[][] = [];
    let release: () => void = () => {};
    // A writer whose pushes never settle while the test runs: the stream must not care.
    const writer = { push: (rows: readonly number[]) => (pushed.push([...rows]), new Promise<void>((r) => (release = r))) };
    const stats: SinkStats = { rows: 0, pushes: 0, failures: 0 };
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      const src = cold("abc|", { a: 1, b: 0, c: 3 });
      expectObservable(src.pipe(sinkTo({ writer, toRows: (n: number) => Array.from({ length: n }, (_, i) => i) }, stats))).toBe("abc|", { a: 1, b: 0, c: 3 });
    });
    release();
    expect(pushed).toEqual([[0], [0, 1, 2]]);
    expect(stats).toEqual({ rows: 4, pushes: 2, failures: 0 });
  });

  it("counts and reports a rejected push instead of failing the stream", async () => {
    const errors: unknown[] = [];
    const stats: SinkStats = { rows: 0, pushes: 0, failures: 0 };
    const writer = { push: () => Promise.reject(new Error("spool full")) };
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      expectObservable(cold("a|", { a: 1 }).pipe(sinkTo({ writer, toRows: () => [1], onError: (e) => errors.push(e) }, stats))).toBe("a|", { a: 1 });
    });
    await new Promise((r) => setImmediate(r));
    expect(stats.failures).toBe(1);
    expect(String(errors[0])).toMatch(/spool full/);
  });
});
