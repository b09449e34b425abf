/**
 * End to end: the real yellowstone napi client against the loopback Geyser server streaming the
 * simulated market, through decode and bars, compared with bars computed straight from the
 * simulator's events. Then the faults: a disconnect inside the replay buffer, a gap beyond it,
 * malformed account data, duplicated and reordered updates.
 */
import { lastValueFrom, takeWhile, tap, toArray, type Observable } from "rxjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { eventually } from "../../testkit/eventually.js";
import { startGeyserServer, type GeyserServer, type GeyserServerOptions } from "../../testkit/geyser/server.js";
import { simScenario, type SimScenario } from "../../testkit/geyser/sim-scenario.js";
import { diffBars } from "../../testkit/geyser/sim-reference.js";
import type { BarOutput } from "../bars/bar-book.js";
import { MarketDecoder } from "../decoders/market-decoder.js";
import { barsFromFeed } from "../pipeline.js";
import type { Bar, FeedEvent } from "../types.js";
import { geyserSource, newGeyserSourceStats, type GeyserSourceStats } from "./geyser.js";

const ALL = ["open", "high", "low", "close", "volume", "liquidity", "fdv", "trades"] as const;
const TRADED = ["open", "high", "low", "close", "volume", "trades"] as const;

let sim: SimScenario;
let server: GeyserServer | undefined;

