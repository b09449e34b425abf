/**
 * `alphagpt start` (`npm start`, alias `alphagpt daemon`): runs the daemon (runtime/daemon) until
 * SIGINT or SIGTERM. On the embedded defaults that is the whole system end to end: the simulated
 * market streamed by the loopback Geyser server, ingest into the embedded ClickHouse, the scorer
 * trading the active formula on paper, the trainer retraining, and the control API and dashboard
 * on 127.0.0.1. It prints the dashboard URL (with the token when it generated one) on stdout.
 */
import type { Command } from "commander";
import { DEFAULT_LOOPBACK, startDaemon, type Daemon } from "../../daemon/daemon.js";
import { DaemonConfigError } from "../../daemon/preflight.js";
import { contextFrom, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { positiveInt, positiveNumber } from "../options.js";

export interface StartOptions {
  readonly speed: number;
  readonly tokens: number;
  readonly seed: number;
  readonly signal: number;
  readonly duration?: number;
}

const strength = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1.5) throw new CliError(`--signal must be between 0 and 1.5, got "${raw}"`, ExitCode.usage);
  return n;
};

export function registerStart(program: Command, io: CliIo): void {
  program
    .command("start")
    .alias("daemon")
    .description(
      "run the daemon until SIGINT/SIGTERM: market feed -> ingest (ClickHouse) -> scorer -> risk -> positions -> executor, " +
        "the trainer retraining, and the control API and dashboard on http.host:http.port. With geyser.endpoint empty (the default) " +
        "the feed is the loopback Geyser server streaming a simulated market (--tokens, --seed, --signal) at --speed times real time; " +
        "paper trading unless mode is live. With mode replay (ALPHAGPT_MODE=replay) the feed is the recorded feed_events " +
        "(or replay.file) served at replay.speed times their recorded time, traded on a paper wallet of its own; the daemon stops at the end of the recording",
    )
    .option("--speed <x>", "loopback: simulated seconds per real second (60: a one-minute bar per second)", positiveNumber("speed"), DEFAULT_LOOPBACK.speed)
    .option("--tokens <n>", "loopback: tokens per simulated day", positiveInt("tokens"), DEFAULT_LOOPBACK.tokens)
    .option("--seed <n>", "loopback: seed of the simulated market (day k uses seed + k)", positiveInt("seed"), DEFAULT_LOOPBACK.seed)
    .option("--signal <strength>", "loopback: planted predictive signal, 0 to 1.5 (0: none)", strength, DEFAULT_LOOPBACK.signalStrength)
    .option("--duration <seconds>", "stop gracefully after this long (default: run until a signal)", positiveNumber("duration"))
    .action(async (opts: StartOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const { config } = ctx;
      let daemon: Daemon;
      try {
        daemon = await startDaemon({
          config,
          logger: ctx.logger,
          market: { speed: opts.speed, tokens: opts.tokens, seed: opts.seed, signalStrength: opts.signal },
        });
      } catch (e) {
        if (e instanceof DaemonConfigError) throw new CliError(`the daemon cannot start: ${e.message}`, ExitCode.usage);
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new CliError(`the control API cannot listen on ${config.http.host}:${config.http.port}: the port is in use (set ALPHAGPT_HTTP_PORT)`, ExitCode.failure);
        throw new CliError(`the daemon could not start: ${e instanceof Error ? e.message : String(e)}`, ExitCode.failure);
      }
      io.stdout(banner(daemon, opts, config.http.controlToken === ""));

      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          io.stderr(`\n${sig}: stopping gracefully (entries off, children stopped, writers flushed; positions stay journaled). Send it again to exit at once.\n`);
          void daemon.stop(sig === "SIGINT" ? "SIGINT" : "SIGTERM");
        } else {
          io.stderr(`${sig} again: exiting now\n`);
          process.exit(ExitCode.interrupted);
        }
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      // A stray rejection somewhere is logged, not fatal: the supervisor keeps the parts in line.
      const onRejection = (reason: unknown) => ctx.logger.error(reason instanceof Error ? reason : new Error(String(reason)), "unhandled rejection");
      process.on("unhandledRejection", onRejection);
      const timer = opts.duration === undefined ? undefined : setTimeout(() => void daemon.stop("duration"), opts.duration * 1000);
      try {
        await daemon.stopped;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        process.removeListener("unhandledRejection", onRejection);
      }
      io.stdout("AlphaGPT-TS daemon stopped.\n");
    });
}

function banner(d: Daemon, opts: StartOptions, generatedToken: boolean): string {
  const c = d.config;
  const r = c.replay;
  const span = `${r.from > 0 ? new Date(r.from * 1000).toISOString() : "the first event"} to ${r.to > 0 ? new Date(r.to * 1000).toISOString() : "the last"}`;
  const market = d.loopback !== null
    ? `loopback Geyser ${d.loopback.endpoint}: simulated market, ${opts.tokens} tokens per simulated day, seed ${opts.seed}, planted signal ${opts.signal}, ${opts.speed}x real time`
    : d.recorded !== null
      ? `replay ${d.recorded.endpoint}: ${r.file !== "" ? r.file : "feed_events in ClickHouse"}, ${span}, ${r.speed}x recorded time`
      : `Geyser ${c.geyser.endpoint}`;
  const s = d.strategy();
  const dashboard = generatedToken ? d.dashboardUrl : `${d.url}/#token=<your ALPHAGPT_CONTROL_TOKEN>`;
  return [
    `AlphaGPT-TS daemon running: ${c.mode} mode, state in ${c.dataDir}`,
    `  market     ${market}`,
    `  storage    ${d.storage.target}`,
    `  strategy   ${s.rpn} (${s.source === "default" ? "the default formula" : "from the strategy file"})`,
    `  dashboard  ${dashboard}`,
    `  API        ${d.url}  (Authorization: Bearer <token>; GET /openapi.json)`,
    "Ctrl-C stops gracefully; positions stay journaled for the next start.",
    "",
  ].join("\n");
}
