/**
 * The daemon: the composition root of a running AlphaGPT-TS (issue 7). It builds every part,
 * wires live implementations into the ports, and hands their lifecycle to the supervisor
 * machine (machines/supervisor.machine.ts):
 *
 *   loopback Geyser (simulated market) or a real endpoint
 *     └─> ingest child ──ticks──> position book (stops on every tick) ──intents──> executor child
 *            │         ──bars───> scorer child ──decisions──> risk ──> book.open
 *            └─> ClickHouse (bars, ticks, raw events; never waited on)
 *   trainer child (worker thread) ──candidate──> supervisor ──promote──> strategy file + scorer
 *   journal (SQLite, fsync'd) ──mirror──> ClickHouse;  HTTP control API + dashboard over all of it
 *
 * Children: ingest, scorer, trainer, executor (restarted on a crash or a missed heartbeat, on
 * the restart policy's backoff and budget, then degraded) and positions (never restarted: each
 * position is its own journaled actor, untouched by any restart around it).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { Effect } from "effect";
import type { Registry } from "prom-client";
import { createActor, fromPromise, type Actor } from "xstate";
import { MINT_REFUSAL_CODES, SAFETY_CODES } from "../../actors/risk/index.js";
import { Scorer } from "../../actors/scorer/index.js";
import type { TrainerConfig } from "../../actors/trainer/index.js";
import { secretValues, type AppConfig } from "../../config/index.js";
import { systemClock, type Clock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { entriesAllowed, supervisorMachine, type SupervisorSnapshot } from "../../machines/supervisor.machine.js";
import { policyFromConfig, type PolicyOverrides } from "../../machines/supervisor.policy.js";
import {
  CHILD_NAMES, type Candidate, type ChildCommand, type ChildName, type FlushInput, type PromoteParams, type ReconcileInput,
  type ReconcileResult, type RetrainInput, type ShutdownSignal, type SupervisorRecord,
} from "../../machines/supervisor.types.js";
import { BarBook } from "../../streams/bars/bar-book.js";
import { formatRejected, recordingReader, rejectedRecords, type RejectedRecords } from "../../streams/replay/file-readers.js";
import { clickHouseReader, type RowReader } from "../../streams/replay/readers.js";
import type { RecordedRow } from "../../streams/replay/rows.js";
import { makeDexScreenerClient } from "../../streams/dexscreener/index.js";
import { MarketDecoder } from "../../streams/decoders/market-decoder.js";
import type { MarketEvent } from "../../streams/types.js";
import type { ChildStatus, DaemonState, StopRequest } from "../http/control-port.js";
import { startControlServer, type ControlServer } from "../http/server.js";
import { fixedUsd, polledSolUsd, type UsdFeed } from "../ingest/sol-usd.js";
import { planWatch, watchList, watchRequest } from "../ingest/watch.js";
import { Journal } from "../journal/journal.js";
import { JournalMirror } from "../journal/mirror.js";
import { fieldLogger, type Logger } from "../log.js";
import { tradingPath } from "../replay/trading-path.js";
import { alphaIntervalS } from "../research/alpha-options.js";
import type { BatchedWriter } from "../storage/batched-writer.js";
import { openMigratedStorage, openWriter, statePath } from "../storage/from-config.js";
import type { Storage } from "../storage/storage.js";
import { errorMessage, SupervisedChild, type ChildFactory } from "./children/child.js";
import { executorChild, type ExecutorGateway } from "./children/executor.js";
import { ingestChild, type IngestChild, type IngestTarget } from "./children/ingest.js";
import { PositionsHost } from "./children/positions.js";
import { scorerChild, type ScorerChild } from "./children/scorer.js";
import { NotEnoughDataError, trainerChild, type TrainedCandidate, type TrainerChild, type TrainingSnapshot } from "./children/trainer.js";
import { DaemonControlAdapter, trainingProgress } from "./control-adapter.js";
import { mintSourceFor } from "./live-adapters.js";
import { startLoopbackMarket, type LoopbackMarket, type LoopbackMarketOptions } from "./loopback-market.js";
import { startRecordedMarket, type RecordedMarket } from "./recorded-market.js";
import { MarketState } from "./market-state.js";
import { DaemonMetrics } from "./metrics.js";
import { positionParamsFrom, riskParamsFrom } from "./params.js";
import { checkLiveConfig, checkLiveUniverse, DaemonConfigError } from "./preflight.js";
import { shadowBarsSince, shadowScores } from "./shadow.js";
import { installStrategyFile, loadActiveStrategy, readStrategyAt, strategyFilePath, writeEngineStrategy, type ActiveStrategy } from "./strategy.js";

export const DAEMON_VERSION = "0.1.0";

/**
 * The embedded market of `npm start`: days of 1,440 one-minute bars, 40 tokens a day launched
 * within its first tenth at twice the default activity (so pools are deep enough to trade from
 * the first minute), the planted signal at strength 1, streamed at 60x real time (a bar a second).
 */
