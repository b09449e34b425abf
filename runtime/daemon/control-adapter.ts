/**
 * The HTTP control port (`DaemonControl`, runtime/http/control-port.ts) over the running daemon:
 * the supervisor's state, the position book and journal, the market state, the active strategy
 * and the trainer. The HTTP layer knows nothing else of the daemon. Queries read state; the
 * commands (stop, resume, exit, reload) take effect before they resolve: a stop acknowledged
 * to the caller has already switched entries off.
 */
import { positionMachine } from "../../machines/position.machine.js";
import type { Clock } from "../../core/clock.js";
import type {
  ChildStatus, ControlEvent, ControlListener, DaemonControl, DaemonMode, DaemonState, DaemonStatus, FeedStatus, Health,
  PnlBucket, PnlDistribution, PositionDetail, PositionView, ResumeResult, ScannerRow, StopRequest, StopResult,
  StrategyView, TradeView, TrainingProgress, TransitionRecord,
} from "../http/control-port.js";
import { ControlConflictError, ControlNotFoundError, ControlUnavailableError } from "../http/errors.js";
import { unrealisedPnl } from "../http/pnl.js";
import { statechartOf, type Statechart } from "../http/statechart.js";
import type { Journal } from "../journal/journal.js";
import type { TransitionRow } from "../journal/types.js";
import type { PositionView as BookView } from "../positions/views.js";
import type { PositionsHost } from "./children/positions.js";
import type { TrainingSnapshot } from "./children/trainer.js";
import type { MarketState } from "./market-state.js";
import type { ActiveStrategy } from "./strategy.js";

/** What the adapter reads from the daemon. */
export interface ControlSource {
  readonly mode: DaemonMode;
  readonly version: string;
  readonly startedAt: number;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly positions: PositionsHost;
  readonly market: MarketState;
  readonly maxPositions: number;
  symbol(mint: string): string | null;
  state(): DaemonState;
  entriesEnabled(): boolean;
  feeds(): readonly FeedStatus[];
  children(): readonly ChildStatus[];
  walletSol(): number | null;
  strategy(): ActiveStrategy | null;
  /** Re-read the strategy file and trade it; undefined when there is no file. */
  reloadStrategy(): Promise<ActiveStrategy | undefined>;
  training(): TrainingSnapshot;
  /** Stop entries at once (and, with flatten, exit every position); idempotent. */
  requestStop(request: StopRequest): void;
  /** Entries on again; in a degraded daemon this also restarts the children that spent their budget. */
  requestResume(): void;
}

/** Bucket edges in percent of cost; the outer buckets also count what lies beyond them. */
const PNL_EDGES = [-100, -50, -25, -10, -5, 0, 5, 10, 25, 50, 100, 200, 500];
const DONE = new Set(["closed", "failed"]);

export class DaemonControlAdapter implements DaemonControl {
  readonly #s: ControlSource;
  readonly #listeners = new Set<ControlListener>();
  readonly #chart: Statechart = statechartOf(positionMachine);
  /** Per position: last journaled transition and fill pushed, last push time (throttle). */
  readonly #pushed = new Map<string, { seq: number; fills: number; at: number; state: string }>();

  constructor(source: ControlSource) {
    this.#s = source;
  }

  readonly events = {
    subscribe: (listener: ControlListener): (() => void) => {
      this.#listeners.add(listener);
      return () => void this.#listeners.delete(listener);
    },
  };

