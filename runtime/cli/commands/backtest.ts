/**
 * `alphagpt backtest`: replay recorded feed events (ClickHouse `feed_events`, or a JSONL or binary
 * recording of the same rows) through the daemon's own stream, scorer, position machines and paper executor
 * on a virtual clock, and write the report (runtime/replay). `--sweep FILE.json` runs several
 * configs over the same range in parallel worker threads and prints a summary table.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, loadConfig, type AppConfig } from "../../../config/index.js";
import { fileErrorReason } from "../../../core/files.js";
import { formatRejected, recordingReader, rejectedRecords, type FileReaderOptions, type FileRowReader, type RejectedRecords } from "../../../streams/replay/file-readers.js";
import { clickHouseReader, type ReaderStats } from "../../../streams/replay/readers.js";
import { loadActiveStrategy, readStrategyAt, type ActiveStrategy } from "../../daemon/strategy.js";
import { clickHouseBarReader } from "../../../streams/replay/bars.js";
import { configSummary, runBacktest, type BacktestInput, type BacktestOutcome } from "../../replay/backtest.js";
import { alphaIntervalS } from "../../research/alpha-options.js";
import { exportRows } from "../../replay/jsonl.js";
import type { BacktestMetrics } from "../../replay/metrics.js";
import { writeReport } from "../../replay/report.js";
import { formatSweep, readSweep, runSweep, type SweepJob } from "../../replay/sweep.js";
import { openMigratedStorage, statePath } from "../../storage/from-config.js";
import type { Storage } from "../../storage/storage.js";
import { contextFrom, type CliContext, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { num, pct } from "../format.js";
import { positiveInt, positiveNumber } from "../options.js";

interface BacktestOptions {
  from?: string;
  to?: string;
  strategy?: string;
  events?: string;
  out?: string;
  report: boolean;
  sweep?: string;
  workers?: number;
  pageSize: number;
  solUsd?: number;
  source?: string;
  bars?: boolean;
  json?: boolean;
}

/** Unix seconds, unix milliseconds or an ISO date → unix ms. */
export function parseTime(name: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (raw.trim() !== "" && Number.isFinite(n)) return n >= 1e11 ? Math.floor(n) : Math.floor(n * 1000);
  const t = Date.parse(raw);
  if (Number.isFinite(t)) return t;
  throw new CliError(`--${name} must be unix seconds or an ISO date, got "${raw}"`, ExitCode.usage);
}

async function strategyOf(ctx: CliContext, path: string | undefined): Promise<ActiveStrategy> {
  try {
    if (path === undefined) return await loadActiveStrategy(ctx.config, 0);
    const s = await readStrategyAt(resolve(path), ctx.config, 0);
    if (s === undefined) throw new CliError(`no strategy file at ${path}`, ExitCode.badInput);
    return s;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(e instanceof Error ? e.message : String(e), ExitCode.badInput);
  }
}

/** The recording at `path`; a missing or unreadable one is rejected input, as a missing `--strategy` file is. */
async function openRecording(path: string, o: FileReaderOptions): Promise<FileRowReader> {
  try {
    return await recordingReader(resolve(path), o);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new CliError(`no recording at ${path}`, ExitCode.badInput);
    throw new CliError(`cannot read recording ${path}: ${fileErrorReason(e)}`, ExitCode.badInput);
  }
}

/** Records of a recording that were rejected, on stderr; none kept at all is rejected input (exit 3). */
function reportRejected(io: CliIo, read: RejectedRecords | undefined, source: string): RejectedRecords | null {
  if (read === undefined || read.count === 0) return null;
  // Every record rejected: the file is not a recording, and a report of nothing would hide it.
  if (read.count === read.of) throw new CliError(`nothing to replay: ${formatRejected(read, source)}`, ExitCode.badInput);
  io.stderr(`backtest: ${formatRejected(read, source)}; replayed the rest\n`);
  return read;
}

