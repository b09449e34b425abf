/**
 * BatchedWriter: the one way hot paths write to ClickHouse. One writer per table.
 *
 * Rows are encoded at push() (a bad row rejects there, before anything is accepted), buffered in
 * a bounded queue, and written in batches when `maxBatchRows` rows are waiting, when the oldest
 * has waited `flushIntervalMs`, or on flush()/close(). A failed insert is retried on a capped,
 * jittered exponential Schedule while the error is retryable; when the retries run out the batch
 * goes to an on-disk spool (fsync'd), and later batches go straight to the spool while a probe
 * re-tries ClickHouse with backoff. Once ClickHouse answers, the spool is replayed oldest first,
 * interleaved with new batches. A writer opened on a directory that holds spool files (say after
 * a crash) replays them.
 *
 * What "nothing acknowledged is lost" means here, precisely:
 * - ack "buffered" (default): push() resolves once the rows are in the writer's memory. From then
 *   on they reach ClickHouse or a durable spool file, whatever ClickHouse does, as long as the
 *   process lives and close() is awaited before exit. A crash (kill -9, power cut) loses what is
 *   still in memory: at most `maxBufferRows + maxBatchRows` rows.
 * - ack "durable": push() resolves only once its rows are inserted in ClickHouse or fsync'd in
 *   the spool, so they survive a crash. It rejects if ClickHouse refused them as invalid; rows
 *   that went to the spool are judged at replay, and dead-lettered there if invalid. Batches are
 *   group-committed: each insert takes whatever arrived while the previous one ran.
 * - At least once: a batch may be written twice (an insert that timed out yet landed, a crash
 *   between a replay and deleting its file). Every table is a ReplacingMergeTree keyed by the
 *   row's natural key, so reads with FINAL (or argMax by key) never double count.
 * - Rows ClickHouse rejects as invalid (type or parse errors, unknown column) are not retried;
 *   they are written to `<spool>/rejected/` with the error, logged at error level and counted.
 *   Other non-retryable failures (credentials, missing table, storage closed) keep the rows:
 *   they are spooled like an outage and logged, for an operator to fix and a restart to replay.
 * - A spool write that fails (disk full, I/O error) is handled like a full spool; at close() it
 *   is the one case that loses rows, and close() rejects with SpoolIoError after logging how many.
 * - Spool bound (`maxSpoolBytes`): when spooling a batch would pass it, the writer logs an error
 *   and keeps that batch in memory; the buffer then fills and push() applies `onSpoolFull`:
 *   "block" waits for room (rejecting with SpoolFullError after `blockTimeoutMs` if given),
 *   "reject" rejects at once with SpoolFullError. A rejected push was not acknowledged: its rows
 *   are the caller's. The writer never drops acknowledged rows to make room. close() spools what
 *   is left in memory even past the bound (by at most the buffer), logging it: the alternative is loss.
 * - close() drains memory (to ClickHouse, or to the spool while it is unreachable; retry backoff
 *   is cut short) and resolves when nothing acknowledged is left only in memory. Spool files stay
 *   for the next writer on the same directory. flush() resolves once every row acknowledged
 *   before the call is in ClickHouse or the spool; drain() additionally waits for an empty spool.
 *
 * One writer per spool directory (`<spoolDir>/<table>`): enforced within a process; across
 * processes, give each its own spoolDir.
 *
 * This file is the writer's loop and its health states; its parts live beside it: options and
 * stats (writer-options.ts), encoded chunks and durable tickets (chunks.ts), the bounded buffer
 * and flush policy (write-buffer.ts), retried inserts (insert-retry.ts), outage probes
 * (probe.ts), flush/drain waiters (waiters.ts) and the spool (spool.ts).
 */
import { join, resolve } from "node:path";
import type { Clock } from "../../core/clock.js";
import { attachTicket, encodeChunks, settleChunks, type Chunk } from "./chunks.js";
import { columnsOf } from "./encode.js";
import { consoleLogger } from "./console-logger.js";
import { SpoolFullError, StorageClosedError, StorageConfigError, type StorageError } from "./errors.js";
import { insertWithRetry, isBadData, type InsertOutcome, type InsertRetry } from "./insert-retry.js";
import { Probe } from "./probe.js";
import { Spool, type SpoolEntry } from "./spool.js";
import type { EncodedBatch, Storage, StorageLogger } from "./storage.js";
import { Waiters } from "./waiters.js";
import { WriteBuffer, type Batch, type WaitingPush } from "./write-buffer.js";
import { writerSettings, type BatchedWriterOptions, type WriterSettings, type WriterStats } from "./writer-options.js";

