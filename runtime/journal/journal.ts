/**
 * The trading journal (issue 6, item 4): one SQLite file holding order intents, signed bytes and
 * signatures, fills, position snapshots and transitions, and the supervisor's transitions. Every
 * call returns after its commit is fsync'd. It backs the executor's journal port (`submissionJournal`, executor-port.ts), is the
 * position book's store, and the source of the ClickHouse mirror (see mirror.ts).
 *
 * One process owns a journal file at a time; a second opener waits on SQLite's lock.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { systemClock, type Clock } from "../../core/clock.js";
import { openJournalDb, type JournalDb } from "./db.js";
import { OrderJournal } from "./orders.js";
import { Outbox } from "./outbox.js";
import { PositionJournal } from "./positions.js";
import { SupervisorJournal } from "./supervisor.js";
import type { SignedRecord } from "./types.js";

export interface JournalOptions {
  /** Stamps signature and status rows. Default: the system clock (this is runtime/). */
  readonly clock?: Clock;
}

export class Journal {
  readonly path: string;
  readonly orders: OrderJournal;
  readonly positions: PositionJournal;
  readonly supervisor: SupervisorJournal;
  readonly outbox: Outbox;
  readonly #db: JournalDb;
  readonly #counter;
  #closed = false;

  static open(path: string, options: JournalOptions = {}): Journal {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    return new Journal(path, openJournalDb(path), options.clock ?? systemClock);
  }

  private constructor(path: string, db: JournalDb, clock: Clock) {
    this.path = path;
    this.#db = db;
    this.outbox = new Outbox(db);
    this.orders = new OrderJournal(db, this.outbox, clock);
    this.positions = new PositionJournal(db, this.outbox);
    this.supervisor = new SupervisorJournal(db, this.outbox);
    const bump = db.prepare(`INSERT INTO meta (key, value) VALUES (?, '1')
      ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER) AS n`).pluck();
    this.#counter = (name: string): number => bump.get(name) as number;
  }

  /** The executor's port: resolves once the signature and bytes are on disk. */
  recordSigned(record: SignedRecord): Promise<void> {
    try {
      this.orders.recordSigned(record);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A durable counter (1, 2, ...): ids that stay unique across restarts. */
  next(name: string): number {
    return this.#counter(name);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Checkpoints the WAL into the main file and closes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
