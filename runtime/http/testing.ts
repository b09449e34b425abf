/**
 * A hand-written fake of the control port for HTTP, WebSocket and browser tests: in-memory state
 * seeded from `testing.data.ts`, every command recorded in `calls`, and helpers to push live
 * events as the daemon would. A test double, never wired as the daemon.
 */
import { pino } from "pino";
import { positionMachine } from "../../machines/position.machine.js";
import type {
  ControlEvent, ControlListener, DaemonControl, DaemonStatus, Health, PnlDistribution, PositionDetail, PositionView,
  ResumeResult, ScannerRow, StopRequest, StopResult, StrategyView, TradeView, TrainingProgress,
} from "./control-port.js";
import { ControlConflictError, ControlNotFoundError, ControlUnavailableError } from "./errors.js";
import { unrealisedPnl } from "./pnl.js";
import { statechartOf, type Statechart } from "./statechart.js";
import {
  samplePnl, samplePositions, sampleScanner, sampleStatus, sampleStrategy, sampleTrades, sampleTraining, T0,
} from "./testing.data.js";

export type FakeCall =
  | { readonly method: "stop"; readonly request: StopRequest }
  | { readonly method: "resume" | "reloadStrategy" }
  | { readonly method: "exitPosition"; readonly id: string };

const DONE = new Set(["closed", "failed"]);

export class FakeDaemonControl implements DaemonControl {
  /** Commands received, in order: what the tests assert on. */
  readonly calls: FakeCall[] = [];
  readonly positionsById = new Map<string, PositionDetail>();
  status_: DaemonStatus;
  strategy_: StrategyView | null = sampleStrategy();
  trades_: TradeView[] = sampleTrades();
  scanner_: ScannerRow[] = sampleScanner();
  pnl_: PnlDistribution = samplePnl();
  training_: TrainingProgress = sampleTraining();
  /** While set, every query and command rejects with ControlUnavailableError. */
  unavailable: string | null = null;
  now = T0;
  readonly #listeners = new Set<ControlListener>();
  readonly #chart = statechartOf(positionMachine);

  constructor() {
    for (const p of samplePositions()) this.positionsById.set(p.id, p);
    this.status_ = sampleStatus(this.positionsById.size);
  }

  readonly events = {
    subscribe: (listener: ControlListener) => {
      this.#listeners.add(listener);
      return () => void this.#listeners.delete(listener);
    },
  };

  listenerCount(): number {
    return this.#listeners.size;
  }

  emit(event: ControlEvent): void {
    for (const l of this.#listeners) l(event);
  }

  /** Move a position to `to` as its machine would: journal the transition, push both events. */
  transition(id: string, to: string, event: string, reason: string): PositionDetail {
    const p = this.#get(id);
    this.now += 1000;
    const last = p.transitions[p.transitions.length - 1];
    const record = { seq: (last?.seq ?? 0) + 1, from: p.state, to, event, reason, ts: this.now };
    const next: PositionDetail = { ...p, state: to, reason, updatedAt: this.now, transitions: [...p.transitions, record] };
    this.positionsById.set(id, next);
    this.emit({ type: "transition", positionId: id, transition: record });
    this.emit({ type: "position", position: view(next) });
    return next;
  }

  /** A price update: PnL from the new current price. */
  price(id: string, currentPrice: number): void {
    const p = this.#get(id);
    const pnl = unrealisedPnl({ qty: p.qty, costSol: p.costSol, currentPrice });
    const next = { ...p, currentPrice, peakPrice: Math.max(p.peakPrice ?? 0, currentPrice), unrealisedPnlSol: pnl.sol, unrealisedPnlPct: pnl.pct };
    this.positionsById.set(id, next);
    this.emit({ type: "position", position: view(next) });
  }

  health(): Promise<Health> {
    return Promise.resolve({ ok: this.status_.state !== "degraded", state: this.status_.state, version: "0.1.0-fake", uptimeMs: 3_600_000 });
  }

  status(): Promise<DaemonStatus> {
    return this.#answer(() => ({ ...this.status_, openPositions: this.#open().length }));
  }

  positions(): Promise<readonly PositionView[]> {
    return this.#answer(() => this.#open().map(view).sort((a, b) => b.openedAt - a.openedAt));
  }

  position(id: string): Promise<PositionDetail> {
    return this.#answer(() => this.#get(id));
  }

  strategy(): Promise<StrategyView> {
    return this.#answer(() => {
      if (!this.strategy_) throw new ControlNotFoundError({ message: "no active strategy" });
      return this.strategy_;
    });
  }

  stop(request: StopRequest): Promise<StopResult> {
    return this.#answer(() => {
      this.calls.push({ method: "stop", request });
      const exiting = request.flatten ? this.#open().filter((p) => !p.state.startsWith("exiting")).map((p) => p.id) : [];
      for (const id of exiting) this.transition(id, "exiting", "user.exit", "user");
      this.#setStatus({ state: "stopped", entriesEnabled: false });
      return { state: "stopped", entriesEnabled: false, exiting };
    });
  }

  resume(): Promise<ResumeResult> {
    return this.#answer(() => {
      this.calls.push({ method: "resume" });
      if (this.status_.state === "degraded") throw new ControlConflictError({ message: "degraded: fix the failing child first" });
      this.#setStatus({ state: "running", entriesEnabled: true });
      return { state: "running", entriesEnabled: true };
    });
  }

  exitPosition(id: string): Promise<PositionView> {
    return this.#answer(() => {
      this.calls.push({ method: "exitPosition", id });
      const p = this.#get(id);
      if (DONE.has(p.state)) throw new ControlConflictError({ message: `position ${id} is already ${p.state}` });
      return view(p.state.startsWith("exiting") ? p : this.transition(id, "exiting", "user.exit", "user"));
    });
  }

  reloadStrategy(): Promise<StrategyView> {
    return this.#answer(() => {
      this.calls.push({ method: "reloadStrategy" });
      if (!this.strategy_) throw new ControlNotFoundError({ message: "no strategy in the store" });
      return this.strategy_;
    });
  }

  trades(limit: number): Promise<readonly TradeView[]> {
    return this.#answer(() => this.trades_.slice(0, limit));
  }

  scanner(): Promise<readonly ScannerRow[]> {
    return this.#answer(() => this.scanner_);
  }

  pnlDistribution(): Promise<PnlDistribution> {
    return this.#answer(() => this.pnl_);
  }

  training(): Promise<TrainingProgress> {
    return this.#answer(() => this.training_);
  }

  machineDefinition(): Promise<Statechart> {
    return this.#answer(() => this.#chart);
  }

  #setStatus(change: Partial<DaemonStatus>): void {
    this.status_ = { ...this.status_, ...change, openPositions: this.#open().length, ts: this.now };
    this.emit({ type: "status", status: this.status_ });
  }

  #open(): PositionDetail[] {
    return [...this.positionsById.values()].filter((p) => !DONE.has(p.state));
  }

  #get(id: string): PositionDetail {
    const p = this.positionsById.get(id);
    if (!p) throw new ControlNotFoundError({ message: `no position ${id}` });
    return p;
  }

  /** Port methods reject (never throw synchronously), like the real daemon's. */
  #answer<T>(f: () => T): Promise<T> {
    if (this.unavailable !== null) return Promise.reject(new ControlUnavailableError({ message: this.unavailable }));
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

function view(p: PositionDetail): PositionView {
  const { transitions: _transitions, ...rest } = p;
  return rest;
}

/** A token for tests (never a real one) and a logger that prints nothing. */
export const TEST_TOKEN = "test-token-0123456789abcdef";
export const silentLogger = () => pino({ level: "silent" });