export { consoleLogger } from "./console-logger.js";
export type { AckMode, BatchedWriterOptions, SpoolFullPolicy, WriterStats } from "./writer-options.js";

const activeDirs = new Set<string>();

export class BatchedWriter {
  readonly table: string;
  readonly #sink: Pick<Storage, "insertEncoded" | "target">;
  readonly #spool: Spool;
  readonly #log: StorageLogger;
  readonly #clock: Clock;
  readonly #settings: WriterSettings;
  readonly #closeAbort = new AbortController();
  readonly #insert: InsertRetry;
  readonly #probe: Probe;
  #columns: readonly string[] | undefined;

  readonly #buffer: WriteBuffer;
  #pending: Batch | undefined;
  #settledRows = 0;
  readonly #flushWaiters = new Waiters();
  readonly #drainWaiters = new Waiters();

  #degraded = false;
  #spoolFull = false;
  #closing = false;
  #fatal: unknown;

  #signalled = false;
  #wakeLoop: (() => void) | undefined;
  readonly #loop: Promise<void>;
  #closed: Promise<void> | undefined;

  #rowsWritten = 0;
  #rowsReplayed = 0;
  #rowsSpooled = 0;
  #rowsRejected = 0;
  #retries = 0;
  #batchesWritten = 0;

  /** Open the spool (replaying whatever a previous writer left there) and start writing. */
  static async open(options: BatchedWriterOptions): Promise<BatchedWriter> {
    const dir = resolve(join(options.spoolDir, options.table));
    if (activeDirs.has(dir)) {
      throw new StorageConfigError({
        message: `a BatchedWriter already owns spool directory ${dir}; use one writer per table`,
        target: options.storage.target,
        retryable: false,
      });
    }
    activeDirs.add(dir);
    try {
      const logger = options.logger ?? consoleLogger;
      const spool = await Spool.open(dir, options.table, logger);
      if (spool.files > 0) {
        logger.info("spool found: replaying it", { table: options.table, files: spool.files, rows: spool.rows, bytes: spool.bytes });
      }
      return new BatchedWriter(options, spool, logger);
    } catch (err) {
      activeDirs.delete(dir);
      throw err;
    }
  }

