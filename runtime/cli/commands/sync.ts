/**
 * `alphagpt sync`: one REST sync into ClickHouse (Birdeye trending → DexScreener/Birdeye overview
 * → universe filters → tokens → incremental OHLCV backfill); see runtime/ingest/sync.ts. With
 * `--loopback` the Birdeye and DexScreener clients talk to local servers backed by the simulated
 * market as it stands at the sync time.
 */
import type { Command } from "commander";
import { systemClock } from "../../../core/clock.js";
import { makeBirdeyeClient } from "../../../streams/birdeye/index.js";
import { makeDexScreenerClient } from "../../../streams/dexscreener/index.js";
import { startBirdeyeServer } from "../../../testkit/birdeye/server.js";
import { startDexScreenerServer } from "../../../testkit/dexscreener/server.js";
import type { FaultyServer } from "../../../testkit/http/faulty-server.js";
import { parseInterval } from "../../io/interval.js";
import { birdeyeType, simRestWorld } from "../../ingest/sim-rest.js";
import { REJECT_REASONS, runSync, type SyncReport } from "../../ingest/sync.js";
import { fieldLogger } from "../../log.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import { openMigratedStorage, openWriter } from "../../storage/from-config.js";
import { contextFrom, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { nonNegativeNumber as nonNegative, positiveInt, positiveNumber } from "../options.js";
import { startProgress } from "../progress.js";

export interface SyncCommandOptions {
  readonly loopback?: boolean;
  readonly tokens: number;
  readonly days: number;
  readonly seed: number;
  readonly to?: number;
  readonly candidates?: number;
  readonly concurrency: number;
  readonly minLiquidity?: number;
  readonly minFdv?: number;
  readonly maxFdv?: number;
}

const LOOPBACK_KEY = "loopback-key";
/** Loopback servers have no rate limit of their own: used unless a rate is configured explicitly. */
const LOOPBACK_RPS = 1000;

/** Unix seconds or an ISO-8601 time. */
export const timeArg = (name: string) => (raw: string): number => {
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be unix seconds or an ISO-8601 time, got "${raw}"`, ExitCode.usage);
  return Math.floor(n);
};

export function registerSync(program: Command, io: CliIo): void {
  program
    .command("sync")
    .description(
      "one REST sync: Birdeye trending (paged) → DexScreener / Birdeye overview for liquidity and FDV → the universe filters → tokens → " +
        "OHLCV backfill, incremental from the last stored bar per token, paged across Birdeye's 1,000-record cap. " +
        "Needs birdeye.apiKey, unless --loopback. Exit code 1 if a request still failed after its retries (what succeeded is written).",
    )
    .option("--loopback", "sync from local Birdeye and DexScreener servers backed by the simulated market (no key, no network)")
    .option("--tokens <n>", "with --loopback: tokens in the simulated market", positiveInt("tokens"), 20)
    .option("--days <n>", "with --loopback: days of simulated market", positiveNumber("days"), 1)
    .option("--seed <n>", "with --loopback: seed of the simulated market", positiveInt("seed"), 1)
    .option("--to <time>", "sync time (unix seconds or ISO-8601): bars closed by then are fetched; default now, or the end of the simulated market", timeArg("to"))
    .option("--candidates <n>", "most trending tokens to page through (default universe.maxTokens)", positiveInt("candidates"))
    .option("--concurrency <n>", "tokens backfilled at once (the token buckets set the request rate)", positiveInt("concurrency"), 4)
    .option("--min-liquidity <usd>", "override universe.minLiquidityUsd", nonNegative("min-liquidity"))
    .option("--min-fdv <usd>", "override universe.minFdvUsd", nonNegative("min-fdv"))
    .option("--max-fdv <usd>", "override universe.maxFdvUsd (0: no cap)", nonNegative("max-fdv"))
    .action(async (opts: SyncCommandOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const { config, sources } = ctx;
      const log = fieldLogger(ctx.logger, "sync");
      const intervalS = parseInterval(config.universe.timeframe);
      const type = intervalS === undefined ? undefined : birdeyeType(intervalS);
      if (intervalS === undefined || type === undefined) {
        throw new CliError(`universe.timeframe = "${config.universe.timeframe}" has no Birdeye OHLCV type (1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w)`, ExitCode.usage);
      }
      const loopback = opts.loopback === true;
      if (!loopback && config.birdeye.apiKey === "") {
        throw new CliError(
          "birdeye.apiKey is not set: a real sync needs a Birdeye API key (ALPHAGPT_BIRDEYE_API_KEY or BIRDEYE_API_KEY, or birdeye.apiKey in the config file); " +
            "run `alphagpt sync --loopback` to sync from the simulated market instead",
          ExitCode.usage,
        );
      }
      if (!loopback && config.birdeye.baseUrl === "") throw new CliError("birdeye.baseUrl is empty: set it, or run with --loopback", ExitCode.usage);

      const servers: FaultyServer[] = [];
      const writers: BatchedWriter[] = [];
      const storage = await openMigratedStorage(config);
      try {
        let asOfS: number;
        let birdeyeUrl = config.birdeye.baseUrl;
        let dexUrl = config.dexscreener.baseUrl;
        let apiKey = config.birdeye.apiKey;
        let origin: string;
        if (loopback) {
          const sim = { seed: opts.seed, tokens: opts.tokens, days: opts.days, barIntervalS: intervalS };
          const world = simRestWorld(sim, opts.to);
          asOfS = world.asOfS;
          apiKey = LOOPBACK_KEY;
          const be = await startBirdeyeServer(world.birdeye(apiKey));
          servers.push(be);
          const ds = await startDexScreenerServer(world.dexscreener());
          servers.push(ds);
          birdeyeUrl = be.url;
          dexUrl = ds.url;
          origin = `loopback Birdeye and DexScreener (simulated market: seed ${opts.seed}, ${opts.tokens} tokens, ${opts.days} days)`;
        } else {
          asOfS = opts.to ?? Math.floor(systemClock.now() / 1000);
          origin = `${birdeyeUrl}${dexUrl === "" ? "" : ` and ${dexUrl}`}`;
        }
        const explicit = (key: string): boolean => sources[key] !== undefined && sources[key] !== "default";
        const birdeyeRps = loopback && !explicit("birdeye.requestsPerSecond") ? LOOPBACK_RPS : config.birdeye.requestsPerSecond;
        const dexRpm = loopback && !explicit("dexscreener.requestsPerMinute") ? LOOPBACK_RPS * 60 : config.dexscreener.requestsPerMinute;
        const birdeye = makeBirdeyeClient({ baseUrl: birdeyeUrl, apiKey, requestsPerSecond: birdeyeRps });
        const dexscreener = dexUrl === "" ? null : makeDexScreenerClient({ baseUrl: dexUrl, requestsPerMinute: dexRpm });
        const filter = {
          minLiquidityUsd: opts.minLiquidity ?? config.universe.minLiquidityUsd,
          minFdvUsd: opts.minFdv ?? config.universe.minFdvUsd,
          maxFdvUsd: opts.maxFdv ?? config.universe.maxFdvUsd,
        };
        const open = async (table: string) => {
          const w = await openWriter(config, storage, table, log);
          writers.push(w);
          return w;
        };
        const tokensWriter = await open("tokens");
        const barsWriter = await open("bars");
        const progress = startProgress("backfilling", 1);
        let report: SyncReport;
        try {
          report = await runSync(
            { birdeye, dexscreener, storage, tokens: tokensWriter, bars: barsWriter, log, onProgress: (done, total) => progress.update(done / total) },
            {
              asOfS,
              intervalS,
              birdeyeType: type,
              historyDays: config.universe.historyDays,
              filter,
              maxTokens: config.universe.maxTokens,
              maxCandidates: opts.candidates ?? config.universe.maxTokens,
              pageSize: config.birdeye.trendingLimit,
              concurrency: opts.concurrency,
            },
          );
        } finally {
          progress.stop();
        }
        // Flush: what was pushed is in ClickHouse (or the spool) before the counts are printed.
        await Promise.all(writers.map((w) => w.close()));
        const bars = barsWriter.stats();
        const tokens = tokensWriter.stats();
        io.stdout(formatSyncReport(report, { origin, filter, written: { bars: bars.rowsWritten - bars.rowsReplayed, tokens: tokens.rowsWritten - tokens.rowsReplayed, spooled: bars.rowsSpooled + tokens.rowsSpooled, rejected: bars.rowsRejected + tokens.rowsRejected } }));
        if (loopback && report.kept.length === 0 && report.trending.unique > 0) {
          io.stderr("hint: the simulated tokens are small; loosen the filters, e.g. --min-liquidity 1000 --min-fdv 10000\n");
        }
        if (report.failures.length > 0) {
          throw new CliError(`sync: ${report.failures.length} request${report.failures.length === 1 ? "" : "s"} failed after retries (listed above); everything else was written`, ExitCode.failure);
        }
        if (bars.rowsRejected + tokens.rowsRejected > 0) {
          throw new CliError(`sync: ClickHouse rejected ${bars.rowsRejected + tokens.rowsRejected} rows (kept under the spool's rejected/ directory)`, ExitCode.failure);
        }
      } finally {
        await Promise.all(writers.map((w) => w.close()));
        await Promise.all(servers.map((s) => s.close()));
        await storage.close();
      }
    });
}

