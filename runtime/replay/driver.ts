/**
 * A replay run: recorded feed rows through the daemon's own pieces, on virtual time.
 *
 *   replay source (streams/replay: pages in chain order, virtual clock, slot updates)
 *     └─> decodeMarket ─> ticks ─> trading path ─> MarketState, positions.priceTick
 *                        └─> aggregateBars ─> trading path ─> scorer child ─> decisions ─> book.open
 *   positions host (journal in memory, XState timers on the virtual clock) ─> executor child (paper wallet)
 *
 * Exactly the daemon's ingest stage (the ingest child's operators and options), its trading glue
 * (trading-path.ts, which the daemon imports), its scorer child, positions host, market state,
 * executor child, parameters and clock tick; the feed is the replay source instead of Geyser, the
 * clock virtual instead of the wall's (README.md, "One composition").
 *
 * Asynchronous reactions (a paper fill settles in a promise; the scorer decides on the next
 * turn of the event loop, as in the daemon) are awaited after the event or timer that caused
 * them, before anything else happens: the source's `pace`. The run is therefore a function of
 * the data, the config and the seed: the same inputs give the same transition log, byte for byte.
 */
import { tap, type Observable } from "rxjs";
import { Effect } from "effect";
import { Scorer } from "../../actors/scorer/index.js";
import type { ExecutorShape } from "../../actors/executor/executor.js";
import type { PoolReserves } from "../../actors/executor/cpmm.js";
import type { AlphaParams } from "../../alpha/index.js";
import type { AppConfig } from "../../config/index.js";
import { BarBook } from "../../streams/bars/bar-book.js";
import type { BarOutput } from "../../streams/bars/bar-book.js";
import { MarketDecoder } from "../../streams/decoders/market-decoder.js";
import type { PoolRegistry } from "../../streams/decoders/registry.js";
import { aggregateBars } from "../../streams/operators/aggregate-bars.js";
import { decodeMarket } from "../../streams/operators/decode-market.js";
import { replayBars, type BarReader, type BarReplayEvent } from "../../streams/replay/bars.js";
import { ReplayClock } from "../../streams/replay/clock.js";
import type { RowReader } from "../../streams/replay/readers.js";
import { newRowDecodeStats, rawRowDecoder, type RecordedRow, type RowDecoder, type RowDecodeStats } from "../../streams/replay/rows.js";
import { newReplayStats, replayFeed, type ReplayStats } from "../../streams/replay/source.js";
import type { Dex, FeedEvent, MarketEvent } from "../../streams/types.js";
import { makeReplayMintInfo } from "../../actors/risk/mint-info.replay.js";
import { makeSimMintInfo } from "../../actors/risk/mint-info.sim.js";
import { executorChild } from "../daemon/children/executor.js";
import { scorerChild } from "../daemon/children/scorer.js";
import { MarketState } from "../daemon/market-state.js";
import { positionParamsFrom, riskParamsFrom } from "../daemon/params.js";
import { fixedUsd } from "../ingest/sol-usd.js";
import { Journal } from "../journal/journal.js";
import { PositionsHost } from "../daemon/children/positions.js";
import { alphaIntervalS } from "../research/alpha-options.js";
import { simRowDecoder } from "./sim-rows.js";
import { collectRun, type ReplayRunData } from "./collect.js";
import { tradingPath, type TradingPath } from "./trading-path.js";

export interface ReplayStrategy {
  /** Canonical RPN of the formula traded. */
  readonly rpn: string;
  readonly params: AlphaParams;
}

/** What a session's feed is built on. */
export interface SessionEnv {
  readonly clock: ReplayClock;
  /** Ask after each event and timer: a promise to wait for (see replayFeed's `pace`). */
  readonly pace: () => Promise<void> | undefined;
  /** The decoder's registry (curves to mints). */
  readonly registry: PoolRegistry;
}

export interface SessionOptions {
  /** The daemon's config (strategy.*, risk.*, execution.*, alpha.interval); the mode is replay. */
  readonly config: AppConfig;
  readonly strategy: ReplayStrategy;
  /**
   * USD per quote token for bars. Default: the simulator's own SOL/USD where the rows are
   * `alphagpt sim` rows, else `backtest.solUsd` (USDC/USDT 1).
   */
  readonly usd?: (quoteMint: string, tsEvent: number) => number | null;
  /** SOL in the paper wallet at the start. Default 100 (the daemon's). */
  readonly paperStartSol?: number;
  /**
   * The bar book's grace and clock watermark. Default the daemon's on the embedded market (0, off:
   * bars close on event time); a real endpoint's daemon uses 2,000 ms and the clock.
   */
  readonly graceMs?: number;
  readonly clockWatermark?: boolean;
  /** The daemon's heartbeat and clock-tick period (virtual ms). Default 1,000. */
  readonly heartbeatMs?: number;
  /** Where the journal lives. Default in memory. */
  readonly journalPath?: string;
  /** About every `progressEvery` events, with the count so far. */
  readonly onProgress?: (events: number) => void;
  readonly progressEvery?: number;
}