export const DEFAULT_LOOPBACK: Omit<LoopbackMarketOptions, "barIntervalS"> = {
  seed: 1,
  tokens: 40,
  bars: 1_440,
  signalStrength: 1,
  speed: 60,
  sim: { launchWindow: 0.1, activity: 2 },
};

export interface DaemonOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Wall clock of the runtime (timestamps, heartbeats, risk windows). Default: the system clock. */
  readonly clock?: Clock;
  /** The loopback market (used when `geyser.endpoint` is empty and the mode is not live). */
  readonly market?: Partial<Omit<LoopbackMarketOptions, "barIntervalS">>;
  /** SOL in a fresh paper wallet. Default 100. */
  readonly paperStartSol?: number;
  /** Supervisor policy overrides (tests: short timeouts and backoffs). */
  readonly policy?: PolicyOverrides;
  /** Heartbeat and clock-tick period. Default 1000 ms. */
  readonly heartbeatMs?: number;
  readonly trainer?: {
    /** Evaluation worker threads per run; default 1. */
    readonly workers?: number;
    /** Trainer settings beyond the config (tests: a tiny model). */
    readonly overrides?: Partial<TrainerConfig>;
    /** Train once at start on the data ingested so far when there is enough. Default true (when retraining is on). */
    readonly initial?: boolean;
    /** How often the initial run looks for enough data. Default 10 s. */
    readonly pollMs?: number;
    /** Bars after the training data a candidate is shadow-scored on before it may be promoted. Default 60. */
    readonly shadowBars?: number;
    /** Longest wait for those bars. Default 2 h. */
    readonly shadowWaitMs?: number;
    /** A run silent this long makes the trainer hung. Default 5 min. */
    readonly stallMs?: number;
  };
  /** Store raw feed events too (the audit and replay table). Default true. */
  readonly storeRawEvents?: boolean;
  /** A feed silent this long makes ingest hung. Default 30 s. */
  readonly feedStaleMs?: number;
}

export interface Daemon {
  readonly config: AppConfig;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly token: string;
  /** The dashboard, logged in: `url/#token=...`. */
  readonly dashboardUrl: string;
  readonly control: DaemonControlAdapter;
  readonly registry: Registry;
  readonly metrics: DaemonMetrics;
  readonly supervisor: Actor<typeof supervisorMachine>;
  readonly children: Readonly<Record<ChildName, SupervisedChild>>;
  readonly positions: PositionsHost;
  readonly journal: Journal;
  readonly storage: Storage;
  readonly executor: ExecutorGateway;
  readonly loopback: LoopbackMarket | null;
  /** The recorded market of `mode: replay`. */
  readonly recorded: RecordedMarket | null;
  readonly scorer: Scorer;
  readonly ingest: IngestChild;
  readonly trainer: TrainerChild;
  /** Daemon state as the control API reports it. */
  state(): DaemonState;
  /** Entries are allowed right now (supervisor running and enabled, not stopped). */
  entriesOpen(): boolean;
  /** The last supervisor records, oldest first. */
  records(): readonly SupervisorRecord[];
  strategy(): ActiveStrategy;
  /** Run a retraining now (outside the schedule) and offer its candidate to the supervisor. */
  retrainNow(): Promise<Candidate | null>;
  /** Graceful shutdown: entries off, children stopped, writers flushed, storage closed. Idempotent. */
  stop(signal?: ShutdownSignal): Promise<void>;
  /** Resolves once the daemon has stopped. */
  readonly stopped: Promise<void>;
}

const RECORDS_KEPT = 500;
/** Tokens whose signal stream is rebuilt per turn of the event loop after a formula swap. */
const REBUILD_CHUNK = 8;

/** Refusal codes that come from the mint account. */
const TOKEN_REFUSALS: ReadonlySet<string> = new Set([...MINT_REFUSAL_CODES, ...SAFETY_CODES]);

/** A random control token: 24 bytes, base64url (32 characters). */
export const newControlToken = (): string => randomBytes(24).toString("base64url");

/**
 * The rows `mode: replay` plays, in `replay.from`..`replay.to`: `replay.file` (a JSONL or binary
 * recording), else the Geyser feed the daemon records in `feed_events`. A file's first page is
 * read here, so that a file none of whose records is a row stops the start; `rejected` says what
 * the file's reader skipped so far.
 */