export function formatBacktest(o: BacktestOutcome, s: ActiveStrategy, source: string): string {
  const m: BacktestMetrics = o.metrics;
  const c = o.counters;
  const r = c.replay;
  const span = r?.firstMs != null && r.lastMs != null ? `${new Date(r.firstMs).toISOString()} .. ${new Date(r.lastMs).toISOString()}` : "no events";
  const rate = c.wallMs > 0 ? c.events / (c.wallMs / 1000) : 0;
  const speed = r?.firstMs != null && r.lastMs != null && c.wallMs > 0 ? (r.lastMs - r.firstMs) / c.wallMs : 0;
  return [
    `formula   ${s.infix}  (rpn ${s.rpn}, ${s.source})`,
    `replayed  ${c.events.toLocaleString("en-US")} events from ${(r?.rows ?? 0).toLocaleString("en-US")} rows of ${source}, ${span}`,
    `          ${(c.wallMs / 1000).toFixed(2)} s: ${Math.round(rate).toLocaleString("en-US")} events/s, ${Math.round(speed).toLocaleString("en-US")}x real time; ${c.bars.toLocaleString("en-US")} bars, ${c.closes} closes` +
      (c.rows !== null && c.rows.bad > 0 ? `; ${c.rows.bad} rows did not decode` : ""),
    `equity    ${num(m.startSol)} -> ${num(m.endSol, 4)} SOL  net ${pct(m.netReturn)}  sharpe(d) ${num(m.sharpe)}  maxDD ${pct(m.maxDrawdown)}`,
    `trading   ${m.positions} positions (${m.roundTrips} round trips, ${m.openAtEnd} open at end), hit ${pct(m.hitRate)}, ${m.trades} trades, turnover ${num(m.turnover)}x` +
      (m.turnoverPerDay === null ? "" : ` (${num(m.turnoverPerDay)}x/day)`),
    `costs     fees ${num(m.feesSol, 4)} SOL (network ${num(m.networkFeesSol, 4)}, swap ${num(m.swapFeesSol, 4)}); capacity ${m.capacitySol === null ? "n/a" : `${num(m.capacitySol, 1)} SOL per entry`} (traded ${num(m.entrySol)})`,
    ...(o.reportDir !== null ? [`report    ${o.reportDir}/report.html (and JSON/CSV beside it)`] : []),
    `hash      ${o.hash}`,
    "",
  ].join("\n");
}

export function registerBacktest(program: Command, io: CliIo): void {
  program
    .command("backtest")
    .description("replay recorded feed events through the live stream, scorer, position machines and paper executor on a virtual clock; write trades, equity, transitions, metrics and an HTML report")
    .option("--from <time>", "first event (unix seconds or ISO date, inclusive)")
    .option("--to <time>", "end (unix seconds or ISO date, exclusive)")
    .option("--strategy <file>", "the strategy file to trade (default: the daemon's active strategy)")
    .option("--events <file>", "replay a recording (JSONL or binary feed_events rows) instead of ClickHouse")
    .option("--out <dir>", "report directory (default: <dataDir>/backtests/<hash>)")
    .option("--no-report", "print the summary only")
    .option("--sweep <file.json>", "a JSON array of config overrides to run in parallel over the same events")
    .option("--workers <n>", "sweep worker threads (default: up to 4)", positiveInt("workers"))
    .option("--page-size <rows>", "rows read per page: the most held in memory at once", positiveInt("page-size"), 20_000)
    .option("--source <name>", "which recorded feed to replay when ClickHouse holds several (geyser, pubsub, sim); default the only one in the range")
    .option("--bars", "replay stored bars (alpha.interval) where no raw feed events were recorded: four price ticks per bar (coarser)")
    .option("--sol-usd <price>", "value bars at this SOL/USD (default: the simulator's own for `alphagpt sim` rows, else backtest.solUsd)", positiveNumber("sol-usd"))
    .option("--json", "print the result as JSON")
    .action(async (opts: BacktestOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const fromMs = parseTime("from", opts.from);
      const toMs = parseTime("to", opts.to);
      if (fromMs !== null && toMs !== null && toMs <= fromMs) throw new CliError("--to must be after --from", ExitCode.usage);
      const pageSize = opts.pageSize;
      if (pageSize < 2) throw new CliError("--page-size must be at least 2", ExitCode.usage);
      const solUsd = opts.solUsd ?? null;
      const strategy = await strategyOf(ctx, opts.strategy);
      const range = { ...(fromMs !== null ? { fromMs } : {}), ...(toMs !== null ? { toMs } : {}), pageSize };
      const source = opts.events !== undefined ? resolve(opts.events) : "ClickHouse feed_events";

      const configPath = cmd.optsWithGlobals<{ config?: string }>().config;
      if (opts.sweep !== undefined) {
        if (opts.bars === true) throw new CliError("--sweep replays feed events; it does not take --bars yet", ExitCode.usage);
        return sweep(ctx, opts, { strategy, fromMs, toMs, pageSize, solUsd, source, configPath });
      }

      let storage: Storage | null = null;
      let reader: { readonly stats: ReaderStats };
      let input: BacktestInput;
      let sourceName = source;
      let rejected: (() => RejectedRecords) | null = null;
      if (opts.bars === true) {
        if (opts.events !== undefined) throw new CliError("--bars replays the bars table; it does not take --events", ExitCode.usage);
        storage = await openMigratedStorage(ctx.config);
        const intervalS = alphaIntervalS(ctx.config);
        const bars = clickHouseBarReader(storage, { intervalS, pageSize, ...(fromMs !== null ? { fromMs } : {}), ...(toMs !== null ? { toMs } : {}), ...(opts.source !== undefined ? { source: opts.source } : {}) });
        reader = bars;
        input = { bars };
        sourceName = `ClickHouse bars (${intervalS}s${opts.source !== undefined ? `, ${opts.source}` : ""}; 4 ticks per bar)`;
      } else if (opts.events !== undefined) {
        const rows = await openRecording(opts.events, range);
        rejected = rejectedRecords(rows);
        reader = rows;
        input = rows;
      } else {
        storage = await openMigratedStorage(ctx.config);
        try {
          const rows = clickHouseReader(storage, { ...range, kindPrefixes: [`${await feedSource(storage, fromMs, toMs, opts.source)}.`] });
          reader = rows;
          input = rows;
        } catch (e) {
          await storage.close();
          throw e;
        }
      }
      try {
        const out = await runBacktest(
          {
            config: ctx.config, strategy, source: sourceName, fromMs, toMs, outDir: null, ...(solUsd !== null ? { solUsd } : {}),
            onProgress: progressTo(io, reader),
          },
          input,
        );
        const bad = reportRejected(io, rejected?.(), sourceName);
        let reportDir: string | null = null;
        if (opts.report) {
          reportDir = resolve(opts.out ?? statePath(ctx.config, "backtests", out.hash.slice(0, 16)));
          const r = out.counters.replay;
          await writeReport(reportDir, out.result, out.metrics, out.counters, {
            title: `Backtest ${strategy.infix}`, source: sourceName, fromMs: fromMs ?? r?.firstMs ?? null, toMs: toMs ?? r?.lastMs ?? null,
            formula: strategy.rpn, infix: strategy.infix, seed: ctx.config.training.seed, config: configSummary(ctx.config), ...(bad !== null ? { rejected: bad } : {}),
          });
        }
        const done = { ...out, reportDir };
        if (opts.json) io.stdout(JSON.stringify({ hash: done.hash, metrics: done.metrics, counters: done.counters, reportDir, strategy: { rpn: strategy.rpn, infix: strategy.infix }, ...(bad !== null ? { rejected: bad } : {}) }, null, 2) + "\n");
        else io.stdout(formatBacktest(done, strategy, sourceName));
      } finally {
        await storage?.close();
      }
    });
}