  emit(event: ControlEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // listeners must not throw; one that does must not stop the others
      }
    }
  }

  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  /** A position snapshot from the book: push it (throttled), and its new transitions and trades. */
  onPositionView(v: BookView): void {
    if (this.#listeners.size === 0) return;
    const now = this.#s.clock.now();
    const last = this.#pushed.get(v.positionId) ?? { seq: 0, fills: 0, at: 0, state: "" };
    const moved = v.seq !== last.seq || v.state !== last.state;
    if (!moved && now - last.at < 250 && v.status === "active") return;
    if (moved) {
      for (const t of this.#s.journal.positions.transitions(v.positionId)) {
        if (t.seq > last.seq) this.emit({ type: "transition", positionId: v.positionId, transition: transitionRecord(t) });
      }
      const trades = this.#tradesOf(v.positionId);
      for (const t of trades.slice(last.fills)) this.emit({ type: "trade", trade: t });
      last.fills = trades.length;
      last.seq = v.seq;
      last.state = v.state;
    }
    last.at = now;
    if (v.status === "active") this.#pushed.set(v.positionId, last);
    else this.#pushed.delete(v.positionId);
    this.emit({ type: "position", position: this.#view(v) });
  }

  health(): Promise<Health> {
    const state = this.#s.state();
    return Promise.resolve({ ok: state !== "degraded" && state !== "stopped", state, version: this.#s.version, uptimeMs: this.#s.clock.now() - this.#s.startedAt });
  }

  status(): Promise<DaemonStatus> {
    return this.#answer(() => this.statusNow());
  }

  statusNow(): DaemonStatus {
    const s = this.#s;
    const t = s.training();
    const strategy = s.strategy();
    return {
      mode: s.mode,
      state: s.state(),
      entriesEnabled: s.entriesEnabled(),
      walletBalanceSol: s.walletSol(),
      openPositions: s.positions.book?.list("active").length ?? 0,
      maxPositions: s.maxPositions,
      feeds: s.feeds(),
      children: s.children(),
      strategy: strategy === null ? null : { id: strategy.id, infix: strategy.infix, activatedAt: strategy.activatedAt, validationScore: strategy.validationScore },
      training: { running: t.running, step: t.step, totalSteps: t.totalSteps, bestScore: t.bestScore, bestInfix: t.bestInfix, updatedAt: t.updatedAt },
      ts: s.clock.now(),
    };
  }

  positions(): Promise<readonly PositionView[]> {
    return this.#answer(() => this.#book().list("active").map((v) => this.#view(v)).sort((a, b) => b.openedAt - a.openedAt));
  }

  position(id: string): Promise<PositionDetail> {
    return this.#answer(() => {
      const d = this.#book().get(id);
      if (d === undefined) throw new ControlNotFoundError({ message: `no position ${id}` });
      return { ...this.#view(d), transitions: d.transitions.map(transitionRecord) };
    });
  }

  strategy(): Promise<StrategyView> {
    return this.#answer(() => strategyView(this.#active()));
  }

  stop(request: StopRequest): Promise<StopResult> {
    return this.#answer(() => {
      if (this.#s.state() === "stopped") throw new ControlUnavailableError({ message: "the daemon is shutting down" });
      const book = this.#s.positions.book;
      const exiting = request.flatten && book !== null
        ? book.list("active").filter((v) => !v.state.startsWith("exiting")).map((v) => v.positionId)
        : [];
      this.#s.requestStop(request);
      const result: StopResult = { state: this.#s.state(), entriesEnabled: this.#s.entriesEnabled(), exiting };
      this.emit({ type: "status", status: this.statusNow() });
      return result;
    });
  }

  /**
   * Entries on again. Refused while positions are still being reconciled. In a degraded daemon
   * the supervisor also gives the children that spent their restart budget a fresh one (the
   * machine's `user.resume`); entries come back once they are up.
   */
  resume(): Promise<ResumeResult> {
    return this.#answer(() => {
      const state = this.#s.state();
      if (state === "starting") throw new ControlConflictError({ message: "still reconciling positions: entries start once that is done" });
      if (state === "stopped") throw new ControlUnavailableError({ message: "the daemon is shutting down" });
      this.#s.requestResume();
      this.emit({ type: "status", status: this.statusNow() });
      return { state: this.#s.state(), entriesEnabled: this.#s.entriesEnabled() };
    });
  }

  exitPosition(id: string): Promise<PositionView> {
    return this.#answer(() => {
      const book = this.#book();
      const d = book.get(id);
      if (d === undefined) throw new ControlNotFoundError({ message: `no position ${id}` });
      if (d.status !== "active" || DONE.has(d.state)) throw new ControlConflictError({ message: `position ${id} is already ${d.state}` });
      if (!book.exit(id)) throw new ControlConflictError({ message: `position ${id} is not running` });
      const now = book.list("active").find((v) => v.positionId === id);
      return this.#view(now ?? d);
    });
  }

  async reloadStrategy(): Promise<StrategyView> {
    let s: ActiveStrategy | undefined;
    try {
      s = await this.#s.reloadStrategy();
    } catch (e) {
      throw new ControlConflictError({ message: e instanceof Error ? e.message : String(e) });
    }
    if (s === undefined) throw new ControlNotFoundError({ message: "no strategy file in the store" });
    this.emit({ type: "status", status: this.statusNow() });
    return strategyView(s);
  }

  trades(limit: number): Promise<readonly TradeView[]> {
    return this.#answer(() => {
      const out: TradeView[] = [];
      const all = this.#s.journal.positions.list();
      for (let i = all.length - 1; i >= 0 && out.length < limit * 4; i--) out.push(...this.#tradesOf(all[i]!.positionId));
      return out.sort((a, b) => b.ts - a.ts).slice(0, limit);
    });
  }

  scanner(): Promise<readonly ScannerRow[]> {
    return this.#answer(() =>
      [...this.#s.market.bars()].map((b) => ({
        mint: b.mint, symbol: this.#s.symbol(b.mint), liquidityUsd: b.liquidity ?? 0, volumeUsd: b.volume, fdvUsd: b.fdv ?? 0, ts: b.ts * 1000,
      })),
    );
  }

  pnlDistribution(): Promise<PnlDistribution> {
    return this.#answer(() => {
      const closed = this.#s.journal.positions.list("done").filter((p) => p.pnlSol !== null);
      const buckets: PnlBucket[] = [];
      for (let k = 0; k + 1 < PNL_EDGES.length; k++) buckets.push({ fromPct: PNL_EDGES[k]!, toPct: PNL_EDGES[k + 1]!, count: 0 });
      const counts = buckets.map(() => 0);
      let realised = 0;
      let wins = 0;
      let counted = 0;
      for (const p of closed) {
        const pnl = p.pnlSol ?? 0;
        realised += pnl;
        const cost = (p.snapshot as { context?: { fills?: { costSol?: number } } } | null)?.context?.fills?.costSol ?? 0;
        if (!(cost > 0)) continue;
        counted++;
        if (pnl > 0) wins++;
        const pct = (pnl / cost) * 100;
        const k = buckets.findIndex((b) => pct < b.toPct);
        counts[k < 0 ? buckets.length - 1 : k]!++;
      }
      const finite = buckets.map((b, k) => ({ ...b, count: counts[k]! }));
      return { closedPositions: closed.length, realisedSol: realised, winRate: counted === 0 ? null : wins / counted, buckets: finite };
    });
  }

  training(): Promise<TrainingProgress> {
    return this.#answer(() => trainingProgress(this.#s.training()));
  }

  machineDefinition(): Promise<Statechart> {
    return Promise.resolve(this.#chart);
  }

  #active(): ActiveStrategy {
    const s = this.#s.strategy();
    if (s === null) throw new ControlNotFoundError({ message: "no active strategy" });
    return s;
  }

  #book() {
    const book = this.#s.positions.book;
    if (book === null) throw new ControlUnavailableError({ message: "positions are being recovered; try again shortly" });
    return book;
  }

  #view(v: BookView): PositionView {
    const held = v.qtyBought > 0 ? (v.costSol * v.qty) / v.qtyBought : 0;
    const soldCost = v.qtyBought > 0 ? (v.costSol * (v.qtyBought - v.qty)) / v.qtyBought : 0;
    const price = v.lastPrice > 0 ? v.lastPrice : null;
    const pnl = unrealisedPnl({ qty: v.qty, costSol: held, currentPrice: price });
    return {
      id: v.positionId,
      mint: v.mint,
      symbol: this.#s.symbol(v.mint),
      state: v.state,
      reason: v.reason,
      entryPrice: v.entryPrice > 0 ? v.entryPrice : null,
      currentPrice: price,
      peakPrice: v.peak > 0 ? v.peak : null,
      qty: v.qty,
      costSol: held,
      realisedSol: v.proceedsSol - soldCost,
      unrealisedPnlSol: v.qty > 0 ? pnl.sol : 0,
      unrealisedPnlPct: v.qty > 0 ? pnl.pct : null,
      openedAt: v.openedTs,
      updatedAt: v.lastTs,
    };
  }

  #tradesOf(positionId: string): TradeView[] {
    const { orders } = this.#s.journal;
    const intents = new Map(orders.intentsOf(positionId).map((i) => [i.intentId, i]));
    return orders.fillsOf(positionId).map((f) => {
      const intent = intents.get(f.intentId);
      const kind = intent === undefined || intent.kind === "buy" ? "entry" : intent.kind;
      return {
        id: f.signature, positionId, mint: f.mint, symbol: this.#s.symbol(f.mint), side: f.side, kind,
        qty: f.qty, sol: f.sol, price: f.qty > 0 ? f.sol / f.qty : 0, signature: f.signature, reason: intent?.reason ?? "", ts: f.ts,
      };
    });
  }

  /** Port methods reject (never throw synchronously). */
  #answer<T>(f: () => T): Promise<T> {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

export function transitionRecord(t: TransitionRow): TransitionRecord {
  return { seq: t.seq, from: t.fromState === "new" ? null : t.fromState, to: t.toState, event: t.event, reason: t.reason, ts: t.ts };
}

export function strategyView(s: ActiveStrategy): StrategyView {
  return { id: s.id, tokens: s.tokens, infix: s.infix, createdAt: s.createdAt, activatedAt: s.activatedAt, metrics: s.metrics };
}

export function trainingProgress(t: TrainingSnapshot): TrainingProgress {
  return {
    running: t.running, step: t.step, totalSteps: t.totalSteps, bestScore: t.bestScore, bestInfix: t.bestInfix, updatedAt: t.updatedAt,
    history: t.history.filter((p) => Number.isFinite(p.bestScore) && Number.isFinite(p.meanScore)),
  };
}
