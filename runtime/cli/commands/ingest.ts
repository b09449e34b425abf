/**
 * `alphagpt ingest`: live market data into ClickHouse (raw feed events, price ticks, bars), with a
 * status line on stderr. Sources: Yellowstone Geyser (default) or Solana PubSub (`--source
 * pubsub`). With `geyser.endpoint` empty (the embedded default) it starts the loopback Geyser
 * server streaming a simulated market and ingests it through the real yellowstone client; with
 * an endpoint it watches the universe (see runtime/ingest/watch.ts). See runtime/ingest/ingest.ts
 * for when it stops and what is flushed.
 */
import type { Command } from "commander";
import { tap } from "rxjs";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from "../../../chain/layouts/programs.js";
import { base58 } from "../../../chain/layouts/bytes.js";
import { systemClock } from "../../../core/clock.js";
import type { AppConfig } from "../../../config/index.js";
import { makeDexScreenerClient } from "../../../streams/dexscreener/index.js";
import { MarketDecoder } from "../../../streams/decoders/market-decoder.js";
import { geyserSource, newGeyserSourceStats } from "../../../streams/sources/geyser.js";
import { newPubSubSourceStats, pubsubSource } from "../../../streams/sources/pubsub.js";
import type { AccountUpdate, MarketEvent } from "../../../streams/types.js";
import { accountRows } from "../../ingest/feed-rows.js";
import { startGeyserServer } from "../../../testkit/geyser/server.js";
import { simScenario, type SimScenario } from "../../../testkit/geyser/sim-scenario.js";
import { pubsubEventsFromGeyser } from "../../../testkit/rpc/pubsub-from-geyser.js";
import { startPubSubServer } from "../../../testkit/rpc/pubsub-server.js";
import { parseInterval } from "../../io/interval.js";
import { startIngest, startStatus, type IngestOptions, type IngestSnapshot, type IngestSource, type StatusMode } from "../../ingest/ingest.js";
import { fixedUsd, polledSolUsd, type UsdFeed } from "../../ingest/sol-usd.js";
import { planWatch, watchList, watchRequest, type WatchPlan } from "../../ingest/watch.js";
import { fieldLogger, type FieldLogger } from "../../log.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import { openMigratedStorage, openWriter } from "../../storage/from-config.js";
import type { Storage } from "../../storage/storage.js";
import { contextFrom, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { nonNegativeInt, oneOf, positiveInt, positiveNumber } from "../options.js";
import { describeStorage } from "./sim.js";

export interface IngestCommandOptions {
  readonly source: "geyser" | "pubsub";
  readonly mint?: string[];
  readonly tokens: number;
  readonly days: number;
  readonly bars?: number;
  readonly seed: number;
  readonly duration?: number;
  readonly coalesceMs?: number;
  readonly graceMs: number;
  readonly solUsd?: number;
  readonly status: "auto" | StatusMode;
  readonly statusInterval: number;
}

const collect = (raw: string, prev: string[] = []): string[] => [...prev, ...raw.split(",").filter((s) => s !== "")];

const VENUE_PROGRAMS = [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID];

export function registerIngest(program: Command, io: CliIo): void {
  program
    .command("ingest")
    .description(
      "ingest live market data into ClickHouse: raw feed events, price ticks and bars, with a live status line on stderr. " +
        "With geyser.endpoint empty (the default) it streams a simulated market from the loopback Geyser server through the real client; " +
        "with an endpoint it watches the --mint tokens, or else the tokens table (alphagpt sync fills it). " +
        "Stops when the feed ends, after --duration, or on SIGINT/SIGTERM, flushing the writers first.",
    )
    .option("--source <geyser|pubsub>", "feed: Yellowstone Geyser gRPC, or Solana PubSub WebSocket (solana.wsUrl)", oneOf("source", ["geyser", "pubsub"] as const), "geyser")
    .option("--mint <address>", "with an endpoint: a token to watch (repeat, or comma-separate); default: the tokens table", collect)
    .option("--tokens <n>", "loopback: tokens in the simulated market", positiveInt("tokens"), 20)
    .option("--days <n>", "loopback: days of simulated market", positiveNumber("days"), 0.25)
    .option("--bars <n>", "loopback: length in bars (overrides --days)", positiveInt("bars"))
    .option("--seed <n>", "loopback: seed of the simulated market", positiveInt("seed"), 1)
    .option("--duration <seconds>", "stop after this long", positiveNumber("duration"))
    .option("--coalesce-ms <ms>", "coalesce price ticks per mint over this window (latest wins; trades are never coalesced)", positiveInt("coalesce-ms"))
    .option("--grace-ms <ms>", "live: how long a bar waits past its end for late events", nonNegativeInt("grace-ms"), 2000)
    .option("--sol-usd <price>", "live: a fixed SOL/USD instead of polling DexScreener", positiveNumber("sol-usd"))
    .option("--status <mode>", "status line: auto (tty on a terminal, else lines), tty, lines or off", oneOf("status", ["auto", "tty", "lines", "off"] as const), "auto")
    .option("--status-interval <seconds>", "seconds between status lines when not on a terminal", positiveNumber("status-interval"), 10)
    .action(async (opts: IngestCommandOptions, cmd: Command) => {
      const ctx = contextFrom(cmd, io);
      const { config } = ctx;
      const log = fieldLogger(ctx.logger, "ingest");
      const intervalS = parseInterval(config.universe.timeframe);
      if (intervalS === undefined) throw new CliError(`universe.timeframe = "${config.universe.timeframe}" is not an interval`, ExitCode.usage);
      const loopback = opts.source === "geyser" ? config.geyser.endpoint === "" : pubsubUrl(config) === "";
      if (loopback && opts.mint !== undefined) throw new CliError("--mint needs a real endpoint (geyser.endpoint, or solana.wsUrl with --source pubsub); the loopback streams its simulated market", ExitCode.usage);

      const cleanup: (() => Promise<void>)[] = [];
      const writers: BatchedWriter[] = [];
      const storage = await openMigratedStorage(config);
      try {
        const decoder = new MarketDecoder();
        const setup = loopback ? await loopbackSource(opts, intervalS, decoder, cleanup) : await liveSource(opts, config, storage, decoder, log, cleanup);
        for (const note of setup.notes) io.stderr(`ingest: ${note}\n`);
        const open = async (table: string) => {
          const w = await openWriter(config, storage, table, log);
          writers.push(w);
          return w;
        };
        const ingestOpts: IngestOptions = {
          source: setup.source,
          decoder,
          usd: setup.usd,
          intervalS,
          graceMs: loopback ? 0 : opts.graceMs,
          clockWatermark: !loopback,
          ...(opts.coalesceMs !== undefined ? { coalesceWindowMs: opts.coalesceMs } : {}),
          ...(setup.mints !== undefined ? { mints: setup.mints } : {}),
          writers: { events: await open("feed_events"), ticks: await open("price_ticks"), bars: await open("bars") },
          now: () => systemClock.now(),
          onSinkError: (table, err) => log.error("a writer rejected rows", { table, error: String(err) }),
        };
        if (setup.initial !== undefined && setup.initial.length > 0) {
          await ingestOpts.writers.events.push(accountRows(setup.source.name, (pk) => decoder.registry.mintOfCurve(pk), setup.initial));
        }
        const running = startIngest(ingestOpts);
        const stopOn = (signal: NodeJS.Signals) => () => running.stop(`stopped by ${signal}`);
        const onInt = stopOn("SIGINT");
        const onTerm = stopOn("SIGTERM");
        process.once("SIGINT", onInt);
        process.once("SIGTERM", onTerm);
        const timer = opts.duration === undefined ? undefined : setTimeout(() => running.stop(`stopped after --duration ${opts.duration}s`), opts.duration * 1000);
        const mode: StatusMode = opts.status === "auto" ? (process.stderr.isTTY ? "tty" : "lines") : opts.status;
        io.stderr(`ingest: ${setup.describe}; writing to ${storage.target}\n`);
        const status = startStatus(mode, io.stderr, () => running.snapshot(), opts.statusInterval * 1000);
        const end = await running.done;
        status.stop();
        if (timer !== undefined) clearTimeout(timer);
        process.removeListener("SIGINT", onInt);
        process.removeListener("SIGTERM", onTerm);
        await Promise.all(cleanup.splice(0).map((f) => f()));
        // Everything handed to the writers reaches ClickHouse (or the spool) before the summary.
        await Promise.all(writers.map((w) => w.close()));
        const snap = running.snapshot();
        io.stdout(formatIngestSummary(snap, end.reason, setup.describe));
        io.stdout(await describeStorage(storage));
        if (end.error !== undefined) throw new CliError(`ingest: ${end.reason}: ${end.error instanceof Error ? end.error.message : String(end.error)}`, ExitCode.failure);
        if (snap.sinkFailures > 0) throw new CliError(`ingest: writers rejected ${snap.sinkFailures} pushes (logged); those rows were not stored`, ExitCode.failure);
      } finally {
        await Promise.all(cleanup.map((f) => f()));
        await Promise.all(writers.map((w) => w.close()));
        await storage.close();
      }
    });
}

interface SourceSetup {
  readonly source: IngestSource;
  /** Account states read by RPC before the feed starts: recorded with it, so a replay starts from them too. */
  readonly initial?: readonly AccountUpdate[];
  readonly usd: IngestOptions["usd"];
  readonly mints?: ReadonlySet<string>;
  readonly describe: string;
  readonly notes: readonly string[];
}

function pubsubUrl(config: AppConfig): string {
  if (config.solana.wsUrl !== "") return config.solana.wsUrl;
  if (config.solana.rpcUrl !== "") return config.solana.rpcUrl.replace(/^http/, "ws");
  return "";
}

/** The simulated market, served by the loopback Geyser (or PubSub) server. */
async function loopbackSource(opts: IngestCommandOptions, intervalS: number, decoder: MarketDecoder, cleanup: (() => Promise<void>)[]): Promise<SourceSetup> {
  const sim: SimScenario = simScenario({ seed: opts.seed, tokens: opts.tokens, barIntervalS: intervalS, ...(opts.bars !== undefined ? { bars: opts.bars } : { days: opts.days }) });
  sim.registerCurves(decoder.registry);
  const market = `simulated market (seed ${opts.seed}, ${opts.tokens} tokens, ${opts.bars !== undefined ? `${opts.bars} bars` : `${opts.days} days`}: ${sim.updates.length.toLocaleString("en-US")} updates)`;
  if (opts.source === "geyser") {
    // One ordered stream: nothing of the market comes after its last slot.
    const endsAt = (e: { kind: string; update?: { slot: number } }): boolean => e.kind === "slot" && (e.update?.slot ?? -1) >= sim.lastSlot;
    const server = await startGeyserServer({ feed: sim.updates, replaySlots: 1_000_000, pingIntervalMs: 5_000 });
    cleanup.push(() => server.close());
    const stats = newGeyserSourceStats();
    const feed = geyserSource({ endpoint: server.endpoint, request: sim.request, clock: systemClock, reconnect: { initialDelayMs: 100 } }, stats);
    return {
      source: { name: "geyser", feed, endsAt, counters: () => ({ ...stats, duplicates: stats.dedupe.duplicates }) },
      usd: sim.usd,
      describe: `loopback Geyser ${server.endpoint} streaming a ${market}`,
      notes: [],
    };
  }
  // PubSub: one accountSubscribe per account the market writes, logs of the venue programs.
  const server = await startPubSubServer();
  cleanup.push(() => server.close());
  const accounts = [...new Set(sim.updates.flatMap((u) => (u.account?.account === undefined ? [] : [base58(u.account.account.pubkey)])))];
  const logsMentions = [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID];
  const stats = newPubSubSourceStats();
  // PubSub cannot replay: publish once the source reads every subscription (its "connected").
  // The feed ends when the server has written every notification and the source has received
  // as many: the market's last slot is no end mark here, since kit delivers each subscription
  // through its own queue and that slot can overtake the last account writes and logs.
  let publishing = false;
  let sentAll!: (notifications: number) => void;
  const endAfterNotifications = new Promise<number>((resolve) => (sentAll = resolve));
  const feed = pubsubSource({ url: server.url, accounts, logsMentions, clock: systemClock, reconnect: { initialDelayMs: 100 }, endAfterNotifications }, stats).pipe(
    tap((e) => {
      if (publishing || e.kind !== "status" || e.state !== "connected") return;
      publishing = true;
      void server.run(pubsubEventsFromGeyser(sim.updates)).then(sentAll);
    }),
  );
  // Events are stamped on receipt, outside the simulated span: value them at its SOL/USD then.
  const firstMs = sim.events[0]?.tsMs ?? 0;
  return {
    source: { name: "pubsub", feed, counters: () => ({ ...stats, duplicates: stats.duplicates + stats.dedupe.duplicates }) },
    usd: (q, ts) => sim.usd(q, ts) ?? sim.usd(q, firstMs),
    describe: `loopback PubSub ${server.url} streaming a ${market}`,
    notes: ["PubSub carries no block time: ticks and bars are stamped on receipt, so the loopback compresses the simulated market into the seconds it takes to stream"],
  };
}

/** A real endpoint: the universe's venues (watch.ts), SOL/USD from --sol-usd or DexScreener. */
async function liveSource(opts: IngestCommandOptions, config: AppConfig, storage: Storage, decoder: MarketDecoder, log: FieldLogger, cleanup: (() => Promise<void>)[]): Promise<SourceSetup> {
  const entries = await watchList(storage, opts.mint ?? [], config.universe.maxTokens);
  if (entries.length === 0) throw new CliError("nothing to watch: pass --mint <address>, or run `alphagpt sync` to fill the tokens table", ExitCode.usage);
  const plan: WatchPlan = await planWatch(entries, decoder.registry, { rpcUrl: config.solana.rpcUrl, clock: systemClock });
  const scratch: MarketEvent[] = [];
  for (const update of plan.initial) decoder.decode({ kind: "account", update }, scratch);
  let usd: UsdFeed;
  const notes = [...plan.notes];
  if (opts.solUsd !== undefined) usd = fixedUsd(opts.solUsd);
  else if (config.dexscreener.baseUrl !== "") {
    const client = makeDexScreenerClient({ baseUrl: config.dexscreener.baseUrl, requestsPerMinute: config.dexscreener.requestsPerMinute });
    usd = polledSolUsd(client, 30_000, (detail) => log.warn("SOL/USD poll failed", { detail }));
  } else {
    usd = { usd: () => null, solUsd: null, stop: async () => {} };
    notes.push("no SOL/USD source (dexscreener.baseUrl is empty and no --sol-usd): SOL-quoted events are counted as unpriced");
  }
  cleanup.push(() => usd.stop());
  const universe = `${entries.length} token${entries.length === 1 ? "" : "s"} (${plan.accounts.length} accounts)`;
  if (opts.source === "geyser") {
    const stats = newGeyserSourceStats();
    const feed = geyserSource(
      { endpoint: config.geyser.endpoint, ...(config.geyser.token !== "" ? { token: config.geyser.token } : {}), request: watchRequest(plan, config.solana.commitment), clock: systemClock },
      stats,
    );
    return {
      source: { name: "geyser", feed, counters: () => ({ ...stats, duplicates: stats.dedupe.duplicates }) }, initial: plan.initial,
      usd: (q, t) => usd.usd(q, t), describe: `Geyser ${config.geyser.endpoint} watching ${universe}`, notes,
    };
  }
  const url = pubsubUrl(config);
  const stats = newPubSubSourceStats();
  // Trades reach PubSub only as program logs: subscribe to the venues' programs, keep the universe's mints.
  const feed = pubsubSource({ url, accounts: plan.accounts, logsMentions: VENUE_PROGRAMS, clock: systemClock, commitment: config.solana.commitment }, stats);
  return {
    source: { name: "pubsub", feed, counters: () => ({ ...stats, duplicates: stats.duplicates + stats.dedupe.duplicates }) },
    initial: plan.initial,
    usd: (q, t) => usd.usd(q, t),
    mints: new Set(entries.map((e) => e.mint)),
    describe: `PubSub ${url} watching ${universe}`,
    notes,
  };
}

const int = (x: number): string => Math.round(x).toLocaleString("en-US");

export function formatIngestSummary(s: IngestSnapshot, reason: string, what: string): string {
  const w = s.writers;
  const written = (x: { rowsWritten: number; rowsReplayed: number }) => x.rowsWritten - x.rowsReplayed;
  const spooled = w.events.rowsSpooled + w.ticks.rowsSpooled + w.bars.rowsSpooled;
  const rejected = w.events.rowsRejected + w.ticks.rowsRejected + w.bars.rowsRejected;
  const lines = [
    `ingest ${reason}: ${what}`,
    `  feed       ${int(s.events)} events (${int(s.accounts)} account writes, ${int(s.transactions)} transactions, ${int(s.slotUpdates)} slot updates)` +
      `${s.firstSlot >= 0 ? `, slots ${s.firstSlot}..${s.lastSlot}` : ""}, ${int(s.connects)} connect${s.connects === 1 ? "" : "s"}, ${int(s.reconnects)} reconnects, ${int(s.gaps)} gaps, ${int(s.stale)} stale`,
    `  dropped    ${int(s.duplicates)} duplicates, ${int(s.sourceDecodeErrors)} undecodable updates, ${int(s.decoderErrors)} decode errors${s.outsideUniverse > 0 ? `, ${int(s.outsideUniverse)} events of tokens outside the universe` : ""}`,
    `  market     ${int(s.priceTicks)} price ticks${s.coalesced > 0 ? ` (${int(s.coalesced)} coalesced away)` : ""}, ${int(s.trades)} trades, ${int(s.barsClosed)} bars closed, ${int(s.corrections)} corrections, ${int(s.late)} too late (kept in feed_events), ${int(s.unpriced)} unpriced`,
    `  written    ${int(written(w.events))} feed events, ${int(written(w.ticks))} price ticks, ${int(written(w.bars))} bars${spooled > 0 ? `; ${int(spooled)} rows spooled (ClickHouse unreachable; written on the next run)` : ""}${rejected > 0 ? `; ${int(rejected)} rows rejected by ClickHouse` : ""}${s.sinkFailures > 0 ? `; ${int(s.sinkFailures)} pushes refused by full writers` : ""}`,
  ];
  if (!reason.startsWith("the feed ended")) lines.push("  note       bars still open at the stop are incomplete and were not written");
  return lines.join("\n") + "\n";
}