/**
 * Which recorded feed to replay: raw feed rows are kept per source (`geyser.*`, `pubsub.*`) and
 * `alphagpt sim` writes `sim.*`; replaying two at once would replay the market twice.
 */
async function feedSource(storage: Storage, fromMs: number | null, toMs: number | null, wanted: string | undefined): Promise<string> {
  const rows = await storage.query<{ source: string; n: number }>(
    `SELECT splitByChar('.', kind)[1] AS source, count() AS n FROM feed_events
     WHERE NOT startsWith(kind, 'late_') ${fromMs !== null ? "AND ts_ms >= {fromMs:Int64}" : ""} ${toMs !== null ? "AND ts_ms < {toMs:Int64}" : ""}
     GROUP BY source ORDER BY n DESC`,
    { ...(fromMs !== null ? { fromMs } : {}), ...(toMs !== null ? { toMs } : {}) },
  );
  const found = rows.map((r) => `${r.source} (${r.n.toLocaleString("en-US")} rows)`).join(", ");
  if (wanted !== undefined) {
    if (!rows.some((r) => r.source === wanted)) throw new CliError(`no ${wanted} feed events in that range${rows.length > 0 ? `; there are ${found}` : ""}`, ExitCode.failure);
    return wanted;
  }
  const only = rows[0];
  if (only === undefined) throw new CliError("no recorded feed events in that range: run `alphagpt sim`, `alphagpt ingest` or the daemon first, pass --events FILE.jsonl, or replay stored bars with --bars", ExitCode.failure);
  if (rows.length > 1) throw new CliError(`several recorded feeds in that range: ${found}; pick one with --source`, ExitCode.usage);
  return only.source;
}

/** A progress line on stderr about every 10% (ClickHouse knows the total) or every million events. */
function progressTo(io: CliIo, reader: { readonly stats: ReaderStats }): (events: number) => void {
  let lastTenth = -1;
  let lastMillion = 0;
  return (events) => {
    const total = reader.stats.total;
    if (total !== null && total > 0) {
      const tenth = Math.floor((10 * reader.stats.rows) / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        io.stderr(`backtest: ${Math.min(100, tenth * 10)}% (${reader.stats.rows.toLocaleString("en-US")} of about ${total.toLocaleString("en-US")} rows)\n`);
      }
    } else if (events >= lastMillion + 1_000_000) {
      lastMillion = events;
      io.stderr(`backtest: ${events.toLocaleString("en-US")} events\n`);
    }
  };
}