const int = (n: number): string => n.toLocaleString("en-US");
const usd = (n: number): string => `$${Math.round(n).toLocaleString("en-US")}`;
const iso = (s: number): string => new Date(s * 1000).toISOString();

export interface SyncWritten {
  readonly bars: number;
  readonly tokens: number;
  readonly spooled: number;
  readonly rejected: number;
}

export function formatSyncReport(r: SyncReport, ctx: { origin: string; filter: { minLiquidityUsd: number; minFdvUsd: number; maxFdvUsd: number }; written: SyncWritten }): string {
  const f = ctx.filter;
  const rejected = REJECT_REASONS.filter((k) => r.rejected[k] > 0).map((k) => {
    const bound = k === "liquidity below minimum" ? ` ${usd(f.minLiquidityUsd)}` : k === "FDV below minimum" ? ` ${usd(f.minFdvUsd)}` : k === "FDV above maximum" ? ` ${usd(f.maxFdvUsd)}` : "";
    return `${int(r.rejected[k])} ${k}${bound}`;
  });
  const nRejected = REJECT_REASONS.reduce((s, k) => s + r.rejected[k], 0);
  const t = r.trending;
  const b = r.bars;
  const lines = [
    `sync as of ${iso(r.asOfS)} (${r.intervalS}s bars closed by ${iso(r.lastClosedS + r.intervalS)}) from ${ctx.origin}`,
    `  trending   ${int(t.unique)} tokens in ${t.pages} page${t.pages === 1 ? "" : "s"}${t.total === null ? "" : ` of ${int(t.total)} listed`}${t.duplicates > 0 ? `, ${int(t.duplicates)} repeated across pages` : ""}${t.complete ? "" : ", stopped at the candidate cap or a failed page"}`,
    `  market     liquidity and FDV from DexScreener ${int(r.marketData.dexscreener)}, Birdeye overview ${int(r.marketData.overview)}, trending list ${int(r.marketData.trending)}`,
    `  universe   ${int(r.kept.length)} kept, ${int(nRejected)} rejected${rejected.length > 0 ? `: ${rejected.join(", ")}` : ""}`,
    `  tokens     ${int(r.tokensUpserted)} upserted, ${int(ctx.written.tokens)} rows written`,
    `  bars       ${int(b.fetched)} fetched in ${int(b.requests)} requests (${int(b.newTokens)} new tokens, ${int(b.upToDate)} already up to date), ${int(b.pushed)} valid, ${int(ctx.written.bars)} rows written` +
      `${b.invalid > 0 ? `, ${int(b.invalid)} invalid` : ""}${b.outsideWindow > 0 ? `, ${int(b.outsideWindow)} outside the requested window` : ""}${b.repeated > 0 ? `, ${int(b.repeated)} repeated` : ""}`,
    `  requests   Birdeye ${int(r.birdeye.requests)} (${int(r.birdeye.retries)} retries, ${int(r.birdeye.rateLimited)} rate-limited, ${int(r.birdeye.decodeErrors)} undecodable, ${(r.birdeye.waitedMs / 1000).toFixed(1)} s waiting for the token bucket)` +
      (r.dexscreener === null ? ", DexScreener not configured" : `, DexScreener ${int(r.dexscreener.requests)} (${int(r.dexscreener.retries)} retries, ${int(r.dexscreener.decodeErrors)} undecodable)`),
  ];
  if (ctx.written.spooled > 0) lines.push(`  spooled    ${int(ctx.written.spooled)} rows while ClickHouse was unreachable: they are written on the next run`);
  if (ctx.written.rejected > 0) lines.push(`  rejected   ${int(ctx.written.rejected)} rows refused by ClickHouse (see the spool's rejected/ directory)`);
  for (const x of r.invalidBars.slice(0, 10)) lines.push(`  invalid    ${x.mint} bar ${x.unixTime}: ${x.reason}`);
  if (r.invalidBars.length > 10) lines.push(`  invalid    ... and ${int(r.invalidBars.length - 10)} more`);
  lines.push(`  failed     ${int(r.failures.length)} request${r.failures.length === 1 ? "" : "s"}`);
  for (const x of r.failures) lines.push(`    ${x.api} ${x.endpoint} (${x.target}): ${x.reason}${x.status > 0 ? ` HTTP ${x.status}` : ""}${x.detail !== "" ? `: ${x.detail}` : ""}`);
  return lines.join("\n") + "\n";
}
