/**
 * `simulateMarket(options)`: a seeded Solana meme-token universe, streamed a step at a time in
 * time order across tokens. Nothing is precomputed beyond the token roster, so a run of any
 * length streams in constant memory; each iteration replays the run from the seed.
 */
import { seededRng } from "../../core/random.js";
import type { BarRow, TokenRow } from "../../runtime/storage/storage.js";
import { BarAggregator } from "./bars.js";
import type { SimEvent } from "./events.js";
import { hashSeed, mix32Pair } from "./ids.js";
import type { ResolvedSimOptions, SimOptions } from "./options.js";
import { resolveOptions } from "./options.js";
import { planTokens, tokenRow, type TokenPlan } from "./roster.js";
import { SolUsdPath } from "./sol-usd.js";
import { SimSummaryBuilder, type SimSummary } from "./summary.js";
import { Timeline } from "./timeline.js";
import { TokenAgent, type StepContext } from "./token.js";
import { TraderPopulation } from "./traders.js";

/** One simulation step (one bar interval): what happened in it, in slot order. */
export interface SimStep {
  /** Step number, 0-based. */
  readonly index: number;
  /** The step covers unix ms [startMs, endMs). */
  readonly startMs: number;
  readonly endMs: number;
  readonly solUsd: number;
  /** Events of all tokens in this step, ordered by slot (ties: token launch order, then time). */
  readonly events: readonly SimEvent[];
  /** Bars that closed by the end of this step (with the default aligned start: exactly this step's bars). */
  readonly bars: readonly BarRow[];
  /** Rows for tokens launched (version 1) or migrated to PumpSwap (version 2) in this step. */
  readonly tokens: readonly TokenRow[];
}

export interface SimHandlers {
  readonly onEvent?: (e: SimEvent) => void;
  readonly onBar?: (b: BarRow) => void;
  readonly onToken?: (t: TokenRow) => void;
  readonly onStep?: (s: SimStep) => void;
}

export interface SimIterateOptions {
  /** Called with the fraction of steps done, in (0, 1], at most about 100 times, always ending with 1. */
  readonly onProgress?: (fraction: number) => void;
}

export interface SimMarket {
  readonly options: ResolvedSimOptions;
  /** Run span, unix ms [startMs, endMs). */
  readonly startMs: number;
  readonly endMs: number;
  /** The roster as launched (every token, including those launching later), version-1 rows. */
  readonly tokenRows: readonly TokenRow[];
  /** The roster's static plan (launch time, venue, appeal): ground truth for tests. */
  readonly plans: readonly TokenPlan[];
  /** Every step in order; each call replays the run from the seed. */
  steps(opts?: SimIterateOptions): Generator<SimStep, SimSummary>;
  events(opts?: SimIterateOptions): Generator<SimEvent, SimSummary>;
  bars(opts?: SimIterateOptions): Generator<BarRow, SimSummary>;
  /** One pass with callbacks; returns the summary. */
  run(handlers?: SimHandlers, opts?: SimIterateOptions): SimSummary;
}

export function simulateMarket(options: SimOptions = {}): SimMarket {
  const o = resolveOptions(options);
  const seedHash = hashSeed(o.seed);
  const timeline = new Timeline(o.startTs, o.startSlot, o.barIntervalS, o.steps);
  const plans = planTokens(o, seedHash, timeline, seededRng(mix32Pair(seedHash, 0x7e57)));
  const tokenRows = plans.map((p) => tokenRow(p));

  function* steps(opts: SimIterateOptions = {}): Generator<SimStep, SimSummary> {
    const summary = new SimSummaryBuilder(o.tokens, timeline.startMs, timeline.endMs);
    const traders = new TraderPopulation(seedHash, o.traders, seededRng(mix32Pair(seedHash, 0x7ade)));
    const solUsd = new SolUsdPath(seededRng(mix32Pair(seedHash, 0x501)), o.solUsdStart, o.solUsdDailyVol, o.barIntervalS);
    const agents = plans.map((p) => new TokenAgent(p, seedHash));
    const bars = new BarAggregator(o.barIntervalS);
    const minutes = o.barIntervalS / 60;
    const maxRetail = Math.max(1, Math.round(o.maxTradesPerMinute * minutes));
    let live: TokenAgent[] = [];
    let next = 0;
    let reported = 0;
    for (let k = 0; k < o.steps; k++) {
      const price = k === 0 ? solUsd.price : solUsd.step();
      while (next < agents.length && (agents[next] as TokenAgent).plan.launchStep <= k) live.push(agents[next++] as TokenAgent);
      const ctx: StepContext = {
        k,
        solUsd: price,
        timeline,
        traders,
        minutes,
        activity: o.activity,
        maxRetail,
        signalStrength: o.signalStrength,
        seedHash,
      };
      const events: SimEvent[] = [];
      const rows: TokenRow[] = [];
      for (const agent of live) agent.step(ctx, events, rows);
      if (live.some((a) => a.isDead)) live = live.filter((a) => !a.isDead);
      events.sort((a, b) => a.slot - b.slot);
      const closed: BarRow[] = [];
      for (const e of events) bars.add(e, closed);
      const endMs = timeline.stepStartMs(k + 1);
      if (k === o.steps - 1) bars.flushAll(closed);
      else bars.flush(endMs, closed);
      const step: SimStep = { index: k, startMs: timeline.stepStartMs(k), endMs, solUsd: price, events, bars: closed, tokens: rows };
      summary.add(step);
      if (opts.onProgress) {
        const pct = Math.floor(((k + 1) * 100) / o.steps);
        if (pct > reported || k === o.steps - 1) {
          reported = pct;
          opts.onProgress((k + 1) / o.steps);
        }
      }
      yield step;
    }
    return summary.result();
  }

  function* events(opts?: SimIterateOptions): Generator<SimEvent, SimSummary> {
    const it = steps(opts);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      yield* r.value.events;
    }
  }

  function* barsOf(opts?: SimIterateOptions): Generator<BarRow, SimSummary> {
    const it = steps(opts);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      yield* r.value.bars;
    }
  }

  function run(handlers: SimHandlers = {}, opts?: SimIterateOptions): SimSummary {
    const it = steps(opts);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
      const s = r.value;
      if (handlers.onToken) for (const t of s.tokens) handlers.onToken(t);
      if (handlers.onEvent) for (const e of s.events) handlers.onEvent(e);
      if (handlers.onBar) for (const b of s.bars) handlers.onBar(b);
      handlers.onStep?.(s);
    }
  }

  return {
    options: o,
    startMs: timeline.startMs,
    endMs: timeline.endMs,
    tokenRows,
    plans,
    steps,
    events,
    bars: barsOf,
    run,
  };
}