interface SweepSetup {
  readonly strategy: ActiveStrategy;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly pageSize: number;
  readonly solUsd: number | null;
  readonly source: string;
  readonly configPath: string | undefined;
}

async function sweep(ctx: CliContext, opts: BacktestOptions, s: SweepSetup): Promise<void> {
  let entries;
  try {
    entries = await readSweep(resolve(opts.sweep as string));
  } catch (e) {
    throw new CliError(`invalid sweep ${opts.sweep}: ${e instanceof Error ? e.message : String(e)}`, ExitCode.badInput);
  }
  const global = ctx.config;
  const configs: AppConfig[] = entries.map((e, i) => {
    const overrides: Record<string, unknown> = { dataDir: global.dataDir, "log.level": global.log.level, ...e.overrides };
    // Each run's config: defaults, the config file, env, then its overrides, validated whole (a ConfigError lists every bad key).
    try {
      return loadConfig({ env: ctx.io.env, configPath: s.configPath, overrides, overridesSource: `sweep file ${opts.sweep}, entry ${i + 1}` }).config;
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(`sweep entry "${e.name}": ${err.message}`, ExitCode.usage);
      throw err;
    }
  });
  const workers = opts.workers ?? Math.min(4, entries.length);
  // A missing recording fails here, once, rather than in every worker.
  if (opts.events !== undefined) await (await openRecording(opts.events, {})).close();
  let eventsPath = opts.events !== undefined ? resolve(opts.events) : null;
  let tmp: string | null = null;
  try {
    if (eventsPath === null) {
      // Load the range once, in this thread (the only one that may load chdb), for every worker.
      tmp = await mkdtemp(join(tmpdir(), "alphagpt-sweep-"));
      eventsPath = join(tmp, "events.bin");
      const storage = await openMigratedStorage(global);
      try {
        const kindPrefixes = [`${await feedSource(storage, s.fromMs, s.toMs, opts.source)}.`];
        const n = await exportRows(clickHouseReader(storage, { ...(s.fromMs !== null ? { fromMs: s.fromMs } : {}), ...(s.toMs !== null ? { toMs: s.toMs } : {}), pageSize: s.pageSize, kindPrefixes }), eventsPath, "binary");
        ctx.io.stderr(`backtest: ${n.toLocaleString("en-US")} rows exported once for ${entries.length} configs on ${Math.min(workers, entries.length)} workers\n`);
      } finally {
        await storage.close();
      }
    }
    const base = opts.report ? resolve(opts.out ?? statePath(global, "backtests", "sweep")) : null;
    const jobs: SweepJob[] = entries.map((e, i) => ({
      id: i, name: e.name, config: configs[i] as AppConfig, strategy: { rpn: s.strategy.rpn, params: s.strategy.params, infix: s.strategy.infix },
      eventsPath: eventsPath as string, pageSize: s.pageSize, source: s.source, fromMs: s.fromMs, toMs: s.toMs, solUsd: s.solUsd,
      outDir: base === null ? null : join(base, `${String(i + 1).padStart(2, "0")}-${e.name.replace(/[^A-Za-z0-9._=-]+/g, "_").slice(0, 60)}`),
    }));
    const results = await runSweep(jobs, workers, (r) => ctx.io.stderr(`backtest: ${r.name} ${r.type === "done" ? `done (${r.hash.slice(0, 12)})` : "FAILED"}\n`));
    // Every worker read the same file over the same range: one run's count speaks for all, once.
    if (opts.events !== undefined) reportRejected(ctx.io, results.find((r) => r.type === "done")?.rejected, s.source);
    if (opts.json) ctx.io.stdout(JSON.stringify(results.map((r) => (r.type === "done" ? { name: r.name, hash: r.hash, metrics: r.metrics, reportDir: r.reportDir } : r)), null, 2) + "\n");
    else {
      ctx.io.stdout(`formula ${s.strategy.infix} (rpn ${s.strategy.rpn}) over ${s.source}\n\n`);
      ctx.io.stdout(formatSweep(results));
      if (base !== null) ctx.io.stdout(`\nreports in ${base}\n`);
    }
    const failed = results.filter((r) => r.type === "failed");
    if (failed.length > 0) throw new CliError(`${failed.length} of ${results.length} configs failed: ${failed.map((f) => `${f.name}: ${f.type === "failed" ? (f.message.split("\n")[0] ?? "") : ""}`).join("; ")}`, ExitCode.failure);
  } finally {
    if (tmp !== null) await rm(tmp, { recursive: true, force: true });
  }
}