beforeAll(() => {
  // 8 tokens over 40 one-minute bars: curves, a Raydium launch or two, a few thousand updates.
  sim = simScenario({ seed: 5, tokens: 8, bars: 40, directLaunchShare: 0.4, activity: 3 });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Run {
  readonly decoder: MarketDecoder;
  readonly stats: GeyserSourceStats;
  readonly feed: FeedEvent[];
  /** Closed bars with corrections applied (the highest version per bar wins, as in ClickHouse). */
  readonly bars: Promise<Bar[]>;
  readonly corrections: () => number;
}

/** Subscribe with the real client and aggregate bars until the feed's last slot has come by. */
function ingest(srv: GeyserServer, opts: { overlap?: number; coalesceWindowMs?: number } = {}): Run {
  const decoder = new MarketDecoder();
  sim.registerCurves(decoder.registry);
  const stats = newGeyserSourceStats();
  const feed: FeedEvent[] = [];
  const source: Observable<FeedEvent> = geyserSource(
    {
      endpoint: srv.endpoint,
      request: sim.request,
      clock: new VirtualClock(0),
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      liveness: { pingIntervalMs: 500, staleAfterMs: 10_000 },
      ...(opts.overlap === undefined ? {} : { resumeOverlapSlots: opts.overlap }),
    },
    stats,
  );
  const out = source.pipe(
    tap((e) => feed.push(e)),
    takeWhile((e) => !(e.kind === "slot" && e.update.slot >= sim.lastSlot), true),
    barsFromFeed({ decoder, intervalS: sim.intervalS, graceMs: 0, usd: sim.usd, ...(opts.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: opts.coalesceWindowMs }) }),
    toArray(),
  );
  let corrections = 0;
  const bars = lastValueFrom(out).then((o: BarOutput[]) => {
    const latest = new Map<string, Bar>();
    for (const x of o) {
      if (x.kind === "late") throw new Error(`event too late to correct: ${JSON.stringify(x.event)}`);
      if (x.kind === "correction") corrections++;
      const k = `${x.bar.mint}|${x.bar.ts}`;
      if ((latest.get(k)?.version ?? 0) < x.bar.version) latest.set(k, x.bar);
    }
    return sim.toSimIds([...latest.values()]);
  });
  return { decoder, stats, feed, bars, corrections: () => corrections };
}

const start = (o: GeyserServerOptions = {}) => startGeyserServer({ feed: sim.updates, pingIntervalMs: 1_000, replaySlots: 100_000, ...o });

describe("Geyser end to end with the simulated market", () => {
  it("yields the bars computed straight from the simulator's events", async () => {
    server = await start();
    const run = ingest(server);
    const bars = await run.bars;
    expect(sim.reference.length).toBeGreaterThan(50);
    expect(diffBars(bars, sim.reference, ALL)).toEqual([]);
    // And the simulator's own bars, but for volume on pools (see sim-reference.ts).
    expect(diffBars(bars, sim.simBars, ["open", "high", "low", "close", "liquidity", "fdv", "trades"])).toEqual([]);
    expect(run.decoder.stats.errors).toBe(0);
    expect(run.stats).toMatchObject({ connects: 1, gaps: 0, decodeErrors: 0 });
  });

  it("coalescing price ticks per mint leaves the bars exact", async () => {
    server = await start();
    const run = ingest(server, { coalesceWindowMs: 5 });
    expect(diffBars(await run.bars, sim.reference, ALL)).toEqual([]);
    expect(run.corrections()).toBe(0);
  });

  it("a disconnect and resume inside the buffer loses and duplicates nothing", async () => {
    const third = Math.floor(sim.updates.length / 3);
    server = await start({ disconnectAfter: third, disconnectTimes: 2 });
    const run = ingest(server);
    const bars = await run.bars;
    expect(server.stats.disconnects).toBe(2);
    expect(run.stats.connects).toBe(3);
    expect(run.stats.gaps).toBe(0);
    // The overlap slots came twice and were dropped; the bars are exact.
    expect(run.stats.dedupe.duplicates).toBeGreaterThan(0);
    expect(diffBars(bars, sim.reference, ALL)).toEqual([]);
  });

  it("reports a gap when the resume point has left the provider's buffer", async () => {
    server = await start({ replaySlots: 10, autoStart: false });
    const run = ingest(server);
    await eventually(() => expect(server!.stats.active).toBe(1));
    await server.pump(Math.floor(sim.updates.length / 3));
    const seen = server.buffer.maxSlot;
    await eventually(() => expect(run.stats.lastSlot).toBe(seen));
    // The provider restarts and moves on while we are away.
    server.setAccepting(false);
    server.disconnectAll();
    await server.pump(Math.floor(sim.updates.length / 3));
    const firstAvailable = server.buffer.firstAvailable;
    expect(firstAvailable).toBeGreaterThan(seen + 1);
    server.setAccepting(true);
    await eventually(() => expect(run.stats.connects).toBe(2));
    server.start();
    await run.bars;
    const gaps = run.feed.filter((e) => e.kind === "gap");
    expect(gaps).toEqual([{ kind: "gap", requestedFromSlot: seen + 1, resumedAtSlot: firstAvailable, tsInit: 0 }]);
    expect(run.stats.gaps).toBe(1);
    // Nothing from inside the gap was delivered.
    const inGap = run.feed.filter((e) => (e.kind === "account" || e.kind === "transaction") && e.update.slot > seen && e.update.slot < firstAvailable);
    expect(inGap).toEqual([]);
  });

  it("counts and skips malformed account data; trades and prices stay exact", async () => {
    // Curve and vault writes (81 and 165 bytes) are cut short; pool and mint definitions are left whole.
    const malformWhen = (u: (typeof sim.updates)[number]) => [81, 165].includes(u.account?.account?.data.length ?? 0);
    server = await start({ faults: { malformedRate: 0.05, malformWhen, seed: 11 } });
    const errors: string[] = [];
    const run = ingest(server);
    const bars = await run.bars;
    expect(server.stats.faults.malformed).toBeGreaterThan(10);
    expect(run.decoder.stats.errors).toBe(server.stats.faults.malformed);
    errors.push(...run.decoder.stats.errorsByReason.keys());
    expect(errors.every((k) => /too_short/.test(k))).toBe(true);
    expect(diffBars(bars, sim.reference, TRADED)).toEqual([]);
  });

  it("drops duplicated updates and orders reordered trades by their place in the block", async () => {
    server = await start({ faults: { duplicateRate: 0.1, reorderWindow: 3, seed: 3 } });
    const run = ingest(server, { overlap: 10 });
    const bars = await run.bars;
    expect(server.stats.faults.duplicated).toBeGreaterThan(50);
    expect(server.stats.faults.reordered).toBeGreaterThan(50);
    expect(run.stats.dedupe.duplicates + run.stats.dedupe.stale).toBeGreaterThan(0);
    // With no grace, a trade reordered behind the next bar's first event revises its closed bar.
    expect(run.corrections()).toBeGreaterThan(0);
    expect(diffBars(bars, sim.reference, TRADED)).toEqual([]);
  });
});