export interface ReplayOptions extends SessionOptions {
  readonly reader: RowReader;
  /** Row decoder override (tests). */
  readonly decode?: RowDecoder;
  /** Told about each row that does not decode. */
  readonly onBadRow?: (row: RecordedRow, reason: string) => void;
}

export interface ReplayCounters {
  /** Feed events through the stream. */
  readonly events: number;
  /** The replay source's counters (replay runs only). */
  readonly replay: ReplayStats | null;
  readonly rows: RowDecodeStats | null;
  readonly ticks: number;
  readonly trades: number;
  readonly bars: number;
  readonly closes: number;
  readonly settles: number;
  readonly entriesRefused: Readonly<Record<string, number>>;
  readonly wallMs: number;
}

export interface ReplayResult extends ReplayRunData {
  readonly counters: ReplayCounters;
}

/** Positions waiting on a promise (an executor call): the machine states that invoke one. */
const awaitingCall = (state: string): boolean => state === "entering" || state.endsWith(".selling") || state.endsWith(".resolving");

const MAX_SETTLE_TURNS = 10_000;

/**
 * Replay recorded rows: raw feed rows (live ingest's) and `alphagpt sim` rows alike, each to
 * the events the live feed delivered for it.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplayResult> {
  const rowStats = newRowDecodeStats();
  const stats = newReplayStats();
  let simUsd: ((q: string, ts: number) => number | null) | null = null;
  const fixed = fixedUsd(o.config.backtest.solUsd);
  const usd = o.usd ?? ((q: string, ts: number) => simUsd?.(q, ts) ?? fixed.usd(q, ts));
  const result = await runSession({ ...o, usd }, (env) => {
    const sim = simRowDecoder(env.registry, rowStats, o.onBadRow);
    simUsd = (q, ts) => sim.usd(q, ts);
    const raw = rawRowDecoder({ stats: rowStats, registry: env.registry, ...(o.onBadRow ? { onBad: o.onBadRow } : {}) });
    const decode: RowDecoder = o.decode ?? ((row, out) => (row.kind.startsWith("sim.") ? sim.decode(row, out) : raw(row, out)));
    return replayFeed({ reader: o.reader, clock: env.clock, decode, pace: env.pace, stats });
  });
  return { ...result, counters: { ...result.counters, replay: stats, rows: rowStats } };
}

/**
 * One trading session on virtual time over any feed: the daemon's composition with `feed` as
 * its market data. Replay passes the replay source; the parity test a live-like simulated feed.
 */
export async function runSession(o: SessionOptions, feedOf: (env: SessionEnv) => Observable<FeedEvent>, onFeedEvent?: (e: FeedEvent, registry: PoolRegistry) => void): Promise<ReplayResult> {
  return session(o, { kind: "feed", feedOf, ...(onFeedEvent !== undefined ? { onFeedEvent } : {}) });
}

/**
 * Replay stored bars (no raw feed events in the range): coarser, see streams/replay/bars.ts. The
 * trading path, scorer, positions and executor are the same; the bars skip the decoder and the
 * bar book (they are already bars), and their ticks are four per bar.
 */
export async function runBarsReplay(o: BarsReplayOptions): Promise<ReplayResult> {
  const stats = newReplayStats();
  const solUsd = o.config.backtest.solUsd;
  const result = await session(o, {
    kind: "bars",
    barsOf: (env) =>
      replayBars({
        reader: o.reader, clock: env.clock, pace: env.pace, stats, solUsd: () => solUsd,
        liquidityFallbackUsd: o.liquidityFallbackUsd ?? o.config.backtest.minLiquidityUsd, dex: o.dex ?? "pumpswap",
      }),
  });
  return { ...result, counters: { ...result.counters, replay: stats } };
}

export interface BarsReplayOptions extends SessionOptions {
  readonly reader: BarReader;
  /** Pool depth (USD) assumed for bars without liquidity. Default `backtest.minLiquidityUsd`. */
  readonly liquidityFallbackUsd?: number;
  /** The venue ticks name, whose fee prices paper fills. Default pumpswap (0.25%). */
  readonly dex?: Dex;
}

