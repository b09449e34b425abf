/**
 * Position machines' persisted snapshots (`getPersistedSnapshot()` JSON, tagged with the
 * machine version) and their transition records. A snapshot and the transitions that led to it
 * commit together, with their mirror rows.
 */
import type { PositionInput } from "../../machines/position.types.js";
import type { JournalDb } from "./db.js";
import type { Outbox } from "./outbox.js";
import type { PositionStatus, SnapshotWrite, StoredPosition, TransitionRow } from "./types.js";

interface PositionRow {
  position_id: string; mint: string; input: string; machine_version: number; snapshot: string | null;
  state: string; status: PositionStatus; seq: number; reason: string; created_ts: number;
  updated_ts: number; closed_ts: number | null; pnl_sol: number | null;
}
interface TransitionDbRow {
  position_id: string; seq: number; from_state: string; to_state: string; event: string; reason: string; ts: number;
}

const toPosition = (r: PositionRow): StoredPosition => ({
  positionId: r.position_id, mint: r.mint, input: JSON.parse(r.input) as PositionInput,
  machineVersion: r.machine_version, snapshot: r.snapshot === null ? null : JSON.parse(r.snapshot),
  state: r.state, status: r.status, seq: r.seq, reason: r.reason, createdTs: r.created_ts,
  updatedTs: r.updated_ts, closedTs: r.closed_ts, pnlSol: r.pnl_sol,
});
const toTransition = (r: TransitionDbRow): TransitionRow => ({
  positionId: r.position_id, seq: r.seq, fromState: r.from_state, toState: r.to_state,
  event: r.event, reason: r.reason, ts: r.ts,
});

export interface ClosedPosition {
  readonly mint: string;
  readonly closedTs: number;
  readonly pnlSol: number;
}

export class PositionJournal {
  readonly #db: JournalDb;
  readonly #outbox: Outbox;
  readonly #q;
  #closedVersion = 0;

  constructor(db: JournalDb, outbox: Outbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#q = {
      create: db.prepare(`INSERT OR IGNORE INTO positions (position_id, mint, input, machine_version, snapshot, state,
        status, seq, reason, created_ts, updated_ts) VALUES (?, ?, ?, ?, NULL, 'new', 'active', 0, 'created', ?, ?)`),
      save: db.prepare(`UPDATE positions SET snapshot = @snapshot, state = @state, status = @status, seq = @seq,
        reason = @reason, updated_ts = @ts, closed_ts = @closedTs, pnl_sol = @pnlSol WHERE position_id = @positionId`),
      transition: db.prepare(`INSERT OR IGNORE INTO transitions (position_id, seq, from_state, to_state, event, reason, ts)
        VALUES (@positionId, @seq, @fromState, @toState, @event, @reason, @ts)`),
      get: db.prepare("SELECT * FROM positions WHERE position_id = ?"),
      all: db.prepare("SELECT * FROM positions ORDER BY created_ts, rowid"),
      byStatus: db.prepare("SELECT * FROM positions WHERE status = ? ORDER BY created_ts, rowid"),
      transitions: db.prepare("SELECT * FROM transitions WHERE position_id = ? ORDER BY seq"),
      lastTransition: db.prepare("SELECT * FROM transitions WHERE position_id = ? ORDER BY seq DESC LIMIT 1"),
      closedSince: db.prepare("SELECT mint, closed_ts, pnl_sol FROM positions WHERE closed_ts >= ? ORDER BY closed_ts"),
    };
  }

  /** Durable before the actor starts, so a crash before its first snapshot still knows of it. */
  create(input: PositionInput, machineVersion: number, ts: number): void {
    this.#q.create.run(input.positionId, input.mint, JSON.stringify(input), machineVersion, ts, ts);
  }

  /** One snapshot and its transitions, committed together. */
  save(w: SnapshotWrite): void {
    this.saveMany([w]);
  }

  /** Several positions in one commit (one fsync): the periodic flush of tick-only changes. */
  saveMany(ws: readonly SnapshotWrite[]): void {
    if (ws.length === 0) return;
    this.#db.transaction(() => {
      for (const w of ws) this.#save(w);
    })();
  }

  get(positionId: string): StoredPosition | undefined {
    const row = this.#q.get.get(positionId) as PositionRow | undefined;
    return row === undefined ? undefined : toPosition(row);
  }

  list(status?: PositionStatus): StoredPosition[] {
    const rows = (status === undefined ? this.#q.all.all() : this.#q.byStatus.all(status)) as PositionRow[];
    return rows.map(toPosition);
  }

  transitions(positionId: string): TransitionRow[] {
    return (this.#q.transitions.all(positionId) as TransitionDbRow[]).map(toTransition);
  }

  lastTransition(positionId: string): TransitionRow | undefined {
    const row = this.#q.lastTransition.get(positionId) as TransitionDbRow | undefined;
    return row === undefined ? undefined : toTransition(row);
  }

  /** Closed positions since `ts`, for risk's cooldowns and daily loss. */
  closedSince(ts: number): ClosedPosition[] {
    const rows = this.#q.closedSince.all(ts) as { mint: string; closed_ts: number; pnl_sol: number | null }[];
    return rows.map((r) => ({ mint: r.mint, closedTs: r.closed_ts, pnlSol: r.pnl_sol ?? 0 }));
  }

  /** Changes whenever a position's closing is written: a reader of `closedSince` can keep its answer until then. */
  get closedVersion(): number {
    return this.#closedVersion;
  }

  #save(w: SnapshotWrite): void {
    if (w.closed != null) this.#closedVersion++;
    const json = JSON.stringify(w.snapshot);
    this.#q.save.run({
      positionId: w.positionId, snapshot: json, state: w.state, status: w.status, seq: w.seq, reason: w.reason,
      ts: w.ts, closedTs: w.closed?.ts ?? null, pnlSol: w.closed?.pnlSol ?? null,
    });
    for (const t of w.transitions) {
      if (this.#q.transition.run(t).changes === 0) continue;
      this.#outbox.append("position_transitions", {
        position_id: t.positionId, seq: t.seq, from_state: t.fromState, to_state: t.toState, event: t.event,
        reason: t.reason, snapshot: json, ts_ms: t.ts,
      });
    }
  }
}