async function replayReader(config: AppConfig, storage: Storage): Promise<{ reader: RowReader; rejected: (() => RejectedRecords) | null }> {
  const { file, from, to } = config.replay;
  if (to > 0 && to <= from) throw new Error(`replay.to (${to}) must be after replay.from (${from})`);
  const range = { ...(from > 0 ? { fromMs: from * 1000 } : {}), ...(to > 0 ? { toMs: to * 1000 } : {}) };
  if (file === "") return { reader: clickHouseReader(storage, { ...range, kindPrefixes: ["geyser."] }), rejected: null };
  if (!existsSync(file)) throw new Error(`replay.file ${file} does not exist`);
  const reader = await recordingReader(file, range);
  const rejected = rejectedRecords(reader);
  let first: readonly RecordedRow[] | null | undefined = await reader.next();
  const read = rejected();
  if (first === null && read.count > 0 && read.count === read.of) {
    await reader.close();
    throw new Error(`replay.file ${file} holds nothing to replay: ${formatRejected(read, file)}`);
  }
  const next = async (): Promise<readonly RecordedRow[] | null> => {
    if (first === undefined) return reader.next();
    const page = first;
    first = undefined;
    return page;
  };
  return { reader: { stats: reader.stats, next, close: () => reader.close() }, rejected };
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const config = o.config;
  const clock = o.clock ?? systemClock;
  const log = fieldLogger(o.logger, "daemon");
  const startedAt = clock.now();
  const heartbeatMs = o.heartbeatMs ?? 1_000;
  const intervalS = alphaIntervalS(config);
  const replayMode = config.mode === "replay";
  const loopbackMode = config.mode === "paper" && config.geyser.endpoint === "";
  // Loopback and recorded markets close bars on event time (they run faster than the clock).
  const eventTimeBars = loopbackMode || replayMode;
  const wallet = config.mode === "live" ? await checkLiveConfig(config) : undefined;
  const token = config.http.controlToken !== "" ? config.http.controlToken : newControlToken();
  if (token.length < 16) throw new DaemonConfigError({ message: "http.controlToken must be at least 16 characters" });

  await mkdir(config.dataDir, { recursive: true });
  const cleanup: (() => Promise<void> | void)[] = [];
  const fail = async (e: unknown): Promise<never> => {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => undefined);
    throw e;
  };

  // --- storage, journal, strategy -----------------------------------------------------------
  const storage = await openMigratedStorage(config);
  cleanup.push(() => storage.close());
  if (config.mode === "live") await checkLiveUniverse(storage).catch(fail);
  let journal: Journal;
  /** This start's number on the journal: the supervisor's records are keyed (boot, seq). */
  let boot = 0;
  let mirror: JournalMirror;
  const writers: BatchedWriter[] = [];
  let ingestWriters;
  let trainingWriters;
  let active: ActiveStrategy;
  let usdFeed: UsdFeed | null = null;
  try {
    const storageLog = fieldLogger(o.logger, "storage");
    const open = async (table: string) => {
      const w = await openWriter(config, storage, table, storageLog);
      writers.push(w);
      return w;
    };
    ingestWriters = {
      // Replay reads feed_events: rewriting them would restamp the recording's receipt times.
      events: (o.storeRawEvents ?? true) && !replayMode ? await open("feed_events") : null,
      ticks: await open("price_ticks"),
      bars: await open("bars"),
    };
    trainingWriters = { runs: await open("training_runs"), metrics: await open("training_metrics") };
    cleanup.push(() => Promise.all(writers.map((w) => w.close())).then(() => undefined));
    // A replay trades its own paper wallet: its positions never mix with paper trading's.
    journal = Journal.open(statePath(config, replayMode ? "replay-journal.sqlite" : "journal.sqlite"), { clock });
    cleanup.push(() => journal.close());
    boot = journal.next("boot");
    mirror = (await JournalMirror.open(config, storage, journal, storageLog)).start();
    cleanup.push(() => mirror.stop());
    active = await loadActiveStrategy(config, clock.now());
  } catch (e) {
    return fail(e);
  }
  log.info("active strategy", { formula: active.rpn, infix: active.infix, source: active.source });
  // An emergency stop outlives the process: entries stay off until the operator resumes them.
  const operatorStop = journal.supervisor.entriesStop();
  if (operatorStop !== null) {
    log.warn(`entries stay disabled: operator stop at ${new Date(operatorStop.ts).toISOString()}; POST /resume (or Resume entries on the dashboard) enables them`, {
      source: operatorStop.source, reason: operatorStop.reason,
    });
  }

  // --- market: decoder, bars, state, loopback -------------------------------------------------
  const market = new MarketState();
  const decoder = new MarketDecoder();
  let loopback: LoopbackMarket | null = null;
  let recorded: RecordedMarket | null = null;
  let rejectedRows: (() => RejectedRecords) | null = null;
  if (replayMode) {
    try {
      const replay = await replayReader(config, storage);
      rejectedRows = replay.rejected;
      recorded = await startRecordedMarket({
        reader: replay.reader, speed: config.replay.speed, registry: decoder.registry,
        onBadRow: (row, reason) => log.warn("replay: a recorded row does not decode; skipped", { slot: row.slot, kind: row.kind, reason }),
      });
    } catch (e) {
      return fail(e);
    }
    cleanup.push(() => recorded?.close());
    // SOL/USD is not recorded with the feed: bars are valued at the configured price.
    usdFeed = fixedUsd(config.backtest.solUsd);
  } else if (loopbackMode) {
    try {
      loopback = await startLoopbackMarket(
        { ...DEFAULT_LOOPBACK, statePath: statePath(config, "loopback-market.json"), ...o.market, barIntervalS: intervalS },
        decoder.registry,
      );
    } catch (e) {
      return fail(e);
    }
    cleanup.push(() => loopback?.close());
  } else {
    usdFeed = config.dexscreener.baseUrl !== ""
      ? polledSolUsd(makeDexScreenerClient({ baseUrl: config.dexscreener.baseUrl, requestsPerMinute: config.dexscreener.requestsPerMinute }), 30_000, (detail) => log.warn("SOL/USD poll failed", { detail }))
      : fixedUsd(config.backtest.solUsd);
    cleanup.push(() => usdFeed?.stop());
  }
  const usd = (quoteMint: string, ts: number): number | null => (loopback !== null ? loopback.usd(quoteMint, ts) : (usdFeed?.usd(quoteMint, ts) ?? null));
  const bars = new BarBook({ intervalS, graceMs: eventTimeBars ? 0 : 2_000, usd, source: "geyser" });
  const symbol = (mint: string): string | null => loopback?.symbol(mint) ?? null;

  // --- metrics (sources are closures over what is built below) --------------------------------
  let supervisorRef: Actor<typeof supervisorMachine> | null = null;
  const snapshot = (): SupervisorSnapshot | null => supervisorRef?.getSnapshot() ?? null;
  let walletSol: number | null = null;
  let positionsRef: PositionsHost | null = null;
  let ingestRef: IngestChild | null = null;
  let scorerRef: ScorerChild | null = null;
  const entriesOpen = (): boolean => {
    const s = snapshot();
    return s !== null && entriesAllowed(s) && positionsRef !== null && !positionsRef.entriesPaused;
  };
  const metrics = new DaemonMetrics({
    queues: () => [
      ...writers.map((w) => ({ queue: `writer.${w.stats().table}`, depth: w.stats().bufferRows })),
      ...writers.map((w) => ({ queue: `spool.${w.stats().table}`, depth: w.stats().spoolRows })),
      { queue: "journal.outbox", depth: journal.closed ? 0 : journal.outbox.size },
      { queue: "scorer.pending", depth: scorerRef?.pending() ?? 0 },
    ],
    feeds: () => [{ feed: "geyser", stalenessMs: ingestRef?.staleness() ?? null }],
    openPositions: () => positionsRef?.book?.list("active").length ?? 0,
    walletSol: () => walletSol,
    entriesEnabled: entriesOpen,
    children: () => {
      const s = snapshot();
      return s === null ? [] : CHILD_NAMES.map((n) => ({ child: n, status: s.context.children[n].status }));
    },
  });

  // --- children -------------------------------------------------------------------------------
  const exec = executorChild({
    config, journal, clock, market: market.simMarket(), paperStartSol: o.paperStartSol ?? 100, ...(wallet !== undefined ? { wallet } : {}),
    observer: { onOutcome: (side, outcome) => metrics.order(side, outcome) },
  });
  const positions = new PositionsHost({
    journal, executor: exec.gateway, clock, params: positionParamsFrom(config), risk: riskParamsFrom(config),
    slippageBps: config.execution.swapSlippageBps, tickStaleMs: Math.max(10_000, 10 * heartbeatMs),
  });
  positionsRef = positions;
  if (operatorStop !== null) positions.pauseEntries();
  const scorer = new Scorer({
    formula: active.rpn,
    params: active.params,
    intervalS,
    rule: { buyThreshold: config.strategy.buyThreshold, sellThreshold: config.strategy.sellThreshold, maxOpenPositions: config.strategy.maxOpenPositions },
  });
  const mints = mintSourceFor(config, {
    // The simulated and recorded markets carry every mint's account: asking an RPC node is live's fallback.
    feedOnly: eventTimeBars, rng: seededRng(config.training.seed), clock,
    onReadFailed: (mint, e) => log.warn("reading a mint account failed; its entries wait", { mint, error: e._tag, detail: e.message }),
    onRead: (u) => ingestRef?.recordAccounts([u]),
  });
  /** Token-safety refusals are logged once per mint and reason (every one is counted). */
  const safetyLogged = new Set<string>();
  const logRefusal = (code: string, mint: string, detail: string): void => {
    if (!TOKEN_REFUSALS.has(code) || safetyLogged.has(`${mint}:${code}`)) return;
    safetyLogged.add(`${mint}:${code}`);
    log.info("entry refused by token safety", { mint, code, detail, symbol: symbol(mint) });
  };
  // The trading glue between the stream and the book: the same code replay runs (runtime/replay).
  const trading = tradingPath({
    config, market, risk: riskParamsFrom(config), mints, book: () => positions.book, entriesOpen, now: () => clock.now(),
    hooks: {
      onBarClosed: () => metrics.barsClosed.inc(),
      onHeld: (n) => metrics.decisions.inc({ outcome: "held" }, n),
      onEntry: (signal, r) => {
        metrics.decisions.inc({ outcome: r.ok ? "opened" : `refused_${r.refused}` });
        if (!r.ok && r.refused === "risk") for (const x of r.decision.reasons) logRefusal(x.code, signal.mint, x.detail);
        if (r.ok) log.info("entry", { positionId: r.positionId, mint: signal.mint, score: signal.score, symbol: symbol(signal.mint) });
      },
      onEntryFailed: (signal, err) => log.warn("entry failed", { mint: signal.mint, error: errorMessage(err) }),
      onRefused: (code, mint, detail) => {
        metrics.decisions.inc({ outcome: `refused_${code}` });
        logRefusal(code, mint, detail);
      },
      onDecided: (outcome, seenAt) => metrics.decisionLatency.observe({ outcome }, Math.max(0, clock.now() - seenAt) / 1000),
    },
  });
  const scorerKid = scorerChild({ scorer, clock, book: trading.scorerBook, onDecisions: trading.onDecisions });
  trading.attach(scorerKid);
  scorerRef = scorerKid;

  const ingestTarget = async (): Promise<IngestTarget> => {
    if (loopback !== null) return { endpoint: loopback.endpoint, request: loopback.request, name: "geyser" };
    if (recorded !== null) return { endpoint: recorded.endpoint, request: recorded.request, name: "geyser" };
    const entries = await watchList(storage, [], config.universe.maxTokens);
    if (entries.length === 0) throw new Error("nothing to watch: run `alphagpt sync` to fill the tokens table");
    const plan = await planWatch(entries, decoder.registry, { rpcUrl: config.solana.rpcUrl, clock });
    for (const n of plan.notes) log.warn(`ingest: ${n}`, {});
    ingestRef?.recordAccounts(plan.initial);
    const scratch: MarketEvent[] = [];
    for (const update of plan.initial) {
      mints.observe(update);
      decoder.decode({ kind: "account", update }, scratch);
    }
    for (const e of scratch) if (e.kind === "price") market.onTick(e, clock.now());
    return { endpoint: config.geyser.endpoint, token: config.geyser.token, request: watchRequest(plan, config.solana.commitment), name: "geyser" };
  };
  const ingest = ingestChild({
    target: ingestTarget, decoder, bars, usd, intervalS, graceMs: eventTimeBars ? 0 : 2_000, clockWatermark: !eventTimeBars,
    writers: ingestWriters, clock, staleMs: o.feedStaleMs ?? 30_000,
    onTick: trading.onTick,
    onBar: trading.onBar,
    onAccount: mints.observe,
    onSinkError: (table, err) => log.error("a writer rejected rows", { table, error: errorMessage(err) }),
  });
  ingestRef = ingest;

  let training: TrainingSnapshot | null = null;
  const trainer = trainerChild({
    config, storage, record: trainingWriters, clock, log: fieldLogger(o.logger, "trainer"), workers: o.trainer?.workers ?? 1,
    ...(o.trainer?.overrides !== undefined ? { overrides: o.trainer.overrides } : {}),
    stallMs: o.trainer?.stallMs ?? 5 * 60_000,
    onTraining: (s) => {
      training = s;
      adapter.emit({ type: "training", training: trainingProgress(s) });
    },
  });

  // --- supervisor -----------------------------------------------------------------------------
  const records: SupervisorRecord[] = [];
  const report = {
    crashed: (name: ChildName, error: string) => {
      metrics.crashes.inc({ child: name });
      supervisorRef?.send({ type: "child.crashed", name, error, ts: clock.now() });
    },
    log: (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>) => log[level](msg, fields),
  };
  const factories: Record<ChildName, ChildFactory> = {
    ingest: ingest.factory, scorer: scorerKid.factory, trainer: trainer.factory, executor: exec.factory, positions: positions.factory,
  };
  const children = Object.fromEntries(CHILD_NAMES.map((n) => [n, new SupervisedChild(factories[n], report)])) as Record<ChildName, SupervisedChild>;

  /** Candidates trained here, by canonical formula, until promoted or replaced. */
  const candidates = new Map<string, TrainedCandidate>();
  const shadowBars = o.trainer?.shadowBars ?? 60;
  const shadowWaitMs = o.trainer?.shadowWaitMs ?? 2 * 3_600_000;
  let stopping = false;

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());
  const retrain = async (): Promise<Candidate | null> => {
    const current = active.rpn;
    const trained = await trainer.run(current);
    if (trained === null) return null;
    candidates.set(trained.formula, trained);
    log.info("candidate trained", { formula: trained.formula, validation: trained.validation, runId: trained.runId });
    if (trained.formula === current) return { formula: trained.formula, validation: trained.validation, shadow: { candidate: Number.NaN, active: null } };
    const until = clock.now() + shadowWaitMs;
    while (!stopping && shadowBarsSince(scorer, trained.dataEndTs) < shadowBars && clock.now() < until) await sleep(Math.min(1_000, heartbeatMs));
    const shadow = await shadowScores(scorer, config, active.params, trained.formula, active.rpn, trained.dataEndTs).catch((e: unknown) => {
      log.warn("shadow scoring failed", { error: errorMessage(e) });
      return null;
    });
    log.info("candidate shadow-scored", { formula: trained.formula, shadow });
    return {
      formula: trained.formula,
      validation: trained.validation,
      shadow: shadow === null ? { candidate: Number.NaN, active: null } : { candidate: shadow.candidate, active: shadow.active },
    };
  };

  /**
   * A new active formula. Every token's signal stream is rebuilt from its held bars, a few
   * tokens per turn of the event loop: done at once, a swap on a large universe would hold up
   * ticks and stops for a second or more.
   */
  const swapFormula = (rpn: string, params: ActiveStrategy["params"]): void => {
    scorer.setFormula(rpn, params);
    const chunk = (): void => {
      if (!stopping && scorer.rebuildStale(REBUILD_CHUNK) > 0) setImmediate(chunk);
    };
    setImmediate(chunk);
  };

  /**
   * The supervisor promoted a candidate: its strategy file becomes the active one (the trainer's
   * file for a formula trained here; an engine strategy file for one offered from elsewhere),
   * then the scorer trades it from the next close.
   */
  const promote = async (p: PromoteParams): Promise<void> => {
    const trained = candidates.get(p.formula);
    try {
      if (trained !== undefined) await installStrategyFile(config, trained.strategyPath);
      else await writeEngineStrategy(config, p.formula, active.params);
      const s = await readStrategyAt(strategyFilePath(config), config, clock.now(), "promoted");
      if (s === undefined) throw new Error("the strategy file vanished");
      const promoted = { ...s, validationScore: s.validationScore ?? p.validation.candidate };
      swapFormula(promoted.rpn, promoted.params);
      active = promoted;
      candidates.clear();
      log.info("strategy promoted", { formula: promoted.rpn, infix: promoted.infix, validation: p.validation, shadow: p.shadow });
      adapter.emit({ type: "status", status: adapter.statusNow() });
    } catch (e) {
      log.error("promotion failed: the active strategy is unchanged", { formula: p.formula, error: errorMessage(e) });
    }
  };

  const flush = async (): Promise<void> => {
    positions.pauseEntries();
    await children.ingest.stop();
    await children.scorer.stop();
    await children.trainer.stop();
    positions.stop();
    await children.executor.stop();
    await children.positions.stop();
    await Promise.all(writers.map((w) => w.close()));
    await mirror.drain();
    await mirror.stop();
  };

  const machine = supervisorMachine.provide({
    actors: {
      reconcile: fromPromise<ReconcileResult, ReconcileInput>(async ({ input }) => {
        const deadline = clock.now() + 30_000;
        while (!exec.gateway.up() && clock.now() < deadline && !stopping) await sleep(50);
        const r = await positions.reconcile();
        log.info("positions reconciled", { attempt: input.attempt, restored: r.restored.length, adjusted: r.adjusted.length, signatures: r.signatures });
        return { positions: r.restored.length, note: `restored ${r.restored.length}, adjusted ${r.adjusted.length}` };
      }),
      retrain: fromPromise<Candidate | null, RetrainInput>(() => retrain()),
      flush: fromPromise<void, FlushInput>(() => flush()),
    },
    actions: {
      recordTransition: (_, r: SupervisorRecord) => {
        records.push(r);
        if (records.length > RECORDS_KEPT) records.shift();
        log.info(`supervisor: ${r.state}`, { reason: r.reason, seq: r.seq });
        try {
          if (!journal.closed) journal.supervisor.record(boot, r);
        } catch (e) {
          log.error("could not journal a supervisor transition", { state: r.state, seq: r.seq, error: errorMessage(e) });
        }
      },
      startChild: (_, c: ChildCommand) => void children[c.name].start(c.reason),
      restartChild: (_, c: ChildCommand) => {
        metrics.restarts.inc({ child: c.name });
        log.warn(`restarting ${c.name}`, { attempt: c.attempt, reason: c.reason });
        void children[c.name].start(c.reason);
      },
      childDegraded: (_, c: ChildCommand) => {
        log.error(`${c.name} spent its restart budget: left stopped, daemon degraded (POST /resume restarts it)`, { restarts: c.attempt });
        void children[c.name].stop();
      },
      flattenPositions: (_, p: { reason: string }) => {
        const n = positions.book?.exitAll() ?? 0;
        log.warn("flatten: exit requested for every position", { positions: n, reason: p.reason });
      },
      promoteStrategy: (_, p: PromoteParams) => void promote(p),
    },
  });
  const supervisor = createActor(machine, {
    input: { ts: clock.now(), mode: config.mode, policy: policyFromConfig(config, o.policy), seed: config.training.seed, activeFormula: active.rpn, stopRequested: operatorStop !== null },
  });
  supervisorRef = supervisor;

  const state = (): DaemonState => {
    const s = supervisor.getSnapshot();
    if (s.status !== "active" || s.matches("shuttingDown") || s.matches("stopped")) return "stopped";
    if (s.matches({ active: { health: "degraded" } })) return "degraded";
    if (s.matches({ active: { mode: "starting" } })) return "starting";
    if (s.matches({ active: { mode: "stoppingEntries" } })) return "stopping-entries";
    return "running";
  };
  const childStatuses = (): ChildStatus[] => {
    const s = supervisor.getSnapshot();
    return CHILD_NAMES.map((name) => {
      const k = s.context.children[name];
      const st = k.status === "up" ? "running" : k.status === "starting" ? "starting" : k.status === "restarting" ? "restarting" : "failed";
      return { name, state: st, restarts: k.restartCount, lastError: k.lastError ?? children[name].lastError };
    });
  };

  /** The operator's decision is taken whatever the disk says; failing to keep it is logged. */
  const durably = (what: "stop" | "resume", write: () => void): void => {
    try {
      write();
    } catch (e) {
      log.error(`could not journal the ${what}: a restart will not know of it`, { error: errorMessage(e) });
    }
  };
  const adapter = new DaemonControlAdapter({
    mode: config.mode,
    version: DAEMON_VERSION,
    startedAt,
    clock,
    journal,
    positions,
    market,
    maxPositions: config.strategy.maxOpenPositions,
    symbol,
    state,
    entriesEnabled: entriesOpen,
    feeds: () => [{ name: loopback !== null ? "geyser (loopback)" : recorded !== null ? "geyser (replay)" : "geyser", stalenessMs: ingest.staleness() }],
    children: childStatuses,
    walletSol: () => walletSol,
    strategy: () => active,
    reloadStrategy: async () => {
      const s = await readStrategyAt(strategyFilePath(config), config, clock.now());
      if (s === undefined) return undefined;
      swapFormula(s.rpn, s.params);
      active = s;
      log.info("strategy reloaded", { formula: s.rpn });
      return s;
    },
    training: () => training ?? trainer.snapshot(),
    requestStop: (req: StopRequest) => {
      positions.pauseEntries();
      supervisor.send({ type: "user.stop", flatten: req.flatten, ts: clock.now() });
      log.warn("entries stopped", { flatten: req.flatten, source: req.source, reason: req.reason });
      durably("stop", () => journal.supervisor.stopEntries({ source: req.source, reason: req.reason, ts: clock.now() }));
    },
    requestResume: () => {
      supervisor.send({ type: "user.resume", ts: clock.now() });
      positions.resumeEntries();
      log.info("entries resumed", {});
      durably("resume", () => journal.supervisor.resumeEntries());
    },
  });
  const lastState = new Map<string, string>();
  positions.subscribe((v) => {
    if (lastState.get(v.positionId) !== v.state) metrics.transitions.inc({ state: v.state });
    if (v.status === "active") lastState.set(v.positionId, v.state);
    else if (lastState.delete(v.positionId)) {
      // Entries are logged where they are made; exits here, once, with what the position made.
      const pnlPct = v.costSol > 0 ? (100 * v.realizedSol) / v.costSol : null;
      log.info(v.status === "done" ? "exit" : "position failed", { positionId: v.positionId, mint: v.mint, symbol: symbol(v.mint), state: v.state, reason: v.reason, realizedSol: v.realizedSol, pnlPct });
    }
    adapter.onPositionView(v);
  });

  let server: ControlServer;
  try {
    server = await startControlServer({
      control: adapter,
      registry: metrics.registry,
      token,
      logger: o.logger,
      host: config.http.host,
      port: config.http.port,
      secrets: secretValues(config),
      stopSignalPath: statePath(config, config.stopSignalPath),
      version: DAEMON_VERSION,
    });
  } catch (e) {
    return fail(e);
  }

  // --- the clock: heartbeats, ticks, balances -------------------------------------------------
  let lastStatusPush = 0;
  let lastPrune = startedAt;
  /** Tokens without a bar for a simulated/market day leave the scorer's window (memory stays bounded). */
  const pruneWindow = (now: number): void => {
    if (now - lastPrune < 60_000) return;
    lastPrune = now;
    const latest = scorerKid.stats.lastCloseTs;
    if (latest !== null) scorer.prune(latest - 86_400);
  };
  const beat = (): void => {
    try {
      beatOnce();
    } catch (e) {
      log.error("clock tick failed", { error: errorMessage(e) });
    }
  };
  const beatOnce = (): void => {
    const now = clock.now();
    positions.clockTick();
    const s = supervisor.getSnapshot();
    if (s.status !== "active") return;
    supervisor.send({ type: "clock.tick", ts: now });
    for (const name of CHILD_NAMES) if (children[name].alive()) supervisor.send({ type: "child.heartbeat", name, ts: now });
    if (exec.gateway.paper !== null) walletSol = Number(exec.gateway.paper.wallet.lamports()) / 1e9;
    else if (exec.gateway.up()) {
      void Effect.runPromise(exec.gateway.solBalance()).then((l) => (walletSol = Number(l) / 1e9), () => undefined);
    }
    pruneWindow(now);
    if (adapter.listening && now - lastStatusPush >= 2_000) {
      lastStatusPush = now;
      adapter.emit({ type: "status", status: adapter.statusNow() });
    }
  };
  const timer = setInterval(beat, heartbeatMs);

  // --- the first training, once there is enough data ------------------------------------------
  const retrainOn = config.training.retrainIntervalS > 0 && (o.trainer?.initial ?? true);
  let initialDone = !retrainOn;
  const initialTraining = async (): Promise<void> => {
    // Said at the first check and at every further quarter of the way, so a quiet trainer is explained.
    let reported = -1;
    while (!initialDone && !stopping) {
      await sleep(o.trainer?.pollMs ?? 10_000);
      if (stopping || !children.trainer.alive() || state() === "starting") continue;
      try {
        const { bars: have, needed } = await trainer.dataAvailable();
        if (have < needed) {
          const quarter = Math.floor((4 * have) / needed);
          if (quarter > reported) {
            reported = quarter;
            log.info("trainer waiting for data", { bars: have, needed, interval: config.alpha.interval });
          }
          continue;
        }
        initialDone = true;
        log.info("enough data: the first training starts", { bars: have, needed });
        const c = await retrain();
        if (c !== null && !stopping) supervisor.send({ type: "strategy.candidate", ...c, ts: clock.now() });
      } catch (e) {
        if (e instanceof NotEnoughDataError) {
          initialDone = false;
          continue;
        }
        log.warn("initial training failed; the periodic retraining will try again", { error: errorMessage(e) });
      }
    }
  };

  supervisor.start();
  void initialTraining();
  const marketName = loopback !== null ? `loopback ${loopback.endpoint}` : recorded !== null ? `replay ${recorded.endpoint}` : config.geyser.endpoint;
  log.info("daemon started", { mode: config.mode, url: server.url, dataDir: config.dataDir, market: marketName });

  let stopPromise: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const stop = (signal: ShutdownSignal = "api"): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      log.info("shutting down", { signal });
      const done = new Promise<void>((resolve) => {
        const sub = supervisor.subscribe({ complete: () => resolve(), error: () => resolve() });
        if (supervisor.getSnapshot().status !== "active") {
          sub.unsubscribe();
          resolve();
        }
      });
      supervisor.send({ type: "system.shutdown", signal, ts: clock.now() });
      await done;
      clearInterval(timer);
      supervisor.stop();
      // Anything the flush did not reach (it timed out): stop it now.
      positions.stop();
      for (const c of CHILD_NAMES) await children[c].stop().catch(() => undefined);
      await server.close().catch(() => undefined);
      for (const f of cleanup.reverse()) await Promise.resolve(f()).catch((e: unknown) => log.warn("cleanup failed", { error: errorMessage(e) }));
      log.info("daemon stopped", { reason: supervisor.getSnapshot().context.reason });
      resolveStopped();
    })();
    return stopPromise;
  };

  // A replay ends with its recording: once ingest has the last recorded slot, the daemon stops.
  void recorded?.done.then(
    async () => {
      const last = recorded?.stats().lastSlot ?? -1;
      const deadline = Date.now() + 60_000;
      while (!stopping && ingest.stats.lastSlot < last && Date.now() < deadline) await sleep(100);
      if (stopping) return;
      if (recorded?.stats().rows === 0) log.error("replay: nothing recorded in that range (replay.file, replay.from, replay.to)", {});
      // Once, with the whole file's count: the lines that were not rows were skipped.
      const bad = rejectedRows?.();
      if (bad !== undefined && bad.count > 0) log.warn(`replay: ${formatRejected(bad, config.replay.file)}; replayed the rest`, { rejected: bad.count, of: bad.of });
      const closed = ingest.closeOpenBars();
      log.info("replay finished: the recording is over", { ...recorded?.stats(), ingestedSlot: ingest.stats.lastSlot, lastBarsClosed: closed });
      await stop("api");
    },
    async (e: unknown) => {
      if (stopping) return;
      log.error("replay failed: the recording could not be read", { error: errorMessage(e) });
      await stop("api");
    },
  );

  return {
    config,
    url: server.url,
    token,
    dashboardUrl: `${server.url}/#token=${token}`,
    control: adapter,
    registry: metrics.registry,
    metrics,
    supervisor,
    children,
    positions,
    journal,
    storage,
    executor: exec.gateway,
    loopback,
    recorded,
    scorer,
    ingest,
    trainer,
    state,
    entriesOpen,
    records: () => records,
    strategy: () => active,
    retrainNow: async () => {
      const c = await retrain();
      if (c !== null) supervisor.send({ type: "strategy.candidate", ...c, ts: clock.now() });
      return c;
    },
    stop,
    stopped,
  };
}
