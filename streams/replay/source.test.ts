import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { lastValueFrom, tap, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { arrayBarReader, replayBars } from "./bars.js";
import { ReplayClock } from "./clock.js";
import { jsonlReader } from "./file-readers.js";
import { arrayReader, type RowReader } from "./readers.js";
import { compareRows, feedEventOfRow, rawRowDecoder, type RecordedRow } from "./rows.js";
import { account, OWNER, T0, transaction } from "./test-rows.js";
import { newReplayStats, replayFeed } from "./source.js";
import type { Bar, FeedEvent } from "../types.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-replay-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const label = (e: FeedEvent): string =>
  e.kind === "account" ? `a${e.update.slot}/${e.update.writeVersion}` : e.kind === "transaction" ? `t${e.update.slot}/${e.update.index}` : e.kind === "slot" ? `s${e.update.slot}` : e.kind;

async function replay(reader: RowReader, clock = new ReplayClock(), pace?: () => Promise<unknown> | undefined) {
  const stats = newReplayStats();
  const events = await lastValueFrom(replayFeed({ reader, clock, stats, ...(pace ? { pace } : {}) }).pipe(toArray()));
  return { events, stats, clock };
}

describe("recorded rows", () => {
  it("decode back into the feed events live ingest stored (bytes, bigints, both clocks)", () => {
    const a = feedEventOfRow(account(101, 7));
    expect(a).toMatchObject({ kind: "account", update: { pubkey: "acct7", owner: OWNER, slot: 101, writeVersion: 7, tsEvent: T0 + 400, tsInit: T0 + 405 } });
    expect(a !== null && typeof a !== "string" && a.kind === "account" ? [...a.update.data] : null).toEqual([101, 7]);
    const t = feedEventOfRow(transaction(102, 3));
    expect(t).toMatchObject({ kind: "transaction", update: { signature: "sig102-3", index: 3, slot: 102, preTokenBalances: [{ amount: 12345678901234567890n }] } });
  });

  it("count a bad payload and skip it; skip other kinds", () => {
    const bad: string[] = [];
    const stats = { decoded: 0, skipped: 0, bad: 0 };
    const decode = rawRowDecoder({ stats, onBad: (_r, why) => bad.push(why) });
    const out: FeedEvent[] = [];
    decode({ ...account(101, 1), payload: "{not json" }, out);
    decode({ ...transaction(101, 1), payload: JSON.stringify({ signature: "x" }) }, out);
    decode({ ...account(101, 2), kind: "late_price" }, out);
    decode({ ...account(101, 3), kind: "sim.trade" }, out);
    decode(account(101, 4), out);
    expect(out).toHaveLength(1);
    expect(stats).toEqual({ decoded: 1, skipped: 2, bad: 2 });
    expect(bad).toEqual(["payload is not JSON", "transaction payload needs signature, failed, accountKeys and logMessages"]);
  });

  it("chain order is a total order: slot, then accounts by write version, then transactions by index", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 100, max: 104 }), fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 60 }), (specs) => {
        const rows = specs.map(([s, n, tx]) => (tx ? transaction(s, n) : account(s, n)));
        const sorted = [...rows].sort(compareRows);
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1]!;
          const b = sorted[i]!;
          expect(a.slot <= b.slot).toBe(true);
          if (a.slot === b.slot && a.kind === b.kind) expect(a.write_version <= b.write_version).toBe(true);
          if (a.slot === b.slot) expect(a.kind === "geyser.transaction" && b.kind === "geyser.account").toBe(false);
        }
      }),
    );
  });
});

