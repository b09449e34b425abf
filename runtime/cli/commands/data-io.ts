/** `alphagpt import ohlcv` and `alphagpt export`: validated file import and bar export. */
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { systemClock } from "../../../core/clock.js";
import { CsvImportError, exportBars, formatReport, importOhlcv, importPools, type ExportOptions } from "../../io/index.js";
import { openMigratedStorage } from "../../storage/from-config.js";
import { contextFrom, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { startProgress } from "../progress.js";

interface ImportOptions {
  interval?: string;
  pools?: string;
  allowUnknownColumns?: boolean;
}

/** A directory means its `ohlcv_*.csv` files, with its `pools.csv` as metadata. */
function expandInputs(paths: readonly string[], poolsOption: string | undefined): { files: string[]; pools: string | undefined } {
  let pools = poolsOption;
  const files: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new CliError(`cannot read ${p}: no such file or directory`, ExitCode.badInput);
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const names = readdirSync(p).sort();
    files.push(...names.filter((n) => /^ohlcv.*\.csv$/i.test(n)).map((n) => join(p, n)));
    if (pools === undefined && names.includes("pools.csv")) pools = join(p, "pools.csv");
  }
  if (files.length === 0) throw new CliError(`no OHLCV CSV files in ${paths.join(", ")}`, ExitCode.badInput);
  return { files, pools };
}

export function registerDataIo(program: Command, io: CliIo): void {
  const imp = program.command("import").description("import market data files into ClickHouse");
  imp
    .command("ohlcv")
    .description(
      "import OHLCV bars from CSV (columns: ts, mint|pool, open, high, low, close, volume, optional liquidity, fdv, symbol, trades, lowprec). " +
        "Every row is validated first; a bad file is rejected with line, column and reason and writes nothing. " +
        "A directory imports its ohlcv_*.csv files and its pools.csv.",
    )
    .argument("<paths...>", "CSV files or directories")
    .option("--interval <interval>", "bar interval (60s, 1m, 1h, 1d); default: from the file name (ohlcv_1h.csv) or inferred")
    .option("--pools <file>", "pools.csv with pool → mint metadata")
    .option("--allow-unknown-columns", "ignore columns that are not documented instead of rejecting the file")
    .action(async (paths: string[], opts: ImportOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const { files, pools } = expandInputs(paths, opts.pools);
      const storage = await openMigratedStorage(ctx.config);
      const version = systemClock.now();
      const rejected: string[] = [];
      try {
        let describedKeys: ReadonlySet<string> | undefined;
        if (pools !== undefined) {
          const r = await importPools(storage, pools, { version });
          describedKeys = r.describedKeys;
          io.stdout(`${basename(pools)}: ${r.pools} pools (${r.withMint} with a known mint)\n`);
        }
        for (const file of files) {
          const progress = startProgress(`importing ${basename(file)}`, 1);
          try {
            const result = await importOhlcv(storage, file, {
              version,
              ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
              ...(describedKeys !== undefined ? { describedKeys } : {}),
              ...(opts.allowUnknownColumns ? { allowUnknownColumns: true } : {}),
              onProgress: (done, total) => progress.update(total === 0 ? 1 : done / total),
            });
            progress.stop();
            io.stdout(`${formatReport(result.report)}\n  written: ${result.written.bars} bars, ${result.written.tokens} tokens\n`);
          } catch (e) {
            progress.stop();
            if (!(e instanceof CsvImportError)) throw e;
            io.stderr(`${e.message}\n`);
            rejected.push(file);
          }
        }
      } finally {
        await storage.close();
      }
      if (rejected.length > 0) {
        throw new CliError(`${rejected.length} of ${files.length} file(s) rejected, nothing written from them: ${rejected.join(", ")}`, ExitCode.badInput);
      }
    });

  program
    .command("export")
    .description("export bars from ClickHouse (deduplicated) as CSV, or Parquet on the embedded engine")
    .requiredOption("--interval <interval>", "bar interval (60s, 1m, 1h, ...)")
    .requiredOption("-o, --out <file>", "output file")
    .option("--mint <mint...>", "only these mints or pools")
    .option("--from <unix-seconds>", "first bar open time (inclusive)", Number)
    .option("--to <unix-seconds>", "last bar open time (exclusive)", Number)
    .option("--format <format>", "csv or parquet", "csv")
    .action(async (opts: { interval: string; out: string; mint?: string[]; from?: number; to?: number; format: string }, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      if (opts.format !== "csv" && opts.format !== "parquet") throw new CliError(`--format must be csv or parquet, got "${opts.format}"`, ExitCode.usage);
      for (const k of ["from", "to"] as const) {
        const v = opts[k];
        if (v !== undefined && !Number.isInteger(v)) throw new CliError(`--${k} must be unix seconds`, ExitCode.usage);
      }
      const options: ExportOptions = {
        interval: opts.interval,
        format: opts.format,
        ...(opts.mint ? { mints: opts.mint } : {}),
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        ...(opts.to !== undefined ? { to: opts.to } : {}),
      };
      const storage = await openMigratedStorage(ctx.config);
      try {
        const r = await exportBars(storage, options, opts.out);
        io.stdout(`exported ${r.rows} bars to ${r.path} (${r.format})\n`);
      } finally {
        await storage.close();
      }
    });
}