  private constructor(options: BatchedWriterOptions, spool: Spool, logger: StorageLogger) {
    this.table = options.table;
    this.#sink = options.storage;
    this.#spool = spool;
    this.#log = logger;
    this.#columns = options.columns;
    const s = (this.#settings = writerSettings(options));
    this.#clock = s.clock;
    this.#buffer = new WriteBuffer(s, () => this.#wake());
    this.#insert = {
      sink: this.#sink,
      table: this.table,
      policy: s.retry,
      rng: s.rng,
      signal: this.#closeAbort.signal,
      closedError: () => this.#closedError("insert"),
      onRetry: (batch, error, attempt, delayMs) => {
        this.#retries++;
        this.#log.warn("insert failed, retrying", { table: this.table, rows: batch.rows, attempt, delayMs: Math.round(delayMs), error: error.message });
      },
    };
    this.#probe = new Probe({
      policy: s.probe,
      rng: s.rng,
      signal: this.#closeAbort.signal,
      target: this.#sink.target,
      table: this.table,
      log: logger,
      wake: () => this.#wake(),
    });
    this.#loop = this.#run();
  }

  /**
   * Hand rows to the writer. Resolves when they are acknowledged (see the file header for what
   * `ack` means). Rejects with StorageEncodeError for a malformed row (nothing accepted), with
   * SpoolFullError under the spool-full policy, with StorageClosedError after close().
   */
  push(rows: readonly object[]): Promise<void> {
    if (this.#closing || this.#fatal !== undefined) return Promise.reject(this.#fatal ?? this.#closedError("push"));
    if (rows.length === 0) return Promise.resolve();
    let chunks: Chunk[];
    try {
      const columns = this.#columns ?? columnsOf(rows[0] as object);
      chunks = encodeChunks(this.table, rows, columns, this.#settings.maxBatchRows);
      this.#columns = columns; // fixed once a push succeeded in encoding
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      const w: WaitingPush = { chunks, rows: rows.length, resolve, reject, timer: undefined };
      if (this.#settings.durable) attachTicket(chunks, resolve, reject);
      if (this.#buffer.tryAdmit(w)) return;
      if (this.#spoolFull && this.#settings.onSpoolFull === "reject") {
        reject(this.#spoolFullError("the spool is full and the buffer has no room"));
        return;
      }
      this.#buffer.wait(w, this.#settings.blockTimeoutMs, () =>
        reject(this.#spoolFullError(`push waited ${this.#settings.blockTimeoutMs} ms for room in the buffer`)),
      );
    });
  }

  /** Resolves once every row acknowledged before this call is in ClickHouse or in the spool. */
  flush(): Promise<void> {
    return this.#waitFor(this.#flushWaiters);
  }

  /** Like flush(), and also waits until the spool has been replayed (through any outage). */
  drain(): Promise<void> {
    return this.#waitFor(this.#drainWaiters);
  }

  /** Drain memory (see the file header) and stop. Idempotent. Does not close the storage. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  stats(): WriterStats {
    return {
      table: this.table,
      rowsPushed: this.#buffer.admittedRows,
      rowsWritten: this.#rowsWritten,
      rowsReplayed: this.#rowsReplayed,
      rowsSpooled: this.#rowsSpooled,
      rowsRejected: this.#rowsRejected,
      retries: this.#retries,
      batchesWritten: this.#batchesWritten,
      bufferRows: this.#buffer.rows + (this.#pending?.batch.rows ?? 0),
      waitingPushes: this.#buffer.waitingPushes,
      spoolFiles: this.#spool.files,
      spoolBytes: this.#spool.bytes,
      spoolRows: this.#spool.rows,
      degraded: this.#degraded,
      spoolFull: this.#spoolFull,
    };
  }

  // ---- the loop: all I/O happens here, one step at a time ------------------------------------

  async #run(): Promise<void> {
    try {
      for (;;) {
        let progressed = false;
        if (this.#probe.requested) {
          await this.#answerProbe();
          progressed = true;
        }
        if (this.#pending === undefined && this.#batchReady()) this.#pending = this.#buffer.take();
        if (this.#pending !== undefined && !this.#parked()) progressed = (await this.#settlePending(this.#pending)) || progressed;
        if (!this.#degraded && !this.#closing && this.#spool.files > 0) {
          await this.#replayOldest();
          progressed = true;
        }
        this.#resolveWaiters();
        if (this.#closing && this.#pending === undefined && this.#buffer.rows === 0 && this.#buffer.waitingPushes === 0) return;
        if (!progressed) await this.#sleep();
      }
    } catch (err) {
      // Only spool I/O failures we cannot route around land here: fail loudly, never silently.
      this.#fatal = err;
      const lost = this.#buffer.rows + (this.#pending?.batch.rows ?? 0);
      this.#log.error("writer stopped: spool I/O failed", { table: this.table, rowsInMemory: lost, error: String(err) });
      this.#buffer.rejectWaiting(() => err);
      this.#flushWaiters.rejectAll(err);
      this.#drainWaiters.rejectAll(err);
      for (const c of [...this.#buffer.chunks, ...(this.#pending?.chunks ?? [])]) c.ticket?.reject(err);
    }
  }

  #batchReady(): boolean {
    // Besides full or aged: flush/close asked for it, or durable acks group-commit whatever
    // came in while the last insert ran.
    const asked = this.#closing || this.#flushWaiters.size > 0 || this.#drainWaiters.size > 0 || this.#settings.durable;
    return this.#buffer.ready(asked);
  }

  /** A batch waits in memory while ClickHouse is down and the spool is full (until a probe or close). */
  #parked(): boolean {
    return this.#degraded && this.#spoolFull && !this.#closing;
  }

  /** Write the pending batch to ClickHouse, else to the spool. False when it had to stay parked. */
  async #settlePending(p: Batch): Promise<boolean> {
    if (!this.#degraded) {
      const r = await this.#insertBatch(p.batch);
      if (r.ok) {
        this.#wrote(p.batch.rows, false);
        this.#settle(p);
        return true;
      }
      if (isBadData(r.error)) {
        await this.#deadLetter(p.batch, r.error);
        this.#settle(p, r.error);
        return true;
      }
      this.#enterDegraded(r.error);
    }
    const size = Spool.sizeOf(p.batch);
    if (this.#spool.bytes + size > this.#settings.maxSpoolBytes) {
      if (!this.#closing) {
        this.#setSpoolFull();
        return false;
      }
      this.#log.error("closing while ClickHouse is unreachable and the spool is full: spooling past the bound rather than losing acknowledged rows", {
        table: this.table,
        rows: p.batch.rows,
        spoolBytes: this.#spool.bytes,
        maxSpoolBytes: this.#settings.maxSpoolBytes,
      });
    }
    try {
      await this.#spool.append(p.batch, this.#clock.now());
    } catch (err) {
      if (this.#closing) throw err; // nowhere left to keep it: #run reports the loss loudly
      this.#log.error("spool write failed: holding the batch in memory until ClickHouse answers", {
        table: this.table,
        rows: p.batch.rows,
        error: String(err),
      });
      this.#setSpoolFull();
      return false;
    }
    this.#rowsSpooled += p.batch.rows;
    this.#settle(p);
    return true;
  }

  /** Healthy again: replay the oldest spool file. */
  async #replayOldest(): Promise<void> {
    const entry = this.#spool.oldest() as SpoolEntry;
    const batch = await this.#readSpooled(entry);
    if (batch === undefined) return;
    const r = await this.#insertBatch(batch);
    if (r.ok) {
      await this.#spool.remove(entry);
      this.#wrote(batch.rows, true);
      this.#spoolShrank();
    } else if (isBadData(r.error)) {
      await this.#spool.quarantine(entry);
      this.#rejected(batch.rows, entry.path, r.error);
      this.#spoolShrank();
    } else {
      this.#enterDegraded(r.error);
    }
  }

  /** One insert on the retry Schedule; retry sleeps end early on close(). */
  #insertBatch(batch: EncodedBatch): Promise<InsertOutcome> {
    return insertWithRetry(batch, this.#insert, this.#closing);
  }

  async #readSpooled(entry: SpoolEntry): Promise<EncodedBatch | undefined> {
    try {
      return await this.#spool.read(entry);
    } catch (err) {
      if (this.#spool.oldest() === entry) throw err; // could not even move it aside: stop loudly
      // read() has moved the file to rejected/: say so loudly, go on with the next one.
      this.#log.error("spool file unreadable; moved to rejected/", { table: this.table, file: entry.path, rows: entry.rows, error: String(err) });
      this.#rowsRejected += entry.rows;
      this.#spoolShrank();
      return undefined;
    }
  }

  #settle(p: Batch, error?: unknown): void {
    this.#pending = undefined;
    this.#settledRows += p.batch.rows;
    settleChunks(p.chunks, error);
    if (this.#spoolFull && !this.#degraded) this.#spoolShrank();
  }

  #wrote(rows: number, replayed: boolean): void {
    this.#rowsWritten += rows;
    if (replayed) this.#rowsReplayed += rows;
    this.#batchesWritten++;
  }

  async #deadLetter(batch: EncodedBatch, error: StorageError): Promise<void> {
    const path = await this.#spool.deadLetter(batch, this.#clock.now(), error.message);
    this.#rejected(batch.rows, path, error);
  }

  #rejected(rows: number, path: string, error: StorageError): void {
    this.#rowsRejected += rows;
    this.#log.error("ClickHouse rejected a batch as invalid; kept in rejected/, not retried", {
      table: this.table,
      rows,
      file: path,
      error: error.message,
    });
  }

  // ---- health ------------------------------------------------------------------------------

  #enterDegraded(error: StorageError): void {
    if (!this.#degraded) {
      this.#degraded = true;
      this.#log.warn("ClickHouse unreachable: spooling batches to disk until it answers", {
        table: this.table,
        target: this.#sink.target,
        spoolDir: this.#spool.dir,
        error: error.message,
      });
    }
    this.#probe.start();
  }

  #setSpoolFull(): void {
    if (this.#spoolFull) return;
    this.#spoolFull = true;
    const policy = this.#settings.onSpoolFull;
    this.#log.error("SPOOL FULL: ClickHouse unreachable and the spool reached its bound; holding rows in memory, push() now " + (policy === "block" ? "blocks" : "rejects"), {
      table: this.table,
      spoolBytes: this.#spool.bytes,
      maxSpoolBytes: this.#settings.maxSpoolBytes,
      bufferRows: this.#buffer.rows,
    });
    if (policy === "reject") this.#buffer.rejectWaiting(() => this.#spoolFullError("the spool is full and the buffer has no room"));
  }

  #spoolShrank(): void {
    if (!this.#spoolFull) return;
    if (this.#pending !== undefined && this.#degraded) return;
    this.#spoolFull = false;
    this.#log.info("spool has room again", { table: this.table, spoolBytes: this.#spool.bytes });
  }

  /**
   * Answer a probe with one insert attempt: the oldest spool file, else the parked batch. Any
   * answer from ClickHouse, even "invalid data", ends the outage.
   */
  async #answerProbe(): Promise<void> {
    const req = this.#probe.take();
    if (req === undefined) return;
    const entry = this.#spool.oldest();
    const parked = this.#pending;
    let batch: EncodedBatch | undefined;
    if (entry !== undefined) batch = await this.#readSpooled(entry);
    else if (parked !== undefined) batch = parked.batch;
    let error: StorageError | undefined;
    if (batch !== undefined) {
      const r = await insertWithRetry(batch, this.#insert, true);
      if (!r.ok) error = r.error;
    }
    if (error !== undefined && !isBadData(error)) {
      req.reject(error);
      return;
    }
    // ClickHouse answered.
    if (batch !== undefined && entry !== undefined) {
      if (error === undefined) {
        await this.#spool.remove(entry);
        this.#wrote(batch.rows, true);
      } else {
        await this.#spool.quarantine(entry);
        this.#rejected(batch.rows, entry.path, error);
      }
    } else if (batch !== undefined && parked !== undefined) {
      if (error === undefined) this.#wrote(batch.rows, false);
      else await this.#deadLetter(batch, error);
      this.#settle(parked, error);
    }
    this.#degraded = false;
    this.#probe.ended();
    this.#spoolShrank();
    this.#log.info("ClickHouse reachable again: replaying the spool", { table: this.table, spoolFiles: this.#spool.files, spoolRows: this.#spool.rows });
    req.resolve();
  }

  // ---- waiting and waking -------------------------------------------------------------------

  #waitFor(waiters: Waiters): Promise<void> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    const done = waiters.add(this.#buffer.admittedRows);
    this.#resolveWaiters();
    this.#wake();
    return done;
  }

  #resolveWaiters(): void {
    this.#flushWaiters.settled(this.#settledRows);
    if (this.#spool.files > 0 || this.#pending !== undefined) return;
    this.#drainWaiters.settled(this.#settledRows);
  }

  #wake(): void {
    this.#signalled = true;
    const wake = this.#wakeLoop;
    this.#wakeLoop = undefined;
    wake?.();
  }

  async #sleep(): Promise<void> {
    if (!this.#signalled) await new Promise<void>((resolve) => (this.#wakeLoop = resolve));
    this.#signalled = false;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    this.#closeAbort.abort(); // cuts retry sleeps and the probe short
    this.#probe.cancel(this.#closedError("probe"));
    this.#wake();
    try {
      await this.#loop;
    } finally {
      this.#buffer.stop();
      activeDirs.delete(this.#spool.dir);
    }
    if (this.#fatal !== undefined) throw this.#fatal;
    // drain() waiters cannot be satisfied any more: the spool stays for the next writer.
    this.#drainWaiters.rejectAll(this.#closedError("drain"));
    this.#resolveWaiters();
    if (this.#spool.files > 0) {
      this.#log.info("writer closed with a spool left for the next start", { table: this.table, spoolFiles: this.#spool.files, spoolRows: this.#spool.rows });
    }
  }

  #closedError(what: string): StorageClosedError {
    return new StorageClosedError({ message: `${what} on the ${this.table} writer: it is closed`, target: this.#sink.target, retryable: false });
  }

  #spoolFullError(why: string): SpoolFullError {
    return new SpoolFullError({
      message: `${this.table} writer: ${why} (spool ${this.#spool.bytes} of ${this.#settings.maxSpoolBytes} bytes, ClickHouse ${this.#degraded ? "unreachable" : "reachable"})`,
      table: this.table,
      spoolBytes: this.#spool.bytes,
      maxSpoolBytes: this.#settings.maxSpoolBytes,
      retryable: true,
    });
  }
}
