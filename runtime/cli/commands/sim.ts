/** `alphagpt sim`: write a seeded simulated meme market (tokens, bars, raw events) to ClickHouse. */
import type { Command } from "commander";
import { simulateMarket, type SimEvent, type SimSummary } from "../../../testkit/sim/index.js";
import { fieldLogger } from "../../log.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import { openMigratedStorage, openWriter } from "../../storage/from-config.js";
import type { Storage } from "../../storage/storage.js";
import { contextFrom, type CliContext, type CliIo } from "../context.js";
import { interval, positiveInt, positiveNumber } from "../options.js";
import { progressBar } from "../progress.js";

export interface SimCommandOptions {
  readonly tokens: number;
  readonly days: number;
  readonly seed: number;
  readonly interval: number;
  readonly start?: number;
  readonly signal?: number;
  readonly events: boolean;
}


export function registerSim(program: Command, io: CliIo): void {
  program
    .command("sim")
    .description("simulate a meme-token market (pump.fun launches, migrations, pumps, dumps, rugs) into ClickHouse")
    .option("--tokens <n>", "tokens in the universe", positiveInt("tokens"), 200)
    .option("--days <n>", "days of market", positiveNumber("days"), 3)
    .option("--seed <n>", "seed: the same seed gives the same market", positiveInt("seed"), 1)
    .option("--interval <interval>", "bar interval: seconds or with a unit (300, 5m, 1h)", interval("interval"), 60)
    .option("--start <unix-seconds>", "market start time (default 2025-01-01T00:00:00Z)", positiveInt("start"))
    .option("--signal <strength>", "plant a predictive signal (PRESSURE predicts the next bar) of this strength, 0..1.5", positiveNumber("signal"))
    .option("--no-events", "write bars and tokens only, not the raw event stream")
    .action(async (opts: SimCommandOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const storage = await openMigratedStorage(ctx.config);
      try {
        const summary = await writeSimulatedMarket(ctx, storage, opts);
        io.stdout(formatSimSummary(summary, opts, storage.target));
        io.stdout(await describeStorage(storage));
      } finally {
        await storage.close();
      }
    });
}

/** Stream the simulated market into storage through the batched writers; returns its summary. */
export async function writeSimulatedMarket(ctx: CliContext, storage: Storage, opts: SimCommandOptions): Promise<SimSummary> {
  const market = simulateMarket({
    seed: opts.seed,
    tokens: opts.tokens,
    days: opts.days,
    barIntervalS: opts.interval,
    ...(opts.start !== undefined ? { startTs: opts.start } : {}),
    ...(opts.signal !== undefined ? { plantedSignal: { strength: opts.signal } } : {}),
  });
  const log = fieldLogger(ctx.logger, "sim");
  const writers: BatchedWriter[] = [];
  const open = async (table: string) => {
    const w = await openWriter(ctx.config, storage, table, log);
    writers.push(w);
    return w;
  };
  const tokens = await open("tokens");
  const bars = await open("bars");
  const events = opts.events ? await open("feed_events") : undefined;
  // Each simulation step is one bar interval of market time.
  const total = market.options.steps;
  const progress = progressBar(ctx.io, "simulating", total, "bars");
  try {
    const steps = market.steps({ onProgress: (f) => progress.update(Math.round(f * total)) });
    for (;;) {
      const next = steps.next();
      if (next.done) {
        progress.update(total, "flushing");
        await Promise.all(writers.map((w) => w.flush()));
        return next.value;
      }
      const step = next.value;
      // Awaiting each push gives back-pressure: the generator never runs ahead of ClickHouse.
      if (step.tokens.length > 0) await tokens.push(step.tokens);
      if (step.bars.length > 0) await bars.push(step.bars);
      if (events && step.events.length > 0) await events.push(step.events.map(feedEventRow));
    }
  } finally {
    progress.stop();
    await Promise.all(writers.map((w) => w.close()));
  }
}

/** A simulated event as a raw feed row. Signatures are unique per event; write_version is its index in the step. */
function feedEventRow(e: SimEvent, i: number) {
  return { slot: e.slot, signature: e.signature, write_version: i, kind: `sim.${e.kind}`, mint: e.mint, payload: JSON.stringify(e), ts_ms: e.tsMs };
}

function formatSimSummary(s: SimSummary, opts: SimCommandOptions, target: string): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    `simulated market (seed ${opts.seed}) written to ${target}`,
    `  span      ${iso(s.startMs)} .. ${iso(s.endMs)} (${(s.spanS / 86400).toFixed(2)} days)`,
    `  tokens    ${s.tokens} (${s.launched} launched, ${s.migrated} migrated to AMM, ${s.rugged} rugged)`,
    `  activity  ${s.trades} trades, ${s.pumps} pumps, ${s.dumps} dumps, $${Math.round(s.volumeUsd).toLocaleString("en-US")} volume`,
    `  rows      ${s.bars} bars (${opts.interval}s)${opts.events ? `, ${s.events} raw events` : ""}`,
    "",
  ].join("\n");
}

/** What is in ClickHouse now, counted without duplicates. */
export async function describeStorage(storage: Storage): Promise<string> {
  const tokens = await storage.query<{ n: number }>("SELECT count() AS n FROM tokens FINAL");
  const bars = await storage.query<{ interval_s: number; n: number; mints: number; from: number; to: number }>(
    "SELECT interval_s, count() AS n, uniqExact(mint) AS mints, min(ts) AS from, max(ts) AS to FROM bars FINAL GROUP BY interval_s ORDER BY interval_s",
  );
  const events = await storage.query<{ n: number }>("SELECT count() AS n FROM feed_events FINAL");
  const top = await storage.query<{ mint: string; symbol: string; volume: number; liquidity: number | null; fdv: number | null }>(
    `SELECT b.mint AS mint, any(t.symbol) AS symbol, sum(b.volume) AS volume,
            argMax(b.liquidity, b.ts) AS liquidity, argMax(b.fdv, b.ts) AS fdv
     FROM bars AS b FINAL LEFT JOIN (SELECT mint, symbol FROM tokens FINAL) AS t ON t.mint = b.mint
     GROUP BY b.mint ORDER BY volume DESC LIMIT 5`,
  );
  const usd = (x: number | null) => (x === null ? "n/a" : `$${Math.round(x).toLocaleString("en-US")}`);
  const lines = [`ClickHouse now holds: ${tokens[0]?.n ?? 0} tokens, ${events[0]?.n ?? 0} raw feed events`];
  for (const b of bars) {
    lines.push(`  bars ${b.interval_s}s: ${b.n} rows over ${b.mints} tokens, ${new Date(b.from * 1000).toISOString()} .. ${new Date(b.to * 1000).toISOString()}`);
  }
  if (top.length > 0) {
    lines.push("  top tokens by volume:");
    for (const t of top) lines.push(`    ${(t.symbol || t.mint.slice(0, 8)).padEnd(10)} volume ${usd(t.volume).padStart(14)}  liquidity ${usd(t.liquidity).padStart(12)}  fdv ${usd(t.fdv).padStart(14)}`);
  }
  return lines.join("\n") + "\n";
}
