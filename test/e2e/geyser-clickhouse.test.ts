/**
 * The end-to-end check, through storage: the real yellowstone client against the loopback
 * Geyser server streaming the simulated market, bars written by the BatchedWriter into embedded
 * ClickHouse (chdb), read back with FINAL and compared with bars computed from the simulator's
 * events. Imports runtime/storage, so it is a composition test (it may move to test/e2e/).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastValueFrom, takeWhile } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { BatchedWriter } from "../../runtime/storage/batched-writer.js";
import { openStorage } from "../../runtime/storage/clickhouse.js";
import { runMigrations } from "../../runtime/storage/migrations.js";
import type { Storage } from "../../runtime/storage/storage.js";
import { startGeyserServer, type GeyserServer } from "../../testkit/geyser/server.js";
import { diffBars } from "../../testkit/geyser/sim-reference.js";
import { simScenario } from "../../testkit/geyser/sim-scenario.js";
import { MarketDecoder } from "../../streams/decoders/market-decoder.js";
import { sinkTo, type SinkStats } from "../../streams/operators/sink.js";
import { barsFromFeed } from "../../streams/pipeline.js";
import { barRows } from "../../streams/sinks/rows.js";
import type { Bar } from "../../streams/types.js";
import { geyserSource, newGeyserSourceStats } from "../../streams/sources/geyser.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-geyser-e2e-"));
let storage: Storage;
let server: GeyserServer;

beforeAll(async () => {
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
  await runMigrations(storage);
});

afterAll(async () => {
  await server?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Geyser → bars → ClickHouse", () => {
  it("stores the bars computed straight from the simulator's events", async () => {
    const sim = simScenario({ seed: 5, tokens: 8, bars: 40, directLaunchShare: 0.4, activity: 3 });
    // One disconnect half way, resumed inside the provider's buffer (the whole run fits in it).
    server = await startGeyserServer({ feed: sim.updates, pingIntervalMs: 1_000, replaySlots: 100_000, disconnectAfter: Math.floor(sim.updates.length / 2), disconnectTimes: 1 });
    const writer = await BatchedWriter.open({ storage, table: "bars", spoolDir: join(dir, "spool"), maxBatchRows: 200, flushIntervalMs: 50 });
    const decoder = new MarketDecoder();
    sim.registerCurves(decoder.registry);
    const sink: SinkStats = { rows: 0, pushes: 0, failures: 0 };
    const stats = newGeyserSourceStats();
    const source = geyserSource({ endpoint: server.endpoint, request: sim.request, clock: new VirtualClock(0), reconnect: { initialDelayMs: 20 } }, stats);
    await lastValueFrom(
      source.pipe(
        takeWhile((e) => !(e.kind === "slot" && e.update.slot >= sim.lastSlot), true),
        barsFromFeed({ decoder, intervalS: sim.intervalS, graceMs: 0, usd: sim.usd }),
        sinkTo({ writer, toRows: barRows }, sink),
      ),
    );
    await writer.close();
    const stored = await storage.query<Bar>(
      "SELECT interval_s, mint, ts, open, high, low, close, volume, liquidity, fdv, trades, lowprec, source, version FROM bars FINAL WHERE source = 'geyser' ORDER BY mint, ts",
    );
    expect(stats).toMatchObject({ connects: 2, gaps: 0 });
    expect(sink.failures).toBe(0);
    expect(stored.length).toBe(sim.reference.length);
    expect(diffBars(sim.toSimIds(stored), sim.reference, ["open", "high", "low", "close", "volume", "liquidity", "fdv", "trades"])).toEqual([]);
  });
});
