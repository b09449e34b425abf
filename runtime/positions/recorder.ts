/**
 * Journals each position's persisted snapshot. A snapshot that follows a transition (a state
 * entry: `recordTransition` fired) or ends the machine is written at once with its transitions,
 * in one fsync'd commit, before the next event is handled. A snapshot that only moved what a
 * restart must not lose (peak and stop, an exit noted while an order is in flight, fills) is
 * marked dirty and written by `flush()`, which the book calls on every clock tick: one commit for
 * all of them, not one fsync per tick. Changes of the last price and time alone are not written:
 * the next tick after a restart brings them again.
 */
import type { Clock } from "../../core/clock.js";
import type { TransitionRecord } from "../../machines/position.types.js";
import type { Journal } from "../journal/journal.js";
import type { PositionStatus, SnapshotWrite, TransitionRow } from "../journal/types.js";
import { stateString, type PersistedPosition } from "./snapshot.js";

interface Persistable {
  getPersistedSnapshot(): unknown;
}

interface Tracked {
  actor: Persistable;
  lastState: string;
  pending: TransitionRow[];
  /** What the last write held of the parts worth a write (objects compared by identity). */
  seen: Seen | null;
}

interface Seen {
  readonly peak: number;
  readonly stop: number;
  readonly armed: boolean;
  readonly order: unknown;
  readonly fills: unknown;
}

/** The live snapshot's context, as far as the recorder looks at it. */
export interface SnapshotLike {
  readonly status: string;
  readonly context: Pick<PersistedPosition["context"], "track" | "order" | "fills">;
}

const seenOf = (c: SnapshotLike["context"]): Seen =>
  ({ peak: c.track.peak, stop: c.track.stop, armed: c.track.armed, order: c.order, fills: c.fills });
const changed = (a: Seen | null, b: Seen): boolean =>
  a === null || a.peak !== b.peak || a.stop !== b.stop || a.armed !== b.armed || a.order !== b.order || a.fills !== b.fills;

const statusOf = (p: PersistedPosition): PositionStatus =>
  p.status === "done" ? "done" : p.status === "error" ? "error" : "active";

export class SnapshotRecorder {
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #tracked = new Map<string, Tracked>();
  readonly #dirty = new Set<string>();

  constructor(journal: Journal, clock: Clock) {
    this.#journal = journal;
    this.#clock = clock;
  }

  /** Follow this actor's snapshots, continuing from the journal's last transition. */
  track(positionId: string, actor: Persistable): void {
    const prev = this.#tracked.get(positionId);
    this.#tracked.set(positionId, { actor, lastState: prev?.lastState ?? this.#lastState(positionId), pending: prev?.pending ?? [], seen: null });
  }

  untrack(positionId: string): void {
    this.#tracked.delete(positionId);
    this.#dirty.delete(positionId);
  }

  /** The machine's `recordTransition`: kept until its snapshot is written. */
  onTransition(r: TransitionRecord, event: string): void {
    const t = this.#tracked.get(r.positionId);
    if (t === undefined) return;
    t.pending.push({ positionId: r.positionId, seq: r.seq, fromState: t.lastState, toState: r.state, event, reason: r.reason, ts: r.ts });
    t.lastState = r.state;
  }

  /** Observer of every snapshot (an errored actor passes status "error" and no context). */
  onSnapshot(positionId: string, snap: SnapshotLike | { readonly status: "error" }): void {
    const t = this.#tracked.get(positionId);
    if (t === undefined) return;
    if (t.pending.length > 0 || snap.status !== "active" || !("context" in snap)) {
      this.#write([positionId]);
      return;
    }
    const now = seenOf(snap.context);
    if (changed(t.seen, now)) this.#dirty.add(positionId);
    t.seen = now;
  }

  /** Write every snapshot that changed without a transition, in one commit. */
  flush(): void {
    if (this.#dirty.size === 0) return;
    this.#write([...this.#dirty]);
  }

  /** A snapshot rewritten outside the machine (reconciliation), with its own transition record. */
  writePatched(positionId: string, p: PersistedPosition, event: string): void {
    const t = this.#tracked.get(positionId);
    const state = stateString(p.value);
    const c = p.context;
    const row: TransitionRow = { positionId, seq: c.seq, fromState: t?.lastState ?? this.#lastState(positionId), toState: state, event, reason: c.reason, ts: c.track.lastTs };
    if (t !== undefined) t.lastState = state;
    this.#journal.positions.save(this.#snapshotWrite(positionId, p, [row]));
  }

  #lastState(positionId: string): string {
    return this.#journal.positions.lastTransition(positionId)?.toState ?? "new";
  }

  #write(ids: readonly string[]): void {
    const writes: SnapshotWrite[] = [];
    for (const id of ids) {
      this.#dirty.delete(id);
      const t = this.#tracked.get(id);
      if (t === undefined) continue;
      const p = t.actor.getPersistedSnapshot() as PersistedPosition;
      if (p.context !== undefined) t.seen = seenOf(p.context);
      // An errored machine keeps its last good snapshot; the status says what happened.
      if (p.status === "error") {
        const stored = this.#journal.positions.get(id)?.snapshot as PersistedPosition | null | undefined;
        writes.push(this.#snapshotWrite(id, stored ?? p, t.pending.splice(0), "error"));
        continue;
      }
      writes.push(this.#snapshotWrite(id, p, t.pending.splice(0)));
    }
    this.#journal.positions.saveMany(writes);
  }

  #snapshotWrite(positionId: string, p: PersistedPosition, transitions: TransitionRow[], status = statusOf(p)): SnapshotWrite {
    const c = p.context;
    return {
      positionId, snapshot: p, state: stateString(p.value), status, seq: c.seq, reason: c.reason,
      ts: this.#clock.now(), transitions,
      ...(status === "done" ? { closed: { ts: c.track.lastTs, pnlSol: p.output?.pnlSol ?? c.fills.proceedsSol - c.fills.costSol } } : {}),
    };
  }
}
