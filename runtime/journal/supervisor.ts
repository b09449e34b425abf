/**
 * The supervisor's transitions (mode changes, child restarts and degradations, promotions,
 * shutdowns), journaled as they happen so the trail of what the daemon decided survives it, and
 * mirrored to ClickHouse's `supervisor_transitions`. `boot` numbers the daemon's starts on this
 * journal: the supervisor's `seq` starts again at every boot.
 */
import type { SupervisorRecord } from "../../machines/supervisor.types.js";
import type { JournalDb } from "./db.js";
import type { Outbox } from "./outbox.js";

export interface JournaledSupervisorRecord extends SupervisorRecord {
  readonly boot: number;
}

export class SupervisorJournal {
  readonly #db: JournalDb;
  readonly #outbox: Outbox;
  readonly #insert;
  readonly #recent;

  constructor(db: JournalDb, outbox: Outbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#insert = db.prepare("INSERT OR IGNORE INTO supervisor_records (boot, seq, state, reason, ts) VALUES (?, ?, ?, ?, ?)");
    this.#recent = db.prepare("SELECT boot, seq, state, reason, ts FROM supervisor_records ORDER BY boot DESC, seq DESC LIMIT ?");
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