describe("replayFeed", () => {
  it("emits in chain order, closes each slot with a slot update, and moves the virtual clock to each event", async () => {
    const rows = [transaction(101, 1), account(101, 9), account(100, 3), transaction(101, 0), account(102, 10), account(101, 8)];
    const seen: number[] = [];
    const clock = new ReplayClock();
    const stats = newReplayStats();
    const events = await lastValueFrom(
      replayFeed({ reader: arrayReader(rows, { pageSize: 2 }), clock, stats, pace: () => void seen.push(clock.now()) }).pipe(toArray()),
    );
    expect(events.map(label)).toEqual(["a100/3", "s100", "a101/8", "a101/9", "t101/0", "t101/1", "s101", "a102/10", "s102"]);
    expect(seen).toEqual([T0, T0, T0 + 400, T0 + 400, T0 + 400, T0 + 400, T0 + 400, T0 + 800, T0 + 800]);
    expect(stats).toMatchObject({ rows: 6, events: 9, slotUpdates: 3, firstSlot: 100, lastSlot: 102, firstMs: T0, lastMs: T0 + 800 });
    expect(clock.now()).toBe(T0 + 800);
  });

  it("runs timers due between two events, in time order, before the later event", async () => {
    const clock = new ReplayClock();
    const log: string[] = [];
    const rows = [account(100, 1), account(110, 2)]; // 4 s apart
    const clock2 = clock;
    let armed = false;
    const out = await lastValueFrom(
      replayFeed({
        reader: arrayReader(rows), clock: clock2, slotUpdates: false,
        pace: () => {
          if (!armed) {
            armed = true;
            clock2.schedule(() => void log.push(`t+3000@${clock2.now() - T0}`), 3000);
            clock2.schedule(() => void log.push(`t+1000@${clock2.now() - T0}`), 1000);
            clock2.every(1500, T0 + 1500, () => void log.push(`every@${clock2.now() - T0}`));
          }
          return undefined;
        },
      }).pipe(toArray()),
    );
    expect(out.map(label)).toEqual(["a100/1", "a110/2"]);
    expect(log).toEqual(["t+1000@1000", "every@1500", "t+3000@3000", "every@3000"]);
    expect(clock2.now()).toBe(T0 + 4000);
  });

  it("waits for the consumer's promise before the next event (pull backpressure)", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => account(100 + i, i));
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: string[] = [];
    const clock = new ReplayClock();
    await lastValueFrom(
      replayFeed({
        reader: arrayReader(rows, { pageSize: 4 }), clock, slotUpdates: false,
        pace: () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          return new Promise<void>((r) => setImmediate(() => {
            inFlight--;
            r();
          }));
        },
      }).pipe(toArray()),
    ).then((events) => events.forEach((e) => seen.push(label(e))));
    expect(maxInFlight).toBe(1);
    expect(seen).toHaveLength(20);
  });

  it("stops reading when unsubscribed", async () => {
    const rows = Array.from({ length: 100 }, (_, i) => account(100 + i, i));
    const reader = arrayReader(rows, { pageSize: 10 });
    const got: FeedEvent[] = [];
    const sub = replayFeed({ reader, clock: new ReplayClock(), slotUpdates: false, pace: () => new Promise((r) => setImmediate(r)) }).subscribe((e) => {
      got.push(e);
      if (got.length === 15) sub.unsubscribe();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(15);
    expect(reader.stats.pages).toBeLessThanOrEqual(2);
  });
});

