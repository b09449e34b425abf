/**
 * Rows for the ClickHouse mirror, appended inside the same SQLite transaction as the journal row
 * they copy, and deleted once the mirror has handed them to ClickHouse (or its fsync'd spool).
 * Column names are those of `runtime/storage/migrations/002_trading.ts`.
 */
import type { JournalDb } from "./db.js";

export type MirrorTable = "order_intents" | "fills" | "position_transitions" | "supervisor_transitions";

export interface OutboxRow {
  readonly id: number;
  readonly table: MirrorTable;
  readonly row: Record<string, unknown>;
}

export class Outbox {
  readonly #append;
  readonly #read;
  readonly #ack;
  readonly #count;

  constructor(db: JournalDb) {
    this.#append = db.prepare("INSERT INTO outbox (tbl, row) VALUES (?, ?)");
    this.#read = db.prepare("SELECT id, tbl, row FROM outbox WHERE id > ? ORDER BY id LIMIT ?");
    this.#ack = db.prepare("DELETE FROM outbox WHERE id <= ?");
    this.#count = db.prepare("SELECT count(*) AS n FROM outbox").pluck();
  }

  /** Call inside the transaction that writes the source row. */
  append(table: MirrorTable, row: Record<string, unknown>): void {
    this.#append.run(table, JSON.stringify(row));
  }

  read(afterId: number, limit: number): OutboxRow[] {
    const rows = this.#read.all(afterId, limit) as { id: number; tbl: MirrorTable; row: string }[];
    return rows.map((r) => ({ id: r.id, table: r.tbl, row: JSON.parse(r.row) as Record<string, unknown> }));
  }

  /** The mirror has these rows safe elsewhere. */
  ack(uptoId: number): void {
    this.#ack.run(uptoId);
  }

  get size(): number {
    return this.#count.get() as number;
  }
}
