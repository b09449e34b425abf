/**
 * Replay benchmark: a simulated day of the 200-token market, recorded as live ingest records it
 * (the loopback Geyser feed's raw `feed_events` rows, JSONL) and exported to a binary recording
 * (payloads decoded once, streams/replay/binary-rows.ts, as `alphagpt backtest` hands ranges to
 * its sweep workers), replayed through the full pipeline (replay source on a virtual clock → the
 * daemon's decoder and bars → scorer → position book → paper executor), against the same rows
 * through the replay source and the stream stage alone (decode + bars, what the daemon's ingest
 * does), in the same process; the stream stage from the JSONL recording too.
 *
 *   node --import tsx bench/replay.bench.ts [--tokens 200] [--days 1] [--seed 1] [--page-size 20000] [--events FILE]
 *
 * The recordings are made once and cached in the temp directory (about 1 GB of JSONL and 0.3 GB
 * binary for the default day; `--events` replays an existing recording instead, either format).
 * events/s counts the feed events replayed (rows plus the slot updates the source rebuilds);
 * x_realtime is the simulated span over the wall time; peak RSS is sampled during the full
 * replay. Last line: one JSON object.
 */
import { existsSync, renameSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { count, lastValueFrom, tap } from "rxjs";
import { Scorer } from "../actors/scorer/index.js";
import { BarBook } from "../streams/bars/bar-book.js";
import { MarketDecoder } from "../streams/decoders/market-decoder.js";
import { aggregateBars } from "../streams/operators/aggregate-bars.js";
import { decodeMarket } from "../streams/operators/decode-market.js";
import { ReplayClock } from "../streams/replay/clock.js";
import { jsonlReader, recordingReader } from "../streams/replay/file-readers.js";
import { newRowDecodeStats, rawRowDecoder } from "../streams/replay/rows.js";
import { newReplayStats, replayFeed } from "../streams/replay/source.js";
import { runReplay } from "../runtime/replay/driver.js";
import { exportRows, simRecordingRows, writeRows } from "../runtime/replay/jsonl.js";
import { metricsOf } from "../runtime/replay/metrics.js";
import { testConfig, testStrategy, testUsd, TEST_SOL_USD } from "../runtime/replay/testing.js";

const { values: args } = parseArgs({
  options: {
    tokens: { type: "string", default: "200" },
    days: { type: "string", default: "1" },
    seed: { type: "string", default: "1" },
    "page-size": { type: "string", default: "20000" },
    events: { type: "string" },
  },
});
const TOKENS = Number(args.tokens);
const DAYS = Number(args.days);
const SEED = Number(args.seed);
const PAGE = Number(args["page-size"]);

const mb = (b: number) => Math.round(b / 1048576);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Made once, cached in the temp directory (`.part` until complete). */
async function cached(path: string, what: string, make: (tmp: string) => Promise<number>): Promise<string> {
  if (existsSync(path)) return path;
  const t0 = performance.now();
  const tmp = `${path}.${process.pid}.part`;
  const n = await make(tmp);
  renameSync(tmp, path);
  console.log(`${what} ${fmt(n)} rows (${mb(statSync(path).size)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${path}`);
  return path;
}

/** The JSONL recording, and the binary one exported from it (or `--events` for both). */
async function recordings(): Promise<{ jsonl: string; binary: string }> {
  if (args.events !== undefined) return { jsonl: args.events, binary: args.events };
  const base = join(tmpdir(), `alphagpt-replay-bench-${TOKENS}t-${DAYS}d-s${SEED}`);
  const jsonl = await cached(`${base}.jsonl`, "recorded", (tmp) =>
    writeRows(tmp, simRecordingRows({ seed: SEED, tokens: TOKENS, days: DAYS, barIntervalS: 60, plantedSignal: { strength: 1 }, solUsd: { start: TEST_SOL_USD, dailyVol: 0 } })),
  );
  const binary = await cached(`${base}.bin`, "exported", (tmp) => exportRows(jsonlReader(jsonl, { pageSize: PAGE }), tmp, "binary"));
  return { jsonl, binary };
}

/** The same rows through the replay source and the stream stage only (decode → bars). */
async function streamStageOnly(path: string): Promise<{ events: number; wallMs: number; bars: number }> {
  const clock = new ReplayClock();
  const decoder = new MarketDecoder();
  const stats = newReplayStats();
  const decode = rawRowDecoder({ stats: newRowDecodeStats(), registry: decoder.registry });
  let bars = 0;
  const reader = await recordingReader(path, { pageSize: PAGE });
  const t0 = performance.now();
  await lastValueFrom(
    replayFeed({ reader, clock, decode, stats }).pipe(
      decodeMarket(decoder),
      aggregateBars({ intervalS: 60, graceMs: 0, usd: testUsd, source: "replay" }, new BarBook({ intervalS: 60, graceMs: 0, usd: testUsd, source: "replay" }), clock),
      tap((b) => void (b.kind === "bar" && bars++)),
      count(),
    ),
  );
  return { events: stats.events, wallMs: performance.now() - t0, bars };
}

async function main(): Promise<void> {
  const { jsonl, binary } = await recordings();
  console.log(`replay bench: ${TOKENS} tokens x ${DAYS} day(s), seed ${SEED}, pages of ${fmt(PAGE)} rows, ${mb(statSync(binary).size)} MB binary recording (${mb(statSync(jsonl).size)} MB of JSONL)`);

  // Time inside the scorer's closes (measured here only: the daemon's Scorer, wrapped for the bench).
  let scorerMs = 0;
  const close = Scorer.prototype.close;
  Scorer.prototype.close = function (this: Scorer, ...a: Parameters<Scorer["close"]>) {
    const t = performance.now();
    try {
      return close.apply(this, a);
    } finally {
      scorerMs += performance.now() - t;
    }
  };

  // Full pipeline, RSS sampled as it goes.
  const rss: number[] = [];
  let peak = process.memoryUsage().rss;
  const reader = await recordingReader(binary, { pageSize: PAGE });
  const full = await runReplay({
    config: testConfig({ strategy: { timeLimitS: 0, maxOpenPositions: 3 }, risk: { cooldownS: 3600 } }),
    strategy: testStrategy, usd: testUsd, reader, progressEvery: 50_000,
    onProgress: () => {
      const r = process.memoryUsage().rss;
      if (r > peak) peak = r;
      rss.push(r);
    },
  });
  const c = full.counters;
  const span = (c.replay?.lastMs ?? 0) - (c.replay?.firstMs ?? 0);
  const eps = c.events / (c.wallMs / 1000);
  const xrt = span / c.wallMs;
  const m = metricsOf(full);
  const quart = [0.25, 0.5, 0.75, 1].map((f) => mb(rss[Math.min(rss.length - 1, Math.floor(f * rss.length) - 1)] ?? 0));

  const base = await streamStageOnly(binary);
  const baseEps = base.events / (base.wallMs / 1000);
  const fromJsonl = jsonl === binary ? null : await streamStageOnly(jsonl);

  console.log(`full pipeline    ${fmt(c.events)} events (${fmt(c.replay?.rows ?? 0)} rows) in ${(c.wallMs / 1000).toFixed(2)} s: ${fmt(eps)} events/s, ${fmt(xrt)}x real time (${(span / 3.6e6).toFixed(1)} h simulated)`);
  console.log(`                 ${fmt(c.ticks)} price ticks, ${fmt(c.trades)} trades, ${fmt(c.bars)} bars, ${c.closes} closes, ${m.positions} positions, ${m.trades} fills, ${fmt(c.settles)} settles, ${fmt(c.replay?.timers ?? 0)} timers`);
  console.log(`                 of which the scorer's closes ${(scorerMs / 1000).toFixed(2)} s (${((100 * scorerMs) / c.wallMs).toFixed(0)}%): without them ${fmt(c.events / ((c.wallMs - scorerMs) / 1000))} events/s`);
  console.log(`                 peak RSS ${mb(peak)} MB; RSS at 25/50/75/100% of the run: ${quart.join(" / ")} MB; reader held at most ${fmt(reader.stats.maxHeld)} rows`);
  console.log(`stream stage     ${fmt(base.events)} events in ${(base.wallMs / 1000).toFixed(2)} s: ${fmt(baseEps)} events/s (${fmt(base.bars)} bars)`);
  if (fromJsonl !== null) console.log(`  from JSONL     ${fmt(fromJsonl.events)} events in ${(fromJsonl.wallMs / 1000).toFixed(2)} s: ${fmt(fromJsonl.events / (fromJsonl.wallMs / 1000))} events/s (${fmt(fromJsonl.bars)} bars)`);
  console.log(`ratio            full pipeline / stream stage alone = ${(eps / baseEps).toFixed(3)} (throughput)`);
  console.log(`hash             ${full.hash}`);
  console.log(JSON.stringify({ bench: "replay", events_per_s: Math.round(eps), x_realtime: Math.round(xrt), peak_rss_mb: mb(peak) }));
}

await main();