describe("jsonlReader", () => {
  it("streams a file in pages, puts arrival order back in chain order within its window, never holds more than a page", async () => {
    const rows: RecordedRow[] = [];
    for (let s = 0; s < 3_000; s++) {
      // Arrival order inside a slot: a transaction before an account (chain order puts accounts first).
      rows.push(transaction(100 + s, 0), account(100 + s, 2 * s + 1), account(100 + s, 2 * s));
    }
    const path = join(dir, "arrival.jsonl");
    const lines = rows.map((r) => JSON.stringify(r));
    lines.splice(1001, 0, lines[1000]!); // delivered twice in a row: dropped
    const late = account(150, 999_999); // arrives far later than the window can fix: emitted, counted
    writeFileSync(path, lines.join("\n") + "\ngarbage line\n" + JSON.stringify(late) + "\n");
    const reader = jsonlReader(path, { pageSize: 64, chunkBytes: 4096 });
    const bad: number[] = [];
    reader.onBadLine = (line) => void bad.push(line);
    const out: RecordedRow[] = [];
    for (;;) {
      const page = await reader.next();
      if (page === null) break;
      expect(page.length).toBeLessThanOrEqual(64);
      out.push(...page);
    }
    expect(reader.stats.maxHeld).toBeLessThanOrEqual(64);
    expect(reader.stats.pages).toBeGreaterThan(100);
    expect(out.filter((r) => r !== out.find((x) => x.write_version === 999_999))).toEqual([...rows].sort(compareRows));
    expect(out.filter((r) => r.write_version === 999_999)).toHaveLength(1);
    expect(reader.stats).toMatchObject({ rows: 9_001, records: 9_003, badLines: 1, outOfOrder: 1, duplicates: 1 });
    expect(bad).toEqual([9_002]);
  });

  it("takes the payload as a string or embedded as JSON, to the same events", async () => {
    const rows = [account(100, 1), transaction(100, 0), account(101, 2)];
    const asString = join(dir, "string.jsonl");
    const embedded = join(dir, "embedded.jsonl");
    writeFileSync(asString, rows.map((r) => JSON.stringify(r)).join("\n"));
    writeFileSync(embedded, rows.map((r) => JSON.stringify({ ...r, payload: JSON.parse(r.payload) as unknown })).join("\n"));
    const a = await replay(jsonlReader(asString));
    const b = await replay(jsonlReader(embedded));
    expect(b.events).toEqual(a.events);
    expect(a.events.map(label)).toEqual(["a100/1", "t100/0", "s100", "a101/2", "s101"]);
  });

  it("keeps only the rows in [from, to)", async () => {
    const rows = Array.from({ length: 10 }, (_, i) => account(100 + i, i));
    const path = join(dir, "range.jsonl");
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n"));
    const reader = jsonlReader(path, { fromMs: T0 + 800, toMs: T0 + 2000, pageSize: 4 });
    const { events } = await replay(reader);
    expect(events.map(label)).toEqual(["a102/2", "s102", "a103/3", "s103", "a104/4", "s104"]);
  });
});

describe("replayBars", () => {
  const bar = (mint: string, ts: number, open: number, high: number, low: number, close: number): Bar => ({
    interval_s: 60, mint, ts, open, high, low, close, volume: 1000, liquidity: 30_000, fdv: null, trades: 3, lowprec: 0, source: "test", version: 1,
  });

  it("ticks each bar's OHLC path in time order across mints, then hands every bar of the close over in one burst", async () => {
    const t = T0 / 1000;
    const bars = [bar("B", t, 2, 3, 1, 1.5), bar("A", t, 1, 1.2, 0.9, 1.1), bar("A", t + 60, 1.1, 1.3, 1.0, 1.2)];
    const clock = new ReplayClock();
    const paced: string[] = [];
    const got: string[] = [];
    await lastValueFrom(
      replayBars({ reader: arrayBarReader(bars, 2), clock, solUsd: () => 100, liquidityFallbackUsd: 1, dex: "pumpswap", pace: () => void paced.push(got[got.length - 1]!) }).pipe(
        tap((e) => got.push(e.kind === "price" ? `${e.mint}@${e.tsEvent - T0}=${(e.price * 100).toFixed(2)}` : `bar ${e.kind === "bar" ? e.bar.mint : ""}`)),
        toArray(),
      ),
    );
    expect(got).toEqual([
      // A is up (low first, then high), B is down (high first, then low); prices back in USD here.
      "A@0=1.00", "B@0=2.00", "A@20000=0.90", "B@20000=3.00", "A@40000=1.20", "B@40000=1.00", "A@59999=1.10", "B@59999=1.50", "bar A", "bar B",
      "A@60000=1.10", "A@80000=1.00", "A@100000=1.30", "A@119999=1.20", "bar A",
    ]);
    // No pause between the bars of one close: the scorer sees them all at once.
    expect(paced.filter((p) => p.startsWith("bar"))).toEqual(["bar B", "bar A"]);
  });
});
