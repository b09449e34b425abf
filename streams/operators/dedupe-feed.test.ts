import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import type { FeedEvent } from "../types.js";
import { dedupeFeed, type DedupeStats } from "./dedupe-feed.js";

const acct = (pubkey: string, slot: number, writeVersion: number): FeedEvent => ({
  kind: "account",
  update: { pubkey, owner: "o", data: new Uint8Array(0), slot, writeVersion, tsEvent: 0, tsInit: 0 },
});
const tx = (signature: string, slot: number): FeedEvent => ({
  kind: "transaction",
  update: { signature, slot, index: 0, failed: false, accountKeys: [], logMessages: [], preTokenBalances: [], postTokenBalances: [], tsEvent: 0, tsInit: 0 },
});
const scheduler = (): TestScheduler => new TestScheduler((a, e) => expect(a).toEqual(e));

describe("dedupeFeed", () => {
  it("drops repeated and stale account writes and repeated transactions", () => {
    const stats: DedupeStats = { duplicates: 0, stale: 0 };
    scheduler().run(({ cold, expectObservable }) => {
      const v = { a: acct("A", 1, 10), b: acct("A", 2, 20), c: acct("B", 1, 11), d: acct("B", 1, 11), e: acct("A", 2, 15), t: tx("s1", 2), u: tx("s1", 2), w: tx("s1", 3) };
      // d repeats c; e is older than b for the same account; u repeats t; w is the same signature in another slot.
      expectObservable(cold("abcdetuw|", v).pipe(dedupeFeed({}, stats))).toBe("abc--t-w|", v);
    });
    expect(stats).toEqual({ duplicates: 2, stale: 1 });
  });

  it("drops a repeated slot status but keeps the slot's next status", () => {
    const stats: DedupeStats = { duplicates: 0, stale: 0 };
    const slot = (n: number, status: "processed" | "confirmed"): FeedEvent => ({ kind: "slot", update: { slot: n, parent: n - 1, status, tsEvent: 0, tsInit: 0 } });
    scheduler().run(({ cold, expectObservable }) => {
      const v = { a: slot(7, "processed"), b: slot(7, "processed"), c: slot(7, "confirmed") };
      expectObservable(cold("abc|", v).pipe(dedupeFeed({}, stats))).toBe("a-c|", v);
    });
    expect(stats.duplicates).toBe(1);
  });

  it("forgets transactions past the slot window, and accounts past the LRU cap", () => {
    const stats: DedupeStats = { duplicates: 0, stale: 0 };
    scheduler().run(({ cold, expectObservable }) => {
      const v = { a: tx("s1", 1), b: tx("s2", 10), c: tx("s3", 2), x: acct("A", 5, 5), y: acct("B", 5, 6), z: acct("A", 5, 5) };
      // c is 8 slots behind with a window of 5: stale. With room for one account, A is forgotten when B arrives.
      expectObservable(cold("abcxyz|", v).pipe(dedupeFeed({ txSlotWindow: 5, maxAccounts: 1 }, stats))).toBe("ab-xyz|", v);
    });
    expect(stats).toEqual({ duplicates: 0, stale: 1 });
  });
});
