/**
 * The position book (issue 6): owns every position actor as a child of one root actor (one
 * XState system for all: about 1.8 KB less per position than root actors), provides the
 * machine's trading actors from the executor and the journal, journals every snapshot, routes
 * price ticks, scores and clock ticks, and opens positions only when risk allows and recovery
 * has finished. The daemon calls `clockTick()` about once a second: XState does not persist
 * timers, so after a restore only `clock.tick` moves deadlines and retries.
 */
import { createActor, setup, SimulatedClock, stopChild, type Actor, type AnyActorRef } from "xstate";
import type { ExecutorShape } from "../../actors/executor/executor.js";
import { assessEntry, type EntryRequest, type RiskBook, type RiskDecision, type RiskParams } from "../../actors/risk/index.js";
import type { Clock } from "../../core/clock.js";
import { idleClockTick } from "../../machines/position.idle-tick.js";
import { POSITION_MACHINE_VERSION, positionMachine } from "../../machines/position.machine.js";
import type { PositionParams } from "../../machines/position.params.js";
import type { PositionEvent, PositionInput, TransitionRecord } from "../../machines/position.types.js";
import type { Journal } from "../journal/journal.js";
import type { ClosedPosition } from "../journal/positions.js";
import type { StoredPosition } from "../journal/types.js";
import { SnapshotRecorder, type SnapshotLike } from "./recorder.js";
import { recover, type RecoveryReport } from "./recovery.js";
import type { PersistedPosition } from "./snapshot.js";
import { journalOnlyActors, runEffect, tradingActors, type EffectRunner } from "./trading-actors.js";
import { viewOf, type PositionDetail, type PositionView } from "./views.js";

/** XState's timer seam (its `clock` option). */
export interface TimerClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface PositionBookOptions {
  readonly journal: Journal;
  readonly executor: ExecutorShape;
  /** Stamps entries and ticks; the same clock the daemon reads. */
  readonly clock: Clock;
  /** Exit rules for new positions (restored ones keep their own). */
  readonly params: PositionParams;
  readonly risk: RiskParams;
  readonly slippageBps: number;
  /** The runtime's bridge to Effect (a ManagedRuntime's runPromise); default Effect.runPromise. */
  readonly run?: EffectRunner;
  /** Timers for the machines' `after` delays. Default: real timers. Tests pass a SimulatedClock. */
  readonly timers?: TimerClock;
  readonly newPositionId?: () => string;
  /** Waits between recovery's retries. Default: a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface OpenRequest extends EntryRequest {
  /** Overrides the book's exit rules for this position. */
  readonly params?: PositionParams;
}

export type OpenResult =
  | { readonly ok: true; readonly positionId: string; readonly decision: RiskDecision }
  | { readonly ok: false; readonly refused: "risk"; readonly decision: RiskDecision }
  | { readonly ok: false; readonly refused: "paused" };

const DAY_MS = 86_400_000;

/**
 * The root every position actor is a child of. XState lets only a parent stop a child, so the
 * book asks the root to stop each position (a root's own stop reaches spawned children only).
 */
const bookMachine = setup({
  types: { events: {} as { type: "position.stop"; ref: AnyActorRef } },
}).createMachine({
  id: "book",
  on: { "position.stop": { actions: stopChild(({ event }) => event.ref) } },
});

export class PositionBook {
  /** Resolves once recovery is done; entries wait on it. Rejects if recovery could not finish. */
  readonly ready: Promise<RecoveryReport>;
  readonly #o: PositionBookOptions;
  readonly #recorder: SnapshotRecorder;
  readonly #root: Actor<typeof bookMachine>;
  readonly #machine;
  readonly #replayMachine;
  readonly #actors = new Map<string, Actor<typeof positionMachine>>();
  readonly #byMint = new Map<string, Set<string>>();
  readonly #listeners = new Set<(view: PositionView) => void>();
  /** The journal's recent closed positions as risk last read them (`riskBook`). */
  #closed: { readonly since: number; readonly version: number; readonly rows: readonly ClosedPosition[] } | null = null;
  #isReady = false;
  #paused = false;
  #stopped = false;

  /** Starts recovery at once; ticks reach restored positions as soon as each is running. */
  static start(options: PositionBookOptions): PositionBook {
    return new PositionBook(options);
  }

