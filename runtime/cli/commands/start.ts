/**
 * `alphagpt start` (`npm start`): the most useful thing the system does end to end today —
 * simulate a meme market into the configured ClickHouse (embedded by default) and show what is
 * there. Re-running is idempotent: the same seed writes the same keys, which ReplacingMergeTree
 * collapses.
 */
import type { Command } from "commander";
import { openMigratedStorage } from "../../storage/from-config.js";
import { contextFrom, type CliIo } from "../context.js";
import { describeStorage, writeSimulatedMarket } from "./sim.js";

export function registerStart(program: Command, io: CliIo): void {
  program
    .command("start")
    .description("run the system on the configured endpoints (default: simulated market into embedded ClickHouse)")
    .option("--tokens <n>", "tokens in the simulated universe", Number, 50)
    .option("--days <n>", "days of simulated market", Number, 1)
    .option("--seed <n>", "seed of the simulated market", Number, 1)
    .action(async (opts: { tokens: number; days: number; seed: number }, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      ctx.logger.info({ mode: ctx.config.mode, dataDir: ctx.config.dataDir }, "starting");
      const storage = await openMigratedStorage(ctx.config);
      try {
        io.stdout(`AlphaGPT-TS: simulating ${opts.tokens} meme tokens over ${opts.days} day(s) into ${storage.target}\n`);
        await writeSimulatedMarket(ctx, storage, { tokens: opts.tokens, days: opts.days, seed: opts.seed, interval: 60, events: true });
        io.stdout(await describeStorage(storage));
      } finally {
        await storage.close();
      }
    });
}
