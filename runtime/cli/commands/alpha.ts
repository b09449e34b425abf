/** `alphagpt eval` and `alphagpt formula explain`: score a formula on stored bars; explain it. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import {
  AlphaEvaluator,
  createContext,
  explainFormula,
  FormulaError,
  sparkline,
  StrategyError,
  type FormulaResult,
  type Panel,
  type SplitMetrics,
} from "../../../alpha/index.js";
import { parseInterval } from "../../io/index.js";
import { alphaContextOptions, alphaIntervalS } from "../../research/alpha-options.js";
import { loadPanel } from "../../research/load-panel.js";
import { readStrategyFile } from "../../research/strategy-file.js";
import { openMigratedStorage } from "../../storage/from-config.js";
import { contextFrom, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { num, pct } from "../format.js";

interface EvalOptions {
  strategy?: string;
  interval?: string;
  tokens?: string;
  from?: string;
  to?: string;
  workers?: string;
  json?: boolean;
}

const intOption = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a non-negative integer, got "${raw}"`, ExitCode.usage);
  return n;
};

/** The formula from the argument or the strategy file; invalid input is exit code 3. */
function formulaInput(formula: string | undefined, strategyPath: string | undefined): string | readonly number[] {
  if (formula !== undefined && strategyPath !== undefined) throw new CliError("give a formula or --strategy, not both", ExitCode.usage);
  if (strategyPath === undefined) {
    if (formula === undefined) throw new CliError('give a formula in RPN, e.g. "RET DECAY DEV SUB", or --strategy FILE', ExitCode.usage);
    return formula;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(strategyPath, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read strategy ${strategyPath}: ${(e as Error).message}`, ExitCode.badInput);
  }
  try {
    // Ours (the trainer's alphagpt/strategy@1 or the engine's), or upstream's id array. As RPN
    // text: ids depend on the file's feature set, names do not.
    return readStrategyFile(json).strategy.rpn;
  } catch (e) {
    if (e instanceof StrategyError) throw new CliError(`invalid strategy ${strategyPath}: ${e.message}`, ExitCode.badInput);
    throw e;
  }
}


function splitTable(splits: readonly SplitMetrics[]): string {
  const header = ["split", "days", "net", "sharpe(d)", "sharpe(h)", "sortino", "maxDD", "turnover", "hit", "activity", "trades", "IC", "RankIC", "ICIR", "upstream"];
  const rows = splits.map((s) => [
    s.split,
    s.days.toFixed(1),
    pct(s.netReturn),
    num(s.sharpe),
    num(s.sharpeHourly),
    num(s.sortino),
    pct(s.maxDrawdown),
    num(s.turnover, 4),
    pct(s.hitRate),
    pct(s.activity),
    String(s.trades),
    num(s.ic, 4),
    num(s.rankIc, 4),
    num(s.icir),
    num(s.upstreamFitness),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatEval(result: FormulaResult, panel: Panel): string {
  const span = panel.nTimes > 0 ? `${new Date(panel.times[0]! * 1000).toISOString()} .. ${new Date(panel.times[panel.nTimes - 1]! * 1000).toISOString()}` : "empty";
  const lines = [
    `formula   ${result.formula?.infix ?? "(invalid)"}`,
    `          rpn ${result.formula?.rpn ?? ""}  hash ${result.formula?.hash ?? ""}`,
    `panel     ${panel.nTokens} tokens x ${panel.nTimes} bars of ${panel.intervalS}s, ${span}`,
    `liquidity ${panel.liquiditySource}`,
    `fdv       ${panel.fdvSource}`,
    `status    ${result.status}, reward ${result.reward.toFixed(4)}`,
    "",
    splitTable(result.splits),
    "",
  ];
  result.splits.forEach((s, i) => {
    const curve = result.curves?.[i];
    if (curve && curve.length > 0) lines.push(`${s.split.padEnd(10)} equity ${sparkline(curve, 60)}`);
  });
  return lines.join("\n") + "\n";
}

export function registerAlpha(program: Command, io: CliIo): void {
  program
    .command("eval")
    .description("backtest a formula on stored bars: metrics per walk-forward split (train, validation, test) and an equity plot")
    .argument("[formula]", 'formula in RPN, e.g. "RET DECAY DEV SUB"')
    .option("--strategy <file>", "evaluate the formula of a strategy file (the trainer's best_meme_strategy.json, or upstream's id array)")
    .option("--interval <interval>", "bar interval (default: alpha.interval)")
    .option("--tokens <n>", "most tokens, by volume (default: alpha.maxTokens)")
    .option("--from <unix-seconds>", "first bar (inclusive)")
    .option("--to <unix-seconds>", "end (exclusive)")
    .option("--workers <n>", "worker threads (0: this thread)", "0")
    .option("--json", "print the result as JSON")
    .action(async (formula: string | undefined, opts: EvalOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const input = formulaInput(formula, opts.strategy);
      const intervalS = opts.interval !== undefined ? parseInterval(opts.interval) : alphaIntervalS(ctx.config);
      if (intervalS === undefined) throw new CliError(`--interval: "${opts.interval}" is not an interval`, ExitCode.usage);
      const from = intOption("from", opts.from);
      const to = intOption("to", opts.to);
      const storage = await openMigratedStorage(ctx.config);
      let panel: Panel;
      try {
        panel = await loadPanel(storage, {
          intervalS,
          maxTokens: intOption("tokens", opts.tokens) ?? ctx.config.alpha.maxTokens,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        });
      } finally {
        await storage.close();
      }
      if (panel.nTokens === 0) throw new CliError(`no ${intervalS}s bars stored in that window: run \`alphagpt sim\` or \`alphagpt import ohlcv\` first`, ExitCode.failure);
      let evalCtx;
      try {
        evalCtx = createContext(panel, alphaContextOptions(ctx.config));
      } catch (e) {
        if (e instanceof RangeError) throw new CliError(`cannot split ${panel.nTimes} bars into train/validation/test: ${e.message}`, ExitCode.badInput);
        throw e;
      }
      const evaluator = await AlphaEvaluator.create(evalCtx, { workers: intOption("workers", opts.workers) ?? 0 });
      try {
        const [result] = await evaluator.evaluate([input], { ic: true, curves: true, upstream: true });
        if (!result) throw new CliError("the evaluator returned no result", ExitCode.failure);
        if (result.error) throw new CliError(result.error.message, ExitCode.badInput);
        io.stdout(opts.json ? JSON.stringify({ ...result, curves: undefined, panel: { tokens: panel.nTokens, bars: panel.nTimes, intervalS, liquiditySource: panel.liquiditySource, fdvSource: panel.fdvSource } }, null, 2) + "\n" : formatEval(result, panel));
      } finally {
        await evaluator.close();
      }
    });

  program
    .command("formula")
    .description("work with formulas")
    .command("explain")
    .description("print a formula in infix with the meaning of each feature and operator")
    .argument("<formula>", 'formula in RPN ("RET DECAY DEV SUB") or a JSON array of token ids')
    .option("--feature-set <set>", "basic or extended (default: alpha.featureSet)")
    .action((formula: string, opts: { featureSet?: string }, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const featureSet = opts.featureSet ?? ctx.config.alpha.featureSet;
      if (featureSet !== "basic" && featureSet !== "extended") throw new CliError(`--feature-set must be basic or extended, got "${featureSet}"`, ExitCode.usage);
      const input = formula.trim().startsWith("[") ? (JSON.parse(formula) as number[]) : formula;
      try {
        io.stdout(explainFormula(input, { featureSet }).text + "\n");
      } catch (e) {
        if (e instanceof FormulaError) throw new CliError(e.message, ExitCode.badInput);
        throw e;
      }
    });
}
