/**
 * `alphagpt ingest` end to end, in-process: the loopback Geyser server streams a small simulated
 * market, the real yellowstone client ingests it, and ClickHouse (embedded) ends up holding bars
 * equal to the reference bars computed from the simulator's events, plus the raw feed events and
 * the price ticks; a rerun double counts nothing; SIGINT stops it cleanly with what was closed
 * written exactly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import { openStorage } from "../../runtime/storage/clickhouse.js";
import { runMigrations } from "../../runtime/storage/migrations.js";
import { diffBars } from "../../testkit/geyser/sim-reference.js";
import { startGeyserServer } from "../../testkit/geyser/server.js";
import { simScenario } from "../../testkit/geyser/sim-scenario.js";
import type { Bar } from "../../streams/types.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-ingest-"));
const state = join(dir, "state");
const env = { ALPHAGPT_DATA_DIR: state, ALPHAGPT_LOG_LEVEL: "error" };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (args: readonly string[], onStderr?: (all: string) => void, extraEnv: Record<string, string> = {}) =>
  runCli(["ingest", ...args], { ...env, ...extraEnv }, onStderr === undefined ? undefined : (_chunk, all) => onStderr(all));

const count = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  if (m === null) throw new Error(`no ${re} in:\n${text}`);
  return Number((m[1] as string).replace(/,/g, ""));
};

async function query<T>(sql: string): Promise<T[]> {
  const s = await openStorage({ kind: "embedded", dataDir: join(state, "clickhouse") });
  try {
    return await s.query<T>(sql);
  } finally {
    await s.close();
  }
}

const BAR_COLUMNS = "interval_s, mint, ts, open, high, low, close, volume, liquidity, fdv, trades, lowprec, source, version";

describe("alphagpt ingest (loopback Geyser)", () => {
  it("stores bars equal to the reference bars of the simulated market, the raw events and the ticks; a rerun double counts nothing", async () => {
    const sim = simScenario({ seed: 5, tokens: 8, bars: 40, barIntervalS: 60 });
    const r = await start(["--tokens", "8", "--bars", "40", "--seed", "5", "--status", "lines", "--status-interval", "0.2"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/ingest: loopback Geyser http:\/\/127\.0\.0\.1:\d+ streaming a simulated market/);
    expect(r.stdout).toMatch(/^ingest the feed ended/);
    expect(r.stdout).toMatch(/0 duplicates, 0 undecodable updates, 0 decode errors/);

    const stored = await query<Bar>(`SELECT ${BAR_COLUMNS} FROM bars FINAL WHERE source = 'geyser' ORDER BY mint, ts`);
    expect(stored.length).toBe(sim.reference.length);
    expect(diffBars(sim.toSimIds(stored), sim.reference, ["open", "high", "low", "close", "volume", "liquidity", "fdv", "trades"])).toEqual([]);
    expect(count(r.stdout, /([\d,]+) bars\n/)).toBe(sim.reference.length);

    // Every account write and transaction of the feed is a raw event; every tick is stored.
    const accounts = sim.updates.filter((u) => u.account !== undefined).length;
    const txs = sim.updates.filter((u) => u.transaction !== undefined).length;
    const events = await query<{ kind: string; n: number }>("SELECT kind, count() AS n FROM feed_events FINAL GROUP BY kind ORDER BY kind");
    expect(events).toEqual([
      { kind: "geyser.account", n: accounts },
      { kind: "geyser.transaction", n: txs },
    ]);
    // Every decoded tick was handed over and is one row: ticks are keyed by their account write's
    // write version, so two ticks of one curve in one slot stay two.
    const written = count(r.stdout, /written .* ([\d,]+) price ticks/);
    expect(written).toBe(count(r.stdout, /market\s+([\d,]+) price ticks/));
    const ticks = await query<{ n: number; slots: number }>("SELECT count() AS n, uniqExact(mint, slot) AS slots FROM price_ticks FINAL WHERE source = 'geyser'");
    expect(ticks[0]?.n).toBe(written);
    expect(ticks[0]?.n).toBeGreaterThan(ticks[0]?.slots ?? 0);

    // The same market again: the same rows, nothing counted twice.
    const again = await start(["--tokens", "8", "--bars", "40", "--seed", "5", "--status", "off"]);
    expect(again.code).toBe(ExitCode.ok);
    expect(await query<Bar>(`SELECT ${BAR_COLUMNS} FROM bars FINAL WHERE source = 'geyser' ORDER BY mint, ts`)).toEqual(stored);
    expect(await query<{ kind: string; n: number }>("SELECT kind, count() AS n FROM feed_events FINAL GROUP BY kind ORDER BY kind")).toEqual(events);
  });

  it("stops cleanly on SIGINT: exit 0, writers flushed, every bar written is exact", async () => {
    const args = ["--tokens", "20", "--bars", "360", "--seed", "7", "--status", "lines", "--status-interval", "0.05"];
    let signalled = false;
    const r = await start(args, (all) => {
      // Once the stream is well under way (status lines count the events), interrupt it.
      const m = /ev\/s \(([\d,]+)\)/g;
      let last = 0;
      for (let x = m.exec(all); x !== null; x = m.exec(all)) last = Number((x[1] as string).replace(/,/g, ""));
      if (!signalled && last >= 2000) {
        signalled = true;
        process.emit("SIGINT");
      }
    });
    expect(signalled).toBe(true);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^ingest stopped by SIGINT/);
    expect(r.stdout).toContain("bars still open at the stop are incomplete and were not written");
    expect(process.listenerCount("SIGINT")).toBe(0);
    const sim = simScenario({ seed: 7, tokens: 20, bars: 360, barIntervalS: 60 });
    const stored = await query<Bar>(`SELECT ${BAR_COLUMNS} FROM bars FINAL WHERE source = 'geyser' ORDER BY mint, ts`);
    const mine = sim.toSimIds(stored).filter((b) => sim.reference.some((w) => w.mint === b.mint));
    expect(mine.length).toBe(count(r.stdout, /([\d,]+) bars\n/));
    expect(mine.length).toBeLessThan(sim.reference.length);
    // The bars written before the stop are complete: each equals its reference bar.
    const ref = new Map(sim.reference.map((b) => [`${b.mint}|${b.ts}`, b]));
    const want = mine.map((b) => ref.get(`${b.mint}|${b.ts}`)).filter((b): b is Bar => b !== undefined);
    expect(want.length).toBe(mine.length);
    expect(diffBars(mine, want, ["open", "high", "low", "close", "volume", "liquidity", "fdv", "trades"])).toEqual([]);
  });

  it("--source pubsub streams the same market through the loopback PubSub server", async () => {
    const sim = simScenario({ seed: 5, tokens: 8, bars: 40, barIntervalS: 60 });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on("warning", onWarning);
    let r: Awaited<ReturnType<typeof start>>;
    try {
      r = await start(["--source", "pubsub", "--tokens", "8", "--bars", "40", "--seed", "5", "--status", "off"]);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    // 18 accounts, 3 programs and the slots on one session: no abort signal outgrows Node's listener limit.
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message)).toEqual([]);
    expect(r.stdout).toMatch(/^ingest the feed ended: loopback PubSub ws:\/\/127\.0\.0\.1:\d+/);
    // Every account write and transaction log reached us once, the last slot's too: the feed
    // ends on what the server wrote, not on the last slot (which kit may hand over first); pool
    // swaps carry no balances over PubSub, curve trades do.
    const accounts = sim.updates.filter((u) => u.account !== undefined).length;
    const txs = sim.updates.filter((u) => u.transaction !== undefined).length;
    expect(count(r.stdout, /written\s+([\d,]+) feed events/)).toBe(accounts + txs);
    expect(count(r.stdout, /([\d,]+) unpriced/)).toBe(0);
    expect(count(r.stdout, /([\d,]+) bars closed/)).toBeGreaterThan(0);
  });

  it("with geyser.endpoint set, watches the tokens table's pump.fun curves with the x-token and stores exact bars", async () => {
    // A "real" endpoint: a Geyser server the test runs, streaming a market that starts now (so
    // the live clock watermark does not close its bars early), SOL/USD constant for --sol-usd.
    const startTs = Math.ceil(Date.now() / 60_000) * 60 + 120;
    const sim = simScenario({ seed: 11, tokens: 4, bars: 20, barIntervalS: 60, startTs, directLaunchShare: 0, solUsd: { start: 150, dailyVol: 0 } });
    const server = await startGeyserServer({ feed: sim.updates, token: "x-secret", replaySlots: 1_000_000 });
    try {
      const launches = sim.events.filter((e) => e.kind === "launch");
      const s = await openStorage({ kind: "embedded", dataDir: join(state, "clickhouse") });
      await runMigrations(s);
      await s.insert(
        "tokens",
        launches.map((e) => ({ mint: sim.feed.address(e.mint), symbol: "", name: "", decimals: 6, pool: sim.feed.address(e.pool), dex: "pumpfun", created_ts: 0, source: "test", version: 1 })),
      );
      await s.close();
      let signalled = false;
      const r = await start(["--sol-usd", "150", "--status", "lines", "--status-interval", "0.05"], (all) => {
        const m = /geyser slot (\d+)/g;
        let last = 0;
        for (let x = m.exec(all); x !== null; x = m.exec(all)) last = Number(x[1]);
        if (!signalled && last >= sim.lastSlot) {
          signalled = true;
          process.emit("SIGTERM");
        }
      }, { ALPHAGPT_GEYSER_ENDPOINT: server.endpoint, ALPHAGPT_GEYSER_TOKEN: "x-secret" });
      expect(signalled, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(ExitCode.ok);
      expect(r.stdout).toMatch(new RegExp(`^ingest stopped by SIGTERM: Geyser ${server.endpoint} watching ${launches.length} tokens \\(${launches.length} accounts\\)`));
      expect(server.stats.lastRequest?.accounts["universe"]?.account.sort()).toEqual(launches.map((e) => sim.feed.address(e.pool)).sort());
      const stored = sim.toSimIds(await query<Bar>(`SELECT ${BAR_COLUMNS} FROM bars FINAL WHERE ts >= ${startTs} ORDER BY mint, ts`));
      const ref = new Map(sim.reference.map((b) => [`${b.mint}|${b.ts}`, b]));
      // Bars still open at the stop (at most the last one or two per token) are not written; the rest are exact.
      expect(sim.reference.length).toBeGreaterThan(2 * launches.length);
      expect(stored.length).toBeGreaterThanOrEqual(sim.reference.length - 2 * launches.length);
      const want = stored.map((b) => ref.get(`${b.mint}|${b.ts}`)).filter((b): b is Bar => b !== undefined);
      expect(want.length).toBe(stored.length);
      expect(diffBars(stored, want, ["open", "high", "low", "close", "volume", "liquidity", "fdv", "trades"], 1e-9)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("--mint needs a real endpoint", async () => {
    const r = await start(["--mint", "So11111111111111111111111111111111111111112"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/--mint needs a real endpoint/);
  });
});