  private constructor(o: PositionBookOptions) {
    this.#o = o;
    this.#recorder = new SnapshotRecorder(o.journal, o.clock);
    const record = ({ event }: { event: { type: string } }, r: TransitionRecord) => this.#recorder.onTransition(r, event.type);
    const soleHolder = (positionId: string, mint: string) => [...(this.#byMint.get(mint) ?? [])].every((id) => id === positionId);
    this.#machine = positionMachine.provide({
      actors: tradingActors({ journal: o.journal, executor: o.executor, clock: o.clock, slippageBps: o.slippageBps, soleHolder, ...(o.run ? { run: o.run } : {}) }),
      actions: { recordTransition: record },
    });
    this.#replayMachine = positionMachine.provide({ actors: journalOnlyActors(o.journal), actions: { recordTransition: record } });
    this.#root = createActor(bookMachine, o.timers ? { clock: o.timers } : {}).start();
    this.ready = recover({
      journal: o.journal, executor: o.executor, run: o.run ?? runEffect, recorder: this.#recorder,
      adopt: (stored, snap) => this.#adopt(stored.input, snap),
      replay: (stored, snap) => this.#replay(stored, snap),
      sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    }).then((report) => {
      this.#isReady = true;
      return report;
    });
    this.ready.catch(() => {}); // observed by open(); an unobserved rejection must not crash the daemon
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  /** Risk-checked entry. Waits for recovery: no entry before positions match the chain. */
  async open(req: OpenRequest): Promise<OpenResult> {
    await this.ready;
    if (this.#paused || this.#stopped) return { ok: false, refused: "paused" };
    const decision = assessEntry(req, this.riskBook(), this.#o.risk);
    if (!decision.allow) return { ok: false, refused: "risk", decision };
    const now = this.#o.clock.now();
    const positionId = this.#o.newPositionId?.() ?? `pos-${this.#o.journal.next("position")}`;
    if (this.#o.journal.positions.get(positionId) !== undefined) throw new Error(`position id ${positionId} is taken`);
    const input: PositionInput = { positionId, mint: req.mint, sizeSol: req.sizeSol, params: req.params ?? this.#o.params, ts: now };
    // Durable before the actor starts: a crash before its first snapshot still finds it.
    this.#o.journal.positions.create(input, POSITION_MACHINE_VERSION, now);
    this.#adopt(input, null);
    return { ok: true, positionId, decision };
  }

  /** Stop new entries (exits and stops keep working); `resumeEntries` undoes it. */
  pauseEntries(): void {
    this.#paused = true;
  }

  resumeEntries(): void {
    this.#paused = false;
  }

  get entriesPaused(): boolean {
    return this.#paused;
  }

  priceTick(mint: string, price: number, ts = this.#o.clock.now()): void {
    this.#sendMint(mint, { type: "price.tick", price, ts });
  }

  scoreUpdate(mint: string, score: number, ts = this.#o.clock.now()): void {
    this.#sendMint(mint, { type: "score.update", score, ts });
  }

  /** About once a second: deadlines and retries, then one commit for tick-only snapshot changes. */
  clockTick(ts = this.#o.clock.now()): void {
    const event: PositionEvent = { type: "clock.tick", ts };
    // A holding position before its deadline would only note the time: most ticks of most positions.
    for (const a of [...this.#actors.values()]) if (!idleClockTick(a.getSnapshot(), ts)) a.send(event);
    this.#recorder.flush();
  }

  /** A user's exit; false when no such position is running. */
  exit(positionId: string, ts = this.#o.clock.now()): boolean {
    const a = this.#actors.get(positionId);
    a?.send({ type: "user.exit", ts });
    return a !== undefined;
  }

  exitAll(ts = this.#o.clock.now()): number {
    const ids = [...this.#actors.keys()];
    for (const id of ids) this.exit(id, ts);
    return ids.length;
  }

  /** Running positions first, then the journal's closed ones, oldest first within each. */
  list(status: "active" | "done" | "all" = "all"): PositionView[] {
    const live = [...this.#actors.values()].map((a) => viewOf(a.getSnapshot(), "active"));
    if (status === "active") return live;
    const stored = this.#o.journal.positions.list().filter((p) => !this.#actors.has(p.positionId) && p.snapshot !== null);
    const rest = stored.filter((p) => status === "all" || p.status === status).map((p) => viewOf(p.snapshot as PersistedPosition, p.status));
    return status === "done" ? rest : [...live, ...rest];
  }

  get(positionId: string): PositionDetail | undefined {
    const stored = this.#o.journal.positions.get(positionId);
    if (stored === undefined || stored.snapshot === null) return undefined;
    const a = this.#actors.get(positionId);
    const view = a ? viewOf(a.getSnapshot(), "active") : viewOf(stored.snapshot as PersistedPosition, stored.status);
    const { orders, positions } = this.#o.journal;
    return {
      ...view, transitions: positions.transitions(positionId), intents: orders.intentsOf(positionId),
      fills: orders.fillsOf(positionId), snapshot: a ? a.getPersistedSnapshot() : stored.snapshot,
    };
  }

  /** Every snapshot of every position, as a view (dashboard push). Returns the unsubscribe. */
  subscribe(listener: (view: PositionView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What risk sees: SOL at cost still at risk per open position, and recent closed trades. */
  riskBook(nowTs = this.#o.clock.now()): RiskBook {
    const open = [...this.#actors.values()].map((a) => {
      const c = a.getSnapshot().context;
      return { mint: c.mint, exposureSol: c.fills.qtyBought > 0 ? Math.max(0, c.fills.costSol - c.fills.proceedsSol) : c.sizeSol };
    });
    const since = nowTs - Math.max(this.#o.risk.cooldownMs, 2 * DAY_MS);
    // Risk reads this at every close; the closed rows change only when a position finishes.
    const version = this.#o.journal.positions.closedVersion;
    if (this.#closed === null || this.#closed.version !== version || since < this.#closed.since) {
      this.#closed = { since, version, rows: this.#o.journal.positions.closedSince(since) };
    }
    const rows = this.#closed.rows;
    return { open, closed: rows.length > 0 && rows[0]!.closedTs < since ? rows.filter((r) => r.closedTs >= since) : rows, nowTs };
  }

  /** Writes what is dirty and stops every actor (in-flight executor calls are aborted, journaled as nothing). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#recorder.flush();
    // Nothing may journal the "stopped" snapshots: a restore must find the last running ones.
    for (const id of this.#actors.keys()) this.#recorder.untrack(id);
    const actors = [...this.#actors.values()];
    this.#actors.clear();
    this.#byMint.clear();
    // A position left running would still fire its `after` timers (retries that trade).
    for (const ref of actors) this.#root.send({ type: "position.stop", ref });
    this.#root.stop();
  }

  #sendMint(mint: string, event: PositionEvent): void {
    const ids = this.#byMint.get(mint);
    if (ids === undefined) return;
    for (const id of [...ids]) this.#actors.get(id)?.send(event);
  }

  #adopt(input: PositionInput, snapshot: PersistedPosition | null): void {
    if (this.#stopped) return;
    const id = input.positionId;
    const options = { input, parent: this.#root, id, ...(snapshot === null ? {} : { snapshot: snapshot as never }) };
    const actor = createActor(this.#machine, options);
    this.#recorder.track(id, actor);
    this.#actors.set(id, actor);
    this.#byMint.set(input.mint, (this.#byMint.get(input.mint) ?? new Set()).add(id));
    actor.subscribe({
      next: (s) => this.#onSnapshot(id, input.mint, s),
      error: () => this.#onSnapshot(id, input.mint, { status: "error" }),
    });
    actor.start();
  }

  #onSnapshot(id: string, mint: string, snap: SnapshotLike | { readonly status: "error" }): void {
    const actor = this.#actors.get(id);
    if (actor === undefined) return;
    const status = snap.status;
    this.#recorder.onSnapshot(id, snap);
    this.#notify(actor, status);
    if (status === "active") return;
    // Finished (or failed): the journal has it; memory lets it go.
    this.#recorder.untrack(id);
    this.#actors.delete(id);
    const ids = this.#byMint.get(mint);
    ids?.delete(id);
    if (ids?.size === 0) this.#byMint.delete(mint);
  }

  #notify(actor: Actor<typeof positionMachine>, status: string): void {
    if (this.#listeners.size === 0) return;
    const view = viewOf(actor.getSnapshot(), status === "active" ? "active" : status === "done" ? "done" : "error");
    for (const l of this.#listeners) l(view);
  }

  /** Recovery's replay: a temporary root actor on journal answers, stopped once it settles. */
  async #replay(stored: StoredPosition, snapshot: PersistedPosition | null): Promise<PersistedPosition> {
    const id = stored.positionId;
    const options = { input: stored.input, clock: new SimulatedClock(), ...(snapshot === null ? {} : { snapshot: snapshot as never }) };
    const actor = createActor(this.#replayMachine, options);
    this.#recorder.track(id, actor);
    const sub = actor.subscribe({
      next: (s) => {
        this.#recorder.onSnapshot(id, s);
        this.#notify(actor, s.status);
      },
      error: () => {},
    });
    actor.start();
    // Timers were not persisted: the clock tick lets a machine waiting on an outcome ask now.
    actor.send({ type: "clock.tick", ts: this.#o.clock.now() });
    // Journal answers are promises settled in microtasks; a macrotask turn drains them.
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    this.#recorder.flush();
    const settled = actor.getPersistedSnapshot() as unknown as PersistedPosition;
    sub.unsubscribe();
    this.#recorder.untrack(id);
    actor.stop();
    return settled;
  }
}
