/**
 * The supervisor's transitions (mode changes, child restarts and degradations, promotions,
 * shutdowns), journaled as they happen so the trail of what the daemon decided survives it, and
 * mirrored to ClickHouse's `supervisor_transitions`. `boot` numbers the daemon's starts on this
 * journal: the supervisor's `seq` starts again at every boot. The operator's stop is kept here too:
 * taken by `POST /stop` or the stop file, it holds across restarts until `POST /resume`.
 */
import type { SupervisorRecord } from "../../machines/supervisor.types.js";
import type { JournalDb } from "./db.js";
import type { Outbox } from "./outbox.js";

export interface JournaledSupervisorRecord extends SupervisorRecord {
  readonly boot: number;
}

/** The operator switched entries off: from where, why, and when (Unix ms). */
export interface OperatorStop {
  readonly source: string;
  readonly reason: string;
  readonly ts: number;
}

export class SupervisorJournal {
  readonly #db: JournalDb;
  readonly #outbox: Outbox;
  readonly #insert;
  readonly #recent;
  readonly #stop;
  readonly #resume;
  readonly #stopped;

  constructor(db: JournalDb, outbox: Outbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#insert = db.prepare("INSERT OR IGNORE INTO supervisor_records (boot, seq, state, reason, ts) VALUES (?, ?, ?, ?, ?)");
    this.#recent = db.prepare("SELECT boot, seq, state, reason, ts FROM supervisor_records ORDER BY boot DESC, seq DESC LIMIT ?");
    // A second stop while one holds keeps the first: entries have been off since then.
    this.#stop = db.prepare("INSERT OR IGNORE INTO operator_stop (id, source, reason, ts) VALUES (1, ?, ?, ?)");
    this.#resume = db.prepare("DELETE FROM operator_stop");
    this.#stopped = db.prepare("SELECT source, reason, ts FROM operator_stop");
  }

  /** The operator stopped entries; they stay off, across restarts, until `resumeEntries`. */
  stopEntries(s: OperatorStop): void {
    this.#stop.run(s.source, s.reason, s.ts);
  }

  resumeEntries(): void {
    this.#resume.run();
  }

  /** The operator's stop in force, if any. */
  entriesStop(): OperatorStop | null {
    return (this.#stopped.get() as OperatorStop | undefined) ?? null;
  }

  record(boot: number, r: SupervisorRecord): void {
    this.#db.transaction(() => {
      if (this.#insert.run(boot, r.seq, r.state, r.reason, r.ts).changes === 0) return;
      this.#outbox.append("supervisor_transitions", { boot, seq: r.seq, state: r.state, reason: r.reason, ts_ms: r.ts });
    })();
  }

  /** The newest `limit` records, across boots, oldest first. */
  recent(limit: number): JournaledSupervisorRecord[] {
    return (this.#recent.all(limit) as JournaledSupervisorRecord[]).reverse();
  }
}