type SessionInput =
  | { readonly kind: "feed"; readonly feedOf: (env: SessionEnv) => Observable<FeedEvent>; readonly onFeedEvent?: (e: FeedEvent, registry: PoolRegistry) => void }
  | { readonly kind: "bars"; readonly barsOf: (env: SessionEnv) => Observable<BarReplayEvent> };

async function session(o: SessionOptions, input: SessionInput): Promise<ReplayResult> {
  const started = performance.now();
  const config: AppConfig = { ...o.config, mode: "replay" };
  const intervalS = alphaIntervalS(config);
  const clock = new ReplayClock(0);
  const journal = Journal.open(o.journalPath ?? ":memory:", { clock });
  let hosted: PositionsHost | null = null;
  try {
    // --- market data: the daemon's decoder, bar book and market state -------------------------
    const market = new MarketState();
    const decoder = new MarketDecoder();
    const fixed = fixedUsd(config.backtest.solUsd);
    const usd = o.usd ?? fixed.usd;
    const graceMs = o.graceMs ?? 0;
    const bars = new BarBook({ intervalS, graceMs, usd, source: "replay" });

    // --- the paper wallet behind the daemon's executor child ------------------------------------
    const pools = market.simMarket();
    const exec = executorChild({ config, journal, clock, market: pools, paperStartSol: o.paperStartSol ?? 100 });
    let crash: unknown = null;
    await exec.factory.start({ crashed: (e) => (crash ??= e) });
    // The report's view of each order: the pool it met (capacity, swap fees). Observes, changes nothing.
    const before = new Map<string, PoolReserves | undefined>();
    const gateway: ExecutorShape = {
      ...exec.gateway,
      buy: (i) => Effect.suspend(() => (before.set(i.intentId, pools.pool(i.mint)), exec.gateway.buy(i))),
      sell: (i) => Effect.suspend(() => (before.set(i.intentId, pools.pool(i.mint)), exec.gateway.sell(i))),
    };

    // --- positions: the daemon's positions host, machine timers on virtual time ------------------
    const heartbeatMs = o.heartbeatMs ?? 1_000;
    const positions = new PositionsHost({
      journal, executor: gateway, clock, params: positionParamsFrom(config), risk: riskParamsFrom(config),
      slippageBps: config.execution.swapSlippageBps, tickStaleMs: Math.max(10_000, 10 * heartbeatMs), timers: clock.timers,
      sleep: (ms) => new Promise<void>((r) => clock.schedule(() => r(), ms)),
    });
    hosted = positions;
    const busy = new Set<string>();
    positions.subscribe((v) => {
      if (v.status === "active" && awaitingCall(v.state)) busy.add(v.positionId);
      else busy.delete(v.positionId);
    });
    // Reconciliation, as the supervisor's `reconcile` actor runs it before any entry.
    await positions.reconcile();
    const book = positions.book;
    if (book === null) throw new Error("replay: the positions host built no book");

    // --- scorer and the daemon's trading glue ----------------------------------------------------
    const scorer = new Scorer({
      formula: o.strategy.rpn, params: o.strategy.params, intervalS,
      rule: { buyThreshold: config.strategy.buyThreshold, sellThreshold: config.strategy.sellThreshold, maxOpenPositions: config.strategy.maxOpenPositions },
    });
    const refused: Record<string, number> = {};
    let closes = 0;
    // Mint accounts from the recorded feed only (deterministic); bars carry none (mint-info.sim.ts).
    const mints = input.kind === "feed" ? makeReplayMintInfo() : makeSimMintInfo();
    const path: TradingPath = tradingPath({
      config, market, risk: riskParamsFrom(config), mints, book: () => positions.book, entriesOpen: () => positions.ready && !positions.entriesPaused,
      now: () => clock.now(),
      hooks: {
        onRefused: (code) => void (refused[code] = (refused[code] ?? 0) + 1),
        onEntry: (_s, r) => {
          if (!r.ok) refused[r.refused] = (refused[r.refused] ?? 0) + 1;
        },
        onDecided: () => void closes++,
      },
    });
    const scorerKid = scorerChild({ scorer, clock, book: path.scorerBook, onDecisions: path.onDecisions });
    path.attach(scorerKid);
    await scorerKid.factory.start({ crashed: (e) => (crash ??= e) });

    // --- settling: what the daemon's event loop does between two feed messages -------------------
    let settles = 0;
    const isBusy = (): boolean => scorerKid.pending() > 0 || path.pendingEntries() > 0 || busy.size > 0;
    const settle = async (): Promise<void> => {
      settles++;
      for (let turn = 0; isBusy(); turn++) {
        if (turn >= MAX_SETTLE_TURNS) throw new Error(`replay: the trading path did not settle (scorer ${scorerKid.pending()}, entries ${path.pendingEntries()}, positions ${[...busy].join(",")})`);
        await new Promise<void>((r) => setImmediate(r));
      }
      if (crash !== null) throw crash instanceof Error ? crash : new Error(String(crash));
    };
    const pace = (): Promise<void> | undefined => (isBusy() || crash !== null ? settle() : undefined);

    // --- equity, sampled on virtual time ---------------------------------------------------------
    const startSol = o.paperStartSol ?? 100;
    const equity: EquityPoint[] = [];
    const sample = (): void => {
      const wallet = exec.gateway.paper;
      if (wallet === null) return;
      const cash = Number(wallet.wallet.lamports()) / 1e9;
      let held = 0;
      let open = 0;
      const mints = new Set<string>();
      for (const v of book.list("active")) {
        open++;
        mints.add(v.mint);
      }
      for (const mint of mints) {
        const q = market.quote(mint);
        if (q !== undefined) held += (Number(wallet.wallet.tokens(mint)) / 10 ** pools.decimals(mint)) * q.price;
      }
      equity.push({ ts: clock.now(), equitySol: cash + held, cashSol: cash, positionsSol: held, openPositions: open });
    };

    // --- the stream: the ingest child's operators, fed by the replay source ----------------------
    let events = 0;
    let ticks = 0;
    let trades = 0;
    let barsClosed = 0;
    let started0 = false;
    const progressEvery = o.progressEvery ?? 100_000;
    let nextProgress = progressEvery;
    const begin = (): void => {
      events++;
      if (o.onProgress !== undefined && events >= nextProgress) {
        nextProgress += progressEvery;
        o.onProgress(events);
      }
      if (started0) return;
      started0 = true;
      const t = clock.now();
      equity.push({ ts: t, equitySol: startSol, cashSol: startSol, positionsSol: 0, openPositions: 0 });
      // The daemon's beat: the positions host's clock tick, once a heartbeat.
      clock.every(heartbeatMs, t + heartbeatMs, () => positions.clockTick());
      const stepMs = intervalS * 1000;
      clock.every(stepMs, (Math.floor(t / stepMs) + 1) * stepMs, sample);
    };
    const onMarket = (e: MarketEvent): void => {
      if (e.kind === "trade") {
        trades++;
        return;
      }
      ticks++;
      path.onTick(e);
    };
    const onBarOut = (b: BarOutput): void => {
      if (b.kind === "bar") barsClosed++;
      path.onBar(b);
    };
    const env: SessionEnv = { clock, pace, registry: decoder.registry };
    const stream: Observable<unknown> =
      input.kind === "feed"
        ? input.feedOf(env).pipe(
            tap((e: FeedEvent) => {
              begin();
              if (e.kind === "account") mints.observe(e.update);
              input.onFeedEvent?.(e, decoder.registry);
            }),
            decodeMarket(decoder),
            tap(onMarket),
            aggregateBars({ intervalS, graceMs, usd, clockWatermark: o.clockWatermark ?? false, source: "replay" }, bars, clock),
            tap(onBarOut),
          )
        : input.barsOf(env).pipe(
            tap((e: BarReplayEvent) => {
              begin();
              if (e.kind === "price") onMarket(e);
              else onBarOut(e);
            }),
          );
    await new Promise<void>((resolve, reject) => {
      stream.subscribe({ error: reject, complete: resolve });
    });
    // The last closes were emitted on completion: let them be decided, as the next turn would.
    await settle();
    if (started0) sample();

    const data = await collectRun({ journal, positions, book, market, clock, before, equity, startSol, paper: exec.gateway.paper, config, strategy: o.strategy });
    return {
      ...data,
      counters: {
        events, replay: null, rows: null, ticks, trades, bars: barsClosed, closes, settles, entriesRefused: refused,
        wallMs: performance.now() - started,
      },
    };
  } finally {
    hosted?.stop();
    journal.close();
  }
}

export interface EquityPoint {
  readonly ts: number;
  /** Paper wallet SOL plus open holdings at their last price. */
  readonly equitySol: number;
  readonly cashSol: number;
  readonly positionsSol: number;
  readonly openPositions: number;
}
