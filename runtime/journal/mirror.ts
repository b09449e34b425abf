/**
 * Copies the journal's outbox to ClickHouse (order_intents, fills, position_transitions,
 * supervisor_transitions) through
 * one BatchedWriter per table. Trading never waits on it: journal writes only append to the
 * outbox (in their own SQLite commit), and this pump runs on its own timer. Outbox rows are
 * deleted only after the writer's flush says they are in ClickHouse or its fsync'd spool, so a
 * crash or a ClickHouse outage delays the mirror, never loses a row. Tables are
 * ReplacingMergeTrees keyed by the row's natural key: a row sent twice is read once with FINAL.
 */
import type { AppConfig } from "../../config/index.js";
import { consoleLogger } from "../storage/batched-writer.js";
import { openWriter } from "../storage/from-config.js";
import type { Storage, StorageLogger } from "../storage/storage.js";
import type { Journal } from "./journal.js";
import type { MirrorTable } from "./outbox.js";

/** The part of BatchedWriter the mirror uses. */
export interface MirrorWriter {
  push(rows: readonly object[]): Promise<void>;
  flush(): Promise<void>;
  close?(): Promise<void>;
}
export type MirrorWriters = Readonly<Record<MirrorTable, MirrorWriter>>;

export interface MirrorOptions {
  readonly journal: Journal;
  readonly writers: MirrorWriters;
  /** Outbox rows per pump. Default 2,000. */
  readonly batchRows?: number;
  /** How often the pump looks at the outbox. Default 500 ms. */
  readonly intervalMs?: number;
  readonly logger?: StorageLogger;
}

const TABLES: readonly MirrorTable[] = ["order_intents", "fills", "position_transitions", "supervisor_transitions"];

export class JournalMirror {
  readonly #journal: Journal;
  readonly #writers: MirrorWriters;
  readonly #batchRows: number;
  readonly #intervalMs: number;
  readonly #log: StorageLogger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #mirrored = 0;
  #failures = 0;

  /** Writers from config (spool under `<dataDir>/spool`), one per mirrored table. */
  static async open(config: AppConfig, storage: Storage, journal: Journal, logger: StorageLogger): Promise<JournalMirror> {
    const writers: Partial<Record<MirrorTable, MirrorWriter>> = {};
    for (const t of TABLES) writers[t] = await openWriter(config, storage, t, logger);
    return new JournalMirror({ journal, writers: writers as MirrorWriters, logger });
  }

  constructor(options: MirrorOptions) {
    this.#journal = options.journal;
    this.#writers = options.writers;
    this.#batchRows = options.batchRows ?? 2_000;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#log = options.logger ?? consoleLogger;
  }

  /** Pump on a timer (unref'd: it never keeps the process alive). */
  start(): this {
    this.#timer ??= setInterval(() => void this.pump(), this.#intervalMs).unref();
    return this;
  }

  /**
   * One batch: push, flush, then delete from the outbox. Resolves with the rows acknowledged (0
   * when a failure left them for the next pump). One pump at a time; a call during one joins it.
   */
  pump(): Promise<number> {
    this.#running ??= this.#pumpOnce().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Pump until the outbox is empty. */
  async drain(): Promise<void> {
    while (!this.#journal.closed && this.#journal.outbox.size > 0) {
      if ((await this.pump()) === 0) return;
    }
  }

  /** Stops the timer, waits for a pump in flight, closes the writers (which spool what is left). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    for (const t of TABLES) await this.#writers[t].close?.();
  }

  stats(): { mirrored: number; failures: number; lag: number } {
    return { mirrored: this.#mirrored, failures: this.#failures, lag: this.#journal.closed ? 0 : this.#journal.outbox.size };
  }

  async #pumpOnce(): Promise<number> {
    if (this.#journal.closed) return 0;
    const rows = this.#journal.outbox.read(0, this.#batchRows);
    const last = rows.at(-1);
    if (last === undefined) return 0;
    const byTable = new Map<MirrorTable, object[]>();
    for (const r of rows) {
      // A later status of the same intent must win in the ReplacingMergeTree.
      const row = r.table === "order_intents" ? { ...r.row, version: r.id } : r.row;
      const list = byTable.get(r.table) ?? [];
      list.push(row);
      byTable.set(r.table, list);
    }
    try {
      for (const [table, list] of byTable) await this.#writers[table].push(list);
      for (const table of byTable.keys()) await this.#writers[table].flush();
    } catch (e) {
      this.#failures++;
      this.#log.warn("journal mirror: rows stay in the outbox for the next pump", { rows: rows.length, error: String(e) });
      return 0;
    }
    if (this.#journal.closed) return 0;
    this.#journal.outbox.ack(last.id);
    this.#mirrored += rows.length;
    return rows.length;
  }
}
