/**
 * The `alphagpt` command line. `main` returns the exit code instead of exiting so tests can run it
 * in-process; bin/alphagpt.js sets process.exitCode from it.
 */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../../config/index.js";
import { FileWriteError } from "../../core/files.js";
import { registerAlpha } from "./commands/alpha.js";
import { registerBacktest } from "./commands/backtest.js";
import { registerConfig } from "./commands/config.js";
import { registerDataIo } from "./commands/data-io.js";
import { registerExperiment } from "./commands/experiment.js";
import { registerIngest } from "./commands/ingest.js";
import { registerSim } from "./commands/sim.js";
import { registerStart } from "./commands/start.js";
import { registerSync } from "./commands/sync.js";
import { registerTrain } from "./commands/train.js";
import type { CliIo } from "./context.js";
import { CliError, ExitCode } from "./exit-codes.js";

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

export function buildProgram(io: CliIo): Command {
  const program = new Command("alphagpt")
    .description("AlphaGPT-TS: mine interpretable formulas, backtest them honestly, trade the best one on Solana")
    .option("-c, --config <path>", "JSON config file (default: $ALPHAGPT_CONFIG)")
    .option("--data-dir <dir>", "state directory (default: $ALPHAGPT_DATA_DIR or ./data)")
    .option("--log-level <level>", "trace|debug|info|warn|error|fatal")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerStart(program, io);
  registerConfig(program, io);
  registerAlpha(program, io);
  registerSim(program, io);
  registerDataIo(program, io);
  registerSync(program, io);
  registerTrain(program, io);
  registerExperiment(program, io);
  registerIngest(program, io);
  registerBacktest(program, io);
  return program;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (e instanceof ConfigError) {
      io.stderr(`alphagpt: ${e.message}\n`);
      return ExitCode.usage;
    }
    if (e instanceof CliError) {
      io.stderr(`alphagpt: ${e.message}\n`);
      return e.exitCode;
    }
    // An output that cannot be written is a run-time failure the user can fix from its one line.
    if (e instanceof FileWriteError) {
      io.stderr(`alphagpt: ${e.message}\n`);
      return ExitCode.failure;
    }
    io.stderr(`alphagpt: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.failure;
  }
}
