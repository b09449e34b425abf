/**
 * The positions child: the host of the position book (runtime/positions), every open position
 * a journaled XState actor in it. The supervisor never restarts it (policy `positions.restart =
 * false`): positions are independent of every other child and keep their state and stops
 * through any restart around them. It heartbeats while the book has recovered and its clock
 * ticks run; while it does not, entries are held.
 *
 * The book is built by reconciliation (the supervisor's `reconcile` actor): recovery reconciles
 * the journal with the executor's balances before any entry. A failed recovery is retried on a
 * fresh book over the same journal.
 */
import type { ExecutorShape } from "../../../actors/executor/executor.js";
import type { RiskParams } from "../../../actors/risk/index.js";
import type { Clock } from "../../../core/clock.js";
import type { PositionParams } from "../../../machines/position.params.js";
import type { Journal } from "../../journal/journal.js";
import { PositionBook, type TimerClock } from "../../positions/book.js";
import type { RecoveryReport } from "../../positions/recovery.js";
import type { PositionView } from "../../positions/views.js";
import type { ChildFactory, ChildInstance } from "./child.js";

export interface PositionsHostOptions {
  readonly journal: Journal;
  readonly executor: ExecutorShape;
  readonly clock: Clock;
  readonly params: PositionParams;
  readonly risk: RiskParams;
  readonly slippageBps: number;
  /** A clock tick older than this means the host is stuck. */
  readonly tickStaleMs: number;
  /** Timers for the machines' delays (replay: virtual ones); default real timers. */
  readonly timers?: TimerClock;
  /** Waits between recovery's retries; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class PositionsHost {
  readonly #o: PositionsHostOptions;
  readonly #listeners = new Set<(v: PositionView) => void>();
  #book: PositionBook | null = null;
  #unsubscribe: (() => void) | null = null;
  #lastTick: number | null = null;
  #pausedWanted = false;
  #failed = false;
  #stopped = false;

  constructor(o: PositionsHostOptions) {
    this.#o = o;
  }

  /** The book, once reconciliation has built one. */
  get book(): PositionBook | null {
    return this.#book;
  }

  get ready(): boolean {
    return this.#book?.isReady ?? false;
  }

  /**
   * Reconciliation: recovery on the book (a fresh book when an earlier attempt failed). Resolves
   * with recovery's report; rejects when recovery could not finish (the supervisor retries).
   */
  async reconcile(): Promise<RecoveryReport> {
    if (this.#stopped) throw new Error("the daemon is shutting down");
    if (this.#book === null || this.#failed) this.#newBook();
    const book = this.#book as PositionBook;
    try {
      return await book.ready;
    } catch (e) {
      this.#failed = true;
      throw e;
    }
  }

  /** Every price tick of a SOL-quoted pool: stops and trailing are checked on it, at once. */
  priceTick(mint: string, price: number): void {
    this.#book?.priceTick(mint, price);
  }

  scoreUpdate(mint: string, score: number): void {
    this.#book?.scoreUpdate(mint, score);
  }

  /** About once a second: deadlines, retries, and the journal flush of tick-only changes. */
  clockTick(): void {
    if (this.#book === null || this.#stopped) return;
    this.#book.clockTick();
    this.#lastTick = this.#o.clock.now();
  }

  /** Entries off at once (no entry is opened after this returns); exits keep working. */
  pauseEntries(): void {
    this.#pausedWanted = true;
    this.#book?.pauseEntries();
  }

  resumeEntries(): void {
    this.#pausedWanted = false;
    this.#book?.resumeEntries();
  }

  get entriesPaused(): boolean {
    return this.#pausedWanted;
  }

  subscribe(listener: (v: PositionView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Flush what is dirty and stop every actor; the journal keeps them for the next start. */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#book?.stop();
  }

  readonly factory: ChildFactory = {
    name: "positions",
    start: async (): Promise<ChildInstance> => {
      let killed = false;
      return {
        alive: () => {
          const now = this.#o.clock.now();
          return !killed && !this.#stopped && this.ready && this.#lastTick !== null && now - this.#lastTick <= this.#o.tickStaleMs;
        },
        // The book is not this instance's to stop: positions outlive it.
        stop: async () => void (killed = true),
        kill: () => void (killed = true),
      };
    },
  };

  #newBook(): void {
    this.#unsubscribe?.();
    this.#book?.stop();
    const o = this.#o;
    const book = PositionBook.start({
      journal: o.journal, executor: o.executor, clock: o.clock, params: o.params, risk: o.risk, slippageBps: o.slippageBps,
      ...(o.timers !== undefined ? { timers: o.timers } : {}),
      ...(o.sleep !== undefined ? { sleep: o.sleep } : {}),
    });
    if (this.#pausedWanted) book.pauseEntries();
    this.#unsubscribe = book.subscribe((v) => {
      for (const l of this.#listeners) l(v);
    });
    this.#book = book;
    this.#failed = false;
  }
}
